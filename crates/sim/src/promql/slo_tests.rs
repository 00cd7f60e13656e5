//! The PromQL the SLO source and Sloth's and Pyrra's rules use, over a store with 30 days of
//! coarse history and ten minutes of live scrapes, with hand-computed results.

use super::gofmt::format_g_prec;
use super::*;
use crate::labels::METRIC_NAME;
use crate::tsdb::CoarseOptions;

const S: Millis = 1_000;
const STEP: Millis = 300 * S;
/// Warm-up start: the history ends 5 s before it; live scrapes every 5 s for 10 minutes.
const T0: Millis = 1_767_225_600_000;
const END: Millis = T0 + 600 * S;
const HISTORY: usize = 30 * 288 + 1;
const SLOTH: &str = "payment-availability";

fn l(name: &str, pairs: &[(&str, &str)]) -> Labels {
    Labels::from_pairs(pairs.iter().copied().chain([(METRIC_NAME, name)]))
}

fn req(service: &str, pod: &str, key: &str, code: &str) -> Labels {
    l(
        "http_requests_total",
        &[("service", service), ("pod", pod), (key, code)],
    )
}

/// - payment (`code` label): history pod `h` 10/s ok and 0.01/s 500 for 30 days; live pod
///   `p` the same from T0.
/// - api (`status` label): live only, 20/s ok and 0.2/s 503.
/// - Sloth's recordings for payment: 5m error ratio 0.001, 0.002 from scrape 90 on; 1h 0.0015;
///   objective 0.999; an info series with the owning team.
fn store() -> Tsdb {
    let mut db = Tsdb::with_coarse(
        3 * 3_600 * S,
        CoarseOptions {
            every_ms: STEP,
            retention_ms: 31 * 86_400 * S,
            metrics: vec!["http_requests_total".into()],
        },
    );
    let grid: Vec<Millis> = (0..HISTORY as Millis)
        .map(|k| T0 - 5 * S - (HISTORY as Millis - 1 - k) * STEP)
        .collect();
    let ok: Vec<f64> = (0..HISTORY).map(|k| 3000.0 * k as f64).collect();
    let bad: Vec<f64> = (0..HISTORY).map(|k| 3.0 * k as f64).collect();
    assert!(db.load_history(
        grid,
        vec![
            (req("payment", "h", "code", "200"), ok),
            (req("payment", "h", "code", "500"), bad),
        ],
    ));
    let sloth = |name: &str, window: &str| {
        l(
            name,
            &[
                ("sloth_id", SLOTH),
                ("sloth_service", "payment"),
                ("sloth_window", window),
            ],
        )
    };
    for j in 0..=120i64 {
        let f = j as f64;
        db.append_scrape(
            T0 + j * 5 * S,
            [
                (req("payment", "p", "code", "200"), 50.0 * f),
                (req("payment", "p", "code", "500"), 0.05 * f),
                (req("api", "a", "status", "200"), 100.0 * f),
                (req("api", "a", "status", "503"), f),
                (
                    sloth("slo:sli_error:ratio_rate5m", "5m"),
                    if j < 90 { 0.001 } else { 0.002 },
                ),
                (sloth("slo:sli_error:ratio_rate1h", "1h"), 0.0015),
                (
                    l(
                        "slo:objective:ratio",
                        &[("sloth_id", SLOTH), ("sloth_service", "payment")],
                    ),
                    0.999,
                ),
                (
                    l("slo:info", &[("sloth_id", SLOTH), ("team", "payments")]),
                    1.0,
                ),
            ],
        );
    }
    db
}

fn render(value: &QueryValue) -> Vec<String> {
    match value {
        QueryValue::Scalar { value, .. } => vec![format!("scalar {}", format_g_prec(*value, 10))],
        QueryValue::Vector { samples, .. } => samples
            .iter()
            .map(|s| format!("{} {}", s.labels, format_g_prec(s.value, 10)))
            .collect(),
        other => vec![format!("{other:?}")],
    }
}

#[test]
fn slo_queries_table() {
    let db = store();
    // increase over 30d at END, as Prometheus computes it: the history pod's points from
    // T0 - 5s - 8637 * 5m (3000 * 8637 counted, extrapolated 295 s back to the window's start
    // and, having ended, 150 s forward: x 2_591_545 / 2_591_100) plus the live pod's 6000.
    let history_increase = 10.0 * 2_591_545.0;
    let increase_30d = history_increase + 6000.0;
    let cases: &[(&str, Vec<String>)] = &[
        (
            r#"sum(increase(http_requests_total{service="payment",code="200"}[30d]))"#,
            vec![format!("{{}} {}", format_g_prec(increase_30d, 10))],
        ),
        (
            r#"sum(rate(http_requests_total{service="payment",code="200"}[30d]))"#,
            vec![format!(
                "{{}} {}",
                format_g_prec(increase_30d / 2_592_000.0, 10)
            )],
        ),
        // Distinct label sets on both sides of `or`: both kept (the code / status idiom).
        (
            r#"rate(http_requests_total{code=~"5..",}[5m]) or rate(http_requests_total{status=~"5..",}[5m])"#,
            vec![
                r#"{code="500", pod="p", service="payment"} 0.01"#.into(),
                r#"{pod="a", service="api", status="503"} 0.2"#.into(),
            ],
        ),
        (
            r#"sum(rate(http_requests_total{service="api",code=~"5..",}[5m]) or rate(http_requests_total{service="api",status=~"5..",}[5m]))"#,
            vec!["{} 0.2".into()],
        ),
        // No failures at all: the `or vector(0)` idiom answers 0 rather than nothing.
        (
            r#"sum(rate(http_requests_total{service="payment",code=~"4.."}[5m])) or vector(0)"#,
            vec!["{} 0".into()],
        ),
        (
            r#"label_replace(vector(0), "service", "payment", "", "")"#,
            vec![r#"{service="payment"} 0"#.into()],
        ),
        (
            r#"label_replace(sum by (service) (rate(http_requests_total[5m])), "svc", "$1-x", "service", "(pay.*)")"#,
            vec![
                r#"{service="api"} 20.2"#.into(),
                r#"{service="payment", svc="payment-x"} 10.01"#.into(),
            ],
        ),
        (
            "sum by (service) (rate(http_requests_total[5m]))",
            vec![
                r#"{service="api"} 20.2"#.into(),
                r#"{service="payment"} 10.01"#.into(),
            ],
        ),
        // Sloth's period SLI from its 5m recordings: 90 x 0.001 + 31 x 0.002 over 121 points.
        (
            r#"sum_over_time(slo:sli_error:ratio_rate5m{sloth_id="payment-availability"}[30d])"#,
            vec![format!(
                r#"{{sloth_id="{SLOTH}", sloth_service="payment", sloth_window="5m"}} 0.152"#
            )],
        ),
        (
            r#"count_over_time(slo:sli_error:ratio_rate5m{sloth_id="payment-availability"}[5m])"#,
            vec![format!(
                r#"{{sloth_id="{SLOTH}", sloth_service="payment", sloth_window="5m"}} 60"#
            )],
        ),
        (
            r#"sum_over_time(slo:sli_error:ratio_rate5m[30d]) / count_over_time(slo:sli_error:ratio_rate5m[30d])"#,
            vec![format!(
                r#"{{sloth_id="{SLOTH}", sloth_service="payment", sloth_window="5m"}} {}"#,
                format_g_prec(0.152 / 121.0, 10)
            )],
        ),
        // Burn rate: the error ratio over the budget, matched ignoring the window label.
        (
            r#"slo:sli_error:ratio_rate5m / ignoring(sloth_window) (1 - slo:objective:ratio)"#,
            vec![format!(
                r#"{{sloth_id="{SLOTH}", sloth_service="payment"}} 2"#
            )],
        ),
        // Many windows to one objective, copying the team from an info series.
        (
            r#"{__name__=~"slo:sli_error:ratio_rate.+"} * on(sloth_id) group_left(team) slo:info"#,
            vec![
                format!(
                    r#"{{sloth_id="{SLOTH}", sloth_service="payment", sloth_window="1h", team="payments"}} 0.0015"#
                ),
                format!(
                    r#"{{sloth_id="{SLOTH}", sloth_service="payment", sloth_window="5m", team="payments"}} 0.002"#
                ),
            ],
        ),
        ("(1 - 0.999) * 14.4", vec!["scalar 0.0144".into()]),
        (
            r#"slo:sli_error:ratio_rate1h > bool (14.4 * (1 - 0.999))"#,
            vec![format!(
                r#"{{sloth_id="{SLOTH}", sloth_service="payment", sloth_window="1h"}} 0"#
            )],
        ),
    ];
    for (query, want) in cases {
        let got = instant_query(&db, query, END).unwrap_or_else(|e| panic!("{query}: {e}"));
        assert_eq!(&render(&got), want, "{query}");
    }
}

#[test]
fn a_range_query_reads_history_and_live_alike() {
    let db = store();
    // Hourly burn-down points across the last day: all from history but the last one.
    let series = range_query(
        &db,
        r#"sum(rate(http_requests_total{service="payment",code="500"}[1h])) / sum(rate(http_requests_total{service="payment"}[1h]))"#,
        END - 86_400 * S,
        END,
        3_600 * S,
    )
    .unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].points.len(), 25);
    for (t, ratio) in &series[0].points {
        assert!((ratio - 0.001).abs() < 1e-6, "at {t}: {ratio}");
    }
}
