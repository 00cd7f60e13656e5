//! The `:` palette: the commands matching what was typed, best first, the chosen one
//! highlighted, in a box just above the prompt line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, List, ListItem, ListState};

use crate::theme::Theme;
use watchdeck_core::model::Model;
use watchdeck_core::model::input::PromptKind;
use watchdeck_core::model::palette::matching;

/// Most entries shown at once.
const MAX_ROWS: u16 = 12;

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme) {
    let Some(prompt) = &model.ui.prompt else {
        return;
    };
    if prompt.kind != PromptKind::Palette {
        return;
    }
    let screen = frame.area();
    let entries = matching(model, prompt.line.text());
    let rows = u16::try_from(entries.len())
        .unwrap_or(u16::MAX)
        .clamp(1, MAX_ROWS);
    // Leave the title bar and the prompt line visible.
    let height = (rows + 2).min(screen.height.saturating_sub(2));
    let width = screen.width.min(64);
    if height < 3 || width < 8 {
        return;
    }
    let area = Rect::new(
        screen.x,
        screen.y + screen.height - 1 - height,
        width,
        height,
    );
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .style(theme.base)
        .title(Line::styled(
            format!(" Commands ({}) ", entries.len()),
            theme.title,
        ));
    frame.render_widget(Clear, area);
    if entries.is_empty() {
        let empty = List::new([ListItem::new(Line::styled(
            "no matching command",
            theme.muted,
        ))])
        .block(block);
        frame.render_widget(empty, area);
        return;
    }
    let items: Vec<ListItem> = entries
        .iter()
        .map(|e| ListItem::new(Line::styled(e.label.as_str(), theme.base)))
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selected)
        .highlight_symbol("› ");
    let mut state = ListState::default().with_selected(Some(prompt.selected));
    frame.render_stateful_widget(list, area, &mut state);
}
