//! The Pods screen: every pod of every cluster in one sortable table, with the describe
//! panel (Enter) or the live `/metrics` panel (`m`) of the selected pod beside or below it.
//!
//! ```text
//! title ─────────────────────────────────────────────
//! pods table (sorted column marked ▲/▼)   │ panel     (wide: side by side)
//! ──────────────────────────────────────────────────
//! key hints
//! ```

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Block;

use crate::ViewInfo;
use crate::theme::Theme;
use crate::widgets::{pod_describe, pod_metrics, pods, status};
use watchdeck_core::model::Model;
use watchdeck_core::model::pod_view::PodPanel;
use watchdeck_core::model::rows::pod_list;

/// From this width the panel sits beside the table instead of below it.
pub const SIDE_BY_SIDE_WIDTH: u16 = 180;

pub const SCREEN: super::Screen = super::Screen {
    view: watchdeck_core::screen::View::Pods,
    render,
    snapshot_sizes: super::STANDARD_SIZES,
};

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    let [title, body, hints] = super::frame_rows(area);
    status::render_title(frame, title, model, theme, now);
    let panel = model.podview.panel;
    let (table_area, panel_area) = split(body, panel);
    let pods_rows = pods::render(frame, table_area, model, theme, now, true);
    if let Some(panel_area) = panel_area {
        let list = pod_list(model);
        let entry = list.get(list.selected());
        match panel {
            PodPanel::Describe => {
                let kube = entry
                    .as_ref()
                    .and_then(|e| model.clusters.get(e.cluster))
                    .map(|c| &c.kube);
                pod_describe::render(frame, panel_area, entry, kube, theme, now);
            }
            PodPanel::Metrics => {
                let metrics = model.podview.metrics.as_ref();
                pod_metrics::render(frame, panel_area, entry, metrics, theme, now);
            }
            PodPanel::None => {}
        }
    }
    status::render_hints(frame, hints, model, theme);
    let mut info = ViewInfo {
        pods_rows,
        alerts_rows: 0,
        ..ViewInfo::default()
    };
    info.layout.pods = Some(crate::list_rows_area(table_area));
    info
}

/// The table's area and the panel's (if one is open).
fn split(body: Rect, panel: PodPanel) -> (Rect, Option<Rect>) {
    if panel == PodPanel::None {
        return (body, None);
    }
    if body.width >= SIDE_BY_SIDE_WIDTH {
        let [table, side] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(body);
        return (table, Some(side));
    }
    let table_height = (body.height * 2 / 5).max(5.min(body.height));
    let [table, below] =
        Layout::vertical([Constraint::Length(table_height), Constraint::Fill(1)]).areas(body);
    (table, Some(below))
}

#[cfg(test)]
mod tests;
