//! The mouse: a click on a title-bar tab switches screens, a click on a list row selects
//! it, the wheel scrolls the list under the pointer. Hit-testing uses the layout the last
//! frame reported (`model.ui.layout`).

use crate::action::Action;
use crate::effect::Effect;
use crate::event::{Mouse, MouseKind};
use crate::model::alert_groups::{AlertLine, grouped_alerts};
use crate::model::rows::{merged_alerts, merged_pods, selected_alert, selected_pod};
use crate::model::{Cursor, Model, Pane, scroll_offset};

/// Rows one wheel notch moves.
const WHEEL_ROWS: usize = 3;

/// One wheel turn of `kind` (up or down) as `WHEEL_ROWS` cursor moves, for every list.
pub(super) fn wheel(kind: MouseKind, mut step: impl FnMut(Action)) {
    let action = if kind == MouseKind::ScrollUp {
        Action::Up
    } else {
        Action::Down
    };
    for _ in 0..WHEEL_ROWS {
        step(action);
    }
}

pub(super) fn on_mouse(model: &mut Model, mouse: Mouse) -> Vec<Effect> {
    // Overlays are modal: the mouse waits until they close.
    if model.ui.show_help || model.ui.prompt.is_some() {
        return Vec::new();
    }
    let screen = super::screens::of(model.ui.view);
    if let Some(effects) = (screen.on_mouse)(model, mouse) {
        return effects;
    }
    let layout = model.ui.layout;
    let (column, row) = (mouse.column, mouse.row);
    let list = if layout.pods.is_some_and(|a| a.contains(column, row)) {
        Some((Pane::Pods, layout.pods))
    } else if layout.alerts.is_some_and(|a| a.contains(column, row)) {
        Some((Pane::Alerts, layout.alerts))
    } else {
        None
    };
    match mouse.kind {
        MouseKind::Click => {
            if let Some(view) = layout.tab_at(column, row) {
                model.ui.view = view;
                return vec![Effect::Render];
            }
            let Some((pane, Some(area))) = list else {
                return Vec::new();
            };
            if screen.focus_on_click {
                model.ui.focus = pane;
            }
            let line = usize::from(row - area.y);
            let page = usize::from(area.height);
            match pane {
                Pane::Pods => click_pod(model, line, page),
                Pane::Alerts if screen.grouped_alerts => {
                    click_grouped_alert(model, line, page);
                }
                Pane::Alerts => click_alert(model, line, page),
            }
            vec![Effect::Render]
        }
        MouseKind::ScrollUp | MouseKind::ScrollDown => {
            let Some((pane, _)) = list else {
                return Vec::new();
            };
            wheel(mouse.kind, |action| match pane {
                Pane::Pods => super::move_pods(model, action),
                Pane::Alerts if screen.grouped_alerts => {
                    super::alerts::move_grouped(model, action);
                }
                Pane::Alerts => super::move_alerts(model, action),
            });
            vec![Effect::Render]
        }
    }
}

/// Selects the pod drawn `line` rows below the table's first row (as the renderer scrolled
/// it); a click below the last pod does nothing.
fn click_pod(model: &mut Model, line: usize, page: usize) {
    let rows = merged_pods(model);
    let selected = selected_pod(model, &rows);
    let offset = scroll_offset(selected, model.ui.pods.offset, rows.len(), page);
    let target = offset + line;
    if let Some(row) = rows.get(target) {
        model.ui.pods = Cursor {
            key: Some(row.key()),
            index: target,
            offset,
        };
    }
}

fn click_alert(model: &mut Model, line: usize, page: usize) {
    let rows = merged_alerts(model);
    let selected = selected_alert(model, &rows);
    let offset = scroll_offset(selected, model.ui.alerts.offset, rows.len(), page);
    let target = offset + line;
    if let Some(row) = rows.get(target) {
        model.ui.alerts = Cursor {
            key: Some(row.key()),
            index: target,
            offset,
        };
    }
}

/// On the Alerts screen the list has group headers: a click selects the alert on that line
/// (a header line selects nothing).
fn click_grouped_alert(model: &mut Model, line: usize, page: usize) {
    let grouped = grouped_alerts(model);
    let selected = selected_alert(model, &grouped.alerts);
    let offset = scroll_offset(
        grouped.line_of(selected),
        model.ui.alerts.offset,
        grouped.lines.len(),
        page,
    );
    if let Some(AlertLine::Alert { entry, index }) = grouped.lines.get(offset + line) {
        model.ui.alerts = Cursor {
            key: Some(entry.key()),
            index: *index,
            offset,
        };
    }
}
