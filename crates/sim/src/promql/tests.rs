//! End-to-end query tests over a small fixture store with hand-computed results.

use super::gofmt::format_g_prec;
use super::*;
use crate::labels::METRIC_NAME;

const S: Millis = 1_000;

fn l(name: &str, pairs: &[(&str, &str)]) -> Labels {
    Labels::from_pairs(pairs.iter().copied().chain([(METRIC_NAME, name)]))
}

/// Scrapes every 10s from 0s to 600s (index i, t = 10s * i):
/// - `http_requests_total` a/200 = 10i, a/500 = i, b/200 = 20i, b/500 = 2i (rates 1, .1, 2, .2)
/// - `resets_total{pod="p"}` = i, reset to 0 at i = 57
/// - `temp` x = 20, y = 30; `other_temp{room="x"}` = 5
/// - `up` a = 1, b = 0 (job node); `up{instance="c"}` only until 300s
/// - `owner` a -> team db, b -> team web
/// - `lat_bucket{job="api"}` le 0.1 = i, 0.5 = 3i, 1 = 4i, +Inf = 4i
fn fixture() -> Tsdb {
    let mut db = Tsdb::new(3_600 * S);
    for i in 0..=60i64 {
        let f = i as f64;
        let mut samples = vec![
            (
                l(
                    "http_requests_total",
                    &[("job", "api"), ("instance", "a"), ("status", "200")],
                ),
                10.0 * f,
            ),
            (
                l(
                    "http_requests_total",
                    &[("job", "api"), ("instance", "a"), ("status", "500")],
                ),
                f,
            ),
            (
                l(
                    "http_requests_total",
                    &[("job", "api"), ("instance", "b"), ("status", "200")],
                ),
                20.0 * f,
            ),
            (
                l(
                    "http_requests_total",
                    &[("job", "api"), ("instance", "b"), ("status", "500")],
                ),
                2.0 * f,
            ),
            (
                l("resets_total", &[("pod", "p")]),
                if i < 57 { f } else { f - 57.0 },
            ),
            (l("temp", &[("room", "x")]), 20.0),
            (l("temp", &[("room", "y")]), 30.0),
            (l("other_temp", &[("room", "x")]), 5.0),
            (l("up", &[("job", "node"), ("instance", "a")]), 1.0),
            (l("up", &[("job", "node"), ("instance", "b")]), 0.0),
            (l("owner", &[("instance", "a"), ("team", "db")]), 1.0),
            (l("owner", &[("instance", "b"), ("team", "web")]), 1.0),
            (l("lat_bucket", &[("job", "api"), ("le", "0.1")]), f),
            (l("lat_bucket", &[("job", "api"), ("le", "0.5")]), 3.0 * f),
            (l("lat_bucket", &[("job", "api"), ("le", "1")]), 4.0 * f),
            (l("lat_bucket", &[("job", "api"), ("le", "+Inf")]), 4.0 * f),
        ];
        if i <= 30 {
            samples.push((l("up", &[("job", "node"), ("instance", "c")]), 1.0));
        }
        db.append_scrape(i * 10 * S, samples);
    }
    db
}

fn render(value: &QueryValue) -> Vec<String> {
    match value {
        QueryValue::Scalar { value, .. } => vec![format!("scalar {}", format_g_prec(*value, 10))],
        QueryValue::String { value, .. } => vec![format!("string {value}")],
        QueryValue::Vector { samples, .. } => samples
            .iter()
            .map(|s| format!("{} {}", s.labels, format_g_prec(s.value, 10)))
            .collect(),
        QueryValue::Matrix(series) => series.iter().map(render_series).collect(),
    }
}

fn render_series(s: &RangeSeries) -> String {
    let points: Vec<String> = s
        .points
        .iter()
        .map(|(t, v)| format!("{}@{}", format_g_prec(*v, 10), t / S))
        .collect();
    format!("{} {}", s.labels, points.join(" "))
}

#[test]
fn instant_queries_table() {
    let db = fixture();
    let cases: &[(&str, i64, &[&str])] = &[
        (
            "up",
            600,
            &[
                r#"up{instance="a", job="node"} 1"#,
                r#"up{instance="b", job="node"} 0"#,
            ],
        ),
        (
            "up{instance=\"c\"}",
            305,
            &[r#"up{instance="c", job="node"} 1"#],
        ),
        // The scrape at 310s did not contain it: stale at once, not after 5 minutes.
        ("up{instance=\"c\"}", 310, &[]),
        (
            "up{instance=\"c\"} offset 5m",
            600,
            &[r#"up{instance="c", job="node"} 1"#],
        ),
        (
            "up{instance=\"c\"} @ 300",
            600,
            &[r#"up{instance="c", job="node"} 1"#],
        ),
        (
            "rate(http_requests_total{instance=\"a\"}[1m])",
            600,
            &[
                r#"{instance="a", job="api", status="200"} 1"#,
                r#"{instance="a", job="api", status="500"} 0.1"#,
            ],
        ),
        (
            "sum by (instance) (rate(http_requests_total[1m]))",
            600,
            &[r#"{instance="a"} 1.1"#, r#"{instance="b"} 2.2"#],
        ),
        (
            "sum without (status, instance) (rate(http_requests_total[1m]))",
            600,
            &[r#"{job="api"} 3.3"#],
        ),
        (
            "sum by (instance) (rate(http_requests_total{status=~\"5..\"}[1m])) / sum by (instance) (rate(http_requests_total[1m]))",
            600,
            &[
                r#"{instance="a"} 0.09090909091"#,
                r#"{instance="b"} 0.09090909091"#,
            ],
        ),
        // Window (540s, 600s]: 55 56 0 1 2 3 -> 3 - 55 + 56 = 4, extrapolated by 60/50.
        ("increase(resets_total[1m])", 600, &[r#"{pod="p"} 4.8"#]),
        ("irate(resets_total[1m])", 600, &[r#"{pod="p"} 0.1"#]),
        ("delta(temp{room=\"x\"}[1m])", 600, &[r#"{room="x"} 0"#]),
        ("avg(temp)", 600, &["{} 25"]),
        ("min(temp)", 600, &["{} 20"]),
        ("max(temp)", 600, &["{} 30"]),
        ("count(temp)", 600, &["{} 2"]),
        ("topk(1, temp)", 600, &[r#"temp{room="y"} 30"#]),
        (
            "bottomk(5, temp)",
            600,
            &[r#"temp{room="x"} 20"#, r#"temp{room="y"} 30"#],
        ),
        (
            "histogram_quantile(0.5, sum by (le) (rate(lat_bucket[1m])))",
            600,
            &["{} 0.3"],
        ),
        (
            "histogram_quantile(0.95, rate(lat_bucket[1m]))",
            600,
            &[r#"{job="api"} 0.9"#],
        ),
        (
            "sum_over_time(temp{room=\"x\"}[1m])",
            600,
            &[r#"{room="x"} 120"#],
        ),
        (
            "count_over_time(temp{room=\"x\"}[1m])",
            600,
            &[r#"{room="x"} 6"#],
        ),
        (
            "last_over_time(temp{room=\"x\"}[1m])",
            600,
            &[r#"temp{room="x"} 20"#],
        ),
        ("temp * 2", 600, &[r#"{room="x"} 40"#, r#"{room="y"} 60"#]),
        ("temp > 25", 600, &[r#"temp{room="y"} 30"#]),
        ("25 < temp", 600, &[r#"temp{room="y"} 30"#]),
        (
            "temp > bool 25",
            600,
            &[r#"{room="x"} 0"#, r#"{room="y"} 1"#],
        ),
        ("2 > bool 1", 600, &["scalar 1"]),
        ("1 + 2 * 3", 600, &["scalar 7"]),
        ("2 ^ 3 ^ 2", 600, &["scalar 512"]),
        ("-7 % 4", 600, &["scalar -3"]),
        ("temp - other_temp", 600, &[r#"{room="x"} 15"#]),
        (
            "temp == ignoring(room) group_left other_temp * 4",
            600,
            &[r#"temp{room="x"} 20"#],
        ),
        (
            "up * on (instance) group_left (team) owner",
            600,
            &[
                r#"{instance="a", job="node", team="db"} 1"#,
                r#"{instance="b", job="node", team="web"} 0"#,
            ],
        ),
        (
            "owner * on (instance) group_right up",
            600,
            &[
                r#"{instance="a", job="node"} 1"#,
                r#"{instance="b", job="node"} 0"#,
            ],
        ),
        (
            "up / on (instance) owner",
            600,
            &[r#"{instance="a"} 1"#, r#"{instance="b"} 0"#],
        ),
        (
            "up and on (instance) owner{team=\"db\"}",
            600,
            &[r#"up{instance="a", job="node"} 1"#],
        ),
        (
            "up unless on (instance) owner{team=\"db\"}",
            600,
            &[r#"up{instance="b", job="node"} 0"#],
        ),
        (
            "temp or other_temp",
            600,
            &[r#"temp{room="x"} 20"#, r#"temp{room="y"} 30"#],
        ),
        (
            "other_temp or on (room) temp",
            600,
            &[r#"other_temp{room="x"} 5"#, r#"temp{room="y"} 30"#],
        ),
        (
            "absent(nope{job=\"x\", a=~\"b\"})",
            600,
            &[r#"{job="x"} 1"#],
        ),
        ("absent(up)", 600, &[]),
        (
            "label_replace(up{instance=\"a\"}, \"host\", \"$1-h\", \"instance\", \"(.*)\")",
            600,
            &[r#"up{host="a-h", instance="a", job="node"} 1"#],
        ),
        (
            "clamp_max(temp, 25)",
            600,
            &[r#"{room="x"} 20"#, r#"{room="y"} 25"#],
        ),
        (
            "clamp_min(temp, 25)",
            600,
            &[r#"{room="x"} 25"#, r#"{room="y"} 30"#],
        ),
        (
            "round(temp / 3)",
            600,
            &[r#"{room="x"} 7"#, r#"{room="y"} 10"#],
        ),
        ("abs(-temp{room=\"x\"})", 600, &[r#"{room="x"} 20"#]),
        ("ceil(temp{room=\"x\"} / 3)", 600, &[r#"{room="x"} 7"#]),
        ("floor(temp{room=\"x\"} / 3)", 600, &[r#"{room="x"} 6"#]),
        ("scalar(temp{room=\"x\"})", 600, &["scalar 20"]),
        ("scalar(temp)", 600, &["scalar NaN"]),
        ("vector(time())", 600, &["{} 600"]),
        ("time()", 600, &["scalar 600"]),
        ("\"hello\"", 600, &["string hello"]),
        (
            "temp{room=\"x\"}[25s]",
            600,
            &[r#"temp{room="x"} 20@580 20@590 20@600"#],
        ),
    ];
    for (query, at, want) in cases {
        let got = instant_query(&db, query, at * S).map(|v| render(&v));
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, Ok(want), "{query} @ {at}s");
    }
}

#[test]
fn errors_table() {
    let db = fixture();
    let dup = "found duplicate series for the match group {} on the right hand-side of the operation: \
[{__name__=\"owner\", instance=\"b\", team=\"web\"}, {__name__=\"owner\", instance=\"a\", team=\"db\"}];\
many-to-many matching not allowed: matching labels must be unique on one side";
    let cases: &[(&str, &str, &str)] = &[
        ("up * on (job) group_left owner", "execution", dup),
        (
            "up * on () vector(1)",
            "execution",
            "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
        ),
        (
            "abs({__name__=~\".*temp\"})",
            "execution",
            "vector cannot contain metrics with the same labelset",
        ),
        (
            "max_over_time(rate(up[1m])[5m:1m])",
            "bad_data",
            "unsupported in the simulator's PromQL subset: subqueries",
        ),
        (
            "stddev(temp)",
            "bad_data",
            "unsupported in the simulator's PromQL subset: aggregation \"stddev\"",
        ),
        (
            "sort(temp)",
            "bad_data",
            "unsupported in the simulator's PromQL subset: function \"sort\"",
        ),
        ("atan2(1, 2)", "bad_data", "parse error"),
        (
            "label_replace(up, \"1x\", \"\", \"instance\", \".*\")",
            "execution",
            "invalid destination label name in label_replace(): 1x",
        ),
    ];
    for (query, kind, want) in cases {
        match instant_query(&db, query, 600 * S) {
            Ok(v) => panic!("{query}: expected an error, got {v:?}"),
            Err(e) => {
                assert_eq!(e.error_type(), *kind, "{query}: {e}");
                assert!(e.to_string().starts_with(want), "{query}: {e}");
            }
        }
    }
    for query in ["foo{", "sum(", "up +", "rate(up)"] {
        let err = instant_query(&db, query, 0).err();
        assert_eq!(
            err.as_ref().map(PromError::error_type),
            Some("bad_data"),
            "{query}: {err:?}"
        );
    }
}

#[test]
fn range_queries_table() {
    let db = fixture();
    let cases: &[(&str, i64, i64, i64, &[&str])] = &[
        (
            "sum(rate(http_requests_total[1m]))",
            500,
            600,
            50,
            &["{} 3.3@500 3.3@550 3.3@600"],
        ),
        (
            "up{instance=\"c\"}",
            280,
            320,
            10,
            &[r#"up{instance="c", job="node"} 1@280 1@290 1@300"#],
        ),
        ("time()", 0, 20, 10, &["{} 0@0 10@10 20@20"]),
        (
            "temp{room=\"x\"} @ end()",
            0,
            20,
            10,
            &[r#"temp{room="x"} 20@0 20@10 20@20"#],
        ),
    ];
    for (query, start, end, step, want) in cases {
        let got = range_query(&db, query, start * S, end * S, step * S)
            .map(|series| series.iter().map(render_series).collect::<Vec<_>>());
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, Ok(want), "{query}");
    }
    let err = range_query(&db, "temp[1m]", 0, 10 * S, S).err();
    assert_eq!(
        err,
        Some(PromError::BadData(
            "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector".into()
        ))
    );
    assert_eq!(
        range_query(&db, "up", 0, 10, 0)
            .err()
            .map(|e| e.error_type()),
        Some("bad_data")
    );
}

#[test]
fn extreme_inputs_error_or_answer_without_panicking() {
    let db = fixture();
    let queries = [
        "up offset 300000000y",
        "rate(up[300000000y])",
        "up @ 9999999999999",
        "round(temp, 0)",
        "topk(NaN, temp)",
        "sum(",
        "",
        "histogram_quantile(0.5, temp)",
    ];
    for q in queries {
        let result = instant_query(&db, q, 600 * S);
        if let Err(e) = &result {
            assert!(
                matches!(e.error_type(), "bad_data" | "execution"),
                "{q}: {e}"
            );
        }
    }
    assert!(range_query(&db, "up", i64::MAX - 10, i64::MAX, i64::MAX / 2).is_ok());
    let topk_nan = instant_query(&db, "topk(NaN, temp)", 600 * S).err();
    assert_eq!(
        topk_nan,
        Some(PromError::Execution(
            "Scalar value NaN overflows int64".into()
        ))
    );
}
