//! Whole screens composed from widgets, one per file (or folder): overview, services, pods,
//! alerts, SLOs and workloads, plus the help overlay. Each screen's file declares its
//! [`Screen`] (render function, snapshot sizes), registered once in [`SCREENS`]; `view()`
//! draws through it and the shell's snapshot test iterates it. This is the UI half of a
//! screen's declaration; the behaviour half is `watchdeck_core::update::screens` (core cannot
//! name ratatui), in the same `View::ALL` order, which a test here checks.

pub mod alerts;
pub mod help;
pub mod overview;
pub mod pods;
pub mod services;
pub mod slos;
pub mod workloads;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use watchdeck_core::model::Model;
use watchdeck_core::screen::View;

use crate::ViewInfo;
use crate::theme::Theme;

/// How one screen is drawn, declared once in its file.
pub struct Screen {
    pub view: View,
    /// Draws the whole screen (title bar, body, key hints); overlays are drawn above it.
    pub render: fn(&mut Frame, &Model, &Theme, Timestamp) -> ViewInfo,
    /// Terminal sizes (width, height) the screen's snapshots are taken at, named
    /// `screen_<title>_<width>x<height>`.
    pub snapshot_sizes: &'static [(u16, u16)],
}

/// The sizes every screen is snapshotted at: a roomy terminal and the classic 80x24.
pub const STANDARD_SIZES: &[(u16, u16)] = &[(120, 40), (80, 24)];

/// Every screen's rendering, in `View::ALL` (tab) order.
pub static SCREENS: [Screen; View::ALL.len()] = [
    overview::SCREEN,
    services::SCREEN,
    pods::SCREEN,
    alerts::SCREEN,
    slos::SCREEN,
    workloads::SCREEN,
];

/// The rendering of `view`.
pub fn screen(view: View) -> &'static Screen {
    &SCREENS[view.index()]
}

/// The three rows every screen shares: title bar, body, key hints.
pub fn frame_rows(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_halves_register_every_view_in_tab_order() {
        let drawn: Vec<View> = SCREENS.iter().map(|s| s.view).collect();
        let handled: Vec<View> = watchdeck_core::update::screens::ALL
            .iter()
            .map(|s| s.view)
            .collect();
        assert_eq!(drawn, View::ALL);
        assert_eq!(handled, View::ALL);
        for view in View::ALL {
            assert_eq!(screen(view).view, view);
            assert!(!screen(view).snapshot_sizes.is_empty(), "{view:?}");
        }
    }
}
