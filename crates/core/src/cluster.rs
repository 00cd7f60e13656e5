//! Which cluster: every cluster is known by its index in configuration order.

/// Index of a cluster in configuration order.
pub type ClusterId = usize;
