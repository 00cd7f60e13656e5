//! A cluster's Kubernetes state besides its pods: workloads, events, CNPG clusters, the
//! health of each watched resource (a 403 on one never hides the others), and pod counts
//! kept up to date on every change so the bands never walk the pod list.

use std::collections::BTreeMap;

use super::database::{DbClusterRow, ObjectKey};
use super::event::{EventKey, EventRow, ObjectRef};
use super::health::Health;
use super::pod::{PodHealth, PodRow};
use super::workload::{WorkloadKey, WorkloadKind, WorkloadRow};
use crate::text::Text;

/// The Kubernetes resources the console watches, each with its own health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KubeResource {
    Pods,
    Deployments,
    ReplicaSets,
    StatefulSets,
    Events,
    /// CloudNativePG `Cluster`s; disabled where the CRD is not installed.
    CnpgClusters,
}

impl KubeResource {
    pub const ALL: [KubeResource; 6] = [
        KubeResource::Pods,
        KubeResource::Deployments,
        KubeResource::ReplicaSets,
        KubeResource::StatefulSets,
        KubeResource::Events,
        KubeResource::CnpgClusters,
    ];

    /// The plural the API and kubectl use (`forbidden: list pods ...`).
    pub fn plural(self) -> &'static str {
        match self {
            KubeResource::Pods => "pods",
            KubeResource::Deployments => "deployments",
            KubeResource::ReplicaSets => "replicasets",
            KubeResource::StatefulSets => "statefulsets",
            KubeResource::Events => "events",
            KubeResource::CnpgClusters => "clusters.postgresql.cnpg.io",
        }
    }

    pub fn of_workload(kind: WorkloadKind) -> Self {
        match kind {
            WorkloadKind::Deployment => KubeResource::Deployments,
            WorkloadKind::ReplicaSet => KubeResource::ReplicaSets,
            WorkloadKind::StatefulSet => KubeResource::StatefulSets,
        }
    }
}

/// A change to one watched resource: the complete list after a (re)list, or one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<K, R> {
    /// The complete list of a cluster-wide watch: replaces every row.
    Reset(Vec<R>),
    /// The complete list of one namespace's watch: replaces that namespace's rows only.
    ResetIn(Text, Vec<R>),
    Upsert(R),
    Deleted(K),
}

impl<K, R> Change<K, R> {
    /// The complete list of a watch over `namespace` (`None`: every namespace).
    pub fn relist(namespace: Option<Text>, rows: Vec<R>) -> Self {
        match namespace {
            None => Change::Reset(rows),
            Some(namespace) => Change::ResetIn(namespace, rows),
        }
    }
}

/// Which namespaces a cluster's watches cover.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KubeScope {
    /// Every namespace (the usual case).
    #[default]
    Cluster,
    /// Only these namespaces: configured so, or the identity may not list cluster-wide.
    Namespaces {
        names: Vec<Text>,
        /// Why: "cluster-wide list of pods forbidden for shop-dev" or "configured".
        reason: Text,
    },
}

impl KubeScope {
    /// Whether objects of `namespace` are watched at all.
    pub fn covers(&self, namespace: &str) -> bool {
        match self {
            KubeScope::Cluster => true,
            KubeScope::Namespaces { names, .. } => names.iter().any(|n| n.as_str() == namespace),
        }
    }

    /// "namespace shop only (cluster-wide list of pods forbidden for shop-dev)"; empty for
    /// the cluster scope.
    pub fn describe(&self) -> String {
        match self {
            KubeScope::Cluster => String::new(),
            KubeScope::Namespaces { names, reason } => {
                let list: Vec<&str> = names.iter().map(Text::as_str).collect();
                let noun = if names.len() == 1 {
                    "namespace"
                } else {
                    "namespaces"
                };
                let mut out = format!("{noun} {} only", list.join(", "));
                if !reason.is_empty() {
                    out.push_str(&format!(" ({reason})"));
                }
                out
            }
        }
    }
}

/// The namespace an object's key belongs to, for namespace-scoped relists.
pub trait InNamespace {
    fn namespace(&self) -> &str;
}

impl InNamespace for WorkloadKey {
    fn namespace(&self) -> &str {
        self.namespace.as_str()
    }
}

impl InNamespace for EventKey {
    fn namespace(&self) -> &str {
        self.object.namespace.as_str()
    }
}

impl InNamespace for ObjectKey {
    fn namespace(&self) -> &str {
        self.namespace.as_str()
    }
}

/// What the Kubernetes watchers other than pods send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeData {
    Workloads(WorkloadKind, Change<WorkloadKey, WorkloadRow>),
    Events(Change<EventKey, EventRow>),
    Databases(Change<ObjectKey, DbClusterRow>),
    /// The resource's watch is synced and current.
    Alive(KubeResource),
    /// The resource's watch failed (it retries); shown where that resource is shown.
    Failed(KubeResource, Text),
    /// The resource does not exist on this cluster (CNPG not installed).
    Absent(KubeResource),
    /// The namespaces the watches cover, decided when they (re)start.
    Scope(KubeScope),
}

/// Pod figures per cluster, maintained on every pod change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PodCounts {
    /// Pods, not counting completed ones.
    pub total: usize,
    /// Running with every container ready.
    pub ready: usize,
    pub crash_looping: usize,
    pub failing: usize,
    pub progressing: usize,
}

impl PodCounts {
    /// Adds (`add`) or removes one pod's contribution.
    pub fn count(&mut self, pod: &PodRow, add: bool) {
        let health = pod.health();
        let bump = |n: &mut usize| {
            *n = if add {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            }
        };
        if health != PodHealth::Done {
            bump(&mut self.total);
        }
        match health {
            PodHealth::Healthy => bump(&mut self.ready),
            PodHealth::Failing => bump(&mut self.failing),
            PodHealth::Progressing => bump(&mut self.progressing),
            PodHealth::Done => {}
        }
        if pod.crash_looping || pod.status.as_str() == "CrashLoopBackOff" {
            bump(&mut self.crash_looping);
        }
    }
}

/// One cluster's Kubernetes state besides the pod map.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KubeState {
    pub pod_counts: PodCounts,
    pub workloads: BTreeMap<WorkloadKey, WorkloadRow>,
    pub events: BTreeMap<EventKey, EventRow>,
    pub databases: BTreeMap<ObjectKey, DbClusterRow>,
    /// Health per watched resource; absent means connecting.
    pub health: BTreeMap<KubeResource, Health>,
    /// The namespaces watched.
    pub scope: KubeScope,
}

impl KubeState {
    pub fn health(&self, resource: KubeResource) -> &Health {
        const CONNECTING: &Health = &Health::Connecting;
        self.health.get(&resource).unwrap_or(CONNECTING)
    }

    /// Events about `object`, most recent first, at most `limit`.
    pub fn events_for(&self, object: &ObjectRef, limit: usize) -> Vec<&EventRow> {
        let start = EventKey {
            object: object.clone(),
            name: Text::default(),
        };
        let mut events: Vec<&EventRow> = self
            .events
            .range(start..)
            .take_while(|(key, _)| &key.object == object)
            .map(|(_, row)| row)
            .collect();
        events.sort_by(|a, b| {
            b.last_seen
                .cmp(&a.last_seen)
                .then_with(|| a.key.name.cmp(&b.key.name))
        });
        events.truncate(limit);
        events
    }

    /// The workload that owns a pod: its ReplicaSet's Deployment when there is one.
    pub fn owner_workload(
        &self,
        namespace: &Text,
        kind: &str,
        name: &Text,
    ) -> Option<&WorkloadRow> {
        let kind = match kind {
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "Deployment" => WorkloadKind::Deployment,
            _ => return None,
        };
        let key = WorkloadKey {
            kind,
            namespace: namespace.clone(),
            name: name.clone(),
        };
        let row = self.workloads.get(&key)?;
        if kind == WorkloadKind::ReplicaSet
            && let Some(owner) = &row.owner
        {
            let deployment = WorkloadKey {
                kind: WorkloadKind::Deployment,
                namespace: namespace.clone(),
                name: owner.clone(),
            };
            return self.workloads.get(&deployment).or(Some(row));
        }
        Some(row)
    }
}

/// "eu-west-1 clusters.postgresql.cnpg.io: forbidden: list ... in namespace shop" for each
/// cluster whose watch of one of `resources` failed or went stale, so a pane never shows an
/// unreadable resource as an empty one.
pub fn unreadable<'a>(
    clusters: impl Iterator<Item = &'a super::ClusterState>,
    resources: &[KubeResource],
) -> Vec<String> {
    let mut out = Vec::new();
    for cluster in clusters {
        for resource in resources {
            let health = cluster.kube.health(*resource);
            let state = match health {
                Health::Failed { .. } => "",
                Health::Stale { .. } => "stale: ",
                _ => continue,
            };
            if let Some(reason) = health.reason() {
                out.push(format!(
                    "{} {}: {state}{reason}",
                    cluster.name,
                    resource.plural()
                ));
            }
        }
    }
    out
}
