//! Fleet-wide lists derived from the model, in a stable display order: the merged pods table
//! (unhealthy first), the merged firing alerts, and every alert (silenced ones included).

use super::alert::Alert;
use super::filter::{Query, alert_matches, pod_matches};
use super::pod::{PodHealth, PodKey, PodRow};
use crate::cluster::ClusterId;
use crate::model::{AlertRef, Model, PodRef};
use crate::text::Text;

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

/// The merged pods table in display order (the maintained [`PodOrder`], sorted on the
/// user's column), optionally narrowed by a predicate. Unfiltered, nothing is copied: row
/// `i` is read straight from the order, so a frame costs only its visible rows.
///
/// [`PodOrder`]: super::pod_order::PodOrder
pub struct PodList<'a> {
    model: &'a Model,
    /// With a filter: the matching rows' references, in display order.
    filtered: Option<Vec<(ClusterId, &'a PodKey)>>,
}

impl<'a> PodList<'a> {
    pub fn len(&self) -> usize {
        match &self.filtered {
            Some(rows) => rows.len(),
            None => self.model.podview.order.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row at display position `index`.
    pub fn get(&self, index: usize) -> Option<PodEntry<'a>> {
        let (cluster, key) = match &self.filtered {
            Some(rows) => rows.get(index).copied()?,
            None => self.model.podview.order.get(index)?,
        };
        entry(self.model, cluster, key)
    }

    /// Rows `offset..offset + count` (fewer at the end).
    pub fn window(&self, offset: usize, count: usize) -> Vec<PodEntry<'a>> {
        (offset..self.len().min(offset.saturating_add(count)))
            .filter_map(|i| self.get(i))
            .collect()
    }

    /// Every row, in order (O(n): for tests and small fleets).
    pub fn all(&self) -> Vec<PodEntry<'a>> {
        self.window(0, self.len())
    }

    /// The display position of a pod: O(log n) unfiltered.
    pub fn position(&self, key: &PodRef) -> Option<usize> {
        match &self.filtered {
            Some(rows) => rows.iter().position(|(c, k)| *c == key.0 && **k == key.1),
            None => {
                let pod = self.model.clusters.get(key.0)?.pods.get(&key.1)?;
                self.model.podview.order.position(key.0, pod)
            }
        }
    }

    /// The selected row: the cursor's pod if still listed, else its last index (clamped).
    pub fn selected(&self) -> usize {
        let cursor = &self.model.ui.pods;
        if let Some(key) = &cursor.key
            && let Some(found) = self.position(key)
        {
            return found;
        }
        cursor.index.min(self.len().saturating_sub(1))
    }
}

fn entry<'a>(model: &'a Model, cluster: ClusterId, key: &PodKey) -> Option<PodEntry<'a>> {
    let state = model.clusters.get(cluster)?;
    let pod = state.pods.get(key)?;
    Some(PodEntry {
        cluster,
        cluster_name: &state.name,
        pod,
        health: pod.health(),
    })
}

/// The pods table as the screens show it: narrowed by the `/` filter and the per-cluster
/// filter when either is set (O(n)), else read straight from the maintained order.
pub fn pod_list(model: &Model) -> PodList<'_> {
    let query = Query::parse(&model.ui.filter.pods);
    if query.is_empty() && model.ui.clusters_shown.is_none() {
        return PodList {
            model,
            filtered: None,
        };
    }
    pod_list_where(model, move |entry| {
        model.ui.shows_cluster(entry.cluster)
            && pod_matches(&query, entry.cluster_name.as_str(), entry.pod)
    })
}

/// The pods table narrowed to the rows `keep` accepts, still in display order (O(n)).
pub fn pod_list_where<'a>(model: &'a Model, keep: impl Fn(&PodEntry<'a>) -> bool) -> PodList<'a> {
    let order = &model.podview.order;
    let filtered = (0..order.len())
        .filter_map(|i| order.get(i))
        .filter(|(cluster, key)| entry(model, *cluster, key).is_some_and(|e| keep(&e)))
        .collect();
    PodList {
        model,
        filtered: Some(filtered),
    }
}

/// Every row of [`pod_list`], in display order (unhealthy first by default; then cluster,
/// namespace, name). O(n): the screens use [`pod_list`] and read only visible rows.
pub fn merged_pods(model: &Model) -> Vec<PodEntry<'_>> {
    pod_list(model).all()
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
