//! The SLOs the design documents set for the simulated shop: 99.99% API availability across
//! the fleet, API latency (p95 under 200 ms, p99 under 500 ms), and an error rate under 0.1%
//! for each backend service in each cluster. The simulator's scenarios carry this set unless
//! they list their own; tests use it as the sample fleet's SLOs.

use crate::slo::{Period, Sli, SloData, SloSpec, Target, WindowPolicy};
use crate::text::Text;
/// Backend services held to an error rate under 0.1% (99.9% availability), per cluster.
const BACKENDS: [&str; 4] = ["payment", "order", "auth", "user"];

fn spec(
    name: &str,
    service: &str,
    ppm: u32,
    fleet: bool,
    sli: Sli,
    description: &str,
) -> Option<SloSpec> {
    Some(SloSpec {
        name: Text::new(name),
        service: Text::new(service),
        description: Text::new(description),
        clusters: Vec::new(),
        fleet,
        target: Target::from_ppm(ppm)?,
        period: Period::DAYS_30,
        sli,
        windows: WindowPolicy::Sloth,
        data: SloData::Query,
        origin: Text::new("simulator: design SLOs"),
    })
}

/// The design's SLOs for the simulated fleet.
pub fn design_slos() -> Vec<SloSpec> {
    let mut slos = vec![
        spec(
            "api-availability",
            "api-gateway",
            999_900,
            true,
            Sli::http_availability("service", "api-gateway"),
            "99.99% of API requests succeed (non-5xx), across the fleet",
        ),
        spec(
            "api-latency-p95",
            "api-gateway",
            950_000,
            true,
            Sli::http_latency("service", "api-gateway", "0.2"),
            "p95 latency under 200 ms: 95% of API requests finish within 0.2 s",
        ),
        spec(
            "api-latency-p99",
            "api-gateway",
            990_000,
            true,
            Sli::http_latency("service", "api-gateway", "0.5"),
            "p99 latency under 500 ms: 99% of API requests finish within 0.5 s",
        ),
    ];
    slos.extend(BACKENDS.iter().map(|service| {
        spec(
            &format!("{service}-errors"),
            service,
            999_000,
            false,
            Sli::http_availability("service", service),
            "error rate under 0.1% in every cluster",
        )
    }));
    slos.into_iter().flatten().collect()
}
