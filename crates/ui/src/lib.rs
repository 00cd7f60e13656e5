//! Rendering: a pure function of the model, the theme and a `now` passed in. Never reads the
//! clock, never does IO, never imports tokio, reqwest or kube.

pub mod popups;
pub mod theme;
pub mod views;
pub mod widgets;

#[cfg(test)]
mod alert_tests;
#[cfg(test)]
mod run_form_tests;
#[cfg(test)]
mod run_tests;
#[cfg(test)]
mod services_tests;
#[cfg(test)]
mod shell_tests;
#[cfg(test)]
mod slo_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod workloads_tests;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::buffer::Buffer;

use theme::Theme;
use watchdeck_core::model::Model;
use watchdeck_core::model::layout::{Area, ScreenLayout};
use watchdeck_core::model::workload_view::ActionPopup;

/// What the last frame learnt about the layout: rows visible in each list (paging needs it)
/// and where the tabs and list rows are (the mouse needs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ViewInfo {
    pub pods_rows: usize,
    pub alerts_rows: usize,
    /// Tabs and list rows, for mouse hit-testing.
    pub layout: ScreenLayout,
    /// Rows visible in the services table (0 when not on screen).
    pub services_rows: usize,
    /// Columns of the services chart's plot (0 when not on screen).
    pub chart_columns: u16,
}

/// The data rows of a bordered table drawn in `pane`: inside the border, below the header.
pub fn list_rows_area(pane: ratatui::layout::Rect) -> Area {
    Area::new(
        pane.x.saturating_add(1),
        pane.y.saturating_add(2),
        pane.width.saturating_sub(2),
        pane.height.saturating_sub(3),
    )
}

/// [`view`] with a story's caption in the bottom rows (the console draws above it).
pub fn view_captioned(
    frame: &mut Frame,
    model: &Model,
    theme: &Theme,
    now: Timestamp,
    caption: Option<&widgets::caption::Caption>,
) -> ViewInfo {
    match caption {
        Some(caption) => {
            widgets::caption::above(frame, caption, theme, |f| view(f, model, theme, now))
        }
        None => view(frame, model, theme, now),
    }
}

/// Draws the whole screen for `model` at `now`.
pub fn view(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let mut info = (views::screen(model.ui.view).render)(frame, model, theme, now);
    let screen = frame.area();
    info.layout.tabs = widgets::status::tab_areas(
        ratatui::layout::Rect {
            height: screen.height.min(1),
            ..screen
        },
        widgets::status::reserved(model, now),
    );
    popups::palette::render(frame, model, theme);
    if model.ui.slo.sla {
        popups::sla::render(frame, model, theme);
    }
    match &model.ui.workloads.popup {
        Some(ActionPopup::Scale(popup)) => popups::scale::render(frame, popup, theme),
        Some(ActionPopup::Rollback(popup)) => popups::rollback::render(frame, popup, theme, now),
        None => {}
    }
    if let Some(form) = &model.ui.silence {
        popups::silence::render(frame, model, form, theme);
    }
    popups::run_form::render(frame, model, theme);
    if model.runs.panel.visible {
        popups::run::render(frame, model, theme, now);
    }
    if model.ui.show_help {
        views::help::render(frame, model, theme);
    }
    info
}

/// A buffer as text, one line per row, trailing blanks trimmed.
pub fn buffer_text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width).max(1);
    let symbols: Vec<&str> = buffer.content().iter().map(|c| c.symbol()).collect();
    symbols
        .chunks(width)
        .map(|row| row.concat().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}
