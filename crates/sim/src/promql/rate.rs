//! Range-vector functions: `rate`, `increase`, `delta` (Prometheus's `extrapolatedRate`),
//! `irate` (`instantValue`) and the `*_over_time` family.

use super::value::KahanSum;
use crate::clock::Millis;

/// Which extrapolating function to compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RateKind {
    Rate,
    Increase,
    Delta,
}

/// Prometheus's `extrapolatedRate` for float samples in `(range_end - range, range_end]`:
/// counter resets are added back, and the result is extrapolated to the window's edges when
/// the first/last sample is within 1.1 average intervals of them, otherwise by half an
/// average interval; a counter is never extrapolated below zero.
pub(crate) fn extrapolated_rate(
    points: &[(Millis, f64)],
    range_end: Millis,
    range: Millis,
    kind: RateKind,
) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let is_counter = kind != RateKind::Delta;
    let range_start = range_end.saturating_sub(range);
    let (first_t, first_v) = points[0];
    let (last_t, last_v) = points[points.len() - 1];
    let mut result = last_v - first_v;
    if is_counter {
        for pair in points.windows(2) {
            if pair[1].1 < pair[0].1 {
                result += pair[0].1;
            }
        }
    }
    let mut to_start = (first_t as f64 - range_start as f64) / 1000.0;
    let mut to_end = (range_end as f64 - last_t as f64) / 1000.0;
    let sampled = (last_t - first_t) as f64 / 1000.0;
    let average = sampled / (points.len() - 1) as f64;
    let threshold = average * 1.1;
    if to_start >= threshold {
        to_start = average / 2.0;
    }
    if is_counter && result > 0.0 && first_v >= 0.0 {
        let to_zero = sampled * (first_v / result);
        if to_zero < to_start {
            to_start = to_zero;
        }
    }
    if to_end >= threshold {
        to_end = average / 2.0;
    }
    let mut factor = (sampled + to_start + to_end) / sampled;
    if kind == RateKind::Rate {
        factor /= range as f64 / 1000.0;
    }
    Some(result * factor)
}

/// Prometheus's `instantValue` for `irate`: the per-second change between the last two
/// samples, or the last value itself after a counter reset.
pub(crate) fn irate(points: &[(Millis, f64)]) -> Option<f64> {
    let [.., (t0, v0), (t1, v1)] = points else {
        return None;
    };
    let interval = t1 - t0;
    if interval == 0 {
        return None;
    }
    let change = if v1 < v0 { *v1 } else { v1 - v0 };
    Some(change / (interval as f64 / 1000.0))
}

/// The supported `*_over_time` functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OverTime {
    Sum,
    Avg,
    Min,
    Max,
    Count,
    Last,
}

impl OverTime {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "sum_over_time" => Self::Sum,
            "avg_over_time" => Self::Avg,
            "min_over_time" => Self::Min,
            "max_over_time" => Self::Max,
            "count_over_time" => Self::Count,
            "last_over_time" => Self::Last,
            _ => return None,
        })
    }

    /// `None` for an empty window (the series is then left out of the result).
    pub(crate) fn apply(self, points: &[(Millis, f64)]) -> Option<f64> {
        let (_, first) = *points.first()?;
        let values = points.iter().map(|(_, v)| *v);
        Some(match self {
            Self::Sum | Self::Avg => {
                let mut sum = KahanSum::default();
                values.for_each(|v| sum.add(v));
                if self == Self::Sum {
                    sum.value()
                } else {
                    sum.value() / points.len() as f64
                }
            }
            // Go's comparisons: a NaN running value is replaced by the next sample.
            Self::Min => values.fold(
                first,
                |acc, v| if v < acc || acc.is_nan() { v } else { acc },
            ),
            Self::Max => values.fold(
                first,
                |acc, v| if v > acc || acc.is_nan() { v } else { acc },
            ),
            Self::Count => points.len() as f64,
            Self::Last => points[points.len() - 1].1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(start: Millis, step: Millis, values: &[f64]) -> Vec<(Millis, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (start + i as Millis * step, *v))
            .collect()
    }

    #[test]
    fn extrapolated_rate_table() {
        // Window (0s, 60s], samples every 10s.
        let full = series(10_000, 10_000, &[10.0, 20.0, 30.0, 40.0, 50.0, 60.0]);
        let reset = series(10_000, 10_000, &[10.0, 20.0, 30.0, 5.0, 15.0, 25.0]);
        let late = series(30_000, 10_000, &[100.0, 110.0, 120.0, 130.0]);
        let gauge = series(10_000, 10_000, &[5.0, 3.0, 1.0]);
        type Case<'a> = (&'a str, &'a [(Millis, f64)], RateKind, f64);
        let cases: [Case; 7] = [
            // 50 over 50s sampled; start gap 10s < 11s threshold: extrapolate to 60s, but the
            // zero point (50s * 10/50 = 10s) equals it: 50 * 60/50 = 60.
            ("increase full window", &full, RateKind::Increase, 60.0),
            ("rate full window", &full, RateKind::Rate, 1.0),
            // Reset adds back 30: 15 + 30 = 45 (raw 25-10), zero point 50*10/45=11.1s > 10s,
            // so 45 * 60/50 = 54.
            ("increase across a reset", &reset, RateKind::Increase, 54.0),
            // First sample 30s after the start (>= 11s): extrapolate only 5s; the zero point
            // is 30s * 100/30 = 100s away. End is exact: 30 * (30+5)/30 = 35.
            ("increase starting late", &late, RateKind::Increase, 35.0),
            // Delta may be negative; the last sample is 30s before the end (>= 11s), so only
            // 5s are added there: -4 * (20+10+5)/20 = -7.
            ("delta of a gauge", &gauge, RateKind::Delta, -7.0),
            // 1 * (10 + 10 + 5)/10.
            (
                "delta ends early",
                &series(10_000, 10_000, &[1.0, 2.0]),
                RateKind::Delta,
                2.5,
            ),
            // Zero point limits extrapolation: first value 1 -> to_zero = 50s * 1/50 = 1s.
            (
                "zero point cap",
                &series(10_000, 10_000, &[1.0, 11.0, 21.0, 31.0, 41.0, 51.0]),
                RateKind::Increase,
                51.0,
            ),
        ];
        for (name, points, kind, want) in cases {
            let got = extrapolated_rate(points, 60_000, 60_000, kind).unwrap_or(f64::NAN);
            assert!((got - want).abs() < 1e-9, "{name}: got {got}, want {want}");
        }
        assert_eq!(
            extrapolated_rate(&full[..1], 60_000, 60_000, RateKind::Rate),
            None
        );
    }

    #[test]
    fn irate_and_over_time() {
        assert_eq!(irate(&series(0, 5_000, &[1.0, 6.0, 16.0])), Some(2.0));
        assert_eq!(irate(&series(0, 5_000, &[10.0, 4.0])), Some(0.8));
        assert_eq!(irate(&series(0, 5_000, &[1.0])), None);
        let pts = series(0, 1_000, &[3.0, f64::NAN, 1.0, 7.0]);
        let cases = [
            (OverTime::Sum, f64::NAN),
            (OverTime::Count, 4.0),
            (OverTime::Min, 1.0),
            (OverTime::Max, 7.0),
            (OverTime::Last, 7.0),
        ];
        for (f, want) in cases {
            let got = f.apply(&pts).unwrap_or(-1.0);
            assert!(
                got == want || (got.is_nan() && want.is_nan()),
                "{f:?}: {got}"
            );
        }
        assert_eq!(
            OverTime::Avg.apply(&series(0, 1_000, &[1.0, 2.0, 6.0])),
            Some(3.0)
        );
    }
}
