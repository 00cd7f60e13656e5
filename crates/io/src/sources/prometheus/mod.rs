//! The metrics source: per cluster, polls Prometheus (directly or through the API server's
//! service proxy) for RED values per service from configurable PromQL templates, and answers
//! chart requests for the selected service. Pure parts: `query` (templates), `step` (range
//! step), `response` (answer classification), `assemble` (series to RED rows).

pub mod assemble;
pub mod chart;
pub mod client;
pub mod poll;
pub mod query;
pub mod response;
pub mod slo;

use std::time::Duration;

use watchdeck_core::config::{EndpointConfig, MetricsQueries};

pub use chart::fetch_chart;
pub use client::{PollError, PromClient};
pub use poll::poll_metrics;

/// Most series one answer may hold.
pub const MAX_SERIES: usize = 2_000;
/// Largest answer read, in bytes.
pub const MAX_BYTES: usize = 8 << 20;

/// How one cluster's metrics are reached and asked for.
#[derive(Debug, Clone)]
pub struct PromTarget {
    pub endpoint: EndpointConfig,
    /// On a global endpoint (Thanos, Mimir, ...): the `label="value"` that selects this
    /// cluster's series.
    pub cluster_selector: Option<(String, String)>,
    pub queries: MetricsQueries,
    /// Time between polls.
    pub every: Duration,
}

impl PromTarget {
    /// The matchers every query of this cluster carries.
    pub fn matchers(&self) -> Vec<(String, String)> {
        self.cluster_selector.iter().cloned().collect()
    }
}
