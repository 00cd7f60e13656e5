//! The runbook chooser (`b` on an alert: its suggested runbooks, best first) and the
//! parameter form every runbook entry point opens: one line per parameter with its value
//! being typed, where the value came from, and the reason it is refused while it is invalid.
//! Drawn from the model; keys are handled in `update::runbook_entry`.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::theme::Theme;
use crate::widgets::input::edited;
use watchdeck_core::model::Model;
use watchdeck_core::model::run_form::{ParamForm, RunChooser, RunEntry, library_runbook};

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme) {
    match &model.ui.run_entry {
        Some(RunEntry::Choose(chooser)) => chooser_popup(frame, model, chooser, theme),
        Some(RunEntry::Form(form)) => form_popup(frame, model, form, theme),
        None => {}
    }
}

fn bordered<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .border_style(theme.border_focus)
        .title(Line::styled(title, theme.title))
        .style(theme.base)
}

fn chooser_popup(frame: &mut Frame, model: &Model, chooser: &RunChooser, theme: &Theme) {
    let mut lines = vec![Line::styled(chooser.alert.clone(), theme.label)];
    for (i, (id, _)) in chooser.options.iter().enumerate() {
        let title = library_runbook(model, id).map_or("", |r| r.title.as_str());
        let marker = if i == chooser.selected { "›" } else { " " };
        let best = if i == 0 { " (best match)" } else { "" };
        let style = if i == chooser.selected {
            theme.selected
        } else {
            theme.base
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker} {id}"), style),
            Span::styled(format!("  {title}{best}"), theme.muted),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "↑/↓ choose · Enter: parameters · Esc: cancel",
        theme.muted,
    ));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = centered(frame.area(), 76, height);
    frame.render_widget(Clear, area);
    let block = bordered(" Suggested runbooks, best first ".to_string(), theme);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn form_popup(frame: &mut Frame, model: &Model, form: &ParamForm, theme: &Theme) {
    let Some(runbook) = library_runbook(model, &form.runbook) else {
        return;
    };
    let clusters: Vec<String> = model.clusters.iter().map(|c| c.name.to_string()).collect();
    let checks = form.checks(runbook, &clusters);
    let name_width = form
        .fields
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines = vec![Line::styled(runbook.title.clone(), theme.label)];
    if let Some(alert) = &form.alert {
        lines.push(Line::styled(format!("for {alert}"), theme.muted));
    }
    for (i, (field, check)) in form.fields.iter().zip(&checks).enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "›" } else { " " };
        let mut spans = vec![Span::styled(
            format!("{marker} {:<name_width$} ", field.name),
            theme.header,
        )];
        if focused {
            spans.extend(edited(&field.line, theme));
        } else {
            spans.push(Span::styled(field.line.text().to_string(), theme.base));
        }
        match check {
            Ok(_) if field.source.is_empty() => spans.push(Span::styled("  ✓", theme.ok)),
            Ok(_) => spans.push(Span::styled(format!("  ✓ {}", field.source), theme.muted)),
            Err(_) => spans.push(Span::styled("  ✗", theme.bad)),
        }
        lines.push(Line::from(spans));
        if let Err(why) = check {
            lines.push(Line::styled(format!("    {why}"), theme.bad));
        }
    }
    lines.push(Line::default());
    let invalid = checks.iter().filter(|c| c.is_err()).count();
    let enter = match invalid {
        0 => "Enter: start (plan, dry run, confirmations follow)".to_string(),
        1 => "Enter waits: 1 value is invalid".to_string(),
        n => format!("Enter waits: {n} values are invalid"),
    };
    lines.push(Line::styled(
        format!("Tab/↑/↓ move · {enter} · Esc: cancel"),
        if invalid == 0 {
            theme.muted
        } else {
            theme.warn
        },
    ));
    let area = frame.area();
    let width = area.width.saturating_sub(4).min(90);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    // Wrapped reasons take more than one row: count them so nothing is cut.
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    let block = bordered(format!(" Run {} ", runbook.id), theme);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        popup,
    );
}
