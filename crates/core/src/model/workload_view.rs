//! The Workloads screen as data: its rows (Deployments and StatefulSets of every shown
//! cluster, then CNPG databases), their order and filter, the cursor, and the popups of its
//! direct actions (replica count, revision history), and each workload's load (request rate
//! per ready pod, CPU saturation). ReplicaSets are not rows: they are the revision history of
//! their Deployment.

use std::cmp::Ordering;

use jiff::Timestamp;

use super::database::{DbClusterRow, ObjectKey};
use super::filter::{Query, workload_matches};
use super::kube::KubeState;
use super::workload::{WorkloadKey, WorkloadKind, WorkloadRow};
use crate::cluster::ClusterId;
use crate::model::{ClusterState, Cursor, Model};
use crate::runbook::resolved::{ObjectKind, ObjectRef};
use crate::text::Text;

/// A row of the screen: a workload or a database of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowKey {
    Workload(ClusterId, WorkloadKey),
    Database(ClusterId, ObjectKey),
}

/// The workloads table's order (the databases table is always by cluster, namespace, name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WorkloadSort {
    /// Cluster, namespace, name.
    #[default]
    Name,
    Kind,
    /// Fewest ready of desired first: what needs attention.
    Ready,
    /// Newest first.
    Age,
}

impl WorkloadSort {
    pub fn next(self) -> Self {
        match self {
            WorkloadSort::Name => WorkloadSort::Kind,
            WorkloadSort::Kind => WorkloadSort::Ready,
            WorkloadSort::Ready => WorkloadSort::Age,
            WorkloadSort::Age => WorkloadSort::Name,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            WorkloadSort::Name => "name",
            WorkloadSort::Kind => "kind",
            WorkloadSort::Ready => "ready",
            WorkloadSort::Age => "age",
        }
    }
}

/// The replica count popup (`x`): digits typed over the current count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePopup {
    pub target: ObjectRef,
    /// `spec.replicas` when the popup opened: the run's precondition.
    pub current: u32,
    pub input: crate::model::input::InputLine,
    /// The input still holds the prefilled count: the first digit typed replaces it.
    pub prefilled: bool,
    pub error: Option<Text>,
}

/// One revision of a Deployment, from one of its ReplicaSets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub number: i64,
    pub images: Vec<Text>,
    pub change_cause: Text,
    pub created: Option<Timestamp>,
    /// The revision the Deployment runs now.
    pub current: bool,
}

/// The revision history popup (`u`): newest first; Enter rolls back to the selected one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackPopup {
    pub target: ObjectRef,
    pub revisions: Vec<Revision>,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionPopup {
    Scale(ScalePopup),
    Rollback(RollbackPopup),
}

/// The Workloads screen's state, owned by `update`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkloadViewState {
    pub cursor: Cursor<RowKey>,
    pub sort: WorkloadSort,
    pub reversed: bool,
    /// The open popup (takes every key while open).
    pub popup: Option<ActionPopup>,
    /// The selection of the pane not focused, to return to with Ctrl-W.
    pub other_pane: Option<RowKey>,
}

/// A workload row of the table.
#[derive(Debug, Clone, Copy)]
pub struct WorkloadEntry<'a> {
    pub cluster: ClusterId,
    pub row: &'a WorkloadRow,
}

/// A database row of the table.
#[derive(Debug, Clone, Copy)]
pub struct DbEntry<'a> {
    pub cluster: ClusterId,
    pub row: &'a DbClusterRow,
}

fn cluster_name(model: &Model, id: ClusterId) -> &str {
    model.clusters.get(id).map_or("?", |c| c.name.as_str())
}

/// Deployments and StatefulSets of the shown clusters that match the filter, in the chosen
/// order.
pub fn workload_rows(model: &Model) -> Vec<WorkloadEntry<'_>> {
    let query = Query::parse(&model.ui.filter.workloads);
    let mut rows: Vec<WorkloadEntry> = Vec::new();
    for (id, cluster) in model.clusters.iter().enumerate() {
        if !model.ui.shows_cluster(id) {
            continue;
        }
        let name = cluster.name.as_str();
        rows.extend(
            cluster
                .kube
                .workloads
                .values()
                .filter(|w| w.key.kind != WorkloadKind::ReplicaSet)
                .filter(|w| {
                    let images: Vec<&str> = w.images.iter().map(Text::as_str).collect();
                    workload_matches(
                        &query,
                        name,
                        w.key.namespace.as_str(),
                        w.key.name.as_str(),
                        w.key.kind.label(),
                        &images,
                    )
                })
                .map(|row| WorkloadEntry { cluster: id, row }),
        );
    }
    let by_name = |a: &WorkloadEntry, b: &WorkloadEntry| {
        cluster_name(model, a.cluster)
            .cmp(cluster_name(model, b.cluster))
            .then_with(|| a.row.key.namespace.cmp(&b.row.key.namespace))
            .then_with(|| a.row.key.name.cmp(&b.row.key.name))
            .then_with(|| a.row.key.kind.cmp(&b.row.key.kind))
    };
    let sort = model.ui.workloads.sort;
    rows.sort_by(|a, b| {
        let first = match sort {
            WorkloadSort::Name => Ordering::Equal,
            WorkloadSort::Kind => a.row.key.kind.cmp(&b.row.key.kind),
            WorkloadSort::Ready => missing(a.row).cmp(&missing(b.row)).reverse(),
            WorkloadSort::Age => b.row.created.cmp(&a.row.created),
        };
        first.then_with(|| by_name(a, b))
    });
    if model.ui.workloads.reversed {
        rows.reverse();
    }
    rows
}

/// Replicas wanted but not ready.
fn missing(row: &WorkloadRow) -> u32 {
    row.desired.saturating_sub(row.ready)
}

/// CNPG clusters of the shown clusters that match the filter, by cluster, namespace, name.
pub fn database_rows(model: &Model) -> Vec<DbEntry<'_>> {
    let query = Query::parse(&model.ui.filter.workloads);
    let mut rows = Vec::new();
    for (id, cluster) in model.clusters.iter().enumerate() {
        if !model.ui.shows_cluster(id) {
            continue;
        }
        rows.extend(
            cluster
                .kube
                .databases
                .values()
                .filter(|d| {
                    workload_matches(
                        &query,
                        cluster.name.as_str(),
                        d.key.namespace.as_str(),
                        d.key.name.as_str(),
                        "database",
                        &[d.primary.as_str()],
                    )
                })
                .map(|row| DbEntry { cluster: id, row }),
        );
    }
    rows
}

/// Every row's key in screen order: workloads, then databases.
pub fn row_keys(model: &Model) -> Vec<RowKey> {
    let mut keys: Vec<RowKey> = workload_rows(model)
        .iter()
        .map(|e| RowKey::Workload(e.cluster, e.row.key.clone()))
        .collect();
    keys.extend(
        database_rows(model)
            .iter()
            .map(|e| RowKey::Database(e.cluster, e.row.key.clone())),
    );
    keys
}

/// The selected row's index in `keys` (following its key), clamped.
pub fn selected_row(model: &Model, keys: &[RowKey]) -> usize {
    let cursor = &model.ui.workloads.cursor;
    cursor
        .key
        .as_ref()
        .and_then(|key| keys.iter().position(|k| k == key))
        .unwrap_or(cursor.index)
        .min(keys.len().saturating_sub(1))
}

/// The selected row, if the screen has any.
pub fn selected_key(model: &Model) -> Option<RowKey> {
    let keys = row_keys(model);
    let index = selected_row(model, &keys);
    keys.into_iter().nth(index)
}

/// The runbook object for workload `row` of cluster `cluster`.
pub fn workload_ref(model: &Model, cluster: ClusterId, row: &WorkloadRow) -> Option<ObjectRef> {
    let kind = match row.key.kind {
        WorkloadKind::Deployment => ObjectKind::Deployment,
        WorkloadKind::StatefulSet => ObjectKind::StatefulSet,
        WorkloadKind::ReplicaSet => return None,
    };
    Some(ObjectRef {
        cluster: model.clusters.get(cluster)?.name.as_str().to_string(),
        namespace: row.key.namespace.as_str().to_string(),
        kind,
        name: row.key.name.as_str().to_string(),
    })
}

/// The runbook object for database `row` of cluster `cluster`.
pub fn database_ref(model: &Model, cluster: ClusterId, row: &DbClusterRow) -> Option<ObjectRef> {
    Some(ObjectRef {
        cluster: model.clusters.get(cluster)?.name.as_str().to_string(),
        namespace: row.key.namespace.as_str().to_string(),
        kind: ObjectKind::CnpgCluster,
        name: row.key.name.as_str().to_string(),
    })
}

/// The revision history of `deployment`: one entry per ReplicaSet it owns that has a
/// revision, newest first, the Deployment's own revision marked current.
pub fn revisions(kube: &KubeState, deployment: &WorkloadRow) -> Vec<Revision> {
    let current: Option<i64> = deployment.revision.as_str().parse().ok();
    let mut out: Vec<Revision> = kube
        .workloads
        .values()
        .filter(|w| {
            w.key.kind == WorkloadKind::ReplicaSet
                && w.key.namespace == deployment.key.namespace
                && w.owner.as_ref() == Some(&deployment.key.name)
        })
        .filter_map(|rs| {
            let number: i64 = rs.revision.as_str().parse().ok()?;
            Some(Revision {
                number,
                images: rs.images.clone(),
                change_cause: rs.change_cause.clone(),
                created: rs.created,
                current: Some(number) == current,
            })
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.number));
    out.dedup_by_key(|r| r.number);
    out
}

/// How loaded a workload is: what a person needs to see how many replicas it takes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Load {
    /// The service's request rate divided by the workload's ready pods (req/s per pod).
    pub per_ready_pod: Option<f64>,
    /// CPU used over CPU limit, 0..1 (from `[metrics] saturation`).
    pub saturation: Option<f64>,
}

/// Saturation above which the Workloads screen colours the figure.
pub const HIGH_SATURATION: f64 = 0.8;

/// Request rate per ready pod; `None` without a rate or without a ready pod.
pub fn per_ready_pod(rate: Option<f64>, ready: u32) -> Option<f64> {
    rate.filter(|r| r.is_finite())
        .and_then(|r| (ready > 0).then(|| r / f64::from(ready)))
}

/// The load of `row` in `cluster`: the RED row of the service named like the workload.
pub fn load(cluster: &ClusterState, row: &WorkloadRow) -> Load {
    let Some(red) = cluster.metrics.services.get(&row.key.name) else {
        return Load::default();
    };
    Load {
        per_ready_pod: per_ready_pod(red.rate.map(|n| n.0), row.ready),
        saturation: red.saturation.map(|n| n.0).filter(|s| s.is_finite()),
    }
}

/// The revision a rollback goes to by default: the newest one before the current.
pub fn previous_revision(revisions: &[Revision]) -> usize {
    let current = revisions.iter().find(|r| r.current).map(|r| r.number);
    revisions
        .iter()
        .position(|r| !r.current && current.is_none_or(|c| r.number < c))
        .unwrap_or(0)
}

#[cfg(test)]
#[path = "workload_view_tests.rs"]
mod tests;
