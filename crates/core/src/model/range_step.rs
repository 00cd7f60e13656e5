//! The step of a range query: coarse enough that no series needs more points than the chart
//! has columns, and never more than Prometheus's 11,000 points per series.

/// Prometheus refuses range queries that would return more points per series than this.
pub const MAX_POINTS: u64 = 11_000;

/// Steps that read well on an axis, in seconds.
const NICE: [u64; 16] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 86_400,
];

/// Points a range query over `range` seconds returns per series at `step`.
pub fn points(range: u64, step: u64) -> u64 {
    range / step.max(1) + 1
}

/// The smallest nice step (seconds) at which `range` seconds fit in `columns` points and
/// within [`MAX_POINTS`].
pub fn choose_step(range: u64, columns: u16) -> u64 {
    let budget = u64::from(columns).clamp(2, MAX_POINTS);
    // points = range/step + 1 <= budget  <=>  step >= range / (budget - 1)
    let least = range.div_ceil(budget - 1).max(1);
    match NICE.iter().find(|&&nice| nice >= least) {
        Some(nice) => *nice,
        // Beyond a day per point: round up to whole days.
        None => least.div_ceil(86_400) * 86_400,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_fit_the_chart() {
        // (range seconds, columns, expected step)
        let cases = [
            (900, 100, 10),
            (900, 30, 60),
            (3600, 100, 60),
            (21_600, 100, 300),
            (86_400, 100, 900),
            (86_400, 200, 600),
            (86_400, 0, 86_400),
            (60, 1000, 1),
            (0, 80, 1),
        ];
        for (range, columns, step) in cases {
            let chosen = choose_step(range, columns);
            assert_eq!(chosen, step, "range {range} columns {columns}");
            assert!(points(range, chosen) <= u64::from(columns).max(2));
        }
    }

    #[test]
    fn never_more_than_prometheus_allows() {
        // A week on a terminal 60,000 columns wide still stays under 11,000 points.
        let step = choose_step(7 * 86_400, u16::MAX);
        assert!(points(7 * 86_400, step) <= MAX_POINTS, "step {step}");
        let year = 365 * 86_400;
        let step = choose_step(year, u16::MAX);
        assert!(points(year, step) <= MAX_POINTS, "step {step}");
    }
}
