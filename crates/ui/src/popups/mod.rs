//! Popups drawn over a screen: the silence form, the expire confirmation, the `:` command
//! palette, the SLA helper, the Workloads screen's replica count and revision history, and
//! the runbook chooser and parameter form.

pub mod rollback;
pub mod run;
pub mod run_form;
pub mod scale;
pub mod silence;
pub mod sla;

use ratatui::layout::{Constraint, Flex, Layout, Rect};

/// A `width` × `height` rectangle centred in `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

pub mod palette;
