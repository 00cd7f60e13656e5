//! The SLOs the design documents set for the simulated shop, carried by every scenario:
//! 99.99% API availability across the fleet, API latency (p95 under 200 ms, p99 under
//! 500 ms), and an error rate under 0.1% for each backend service in each cluster.
//! A scenario file may list its own `[[slos]]` (see `entries`); the shipped ones list this set.

pub mod entries;

use super::clock::Millis;

const DAY_MS: Millis = 86_400_000;
const MINUTE_MS: Millis = 60_000;

/// Something that went wrong in the 30 days of history before the simulation starts
/// (`sim::history`), so budgets start partly spent, as in a real fleet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PastIncident {
    pub cluster: &'static str,
    pub service: &'static str,
    /// When it began, counted back from the start of the warm-up.
    pub started_before_ms: Millis,
    pub duration_ms: Millis,
    /// Share of requests answered with HTTP 500 on top of the baseline.
    pub extra_errors: f64,
    /// Median latency multiplied by this.
    pub latency_factor: f64,
    pub what: &'static str,
}

/// The history's incidents. With the baselines (api-gateway 0.001%, payment 0.02% 5xx) the
/// budgets stand, at the start of every scenario, at about:
///
/// - payment-errors in us-east-1 (99.9%): a third spent. A fifth goes to the baseline, the
///   rest to the 80 minutes of 8% errors twelve days ago.
/// - api-availability fleet-wide (99.99%): a fifth spent. A tenth goes to the baseline, the
///   rest to eu-west-1's 45 minutes of 3% errors twenty days ago.
/// - api-latency-p95 (95% within 200 ms): barely touched; ap-southeast-1's two slow hours
///   three days ago show in the 3-day window.
/// - every other SLO: its baseline share only (auth 30%, user 40%, order 50% of 99.9%).
pub const PAST_INCIDENTS: &[PastIncident] = &[
    PastIncident {
        cluster: "us-east-1",
        service: "payment",
        started_before_ms: 12 * DAY_MS,
        duration_ms: 80 * MINUTE_MS,
        extra_errors: 0.08,
        latency_factor: 1.0,
        what: "payment v1.4.0 shipped with a too-small connection pool; rolled back after 80 minutes",
    },
    PastIncident {
        cluster: "eu-west-1",
        service: "api-gateway",
        started_before_ms: 20 * DAY_MS,
        duration_ms: 45 * MINUTE_MS,
        extra_errors: 0.03,
        latency_factor: 1.0,
        what: "an upstream TLS certificate expired on one ingress; 3% of API calls failed for 45 minutes",
    },
    PastIncident {
        cluster: "ap-southeast-1",
        service: "api-gateway",
        started_before_ms: 3 * DAY_MS,
        duration_ms: 120 * MINUTE_MS,
        extra_errors: 0.0,
        latency_factor: 8.0,
        what: "a noisy neighbour saturated two nodes; API latency rose eightfold for two hours",
    },
];

use super::scenario::Scenario;
use watchdeck_core::slo::SloSpec;
use watchdeck_core::slo::shop::design_slos;

/// The scenario's SLOs, or the design's set when the scenario lists none.
pub fn scenario_slos(scenario: &Scenario) -> Vec<SloSpec> {
    if scenario.slos.is_empty() {
        design_slos()
    } else {
        scenario.slos.clone()
    }
}

#[cfg(test)]
mod tests;
