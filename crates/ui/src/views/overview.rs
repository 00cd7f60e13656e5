//! The first screen: title bar, cluster bands, the SLO band, worst services, the merged pods
//! table, firing alerts, key hints.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::Block;

use crate::ViewInfo;
use crate::theme::Theme;
use crate::widgets::{alerts, bands, pods, slo_gauges, status, worst};
use watchdeck_core::model::{Model, Pane};

/// Border, header and two alerts.
const ALERTS_MIN_HEIGHT: u16 = 5;

pub const SCREEN: super::Screen = super::Screen {
    view: watchdeck_core::screen::View::Overview,
    render,
    snapshot_sizes: super::STANDARD_SIZES,
};

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    // The bands never take more than a third of the screen.
    let bands_height = bands::height(model).min(area.height / 3).max(3);
    let worst_height = worst::height(model, area.height);
    let slo_height = slo_gauges::height(model, area.height);
    let [title, bands_area, slo_area, worst_area, lists, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(bands_height),
        Constraint::Length(slo_height),
        Constraint::Length(worst_height),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    // Alerts get what they need up to two fifths of the lists (but room for two firing
    // alerts, so a small terminal still shows them), pods the rest.
    let alerts_height = alerts::wanted_height(model)
        .min((lists.height * 2 / 5).max(ALERTS_MIN_HEIGHT))
        .max(3);
    let [pods_area, alerts_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(alerts_height)]).areas(lists);

    status::render_title(frame, title, model, theme, now);
    bands::render(frame, bands_area, model, theme, now);
    slo_gauges::render(frame, slo_area, model, theme);
    worst::render(frame, worst_area, model, theme);
    let focus = model.ui.focus;
    let pods_rows = pods::render(frame, pods_area, model, theme, now, focus == Pane::Pods);
    let alerts_rows = alerts::render(frame, alerts_area, model, theme, now, focus == Pane::Alerts);
    status::render_hints(frame, hints, model, theme);
    let mut info = ViewInfo {
        pods_rows,
        alerts_rows,
        ..ViewInfo::default()
    };
    info.layout.pods = Some(crate::list_rows_area(pods_area));
    info.layout.alerts = Some(crate::list_rows_area(alerts_area));
    info
}
