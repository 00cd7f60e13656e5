//! CloudNativePG `Cluster`s (postgresql.cnpg.io/v1): primary, instances and phase.

use crate::text::Text;

/// Identifies a namespaced object within one cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub namespace: Text,
    pub name: Text,
}

impl ObjectKey {
    pub fn new(namespace: &str, name: &str) -> Self {
        ObjectKey {
            namespace: Text::new(namespace),
            name: Text::new(name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbClusterRow {
    pub key: ObjectKey,
    pub primary: Text,
    /// Where a switchover or failover is heading (equal to `primary` when settled).
    pub target_primary: Text,
    pub instances: u32,
    pub ready: u32,
    /// `Cluster in healthy state`, `Failing over` ...
    pub phase: Text,
    /// A replica cluster follows another cluster's primary.
    pub replica: bool,
    /// The external cluster a replica cluster follows (`spec.replica.source`).
    pub source: Text,
}
