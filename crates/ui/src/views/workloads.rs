//! The Workloads screen: Deployments and StatefulSets of every shown cluster (replicas,
//! images, revision, paused, age) above the CNPG databases (primary, instances, replica
//! mode), with the scale and rollback popups of its direct actions.
//!
//! ```text
//! ┌ Workloads (5) ──────────────────────────────────────── 2/7 ┐
//! │ CLUSTER  NAMESPACE  KIND  NAME  DESIRED READY UPD  IMAGE… │
//! ├ Databases (2) ─────────────────────────────────────────────┤
//! │ CLUSTER  NAMESPACE  NAME  PRIMARY  READY  REPLICA OF  PHASE│
//! └────────────────────────────────────────────────────────────┘
//! ```

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::Block;

use crate::ViewInfo;
use crate::theme::Theme;
use crate::widgets::{status, workloads_table};
use watchdeck_core::model::Model;

pub const SCREEN: super::Screen = super::Screen {
    view: watchdeck_core::screen::View::Workloads,
    render,
    snapshot_sizes: super::STANDARD_SIZES,
};

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    let [title, body, hints] = super::frame_rows(area);
    status::render_title(frame, title, model, theme, now);
    let databases = workloads_table::database_count(model);
    // The databases table: its rows plus border and header, at most a third of the body.
    let db_height = if databases == 0 {
        3
    } else {
        u16::try_from(databases + 3)
            .unwrap_or(u16::MAX)
            .min(body.height / 3)
            .max(4)
    };
    let [top, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(db_height)]).areas(body);
    let mut info = ViewInfo::default();
    info.layout.workloads = Some(workloads_table::render_workloads(
        frame, top, model, theme, now,
    ));
    info.layout.databases = Some(workloads_table::render_databases(
        frame, bottom, model, theme,
    ));
    status::render_hints(frame, hints, model, theme);
    info
}
