//! Fleet-wide lists derived from the model, in a stable display order: the merged pods table
//! (unhealthy first), the merged firing alerts, and every alert (silenced ones included).

use super::alert::Alert;
use super::filter::{Query, alert_matches, pod_matches};
use super::pod::{PodHealth, PodRow};
use super::{AlertRef, ClusterId, Model, PodRef, Text};

/// A pod with its cluster, as one row of the merged table.
#[derive(Debug, Clone, Copy)]
pub struct PodEntry<'a> {
    pub cluster: ClusterId,
    pub cluster_name: &'a Text,
    pub pod: &'a PodRow,
    pub health: PodHealth,
}

impl PodEntry<'_> {
    pub fn key(&self) -> PodRef {
        (self.cluster, self.pod.key.clone())
    }

    pub fn is(&self, key: &PodRef) -> bool {
        self.cluster == key.0 && self.pod.key == key.1
    }
}

/// Every pod of every shown cluster that passes the pods filter: failing first, then
/// progressing, healthy, done; within each, by cluster (configuration order), namespace and
/// name.
pub fn merged_pods(model: &Model) -> Vec<PodEntry<'_>> {
    let query = &Query::parse(&model.ui.filter.pods);
    let mut rows: Vec<PodEntry<'_>> = model
        .clusters
        .iter()
        .enumerate()
        .filter(|(cluster, _)| model.ui.shows_cluster(*cluster))
        .flat_map(|(cluster, state)| {
            let name = state.name.as_str();
            state
                .pods
                .values()
                .filter(move |pod| pod_matches(query, name, pod))
                .map(move |pod| PodEntry {
                    cluster,
                    cluster_name: &state.name,
                    pod,
                    health: pod.health(),
                })
        })
        .collect();
    // Cluster pods are already in key order (BTreeMap), so a stable sort on (health, cluster)
    // gives (health, cluster, namespace, name).
    rows.sort_by_key(|row| (row.health, row.cluster));
    rows
}

/// A firing alert with its cluster.
#[derive(Debug, Clone, Copy)]
pub struct AlertEntry<'a> {
    pub cluster: ClusterId,
    pub cluster_name: &'a Text,
    pub alert: &'a Alert,
}

impl AlertEntry<'_> {
    pub fn key(&self) -> AlertRef {
        (self.cluster, self.alert.fingerprint.clone())
    }

    pub fn is(&self, key: &AlertRef) -> bool {
        self.cluster == key.0 && self.alert.fingerprint == key.1
    }
}

/// Every alert of the shown clusters that passes the alerts filter, silenced and inhibited
/// ones included, in cluster order.
pub fn all_alerts(model: &Model) -> impl Iterator<Item = AlertEntry<'_>> {
    model
        .clusters
        .iter()
        .enumerate()
        .filter(|(cluster, _)| model.ui.shows_cluster(*cluster))
        .flat_map(|(cluster, state)| {
            let name = state.name.as_str();
            let query = Query::parse(&model.ui.filter.alerts);
            state
                .alerts
                .iter()
                .filter(move |alert| alert_matches(&query, name, alert))
                .map(move |alert| AlertEntry {
                    cluster,
                    cluster_name: &state.name,
                    alert,
                })
        })
}

/// Every firing alert (not silenced or inhibited): by severity, longest-firing first, then
/// cluster, name, fingerprint.
pub fn merged_alerts(model: &Model) -> Vec<AlertEntry<'_>> {
    let mut rows: Vec<AlertEntry<'_>> = all_alerts(model)
        .filter(|row| row.alert.is_active())
        .collect();
    rows.sort_by(|a, b| {
        a.alert
            .severity
            .cmp(&b.alert.severity)
            .then_with(|| a.alert.starts_at.cmp(&b.alert.starts_at))
            .then_with(|| a.cluster.cmp(&b.cluster))
            .then_with(|| a.alert.name.cmp(&b.alert.name))
            .then_with(|| a.alert.fingerprint.cmp(&b.alert.fingerprint))
    });
    rows
}

/// The selected row of the pods table (position in [`merged_pods`]).
pub fn selected_pod(model: &Model, rows: &[PodEntry<'_>]) -> usize {
    let cursor = &model.ui.pods;
    if let Some(key) = &cursor.key
        && let Some(found) = rows.iter().position(|row| row.is(key))
    {
        return found;
    }
    cursor.index.min(rows.len().saturating_sub(1))
}

/// The selected row of the alerts list (position in [`merged_alerts`]).
pub fn selected_alert(model: &Model, rows: &[AlertEntry<'_>]) -> usize {
    let cursor = &model.ui.alerts;
    if let Some(key) = &cursor.key
        && let Some(found) = rows.iter().position(|row| row.is(key))
    {
        return found;
    }
    cursor.index.min(rows.len().saturating_sub(1))
}
