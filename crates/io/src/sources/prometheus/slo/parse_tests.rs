//! Table tests of reading the batched answer: known series give known readings.

use std::collections::BTreeMap;

use super::batch_tests::spec;
use super::parse::{Answer, reading, timestamp};
use crate::sources::prometheus::response::Series;
use watchdeck_core::series::Num;
use watchdeck_core::slo::{ReadingSource, Sli, SloData, WindowRatio};

const AT: f64 = 1_767_225_600.0;

fn series(slo: &str, win: &str, q: &str, value: f64) -> Series {
    Series {
        labels: BTreeMap::from([
            ("wd_slo".to_string(), slo.to_string()),
            ("wd_win".to_string(), win.to_string()),
            ("wd_q".to_string(), q.to_string()),
        ]),
        points: vec![(AT, value)],
    }
}

fn now() -> Series {
    Series {
        labels: BTreeMap::from([("wd_q".to_string(), "now".to_string())]),
        points: vec![(AT, 1.0)],
    }
}

#[test]
fn ratios_and_events_come_from_errors_and_total() {
    let s = spec("p", Sli::http_availability("service", "p"), SloData::Query);
    let answer = Answer::read(
        &[
            now(),
            series("2", "300", "e", 0.5),
            series("2", "300", "t", 10.0),
            // Several series of one term are summed.
            series("2", "3600", "e", 0.1),
            series("2", "3600", "e", 0.1),
            series("2", "3600", "t", 20.0),
            // No 5xx series at all: zero errors.
            series("2", "1800", "t", 4.0),
            // No traffic: no ratio, zero events.
            series("2", "7200", "e", 0.0),
            series("2", "7200", "t", 0.0),
            series("2", "period", "e", 0.02),
            series("2", "period", "t", 10.0),
            // Another SLO's numbers do not leak in.
            series("3", "21600", "t", 1.0),
        ],
        Vec::new(),
    );
    assert_eq!(answer.at, Some(AT));
    let r = reading(2, &s, &answer, timestamp(AT));
    let cases: [(u64, Option<f64>, Option<f64>); 4] = [
        (300, Some(0.05), Some(3000.0)),
        (3600, Some(0.01), Some(72_000.0)),
        (1800, Some(0.0), Some(7200.0)),
        (7200, None, Some(0.0)),
    ];
    for (window, ratio, events) in cases {
        assert_eq!(
            r.window(window).copied(),
            Some(WindowRatio::new(ratio, events)),
            "window {window}"
        );
    }
    // 6h, 1d, 3d: nothing came back, so the windows are missing, not zero.
    assert_eq!(r.window(21_600), None);
    assert_eq!(r.windows.len(), 4);
    assert_eq!(r.period.ratio, Some(Num(0.002)));
    assert_eq!(r.period.events, Some(Num(10.0 * 30.0 * 86_400.0)));
    assert_eq!(r.source, ReadingSource::Query);
    assert_eq!(r.at.to_string(), "2026-01-01T00:00:00Z");
    assert!(r.problem.is_none() && r.warnings.is_empty());
}

#[test]
fn rule_series_win_and_events_still_come_from_the_total() {
    let s = spec(
        "p",
        Sli::http_availability("service", "p"),
        SloData::SlothRules {
            sloth_id: "p".into(),
        },
    );
    let answer = Answer::read(
        &[
            series("0", "300", "r", 0.25),
            series("0", "300", "t", 2.0),
            series("0", "3600", "e", 1.0),
            series("0", "3600", "t", 2.0),
            series("0", "period", "r", f64::NAN),
        ],
        Vec::new(),
    );
    let r = reading(0, &s, &answer, timestamp(AT));
    assert_eq!(r.source, ReadingSource::SlothRules);
    assert_eq!(
        r.window(300).copied(),
        Some(WindowRatio::new(Some(0.25), Some(600.0)))
    );
    // No rule for 1h: the console's own query answers.
    assert_eq!(
        r.window(3600).copied(),
        Some(WindowRatio::new(Some(0.5), Some(7200.0)))
    );
    // Sloth's 0/0 ratio (NaN) is no ratio, not a number.
    assert_eq!(r.period, WindowRatio::default());
    assert!(answer.has_rule(0, super::batch::Span::Period));
}

#[test]
fn warnings_and_ambiguous_rules_are_carried_as_warnings() {
    let s = spec(
        "p",
        Sli::http_availability("service", "p"),
        SloData::SlothRules {
            sloth_id: "p".into(),
        },
    );
    let answer = Answer::read(
        &[series("0", "300", "r", 0.1), series("0", "300", "r", 0.2)],
        vec!["store eu-west-1 unavailable".to_string()],
    );
    let r = reading(0, &s, &answer, timestamp(AT));
    let warnings: Vec<&str> = r.warnings.iter().map(|w| w.as_str()).collect();
    assert_eq!(warnings[0], "store eu-west-1 unavailable");
    assert!(
        warnings[1].starts_with("2 recording-rule series for one window"),
        "{warnings:?}"
    );
    assert_eq!(r.window(300), None);
    let evaluation = watchdeck_core::slo::evaluate(&s, &r);
    assert!(
        evaluation.unknown.is_some(),
        "partial data is never shown as numbers"
    );
}
