//! Table tests of the batched SLO query: known SLOs give known query text.

use super::batch::{Span, batch, fill, slo_terms, spans};
use super::rules::{pyrra_windows, rule_series};
use watchdeck_core::slo::windows::{DAY, HOUR, MINUTE};
use watchdeck_core::slo::{Period, Sli, SloData, SloSpec, Target, WindowPolicy};
use watchdeck_core::text::Text;

pub fn spec(name: &str, sli: Sli, data: SloData) -> SloSpec {
    SloSpec {
        name: Text::new(name),
        service: Text::new("payment"),
        description: Text::new(""),
        clusters: Vec::new(),
        fleet: false,
        target: Target::parse_percent("99.9").unwrap(),
        period: Period::DAYS_30,
        sli,
        windows: WindowPolicy::Sloth,
        data,
        origin: Text::new("test"),
    }
}

fn cluster() -> Vec<(String, String)> {
    vec![("cluster".to_string(), "us-east-1".to_string())]
}

#[test]
fn templates_get_the_window_and_the_cluster_matcher() {
    let sli = Sli::http_availability("service", "payment");
    let cases = [
        (
            300,
            vec![],
            "sum(rate(http_requests_total{service=\"payment\"}[5m]))",
        ),
        (
            30 * DAY,
            cluster(),
            "sum(rate(http_requests_total{service=\"payment\",cluster=\"us-east-1\"}[30d]))",
        ),
    ];
    for (secs, matchers, expected) in cases {
        assert_eq!(fill(&sli.total_template(), secs, &matchers), expected);
    }
    let latency = Sli::http_latency("service", "api", "0.25");
    assert_eq!(
        fill(&latency.errors_template(), 3840, &[]),
        "(sum(rate(http_request_duration_seconds_count{service=\"api\"}[1h4m])) - sum(rate(http_request_duration_seconds_bucket{service=\"api\",le=\"0.25\"}[1h4m])))"
    );
}

#[test]
fn every_window_and_the_period_get_errors_and_total_terms() {
    let s = spec(
        "payment-errors",
        Sli::http_availability("service", "payment"),
        SloData::Query,
    );
    let terms = slo_terms(4, &s, &[], &|_, _| false);
    // 7 Sloth windows + period, errors and total each.
    assert_eq!(terms.len(), 16);
    assert_eq!(spans(&s).last(), Some(&Span::Period));
    let text = batch(&terms[..2]);
    assert_eq!(
        text,
        "label_replace(vector(1), \"wd_q\", \"now\", \"\", \"\")\n\
         or label_replace(label_replace(label_replace(sum(rate(http_requests_total{service=\"payment\",code=~\"5..\"}[5m]) or rate(http_requests_total{service=\"payment\",status=~\"5..\"}[5m])), \"wd_slo\", \"4\", \"\", \"\"), \"wd_win\", \"300\", \"\", \"\"), \"wd_q\", \"e\", \"\", \"\")\n\
         or label_replace(label_replace(label_replace(sum(rate(http_requests_total{service=\"payment\"}[5m])), \"wd_slo\", \"4\", \"\", \"\"), \"wd_win\", \"300\", \"\", \"\"), \"wd_q\", \"t\", \"\", \"\")"
    );
    let period = terms.iter().find(|t| t.key.span == Span::Period).unwrap();
    assert!(period.tagged().contains("[30d]") && period.tagged().contains("\"period\""));
}

#[test]
fn sloth_rules_are_read_for_sloth_windows_and_the_period() {
    let s = spec(
        "payment-errors",
        Sli::http_availability("service", "payment"),
        SloData::SlothRules {
            sloth_id: "payment-requests-availability".into(),
        },
    );
    let cases = [
        (
            Span::Window(5 * MINUTE),
            Some("slo:sli_error:ratio_rate5m{sloth_id=\"payment-requests-availability\"}"),
        ),
        (
            Span::Window(3 * DAY),
            Some("slo:sli_error:ratio_rate3d{sloth_id=\"payment-requests-availability\"}"),
        ),
        (
            Span::Period,
            Some("slo:sli_error:ratio_rate30d{sloth_id=\"payment-requests-availability\"}"),
        ),
        (Span::Window(4 * DAY), None),
    ];
    for (span, expected) in cases {
        assert_eq!(rule_series(&s, span, &[]).as_deref(), expected, "{span:?}");
    }
    assert_eq!(
        rule_series(&s, Span::Window(HOUR), &cluster()).as_deref(),
        Some(
            "slo:sli_error:ratio_rate1h{sloth_id=\"payment-requests-availability\",cluster=\"us-east-1\"}"
        )
    );
    // Covered windows drop their errors term; the rule and the total stay.
    let terms = slo_terms(0, &s, &[], &|_, span| span == Span::Window(300));
    let five: Vec<_> = terms
        .iter()
        .filter(|t| t.key.span == Span::Window(300))
        .map(|t| t.key.quantity)
        .collect();
    use super::batch::Quantity;
    assert_eq!(five, [Quantity::Rule, Quantity::Total]);
}

#[test]
fn pyrra_rules_use_pyrra_windows_and_its_duration_notation() {
    let mut s = spec(
        "api",
        Sli::http_availability("service", "api"),
        SloData::PyrraRules {
            slo: "api-errors".into(),
            metric: "http_requests".into(),
        },
    );
    s.windows = WindowPolicy::Pyrra;
    s.period = Period::DAYS_28;
    assert_eq!(
        pyrra_windows(Period::DAYS_28.secs()),
        [
            5 * MINUTE,
            30 * MINUTE,
            HOUR,
            2 * HOUR,
            6 * HOUR,
            DAY,
            4 * DAY
        ]
    );
    assert_eq!(
        rule_series(&s, Span::Window(4 * DAY), &[]).as_deref(),
        Some("http_requests:burnrate4d{slo=\"api-errors\"}")
    );
    assert_eq!(
        rule_series(&s, Span::Window(3 * DAY), &[]),
        None,
        "display-only window"
    );
    assert_eq!(rule_series(&s, Span::Period, &[]), None);
    s.period = Period::DAYS_30;
    assert_eq!(
        rule_series(&s, Span::Window(64 * MINUTE), &[]).as_deref(),
        Some("http_requests:burnrate1h4m{slo=\"api-errors\"}")
    );
}
