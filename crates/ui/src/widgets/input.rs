//! Text inputs, drawn one way from the one editor (`model::input::InputLine`): the bottom
//! line while a prompt is open (`/` or `:`, the text with a block cursor, and what Enter and
//! Esc will do), and fields inside popups (a bar cursor, long text scrolled to the cursor).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::theme::Theme;
use watchdeck_core::model::Model;
use watchdeck_core::model::input::{InputLine, PromptKind};
use watchdeck_core::text::Text;

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

/// A field inside a popup: the text with a bar (`▏`) at the cursor when `focused`, showing the
/// `room` characters that end at the cursor (where typing happens) and what follows it.
pub fn field_text(line: &InputLine, room: usize, focused: bool) -> String {
    let text = Text::new(line.text());
    let chars: Vec<char> = text.as_str().chars().collect();
    let cursor = line.cursor().min(chars.len());
    let start = cursor.saturating_sub(room);
    let before: String = chars[start..cursor].iter().collect();
    let after: String = chars[cursor..].iter().collect();
    let bar = if focused { "▏" } else { "" };
    format!("{before}{bar}{after}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use watchdeck_core::action::Key;

    #[test]
    fn fields_show_the_bar_at_the_cursor_and_the_end_that_fits() {
        let mut line = InputLine::with_text("prod-eu-1/shop/payment");
        assert_eq!(field_text(&line, 40, true), "prod-eu-1/shop/payment▏");
        assert_eq!(field_text(&line, 40, false), "prod-eu-1/shop/payment");
        assert_eq!(field_text(&line, 7, true), "payment▏");
        for _ in 0..8 {
            line.edit(Key::Left);
        }
        assert_eq!(field_text(&line, 40, true), "prod-eu-1/shop▏/payment");
        assert_eq!(field_text(&line, 4, true), "shop▏/payment");
    }
}
