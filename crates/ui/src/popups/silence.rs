//! The silence form (matchers, duration, comment, author) with the live preview of the
//! alerts its matchers catch. Drawn from the model; keys are handled in `update::silence`;
//! a submitted form becomes a run in the run panel.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::theme::Theme;
use crate::widgets::alert_groups::key_labels;
use crate::widgets::input::field_text;
use watchdeck_core::model::Model;
use watchdeck_core::model::input::InputLine;
use watchdeck_core::model::silence_form::{Field, SilenceForm, preview};

/// Preview rows listed before "… and n more".
const PREVIEW_ROWS: usize = 6;

fn cluster_name(model: &Model, cluster: usize) -> String {
    model
        .clusters
        .get(cluster)
        .map_or_else(|| format!("cluster {cluster}"), |c| c.name.to_string())
}

pub fn render(frame: &mut Frame, model: &Model, form: &SilenceForm, theme: &Theme) {
    let area = frame.area();
    let width = area.width.saturating_sub(4).min(100);
    let text_width = usize::from(width.saturating_sub(16));
    let field = |label: &str, value: &InputLine, focused: bool| {
        let marker = if focused { "›" } else { " " };
        Line::from(vec![
            Span::styled(format!("{marker} {label:<11}"), theme.header),
            Span::styled(
                field_text(value, text_width.saturating_sub(1), focused),
                if focused { theme.selected } else { theme.base },
            ),
        ])
    };
    let mut lines = vec![Line::styled(
        "matchers: name=\"value\", !=, =~, !~ · Ctrl-N add · Ctrl-U clear",
        theme.muted,
    )];
    for (i, matcher) in form.matchers.iter().enumerate() {
        lines.push(field("matcher", matcher, form.focus == Field::Matcher(i)));
    }
    lines.push(field(
        "duration",
        &form.duration,
        form.focus == Field::Duration,
    ));
    lines.push(field(
        "comment",
        &form.comment,
        form.focus == Field::Comment,
    ));
    lines.push(field("author", &form.author, form.focus == Field::Author));
    if let Some(error) = &form.error {
        lines.push(Line::styled(format!("✗ {error}"), theme.bad));
    }
    lines.push(Line::raw(""));
    lines.extend(preview_lines(model, form, theme));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter review the silence · Tab/↑/↓ field · Esc cancel",
        theme.muted,
    ));
    let popup = centered(area, width, wrapped_height(&lines, width));
    let title = format!(" New silence in {} ", cluster_name(model, form.cluster));
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .style(theme.base)
        .title(Line::styled(title, theme.title));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}

/// Rows `lines` take when wrapped inside a bordered popup `width` columns wide.
fn wrapped_height(lines: &[Line<'_>], width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

fn preview_lines<'a>(model: &'a Model, form: &SilenceForm, theme: &Theme) -> Vec<Line<'a>> {
    let preview = preview(model, form);
    if let Some(error) = preview.error {
        return vec![Line::styled(format!("preview: {error}"), theme.bad)];
    }
    let cluster = cluster_name(model, form.cluster);
    let elsewhere = if preview.elsewhere > 0 {
        format!(" (+{} in other clusters, not affected)", preview.elsewhere)
    } else {
        String::new()
    };
    let mut lines = vec![Line::styled(
        format!(
            "Catches {} alert{} in {cluster}{elsewhere}",
            preview.caught.len(),
            if preview.caught.len() == 1 { "" } else { "s" }
        ),
        if preview.caught.is_empty() {
            theme.warn
        } else {
            theme.header
        },
    )];
    for entry in preview.caught.iter().take(PREVIEW_ROWS) {
        let style: Style = if entry.alert.is_active() {
            theme.base
        } else {
            theme.muted
        };
        lines.push(Line::styled(
            format!(
                "  {} · {}  {}",
                entry.alert.name,
                entry.alert.severity.label(),
                key_labels(entry.alert)
            ),
            style,
        ));
    }
    if preview.caught.len() > PREVIEW_ROWS {
        lines.push(Line::styled(
            format!("  … and {} more", preview.caught.len() - PREVIEW_ROWS),
            theme.muted,
        ));
    }
    lines
}
