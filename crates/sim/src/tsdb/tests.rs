//! Store behaviour: staleness, lookback, left-open ranges, retention, listing, compactness.

use promql_parser::label::{MatchOp, Matcher};

use super::chunk::CHUNK;
use super::*;

fn series(name: &str, pod: &str) -> Labels {
    Labels::from_pairs([(METRIC_NAME, name), ("pod", pod)])
}

fn eq(name: &str, value: &str) -> Matcher {
    Matcher::new(MatchOp::Equal, name, value)
}

fn db_with_gap() -> Tsdb {
    let mut db = Tsdb::new(3_600_000);
    db.append_scrape(0, [(series("up", "a"), 1.0), (series("up", "b"), 1.0)]);
    db.append_scrape(5_000, [(series("up", "a"), 2.0), (series("up", "b"), 2.0)]);
    db.append_scrape(10_000, [(series("up", "a"), 3.0)]);
    db.append_scrape(15_000, [(series("up", "a"), 4.0)]);
    db.append_scrape(20_000, [(series("up", "a"), 5.0), (series("up", "b"), 9.0)]);
    db
}

#[test]
fn instant_lookup_honours_staleness_and_lookback() {
    let db = db_with_gap();
    let b = db.select(&[eq(METRIC_NAME, "up"), eq("pod", "b")])[0];
    let cases = [
        (5_000, Some((5_000, 2.0))),
        (7_000, Some((5_000, 2.0))),
        (10_000, None), // stale marker written at the scrape that missed it
        (17_000, None),
        (20_000, Some((20_000, 9.0))),
        (20_000 + 300_000, None), // lookback (t-5m, t] excludes the sample at t-5m
        (20_000 + 299_999, Some((20_000, 9.0))),
    ];
    for (at, want) in cases {
        assert_eq!(db.sample_at(b, at, 300_000), want, "at {at}");
    }
}

#[test]
fn range_read_skips_stale_markers_and_is_left_open() {
    let db = db_with_gap();
    let b = db.select(&[eq("pod", "b")])[0];
    assert_eq!(db.samples(b, 0, 20_000), vec![(5_000, 2.0), (20_000, 9.0)]);
    let a = db.select(&[eq("pod", "a")])[0];
    assert_eq!(
        db.samples(a, 5_000, 15_000),
        vec![(10_000, 3.0), (15_000, 4.0)]
    );
}

#[test]
fn retention_prunes_samples_and_dead_series() {
    let mut db = Tsdb::new(10_000);
    db.append_scrape(0, [(series("up", "a"), 1.0), (series("up", "gone"), 1.0)]);
    db.append_scrape(5_000, [(series("up", "a"), 2.0)]);
    db.append_scrape(20_000, [(series("up", "a"), 3.0)]);
    assert_eq!(db.series_count(), 1);
    assert_eq!(db.first_scrape(), Some(20_000));
    let a = db.select(&[eq("pod", "a")])[0];
    assert_eq!(db.samples(a, -1, 20_000), vec![(20_000, 3.0)]);
}

#[test]
fn labels_values_and_series_listing() {
    let db = db_with_gap();
    assert_eq!(db.label_names(&[], 0, 20_000), vec!["__name__", "pod"]);
    assert_eq!(db.label_values("pod", &[], 0, 20_000), vec!["a", "b"]);
    assert_eq!(db.label_values("pod", &[], 10_000, 15_000), vec!["a"]);
    assert_eq!(db.label_values(METRIC_NAME, &[], 0, 0), vec!["up"]);
    let listed = db.series_matching(&[vec![eq("pod", "b")]], 0, 30_000);
    assert_eq!(listed, vec![series("up", "b")]);
}

#[test]
fn regex_name_and_empty_matchers() {
    let mut db = Tsdb::new(60_000);
    let re = |v: &str| MatchOp::Re(regex::Regex::new(&format!("^(?:{v})$")).unwrap());
    db.append_scrape(
        0,
        [
            (series("a_total", "x"), 1.0),
            (Labels::from_pairs([(METRIC_NAME, "b_total")]), 2.0),
        ],
    );
    assert_eq!(
        db.select(&[Matcher::new(re("a.*|b.*"), METRIC_NAME, "")])
            .len(),
        2
    );
    assert_eq!(db.select(&[eq("pod", "")]).len(), 1);
}

#[test]
fn mixed_series_stay_compact_and_readable() {
    let mut db = Tsdb::new(3 * 3_600_000);
    let scrapes = 6 * CHUNK as i64;
    for i in 0..scrapes {
        let samples = (0..1_000).map(|n| {
            let labels = Labels::from_pairs([(METRIC_NAME, "m"), ("n", &n.to_string())]);
            let value = match n % 5 {
                0 | 1 => 1.0,
                2 | 3 => (7 * i + n) as f64,
                _ => i as f64 / 3.0,
            };
            (labels, value)
        });
        db.append_scrape(i * 5_000, samples);
    }
    let per_sample = db.approx_bytes() as f64 / (1_000.0 * scrapes as f64);
    assert!(per_sample < 5.0, "{per_sample} bytes per sample");
    let counter = db.select(&[eq("n", "7")])[0];
    let last = (scrapes - 1) * 5_000;
    assert_eq!(
        db.sample_at(counter, last, 300_000),
        Some((last, (7 * (scrapes - 1) + 7) as f64))
    );
    assert_eq!(
        db.samples(counter, 0, 10_000),
        vec![(5_000, 14.0), (10_000, 21.0)]
    );
}
