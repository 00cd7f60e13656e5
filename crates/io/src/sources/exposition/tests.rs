//! What prometheus-parse does with hostile label values, and the guard's exact round trip.

use super::*;
use watchdeck_sim::exposition::{MetricFamily, MetricKind, render};
use watchdeck_sim::labels::{Labels, METRIC_NAME};

fn pp_labels(line: &str) -> Option<Vec<(String, String)>> {
    let scrape = prometheus_parse::Scrape::parse(std::iter::once(Ok(line.to_string()))).ok()?;
    let sample = scrape.samples.into_iter().next()?;
    let mut labels: Vec<(String, String)> = sample
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    labels.sort();
    Some(labels)
}

fn pairs(p: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
    Some(
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

#[test]
fn prometheus_parse_mangles_hostile_label_values() {
    let cases = [
        ("=", r#"m{a="x=y",b="ok"} 1"#, pairs(&[("b", "ok")])),
        (
            ",",
            r#"m{a="x,y",b="ok"} 1"#,
            pairs(&[("a", "x"), ("b", "ok")]),
        ),
        ("}", r#"m{a="x}y",b="ok"} 1"#, None),
        (
            "\\\"",
            r#"m{a="say \"hi\"",b="ok"} 1"#,
            pairs(&[("a", r#"say \"hi\"#), ("b", "ok")]),
        ),
        (
            "\\\\ and \\n",
            r#"m{a="c:\\x\ny"} 1"#,
            pairs(&[("a", r#"c:\\x\ny"#)]),
        ),
        ("colon in name", r#"job:rate5m{a="b"} 1"#, None),
        ("empty braces", "m{} 1", None),
    ];
    for (what, line, want) in cases {
        assert_eq!(pp_labels(line), want, "{what}: {line}");
    }
}

fn hostile_families() -> Vec<MetricFamily> {
    let values = [
        "x=y",
        "x,y",
        "x}y",
        "say \"hi\"",
        "c:\\x",
        "two\nlines",
        "plain",
        "{a=\"b\",c}",
    ];
    let samples = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                Labels::from_pairs([("path", *v), ("code", "200")]),
                i as f64 + 0.5,
            )
        })
        .collect();
    vec![
        MetricFamily {
            name: "http_requests_total".into(),
            help: "Requests with \\ and\nnewline.".into(),
            kind: MetricKind::Counter,
            samples,
        },
        MetricFamily {
            name: "odd_values".into(),
            help: "Specials.".into(),
            kind: MetricKind::Gauge,
            samples: vec![
                (Labels::from_pairs([("k", "inf")]), f64::INFINITY),
                (Labels::from_pairs([("k", "ninf")]), f64::NEG_INFINITY),
                (Labels::from_pairs([("k", "big")]), 1.234_567e9),
            ],
        },
        MetricFamily {
            name: "job:rate5m".into(),
            help: "Recorded.".into(),
            kind: MetricKind::Gauge,
            samples: vec![(Labels::new(), 2.0)],
        },
    ]
}

#[test]
fn hostile_render_output_round_trips_exactly() {
    let families = hostile_families();
    let parsed = parse_exposition(&render(&families));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let expected: Vec<(String, BTreeMap<String, String>, f64)> = families
        .iter()
        .flat_map(|f| {
            f.samples.iter().map(|(l, v)| {
                let name = l.metric_name().unwrap_or(&f.name).to_string();
                (name, l.without_metric_name().as_map().clone(), *v)
            })
        })
        .collect();
    let got: Vec<(String, BTreeMap<String, String>, f64)> = parsed
        .samples
        .iter()
        .map(|s| (s.name.clone(), s.labels.clone(), s.value))
        .collect();
    assert_eq!(got, expected);
    // Lines 3..=10 are the path samples; only "plain" (line 9) is left to prometheus-parse.
    let repaired: Vec<usize> = parsed.repaired.iter().map(|r| r.line).collect();
    assert_eq!(repaired, vec![3, 4, 5, 6, 7, 8, 10, 18]);
    assert_eq!(
        parsed.help.get("http_requests_total").map(String::as_str),
        Some("Requests with \\ and\nnewline.")
    );
    assert_eq!(
        parsed.types.get("odd_values").map(String::as_str),
        Some("gauge")
    );
    assert_eq!(METRIC_NAME, "__name__");
}

#[test]
fn malformed_lines_are_rejected_with_line_and_reason() {
    let text =
        "ok 1\nbad{a=\"x} 1\nbad{a=\"\\q\"} 1\nbad{a=\"x\"} one\nok{a=\"b\"} 2 1700000000000\n";
    let parsed = parse_exposition(text);
    let rejected: Vec<(usize, &str)> = parsed
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (2, "unterminated value of label a"),
            (3, "invalid escape \\q in label a"),
            (4, "invalid value \"one\""),
        ]
    );
    let kept: Vec<(usize, f64, Option<i64>)> = parsed
        .samples
        .iter()
        .map(|s| (s.line, s.value, s.timestamp_ms))
        .collect();
    assert_eq!(
        kept,
        vec![(1, 1.0, None), (5, 2.0, Some(1_700_000_000_000))]
    );
    assert!(parsed.repaired.is_empty(), "{:?}", parsed.repaired);
}
