//! The Services screen: the RED table of every service in every cluster, and below it the
//! selected service's charts over 15m, 1h, 6h or 24h.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::Block;

use crate::ViewInfo;
use crate::theme::Theme;
use crate::widgets::{chart, services, status};
use watchdeck_core::model::Model;

pub const SCREEN: super::Screen = super::Screen {
    view: watchdeck_core::screen::View::Services,
    render,
    snapshot_sizes: super::STANDARD_SIZES,
};

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    let [title, body, hints] = super::frame_rows(area);
    status::render_title(frame, title, model, theme, now);
    // The charts take about two fifths, and at least 8 rows when there is room.
    let chart_height = (body.height * 2 / 5).max(8.min(body.height / 2));
    let [table_area, chart_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(chart_height)]).areas(body);
    let services_rows = services::render(frame, table_area, model, theme, now);
    let chart_columns = chart::render(frame, chart_area, model, theme);
    status::render_hints(frame, hints, model, theme);
    ViewInfo {
        services_rows,
        chart_columns,
        ..ViewInfo::default()
    }
}
