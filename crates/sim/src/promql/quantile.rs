//! `histogram_quantile` over classic `_bucket` series, as Prometheus's `bucketQuantile`.

use std::collections::HashMap;

use super::value::Sample;
use crate::labels::{Labels, METRIC_NAME};
use watchdeck_core::model::go_float::parse_go_float;

/// One cumulative bucket: observations `<= upper`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Bucket {
    pub upper: f64,
    pub count: f64,
}

/// Prometheus's `bucketQuantile`: sorts the buckets, requires a `+Inf` bucket, merges equal
/// bounds, repairs float noise and non-monotonic counts, then interpolates linearly inside
/// the bucket holding the rank (from 0 for the lowest bucket when its bound is positive).
pub(crate) fn bucket_quantile(q: f64, mut buckets: Vec<Bucket>) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    if buckets.is_empty() {
        return f64::NAN;
    }
    buckets.sort_by(|a, b| {
        a.upper
            .partial_cmp(&b.upper)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if buckets[buckets.len() - 1].upper != f64::INFINITY {
        return f64::NAN;
    }
    let mut buckets = coalesce(buckets);
    correct_precision(&mut buckets, 1e-12);
    ensure_monotonic(&mut buckets);
    if buckets.len() < 2 {
        return f64::NAN;
    }
    let observations = buckets[buckets.len() - 1].count;
    if observations == 0.0 {
        return f64::NAN;
    }
    let mut rank = q * observations;
    let b = buckets[..buckets.len() - 1].partition_point(|x| x.count < rank);
    if b == buckets.len() - 1 {
        return buckets[buckets.len() - 2].upper;
    }
    if b == 0 && buckets[0].upper <= 0.0 {
        return buckets[0].upper;
    }
    let (mut start, end, mut count) = (0.0, buckets[b].upper, buckets[b].count);
    if b > 0 {
        start = buckets[b - 1].upper;
        count -= buckets[b - 1].count;
        rank -= buckets[b - 1].count;
    }
    start + (end - start) * (rank / count)
}

fn coalesce(buckets: Vec<Bucket>) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = Vec::with_capacity(buckets.len());
    for b in buckets {
        match out.last_mut() {
            Some(last) if last.upper == b.upper => last.count += b.count,
            _ => out.push(b),
        }
    }
    out
}

fn correct_precision(buckets: &mut [Bucket], tolerance: f64) {
    let mut prev = buckets[0].count;
    for b in buckets.iter_mut().skip(1) {
        let delta = (b.count - prev).abs();
        if delta == 0.0 {
            continue;
        }
        if delta / b.count <= tolerance {
            b.count = prev;
        } else {
            prev = b.count;
        }
    }
}

fn ensure_monotonic(buckets: &mut [Bucket]) {
    let mut max = buckets[0].count;
    for b in buckets.iter_mut().skip(1) {
        if b.count > max {
            max = b.count;
        } else if b.count < max {
            b.count = max;
        }
    }
}

/// Groups `_bucket` samples by their labels without `__name__` and `le` and computes the
/// quantile of each group. Samples without a parseable `le` are ignored, as Prometheus does.
pub(crate) fn histogram_quantile(q: f64, samples: Vec<Sample>) -> Vec<Sample> {
    let mut order: Vec<Labels> = Vec::new();
    let mut groups: HashMap<Labels, Vec<Bucket>> = HashMap::new();
    for s in samples {
        let Some(upper) = s.labels.get("le").and_then(parse_go_float) else {
            continue;
        };
        let mut key = s.labels;
        key.remove(METRIC_NAME);
        key.remove("le");
        let entry = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Vec::new()
        });
        entry.push(Bucket {
            upper,
            count: s.value,
        });
    }
    order
        .into_iter()
        .filter_map(|labels| {
            let buckets = groups.remove(&labels)?;
            Some(Sample {
                value: bucket_quantile(q, buckets),
                labels,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(upper: f64, count: f64) -> Bucket {
        Bucket { upper, count }
    }

    #[test]
    fn bucket_quantile_table() {
        let inf = f64::INFINITY;
        let std = vec![b(0.1, 10.0), b(0.5, 30.0), b(1.0, 40.0), b(inf, 40.0)];
        let cases: Vec<(&str, f64, Vec<Bucket>, f64)> = vec![
            // rank 20 in (0.1, 0.5]: 0.1 + 0.4 * (10/20) = 0.3.
            ("interpolates inside a bucket", 0.5, std.clone(), 0.3),
            // rank 4 in the first bucket, interpolated from 0: 0.1 * 4/10.
            ("lowest bucket starts at zero", 0.1, std.clone(), 0.04),
            // rank 38 in (0.5, 1]: 0.5 + 0.5 * (8/10) = 0.9.
            ("p95", 0.95, std.clone(), 0.9),
            (
                "unsorted input is sorted",
                0.5,
                vec![b(inf, 40.0), b(1.0, 40.0), b(0.1, 10.0), b(0.5, 30.0)],
                0.3,
            ),
            // rank in +Inf bucket: the second-highest bound.
            (
                "rank in +Inf bucket",
                0.99,
                vec![b(0.1, 10.0), b(1.0, 20.0), b(inf, 40.0)],
                1.0,
            ),
            // The non-monotonic 0.5 bucket is lifted to 10: rank 15 lands in (0.5, 1] with
            // 20 observations, 5 of them below the rank: 0.5 + 0.5 * 5/20.
            (
                "monotonicity fix",
                0.375,
                vec![b(0.1, 10.0), b(0.5, 5.0), b(1.0, 30.0), b(inf, 40.0)],
                0.625,
            ),
            (
                "negative lowest bound returned as is",
                0.1,
                vec![b(-1.0, 10.0), b(inf, 20.0)],
                -1.0,
            ),
            (
                "duplicate bounds are merged",
                0.5,
                vec![b(1.0, 5.0), b(1.0, 5.0), b(2.0, 10.0), b(inf, 20.0)],
                1.0,
            ),
            ("q above 1", 1.5, std.clone(), inf),
            ("q below 0", -0.1, std.clone(), f64::NEG_INFINITY),
            (
                "no +Inf bucket",
                0.5,
                vec![b(0.1, 10.0), b(1.0, 20.0)],
                f64::NAN,
            ),
            ("only +Inf bucket", 0.5, vec![b(inf, 20.0)], f64::NAN),
            (
                "zero observations",
                0.5,
                vec![b(1.0, 0.0), b(inf, 0.0)],
                f64::NAN,
            ),
            ("q NaN", f64::NAN, std, f64::NAN),
        ];
        for (name, q, buckets, want) in cases {
            let got = bucket_quantile(q, buckets);
            let same = (got.is_nan() && want.is_nan()) || (got - want).abs() < 1e-12 || got == want;
            assert!(same, "{name}: got {got}, want {want}");
        }
    }

    #[test]
    fn groups_by_labels_without_le() {
        let s = |svc: &str, le: &str, v: f64| Sample {
            labels: Labels::from_pairs([(METRIC_NAME, "h_bucket"), ("svc", svc), ("le", le)]),
            value: v,
        };
        let out = histogram_quantile(
            0.5,
            vec![
                s("a", "1", 2.0),
                s("a", "+Inf", 4.0),
                s("b", "2", 1.0),
                s("b", "+Inf", 1.0),
                s("c", "x", 1.0),
            ],
        );
        let want = vec![
            // a: rank 2 in (0, 1] -> 1.0; b: rank 0.5 in (0, 2] -> 1.0.
            Sample {
                labels: Labels::from_pairs([("svc", "a")]),
                value: 1.0,
            },
            Sample {
                labels: Labels::from_pairs([("svc", "b")]),
                value: 1.0,
            },
        ];
        assert_eq!(out, want);
    }
}
