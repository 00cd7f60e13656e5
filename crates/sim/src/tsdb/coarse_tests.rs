//! The two tiers read as one store: history before the live tier's first scrape, live scrapes
//! from it on, copies of live scrapes kept after the live tier forgets them.

use promql_parser::label::{MatchOp, Matcher};

use super::*;
use crate::promql::{QueryValue, instant_query};

const MIN: Millis = 60_000;

fn counter(pod: &str) -> Labels {
    Labels::from_pairs([(METRIC_NAME, "req_total"), ("pod", pod)])
}

fn pod(db: &Tsdb, name: &str) -> SeriesRef {
    db.select(&[Matcher::new(MatchOp::Equal, "pod", name)])[0]
}

fn coarse(retention_ms: Millis) -> Tsdb {
    Tsdb::with_coarse(
        retention_ms,
        CoarseOptions {
            every_ms: 5 * MIN,
            retention_ms: 24 * 60 * MIN,
            metrics: vec!["req_total".into()],
        },
    )
}

fn scalar(db: &Tsdb, query: &str, at: Millis) -> f64 {
    match instant_query(db, query, at).unwrap() {
        QueryValue::Vector { samples, .. } if samples.len() == 1 => samples[0].value,
        other => panic!("{query}: {other:?}"),
    }
}

/// History of pod `old` counting 1/s for an hour, ending 5 s before live scrapes of pod
/// `new` (also 1/s, from 0) start at one hour; live scrapes every 5 s for 10 minutes.
fn handed_over() -> Tsdb {
    let mut db = coarse(3 * 60 * MIN);
    let grid: Vec<Millis> = (0..=12).map(|k| k * 5 * MIN - 5_000).collect();
    let values: Vec<f64> = grid.iter().map(|t| (*t as f64 / 1000.0).max(0.0)).collect();
    assert!(db.load_history(grid, vec![(counter("old"), values)]));
    for k in 0..=120 {
        let t = 60 * MIN + k * 5_000;
        db.append_scrape(t, [(counter("new"), (k * 5) as f64)]);
    }
    db
}

#[test]
fn a_range_across_the_handoff_reads_history_then_live() {
    let db = handed_over();
    let old = db.samples(pod(&db, "old"), 0, 70 * MIN);
    assert_eq!(
        old.len(),
        12,
        "history points only, no stale marker: {old:?}"
    );
    assert_eq!(old.last(), Some(&(60 * MIN - 5_000, 3595.0)));
    let new = db.samples(pod(&db, "new"), 55 * MIN, 70 * MIN);
    assert_eq!(new.first(), Some(&(60 * MIN, 0.0)));
    assert_eq!(new.len(), 121);
    // Requests counted by either pod over the last 70 minutes (4200 served), as Prometheus
    // counts them: the old pod's 3300 extrapolated back to its zero point (+295 s) and, as a
    // series that ended inside the window, forward by half its interval (+150 s); the new
    // pod's 600 from its zero point.
    let total = scalar(&db, "sum(increase(req_total[70m]))", 70 * MIN);
    assert!(
        (total - (3300.0 + 295.0 + 150.0 + 600.0)).abs() < 1e-6,
        "{total}"
    );
    let last_hour = scalar(&db, "sum(rate(req_total[1h]))", 70 * MIN);
    assert!(
        (last_hour - (2700.0 + 295.0 + 150.0 + 600.0) / 3600.0).abs() < 1e-9,
        "{last_hour}"
    );
}

#[test]
fn history_pods_end_at_the_handoff() {
    let db = handed_over();
    let old = pod(&db, "old");
    assert_eq!(
        db.sample_at(old, 60 * MIN - 1_000, 5 * MIN),
        Some((60 * MIN - 5_000, 3595.0))
    );
    assert_eq!(db.sample_at(old, 61 * MIN, 5 * MIN), None);
    assert_eq!(
        db.series_matching(&[vec![]], 61 * MIN, 70 * MIN).len(),
        1,
        "only the live pod has samples after the handoff"
    );
    assert_eq!(db.series_matching(&[vec![]], 0, 70 * MIN).len(), 2);
    assert_eq!(
        db.label_values("pod", &[], 0, 30 * MIN),
        vec!["old".to_string()]
    );
}

#[test]
fn the_coarse_copy_outlives_the_live_tier() {
    // Live scrapes kept 20 minutes; a 1/s counter scraped every 5 s for two hours.
    let mut db = coarse(20 * MIN);
    for k in 0..=(2 * 60 * 12) {
        let t = k * 5_000;
        db.append_scrape(t, [(counter("a"), (k * 5) as f64)]);
    }
    let a = pod(&db, "a");
    let points = db.samples(a, -1, 120 * MIN);
    let first_live = 100 * MIN;
    assert!(
        points
            .iter()
            .filter(|(t, _)| *t < first_live)
            .all(|(t, _)| t % (5 * MIN) == 0),
        "five-minute copies before the live tier"
    );
    assert_eq!(points.first(), Some(&(0, 0.0)));
    // From the first copy (0 at t=0) to the last live scrape: every request, exactly.
    let increase = scalar(&db, "increase(req_total[121m])", 120 * MIN);
    assert!((increase - 7200.0).abs() < 1e-9, "{increase}");
    let earlier = scalar(&db, "rate(req_total[10m])", 60 * MIN);
    assert!((earlier - 1.0).abs() < 1e-9, "{earlier}");
    // Metrics not in the coarse list are forgotten with the live tier.
    db.append_scrape(
        121 * MIN,
        [(Labels::from_pairs([(METRIC_NAME, "other")]), 1.0)],
    );
    assert!(db.coarse_bytes() > 0);
    assert!(
        db.select(&[Matcher::new(MatchOp::Equal, METRIC_NAME, "other")])
            .iter()
            .all(|s| s.coarse().is_none())
    );
}

#[test]
fn history_is_refused_once_live_scrapes_exist_or_rows_do_not_fit() {
    let mut db = coarse(MIN);
    assert!(!db.load_history(vec![0, 1], vec![(counter("x"), vec![1.0])]));
    assert!(!db.load_history(vec![1, 0], vec![(counter("x"), vec![1.0, 2.0])]));
    db.append_scrape(10, [(counter("x"), 1.0)]);
    assert!(!db.load_history(vec![0], vec![(counter("x"), vec![1.0])]));
}
