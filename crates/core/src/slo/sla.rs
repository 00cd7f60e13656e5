//! The SLA helper's arithmetic: allowed downtime per day, 30-day month and 365-day year for
//! common availability targets, and what a latency objective (p95 under 200 ms) asks of the
//! share of requests inside the threshold.

use super::target::Target;
use super::windows::DAY;

/// The availability targets the helper lists, in ppm.
pub const AVAILABILITY_TARGETS: [u32; 4] = [999_000, 999_500, 999_900, 999_990];

/// The design's latency objectives: (quantile in ppm, threshold in seconds as written in the
/// histogram's `le`).
pub const LATENCY_OBJECTIVES: [(u32, &str); 3] =
    [(500_000, "0.1"), (950_000, "0.2"), (990_000, "0.5")];

/// Allowed downtime for `target` in seconds per day, 30-day month and 365-day year.
pub fn allowed_downtime(target: Target) -> [f64; 3] {
    [DAY, 30 * DAY, 365 * DAY].map(|span| target.budget() * span as f64)
}

/// A latency objective "pQ under T": at least Q of requests must finish within T.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatencyObjective {
    /// The quantile as a target: p95 is 95%.
    pub quantile: Target,
    /// The threshold, as the bucket bound `le` (seconds).
    pub le: &'static str,
}

impl LatencyObjective {
    /// `p95 < 200ms`.
    pub fn label(&self) -> String {
        let ms = self.le.parse::<f64>().map_or(0.0, |s| s * 1000.0);
        format!(
            "p{} < {ms:.0}ms",
            self.quantile.to_string().trim_end_matches('%')
        )
    }

    /// Whether a measured share of requests inside the threshold meets the objective.
    pub fn met_by(&self, share_inside: f64) -> bool {
        share_inside >= self.quantile.ratio()
    }
}

/// The design's latency objectives.
pub fn latency_objectives() -> Vec<LatencyObjective> {
    LATENCY_OBJECTIVES
        .iter()
        .filter_map(|(q, le)| {
            Some(LatencyObjective {
                quantile: Target::from_ppm(*q)?,
                le,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn downtime_table_matches_the_known_figures() {
        let four_nines = Target::from_ppm(999_900).unwrap();
        let [day, month, year] = allowed_downtime(four_nines);
        assert!(close(year, 52.56 * 60.0), "99.99% is 52.56 minutes a year");
        assert!(close(month, 4.32 * 60.0));
        assert!(close(day, 8.64));
        let [_, month, year] = allowed_downtime(Target::from_ppm(999_000).unwrap());
        assert!(close(month, 43.2 * 60.0));
        assert!(close(year, 8.76 * 3600.0));
        let [_, _, year] = allowed_downtime(Target::from_ppm(999_990).unwrap());
        assert!(close(year, 315.36));
    }

    #[test]
    fn latency_objectives_ask_for_a_share_inside_the_threshold() {
        let objectives = latency_objectives();
        let labels: Vec<String> = objectives.iter().map(LatencyObjective::label).collect();
        assert_eq!(labels, ["p50 < 100ms", "p95 < 200ms", "p99 < 500ms"]);
        assert!(objectives[1].met_by(0.951));
        assert!(!objectives[1].met_by(0.949));
    }
}
