//! Selection follows the item, not the row number: after every data update each list's
//! cursor re-finds its item by key (and remembers its new row); when the item is gone the
//! nearest row is selected and followed from then on. A list nobody has moved in keeps its
//! top row selected. After a `/` filter edit the first match is selected.

use crate::event::Payload;
use crate::model::alert_groups::grouped_alerts;
use crate::model::filter::FilterTarget;
use crate::model::rows::{merged_alerts, pod_list};
use crate::model::services::merged_services;
use crate::model::slo_view::slo_rows;
use crate::model::workload_view::row_keys;
use crate::model::{Cursor, Model};

/// The lists whose items a payload changes.
pub fn lists_of(payload: &Payload) -> &'static [FilterTarget] {
    match payload {
        Payload::Pods(_) => &[FilterTarget::Pods],
        Payload::Alerts(_) | Payload::AlertSnapshot(_) => &[FilterTarget::Alerts],
        Payload::Metrics(_) => &[FilterTarget::Services],
        Payload::SloReadings(_) => &[FilterTarget::Slos],
        Payload::Kube(_) => &[FilterTarget::Workloads],
        _ => &[],
    }
}

/// Re-finds the selected item of each list in `targets` after their data changed.
pub fn resync(model: &mut Model, targets: &[FilterTarget]) {
    for target in targets {
        match target {
            FilterTarget::Pods => resync_pods(model),
            FilterTarget::Alerts => {
                let keys = alert_keys(model);
                follow(&mut model.ui.alerts, &keys);
            }
            FilterTarget::Services => {
                let keys: Vec<_> = merged_services(model)
                    .into_iter()
                    .map(|(c, s)| (c, s.name.clone()))
                    .collect();
                follow(&mut model.ui.services, &keys);
            }
            FilterTarget::Slos => {
                let keys: Vec<_> = slo_rows(model).iter().map(|r| r.key()).collect();
                follow(&mut model.ui.slo.cursor, &keys);
            }
            FilterTarget::Workloads => {
                let keys = row_keys(model);
                follow(&mut model.ui.workloads.cursor, &keys);
            }
        }
    }
}

/// After `target`'s filter was edited: the first match is selected (none when nothing
/// matches; the cursor then starts over at the top).
pub fn select_first(model: &mut Model, target: FilterTarget) {
    match target {
        FilterTarget::Pods => {
            let first = pod_list(model).get(0).map(|e| e.key());
            model.ui.pods = first_cursor(first);
        }
        FilterTarget::Alerts => {
            let first = alert_keys(model).into_iter().next();
            model.ui.alerts = first_cursor(first);
        }
        FilterTarget::Services => {
            let first = merged_services(model)
                .first()
                .map(|(c, s)| (*c, s.name.clone()));
            model.ui.services = first_cursor(first);
        }
        FilterTarget::Slos => {
            let first = slo_rows(model).first().map(|r| r.key());
            model.ui.slo.cursor = first_cursor(first);
        }
        FilterTarget::Workloads => {
            let first = row_keys(model).into_iter().next();
            model.ui.workloads.cursor = first_cursor(first);
        }
    }
}

fn first_cursor<K>(key: Option<K>) -> Cursor<K> {
    Cursor {
        key,
        index: 0,
        offset: 0,
    }
}

/// The alerts in the order the current screen lists them (grouped on the Alerts screen, the
/// firing list elsewhere).
fn alert_keys(model: &Model) -> Vec<crate::model::AlertRef> {
    if super::screens::of(model.ui.view).grouped_alerts {
        grouped_alerts(model)
            .alerts
            .iter()
            .map(|e| e.key())
            .collect()
    } else {
        merged_alerts(model).iter().map(|e| e.key()).collect()
    }
}

/// The pods table can be large: positions come from its maintained order (O(log n)). A
/// filtered table would cost O(n) per pod event: it is left to the key lookup of each frame
/// (the selection still follows a selected pod; the row index is refreshed on the next move).
fn resync_pods(model: &mut Model) {
    if !model.ui.filter.pods.is_empty() || model.ui.clusters_shown.is_some() {
        return;
    }
    if model.ui.pods.key.is_none() {
        return;
    }
    let rows = pod_list(model);
    if rows.is_empty() {
        return;
    }
    // The common case (the pod is still listed) costs one binary search and no copy.
    if let Some(found) = model
        .ui
        .pods
        .key
        .as_ref()
        .and_then(|key| rows.position(key))
    {
        model.ui.pods.index = found;
        return;
    }
    let index = model.ui.pods.index.min(rows.len() - 1);
    let key = rows.get(index).map(|e| e.key());
    model.ui.pods.index = index;
    model.ui.pods.key = key;
}

/// Points `cursor` at its item in `keys`, or at the nearest row when the item is gone. An
/// empty list leaves the cursor alone (the data may come back).
fn follow<K: PartialEq + Clone>(cursor: &mut Cursor<K>, keys: &[K]) {
    if keys.is_empty() {
        return;
    }
    // Nobody chose a row yet: the list's top stays selected, whatever sorts there.
    let Some(key) = cursor.key.as_ref() else {
        cursor.index = cursor.index.min(keys.len() - 1);
        return;
    };
    let found = keys.iter().position(|k| k == key);
    let index = found.unwrap_or_else(|| cursor.index.min(keys.len() - 1));
    cursor.index = index;
    cursor.key = Some(keys[index].clone());
}
