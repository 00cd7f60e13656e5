//! Rendering: a pure function of the model, the theme and a `now` passed in. Never reads the
//! clock, never does IO, never imports tokio, reqwest or kube.

pub mod theme;
pub mod views;
pub mod widgets;

#[cfg(test)]
mod services_tests;
#[cfg(test)]
mod tests;

use jiff::Timestamp;
use ratatui::Frame;

use crate::model::{Model, View};
use theme::Theme;

/// What the last frame learnt about the layout: rows visible in each list (paging needs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ViewInfo {
    pub pods_rows: usize,
    pub alerts_rows: usize,
    /// Rows visible in the services table (0 when not on screen).
    pub services_rows: usize,
    /// Columns of the services chart's plot (0 when not on screen).
    pub chart_columns: u16,
}

/// Draws the whole screen for `model` at `now`.
pub fn view(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let info = match model.ui.view {
        View::Overview => views::overview::render(frame, model, theme, now),
        View::Services => views::services::render(frame, model, theme, now),
        View::Pods => views::pods::render(frame, model, theme, now),
        View::Alerts => views::alerts::render(frame, model, theme, now),
    };
    if model.ui.show_help {
        views::help::render(frame, theme);
    }
    info
}
