//! The replica count popup of `x`: the workload, its current count, the count being typed,
//! and why the last Enter was refused.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::theme::Theme;
use watchdeck_core::model::workload_view::ScalePopup;

pub fn render(frame: &mut Frame, popup: &ScalePopup, theme: &Theme) {
    let target = popup.target.to_string();
    let width = u16::try_from(target.chars().count() + 8)
        .unwrap_or(u16::MAX)
        .clamp(44, 72);
    let area = centered(frame.area(), width, 9);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .title(Line::styled(
            format!(" Scale {} ", popup.target.kind.keyword()),
            theme.title,
        ))
        .style(theme.base);
    let input_style = if popup.prefilled {
        theme.selected
    } else {
        theme.base
    };
    let mut lines = vec![
        Line::styled(target, theme.label),
        Line::from(vec![
            Span::styled("now ", theme.muted),
            Span::raw(popup.current.to_string()),
            Span::styled(" replicas", theme.muted),
        ]),
        Line::from(vec![
            Span::styled("replicas: ", theme.header),
            Span::styled(popup.input.text().to_string(), input_style),
            Span::styled("▏", theme.muted),
        ]),
    ];
    match &popup.error {
        Some(error) => lines.push(Line::styled(error.as_str().to_string(), theme.bad)),
        None => lines.push(Line::default()),
    }
    lines.push(Line::styled(
        "digits or ↑/↓ · Enter: plan (permission, dry run, diff) · Esc: cancel",
        theme.muted,
    ));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        area,
    );
}
