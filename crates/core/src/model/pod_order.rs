//! The merged pods table's order, maintained on every pod change instead of sorting on each
//! frame: a sorted vector of small boxed keys, so a change costs a binary search and a short
//! move, the n-th row is O(1), the selected row's position O(log n), and reversing is free.

use jiff::Timestamp;

use super::pod::{PodKey, PodRow};
use crate::cluster::ClusterId;
use crate::text::Text;

/// The column the pods table is sorted on. `Health` (unhealthy first) is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum SortColumn {
    #[default]
    Health,
    Cluster,
    Namespace,
    Name,
    Status,
    Ready,
    Restarts,
    Age,
    Node,
}

impl SortColumn {
    pub const ALL: [SortColumn; 9] = [
        SortColumn::Health,
        SortColumn::Cluster,
        SortColumn::Namespace,
        SortColumn::Name,
        SortColumn::Status,
        SortColumn::Ready,
        SortColumn::Restarts,
        SortColumn::Age,
        SortColumn::Node,
    ];

    /// The column after this one (the sort key cycles through them).
    pub fn next(self) -> SortColumn {
        let at = SortColumn::ALL.iter().position(|c| *c == self).unwrap_or(0);
        SortColumn::ALL[(at + 1) % SortColumn::ALL.len()]
    }

    /// The table header this column sorts (health sorts by STATUS colour).
    pub fn header(self) -> &'static str {
        match self {
            SortColumn::Health => "HEALTH",
            SortColumn::Cluster => "CLUSTER",
            SortColumn::Namespace => "NAMESPACE",
            SortColumn::Name => "NAME",
            SortColumn::Status => "STATUS",
            SortColumn::Ready => "READY",
            SortColumn::Restarts => "RESTARTS",
            SortColumn::Age => "AGE",
            SortColumn::Node => "NODE",
        }
    }
}

/// The primary sort value of a row; every column yields one variant only.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortValue {
    Num(i64),
    Text(Text),
}

/// One row's place in the order: primary value, then cluster, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct OrderKey {
    value: SortValue,
    cluster: ClusterId,
    pod: PodKey,
}

fn sort_value(column: SortColumn, cluster: ClusterId, pod: &PodRow) -> SortValue {
    match column {
        SortColumn::Health => SortValue::Num(pod.health() as i64),
        SortColumn::Cluster => SortValue::Num(cluster as i64),
        SortColumn::Namespace => SortValue::Text(pod.key.namespace.clone()),
        SortColumn::Name => SortValue::Text(pod.key.name.clone()),
        SortColumn::Status => SortValue::Text(pod.status.clone()),
        // Fewest ready containers (relative to total) first.
        SortColumn::Ready => {
            SortValue::Num(i64::from(pod.ready) * 1000 / i64::from(pod.total.max(1)))
        }
        SortColumn::Restarts => SortValue::Num(-i64::from(pod.restarts)),
        // Youngest first; unknown creation times last.
        SortColumn::Age => {
            SortValue::Num(pod.created.map_or(i64::MAX, |t: Timestamp| -t.as_second()))
        }
        SortColumn::Node => SortValue::Text(pod.node.clone()),
    }
}

fn order_key(column: SortColumn, cluster: ClusterId, pod: &PodRow) -> Box<OrderKey> {
    Box::new(OrderKey {
        value: sort_value(column, cluster, pod),
        cluster,
        pod: pod.key.clone(),
    })
}

/// The sorted order of every pod of every cluster.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodOrder {
    column: SortColumn,
    reversed: bool,
    // Boxed on purpose: an insert or removal moves pointers, not 90-byte keys.
    #[allow(clippy::vec_box)]
    entries: Vec<Box<OrderKey>>,
}

impl PodOrder {
    pub fn column(&self) -> SortColumn {
        self.column
    }

    pub fn reversed(&self) -> bool {
        self.reversed
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Flips the direction (no re-sort: rows are read from the other end).
    pub fn reverse(&mut self) {
        self.reversed = !self.reversed;
    }

    /// Sorts on `column` (ascending), rebuilding the order from `pods`.
    pub fn set_column<'a>(
        &mut self,
        column: SortColumn,
        pods: impl Iterator<Item = (ClusterId, &'a PodRow)>,
    ) {
        self.column = column;
        self.reversed = false;
        self.entries = pods
            .map(|(cluster, pod)| order_key(column, cluster, pod))
            .collect();
        self.entries.sort_unstable();
    }

    /// Places a new pod.
    pub fn insert(&mut self, cluster: ClusterId, pod: &PodRow) {
        let key = order_key(self.column, cluster, pod);
        if let Err(at) = self.entries.binary_search(&key) {
            self.entries.insert(at, key);
        }
    }

    /// Forgets a pod, given the row it was placed with.
    pub fn remove(&mut self, cluster: ClusterId, pod: &PodRow) {
        let key = order_key(self.column, cluster, pod);
        if let Ok(at) = self.entries.binary_search(&key) {
            self.entries.remove(at);
        }
    }

    /// Moves a pod whose row changed from `old` to `new`; nothing moves when its sort value
    /// did not change.
    pub fn update(&mut self, cluster: ClusterId, old: &PodRow, new: &PodRow) {
        if sort_value(self.column, cluster, old) == sort_value(self.column, cluster, new) {
            return;
        }
        self.remove(cluster, old);
        self.insert(cluster, new);
    }

    /// Replaces every pod of `cluster` (after a relist).
    pub fn replace_cluster<'a>(
        &mut self,
        cluster: ClusterId,
        pods: impl Iterator<Item = &'a PodRow>,
    ) {
        self.entries.retain(|entry| entry.cluster != cluster);
        let column = self.column;
        self.entries
            .extend(pods.map(|pod| order_key(column, cluster, pod)));
        self.entries.sort_unstable();
    }

    /// The pod at display position `index`.
    pub fn get(&self, index: usize) -> Option<(ClusterId, &PodKey)> {
        let at = if self.reversed {
            self.entries.len().checked_sub(index + 1)?
        } else {
            index
        };
        self.entries.get(at).map(|e| (e.cluster, &e.pod))
    }

    /// The display position of a pod, given its current row: O(log n).
    pub fn position(&self, cluster: ClusterId, pod: &PodRow) -> Option<usize> {
        let key = order_key(self.column, cluster, pod);
        let at = self.entries.binary_search(&key).ok()?;
        Some(if self.reversed {
            self.entries.len() - 1 - at
        } else {
            at
        })
    }
}
