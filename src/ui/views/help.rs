//! The `?` overlay: every binding of the keymap, generated from the keymap table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Clear, Row, Table};

use crate::action::help_lines;
use crate::ui::theme::Theme;

pub fn render(frame: &mut Frame, theme: &Theme) {
    let lines = help_lines();
    let keys_width = lines
        .iter()
        .map(|(keys, _)| Line::raw(keys.as_str()).width())
        .max()
        .unwrap_or(0);
    let help_width = lines.iter().map(|(_, help)| help.len()).max().unwrap_or(0);
    let width = u16::try_from(keys_width + help_width + 7).unwrap_or(u16::MAX);
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = centered(frame.area(), width, height);
    let rows = lines.into_iter().map(|(keys, help)| {
        Row::new([
            Cell::from(keys).style(theme.header),
            Cell::from(help).style(theme.base),
        ])
    });
    let widths = [
        Constraint::Length(u16::try_from(keys_width).unwrap_or(u16::MAX)),
        Constraint::Fill(1),
    ];
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .style(theme.base)
        .title(Line::styled(" Keys ", theme.title))
        .title_bottom(Line::styled(" ? or Esc closes ", theme.muted).right_aligned());
    frame.render_widget(Clear, area);
    frame.render_widget(
        Table::new(rows, widths).column_spacing(2).block(block),
        area,
    );
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}
