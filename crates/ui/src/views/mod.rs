//! Whole screens composed from widgets, one per file: overview, services, pods, alerts, SLOs
//! and workloads, plus the help overlay.

pub mod alerts;
pub mod help;
pub mod overview;
pub mod pods;
pub mod services;
pub mod slos;
pub mod workloads;

use ratatui::layout::{Constraint, Layout, Rect};

/// The three rows every screen shares: title bar, body, key hints.
pub fn frame_rows(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area)
}
