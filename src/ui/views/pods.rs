//! The Pods screen: every pod of every cluster in one table.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::widgets::Block;

use crate::model::Model;
use crate::ui::ViewInfo;
use crate::ui::theme::Theme;
use crate::ui::widgets::{pods, status};

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    let [title, body, hints] = super::frame_rows(area);
    status::render_title(frame, title, model, theme, now);
    let pods_rows = pods::render(frame, body, model, theme, now, true);
    status::render_hints(frame, hints, theme);
    ViewInfo {
        pods_rows,
        alerts_rows: 0,
        ..ViewInfo::default()
    }
}
