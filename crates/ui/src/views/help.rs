//! The `?` overlay: every binding of the model's keymap (defaults plus config overrides),
//! grouped under headings, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Clear, Row, Table};

use crate::popups::centered;
use crate::theme::Theme;
use watchdeck_core::model::Model;

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme) {
    let groups = model.keymap.help_groups();
    let keys_width = groups
        .iter()
        .flat_map(|(_, lines)| lines)
        .map(|(keys, _)| Line::raw(keys.as_str()).width())
        .max()
        .unwrap_or(0);
    let help_width = groups
        .iter()
        .flat_map(|(group, lines)| lines.iter().map(|(_, h)| h.len()).chain([group.len()]))
        .max()
        .unwrap_or(0);
    let mut rows = Vec::new();
    for (group, lines) in groups {
        rows.push(Row::new([
            Cell::from(""),
            Cell::from(group).style(theme.title),
        ]));
        for (keys, help) in lines {
            rows.push(Row::new([
                Cell::from(keys).style(theme.header),
                Cell::from(help).style(theme.base),
            ]));
        }
    }
    let width = u16::try_from(keys_width + help_width + 7).unwrap_or(u16::MAX);
    let height = u16::try_from(rows.len() + 2).unwrap_or(u16::MAX);
    let area = centered(frame.area(), width, height);
    // Taller than the terminal: scroll with the movement keys, and say there is more.
    let visible = usize::from(area.height.saturating_sub(2));
    let scroll = model.ui.help_scroll.min(rows.len().saturating_sub(visible));
    let more_below = scroll + visible < rows.len();
    let rows: Vec<Row> = rows.into_iter().skip(scroll).collect();
    let hint = match (scroll > 0, more_below) {
        (false, false) => " ? or Esc closes ",
        (false, true) => " ↓ j more · ? or Esc closes ",
        (true, true) => " ↑ k · ↓ j more · Esc closes ",
        (true, false) => " ↑ k · ? or Esc closes ",
    };
    let widths = [
        Constraint::Length(u16::try_from(keys_width).unwrap_or(u16::MAX)),
        Constraint::Fill(1),
    ];
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .style(theme.base)
        .title(Line::styled(" Keys ", theme.title))
        .title_bottom(Line::styled(hint, theme.muted).right_aligned());
    frame.render_widget(Clear, area);
    frame.render_widget(
        Table::new(rows, widths).column_spacing(2).block(block),
        area,
    );
}
