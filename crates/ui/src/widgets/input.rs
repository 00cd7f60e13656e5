//! The bottom line while a prompt is open: `/` or `:`, the text with its cursor, and what
//! Enter and Esc will do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::theme::Theme;
use watchdeck_core::model::Model;
use watchdeck_core::model::input::{InputLine, PromptKind};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let Some(prompt) = &model.ui.prompt else {
        return;
    };
    let (sigil, help) = match prompt.kind {
        PromptKind::Filter(_) => ("/", "  Enter keep · Esc clear · ns: status: node: !not"),
        PromptKind::Palette => (":", "  ↑↓ choose · Enter run · Esc close"),
    };
    let mut spans = vec![Span::styled(sigil, theme.title)];
    spans.extend(edited(&prompt.line, theme));
    spans.push(Span::styled(help, theme.muted));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), area);
}

/// A line being edited: its text with the cursor shown on the character under it (the
/// bottom-line prompt and the runbook parameter form draw their inputs this way).
pub fn edited(line: &InputLine, theme: &Theme) -> [Span<'static>; 3] {
    let text = line.text();
    let cursor = line.cursor();
    let before: String = text.chars().take(cursor).collect();
    let under: String = text.chars().nth(cursor).map_or(" ".into(), String::from);
    let after: String = text.chars().skip(cursor + 1).collect();
    [
        Span::styled(before, theme.base),
        Span::styled(under, theme.selected),
        Span::styled(after, theme.base),
    ]
}
