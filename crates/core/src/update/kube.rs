//! Update arms for the Kubernetes data and the Pods screen: pod changes kept in the store,
//! the counts and the maintained order at once; workloads, events and CNPG clusters; the sort
//! keys; the describe and metrics panels and the periodic `/metrics` read while one is open.

use jiff::Timestamp;

use crate::cluster::ClusterId;
use crate::effect::{Effect, IoRequest};
use crate::event::PodsChange;
use crate::model::Model;
use crate::model::health::Health;
use crate::model::kube::{Change, InNamespace, KubeData, KubeResource, KubeState};
use crate::model::pod_view::{
    METRICS_GIVE_UP_TICKS, METRICS_REFRESH_TICKS, PodMetrics, PodMetricsResult, PodPanel,
};
use crate::model::rows::pod_list;

/// Applies a pod change to the cluster's store, its counts and the fleet-wide order.
pub fn apply_pods(model: &mut Model, cluster: ClusterId, change: PodsChange) {
    let Some(state) = model.clusters.get_mut(cluster) else {
        return;
    };
    let order = &mut model.podview.order;
    let counts = &mut state.kube.pod_counts;
    match change {
        PodsChange::Reset(rows) => {
            state.pods = rows.into_iter().map(|row| (row.key.clone(), row)).collect();
            *counts = Default::default();
            for pod in state.pods.values() {
                counts.count(pod, true);
            }
            order.replace_cluster(cluster, state.pods.values());
        }
        PodsChange::ResetIn(namespace, rows) => {
            let gone: Vec<_> = state
                .pods
                .keys()
                .filter(|key| key.namespace == namespace)
                .cloned()
                .collect();
            for key in gone {
                if let Some(old) = state.pods.remove(&key) {
                    counts.count(&old, false);
                    order.remove(cluster, &old);
                }
            }
            for row in rows
                .into_iter()
                .filter(|row| row.key.namespace == namespace)
            {
                if let Some(old) = state.pods.remove(&row.key) {
                    counts.count(&old, false);
                    order.remove(cluster, &old);
                }
                counts.count(&row, true);
                order.insert(cluster, &row);
                state.pods.insert(row.key.clone(), row);
            }
        }
        PodsChange::Upsert(row) => {
            counts.count(&row, true);
            match state.pods.get_mut(&row.key) {
                Some(old) => {
                    counts.count(old, false);
                    order.update(cluster, old, &row);
                    *old = row;
                }
                None => {
                    order.insert(cluster, &row);
                    state.pods.insert(row.key.clone(), row);
                }
            }
        }
        PodsChange::Deleted(key) => {
            if let Some(old) = state.pods.remove(&key) {
                counts.count(&old, false);
                order.remove(cluster, &old);
            }
        }
    }
}

fn apply_change<K: Ord + InNamespace, R>(
    map: &mut std::collections::BTreeMap<K, R>,
    change: Change<K, R>,
    key_of: impl Fn(&R) -> K,
    keep: impl Fn(&K) -> bool,
) {
    match change {
        Change::Reset(rows) => {
            map.retain(|k, _| !keep(k));
            map.extend(rows.into_iter().map(|row| (key_of(&row), row)));
        }
        Change::ResetIn(namespace, rows) => {
            map.retain(|k, _| !(keep(k) && k.namespace() == namespace.as_str()));
            map.extend(
                rows.into_iter()
                    .map(|row| (key_of(&row), row))
                    .filter(|(k, _)| k.namespace() == namespace.as_str()),
            );
        }
        Change::Upsert(row) => {
            map.insert(key_of(&row), row);
        }
        Change::Deleted(key) => {
            map.remove(&key);
        }
    }
}

/// Applies workloads, events, CNPG clusters and per-resource health for one cluster.
pub fn apply_kube(kube: &mut KubeState, at: Timestamp, data: KubeData) {
    let (resource, health) = match data {
        KubeData::Workloads(kind, change) => {
            // A relist of one kind replaces that kind only.
            apply_change(
                &mut kube.workloads,
                change,
                |row| row.key.clone(),
                |key| key.kind == kind,
            );
            (KubeResource::of_workload(kind), None)
        }
        KubeData::Events(change) => {
            apply_change(&mut kube.events, change, |row| row.key.clone(), |_| true);
            (KubeResource::Events, None)
        }
        KubeData::Databases(change) => {
            apply_change(&mut kube.databases, change, |row| row.key.clone(), |_| true);
            (KubeResource::CnpgClusters, None)
        }
        KubeData::Alive(resource) => (resource, None),
        KubeData::Failed(resource, reason) => (resource, Some(Some(reason))),
        KubeData::Absent(resource) => (resource, Some(None)),
        KubeData::Scope(scope) => {
            kube.scope = scope;
            return;
        }
    };
    let current = kube.health(resource).clone();
    let next = match health {
        None => current.on_data(at),
        Some(Some(reason)) => current.on_failure(at, reason),
        Some(None) => Health::Disabled,
    };
    kube.health.insert(resource, next);
}

/// `s`: sort on the next column (rebuilds the order once).
pub fn sort_next(model: &mut Model) {
    pin_selection(model);
    let column = model.podview.order.column().next();
    let pods = model
        .clusters
        .iter()
        .enumerate()
        .flat_map(|(cluster, state)| state.pods.values().map(move |pod| (cluster, pod)));
    model.podview.order.set_column(column, pods);
    keep_selection_visible(model);
}

/// `S`: reverse the sort direction.
pub fn sort_reverse(model: &mut Model) {
    pin_selection(model);
    model.podview.order.reverse();
    keep_selection_visible(model);
}

/// Before a re-sort: the selection holds on to the pod it shows, not to its row number.
fn pin_selection(model: &mut Model) {
    if model.ui.pods.key.is_none() {
        let list = pod_list(model);
        let key = list.get(list.selected()).map(|entry| entry.key());
        model.ui.pods.key = key;
    }
}

/// After a re-sort the selected pod moved: scroll so it stays on screen.
fn keep_selection_visible(model: &mut Model) {
    let list = pod_list(model);
    let selected = list.selected();
    let len = list.len();
    let page = model.ui.pods_page;
    let offset = crate::model::scroll_offset(selected, model.ui.pods.offset, len, page);
    model.ui.pods.index = selected;
    model.ui.pods.offset = offset;
}

/// Enter / `m`: open `panel`, or close it when it is already open.
pub fn toggle_panel(model: &mut Model, panel: PodPanel) -> Vec<Effect> {
    let view = &mut model.podview;
    view.panel = if view.panel == panel {
        PodPanel::None
    } else {
        panel
    };
    if view.panel != PodPanel::Metrics {
        view.metrics = None;
        return vec![Effect::Render];
    }
    let mut effects = follow_selection(model);
    effects.push(Effect::Render);
    effects
}

/// Esc closes an open side panel; false when none was open.
pub fn close_panel(model: &mut Model) -> bool {
    if model.podview.panel == PodPanel::None {
        return false;
    }
    model.podview.panel = PodPanel::None;
    model.podview.metrics = None;
    true
}

/// With the metrics panel open, reads the selected pod's `/metrics` when the selection moved
/// to another pod.
pub fn follow_selection(model: &mut Model) -> Vec<Effect> {
    if model.podview.panel != PodPanel::Metrics {
        return Vec::new();
    }
    let list = pod_list(model);
    let Some(entry) = list.get(list.selected()) else {
        model.podview.metrics = None;
        return Vec::new();
    };
    let key = entry.key();
    if model.podview.metrics.as_ref().is_some_and(|m| m.pod == key) {
        return Vec::new();
    }
    let mut metrics = PodMetrics::new(key);
    let effect = metrics_request(&mut metrics, entry.pod.detail.metrics_port);
    model.podview.metrics = Some(metrics);
    vec![effect]
}

fn metrics_request(metrics: &mut PodMetrics, port: Option<u16>) -> Effect {
    metrics.in_flight = true;
    metrics.ticks = 0;
    Effect::Io {
        cluster: metrics.pod.0,
        request: IoRequest::PodMetrics {
            namespace: metrics.pod.1.namespace.as_str().to_string(),
            pod: metrics.pod.1.name.as_str().to_string(),
            port,
        },
    }
}

/// Every tick of the Pods screen (its descriptor's `on_tick`): re-read the open metrics
/// panel's pod every few ticks, one read at a time.
pub fn on_tick(model: &mut Model) -> Vec<Effect> {
    let Some(metrics) = model.podview.metrics.as_mut() else {
        return Vec::new();
    };
    metrics.ticks = metrics.ticks.saturating_add(1);
    let due = if metrics.in_flight {
        metrics.ticks >= METRICS_GIVE_UP_TICKS
    } else {
        metrics.ticks >= METRICS_REFRESH_TICKS
    };
    if !due {
        return Vec::new();
    }
    let port = model
        .clusters
        .get(metrics.pod.0)
        .and_then(|c| c.pods.get(&metrics.pod.1))
        .and_then(|pod| pod.detail.metrics_port);
    vec![metrics_request(metrics, port)]
}

/// A `/metrics` read finished: kept when it is for the panel's pod, dropped otherwise.
pub fn apply_metrics(
    model: &mut Model,
    cluster: ClusterId,
    at: Timestamp,
    result: PodMetricsResult,
) -> Vec<Effect> {
    let Some(metrics) = model.podview.metrics.as_mut() else {
        return Vec::new();
    };
    let same = metrics.pod.0 == cluster
        && metrics.pod.1.namespace == result.namespace
        && metrics.pod.1.name == result.pod;
    if !same {
        return Vec::new();
    }
    metrics.in_flight = false;
    metrics.at = Some(at);
    metrics.last = Some(result);
    vec![Effect::Render]
}

#[cfg(test)]
mod tests;
