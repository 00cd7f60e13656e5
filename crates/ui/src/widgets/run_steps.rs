//! The run panel's step list and the shown step's detail: a status mark per step (signs
//! that read without colour), and the step's status, guidance, diff and log as wrapped
//! lines ready to scroll.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use watchdeck_core::runbook::params::Values;
use watchdeck_core::runbook::resolve::display_text;

use super::run_text::{self, Kind, cut, wrap};
use crate::theme::Theme;
use watchdeck_core::runbook::engine::{StepState, StepStatus};
use watchdeck_core::runbook::op::DiffLine;
use watchdeck_core::runbook::spec::Step;
use watchdeck_core::text::Text;

/// The mark and style of a step's status.
pub fn mark(status: &StepStatus, theme: &Theme) -> (&'static str, Style) {
    match status {
        StepStatus::Pending => ("·", theme.muted),
        StepStatus::Running(_) => ("▶", theme.warn),
        StepStatus::Asking => ("?", theme.warn),
        StepStatus::Done(_) => ("✓", theme.ok),
        StepStatus::Skipped(_) => ("–", theme.muted),
        StepStatus::Failed(_) => ("✗", theme.bad),
        StepStatus::Unknown(_) => ("!", theme.bad),
    }
}

/// `running: dry run`, `done: scaled to 16`, ...
pub fn status_text(status: &StepStatus) -> String {
    match status {
        StepStatus::Pending => "pending".to_string(),
        StepStatus::Running(what) => format!("running: {what}"),
        StepStatus::Asking => "waiting for you".to_string(),
        StepStatus::Done(what) => format!("done: {what}"),
        StepStatus::Skipped(what) => format!("skipped: {what}"),
        StepStatus::Failed(why) => format!("failed: {why}"),
        StepStatus::Unknown(why) => format!("outcome unknown: {why}"),
    }
}

/// One list row per step, `columns` wide; `shown` is highlighted.
pub fn list<'a>(
    steps: &[Step],
    values: &Values,
    states: &[StepState],
    shown: Option<usize>,
    columns: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let status = states.get(i).map_or(&StepStatus::Pending, |s| &s.status);
            let (sign, style) = mark(status, theme);
            let label = super::fit(
                &format!(
                    "{}. {}",
                    i + 1,
                    Text::new(&display_text(&step.title, values)).as_str()
                ),
                columns.saturating_sub(2),
            );
            let label_style = if shown == Some(i) {
                theme.selected
            } else {
                theme.base
            };
            Line::from(vec![
                Span::styled(format!("{sign} "), style),
                Span::styled(label, label_style),
            ])
        })
        .collect()
}

/// The detail of step `index`: title, status, guidance, diff (`-` removed, `+` added,
/// context dim) and log, wrapped to `columns`.
pub fn detail<'a>(
    index: usize,
    step: &Step,
    values: &Values,
    state: Option<&StepState>,
    columns: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let title = format!(
        "{}. {}",
        index + 1,
        Text::new(&display_text(&step.title, values)).as_str()
    );
    for text in wrap(&title, columns, "   ") {
        lines.push(Line::styled(text, theme.header));
    }
    let status = state.map_or(&StepStatus::Pending, |s| &s.status);
    let (sign, style) = mark(status, theme);
    let status_line = format!(
        "{sign} {} · {}",
        step.kind.keyword(),
        Text::new(&status_text(status)).as_str()
    );
    for text in wrap(&status_line, columns, "  ") {
        lines.push(Line::styled(text, style));
    }
    let guidance = run_text::guidance(&display_text(&step.guidance, values), columns);
    if !guidance.is_empty() {
        lines.push(Line::raw(""));
    }
    for row in guidance {
        let style = match row.kind {
            Kind::Heading => theme.title,
            Kind::Code => theme.muted,
            Kind::Text | Kind::Blank => theme.base,
        };
        lines.push(Line::styled(row.text, style));
    }
    let Some(state) = state else {
        return lines;
    };
    if !state.diff.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Diff", theme.header));
        for diff in &state.diff {
            let (sign, text, style) = match diff {
                DiffLine::Removed(text) => ("- ", text, theme.bad),
                DiffLine::Added(text) => ("+ ", text, theme.ok),
                DiffLine::Context(text) => ("  ", text, theme.muted),
            };
            let text = format!("{sign}{}", Text::new(text).as_str());
            for part in cut(&text, columns) {
                lines.push(Line::styled(part, style));
            }
        }
    }
    if !state.log.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Log", theme.header));
        for entry in &state.log {
            for text in wrap(Text::new(entry).as_str(), columns, "  ") {
                lines.push(Line::styled(text, theme.base));
            }
        }
    }
    lines
}
