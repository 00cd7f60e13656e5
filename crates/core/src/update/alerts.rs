//! Alertmanager data into the model (a poll's snapshot: alerts, silences, per-replica
//! health) and the Alerts screen's cursor, which moves over alerts across groups.

use jiff::Timestamp;

use crate::action::Action;
use crate::model::alert_groups::grouped_alerts;
use crate::model::health::Health;
use crate::model::rows::selected_alert;
use crate::model::silence::{AlertSnapshot, Replica};
use crate::model::{ClusterState, Cursor, Model, scroll_offset};

/// Stores one poll's snapshot; returns the Alertmanager source's health (ok: at least one
/// replica answered; the replicas' own health says which are down).
pub fn apply_snapshot(state: &mut ClusterState, snapshot: AlertSnapshot, at: Timestamp) {
    let AlertSnapshot {
        alerts,
        silences,
        replicas,
    } = snapshot;
    state.alerts = alerts;
    state.silences = silences;
    let previous = std::mem::take(&mut state.replicas);
    state.replicas = replicas
        .into_iter()
        .map(|report| {
            let before = previous
                .iter()
                .find(|r| r.url == report.url)
                .map_or(Health::Connecting, |r| r.health.clone());
            let health = match report.error {
                None => before.on_data(at),
                Some(reason) => before.on_failure(at, reason),
            };
            Replica {
                url: report.url,
                health,
            }
        })
        .collect();
}

/// Moves the Alerts screen's cursor (alert units) and scroll offset (line units, group
/// headers included).
pub fn move_grouped(model: &mut Model, action: Action) {
    let grouped = grouped_alerts(model);
    if grouped.alerts.is_empty() {
        model.ui.alerts = Cursor::default();
        return;
    }
    let page = model.ui.alerts_page;
    let current = selected_alert(model, &grouped.alerts);
    let target = super::step(current, grouped.alerts.len(), page, action);
    let key = grouped.alerts[target].key();
    let mut line = grouped.line_of(target);
    // Keep the group's header in view when moving onto a group's first alert.
    if line > 0 && target < current {
        line -= 1;
    }
    let offset = scroll_offset(line, model.ui.alerts.offset, grouped.lines.len(), page);
    let offset = scroll_offset(grouped.line_of(target), offset, grouped.lines.len(), page);
    model.ui.alerts = Cursor {
        key: Some(key),
        index: target,
        offset,
    };
}
