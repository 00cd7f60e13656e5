//! The SLO source: per cluster, one batched instant query per refresh reads every applicable
//! SLO's error ratios and event counts (from the SLI templates, or Sloth's and Pyrra's
//! recording rules where they exist) and sends them as `Payload::SloReadings`; the executor
//! asks it for an SLO's detail charts. Pure parts: `batch` (query text), `rules` (recording
//! rule series), `parse` (answer to readings); IO: `fetch` (one refresh), `poll` (the loop),
//! `chart` (range queries).

pub mod batch;
pub mod chart;
pub mod fetch;
pub mod parse;
pub mod poll;
pub mod rules;

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod parse_tests;

use std::time::Duration;

use watchdeck_core::slo::{SloId, SloSpec};

pub use chart::fetch_slo_chart;
pub use fetch::SloFetcher;
pub use poll::poll_slos;

/// Readings older than this many refresh intervals are shown as unknown (stale).
pub const STALE_INTERVALS: u32 = 3;

/// What one cluster's SLO poller reads: the SLOs that apply to the cluster (with their index
/// in the board), the cluster matchers on a shared endpoint, and the pace.
#[derive(Debug, Clone)]
pub struct SloTarget {
    pub slos: Vec<(SloId, SloSpec)>,
    /// `label="value"` pairs for `$selector` (the cluster's series on a global endpoint).
    pub matchers: Vec<(String, String)>,
    /// Time between refreshes (the metrics poll interval).
    pub every: Duration,
}

impl SloTarget {
    /// The SLOs of `specs` that apply to the cluster named `cluster`; `None` when there are none.
    pub fn for_cluster(
        specs: &[SloSpec],
        cluster: &str,
        matchers: Vec<(String, String)>,
        every: Duration,
    ) -> Option<SloTarget> {
        let slos: Vec<(SloId, SloSpec)> = specs
            .iter()
            .enumerate()
            .filter(|(_, spec)| spec.applies_to(cluster))
            .map(|(id, spec)| (id, spec.clone()))
            .collect();
        (!slos.is_empty()).then_some(SloTarget {
            slos,
            matchers,
            every,
        })
    }
}
