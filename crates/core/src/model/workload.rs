//! Deployments, ReplicaSets and StatefulSets as the console shows them: replica counts,
//! revision, paused flag, conditions, images and change cause, reduced from the API object when it arrives.

use jiff::Timestamp;

use crate::text::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    Deployment,
    ReplicaSet,
    StatefulSet,
}

impl WorkloadKind {
    pub const ALL: [WorkloadKind; 3] = [
        WorkloadKind::Deployment,
        WorkloadKind::ReplicaSet,
        WorkloadKind::StatefulSet,
    ];

    pub fn label(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::StatefulSet => "StatefulSet",
        }
    }
}

/// Identifies a workload within one cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkloadKey {
    pub kind: WorkloadKind,
    pub namespace: Text,
    pub name: Text,
}

impl WorkloadKey {
    pub fn new(kind: WorkloadKind, namespace: &str, name: &str) -> Self {
        WorkloadKey {
            kind,
            namespace: Text::new(namespace),
            name: Text::new(name),
        }
    }
}

/// One workload condition (`Progressing True NewReplicaSetAvailable`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadCondition {
    pub kind: Text,
    pub status: Text,
    pub reason: Text,
    pub message: Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadRow {
    pub key: WorkloadKey,
    /// `spec.replicas` (1 when unset, as the API server defaults it).
    pub desired: u32,
    pub ready: u32,
    pub updated: u32,
    pub available: u32,
    /// `deployment.kubernetes.io/revision` for Deployments and ReplicaSets, the
    /// current revision hash for StatefulSets.
    pub revision: Text,
    pub paused: bool,
    /// The owning controller's name (a ReplicaSet's Deployment).
    pub owner: Option<Text>,
    pub conditions: Vec<WorkloadCondition>,
    /// The pod template's container images, in container order.
    pub images: Vec<Text>,
    /// `kubernetes.io/change-cause` (a ReplicaSet's records why its revision was made).
    pub change_cause: Text,
    pub created: Option<Timestamp>,
}
