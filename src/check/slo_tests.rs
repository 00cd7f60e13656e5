//! Tests of the SLO rows, their statuses, `watchdeck slo`'s exit code and the SLO tables.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::report::{self, Status};
use super::slo::{FLEET, rows};
use super::slo_cmd::exit_code;
use super::slo_text;
use crate::check::exit;
use watchdeck_core::model::Model;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::slo::windows::{DAY, HOUR};
use watchdeck_core::slo::{SloBoard, SloReading, WindowRatio};

fn now() -> Timestamp {
    Timestamp::from_second(1_767_226_200).unwrap()
}

/// Three clusters, the simulator's design SLOs, Prometheus healthy everywhere.
fn fleet() -> Model {
    let none = BTreeMap::new();
    let mut model = Model::new([
        ("us-east-1", &none),
        ("eu-west-1", &none),
        ("ap-southeast-1", &none),
    ]);
    for cluster in &mut model.clusters {
        for kind in SourceKind::ALL {
            cluster.health.insert(kind, Health::Ok { at: now() });
        }
    }
    let specs = watchdeck_sim::slos::scenario_slos(
        &watchdeck_sim::scenario::Scenario::resolve("steady").unwrap(),
    );
    model.slos = SloBoard::new(specs);
    model
}

/// A reading with `ratio` in every window (and `period` over the period), `events` per window.
fn reading(ratio_short: f64, ratio_long: f64, period: f64, events: f64) -> SloReading {
    let windows = [300, 1800, HOUR, 2 * HOUR, 6 * HOUR, DAY, 3 * DAY]
        .into_iter()
        .map(|w| {
            let r = if w <= HOUR { ratio_short } else { ratio_long };
            (w, WindowRatio::new(Some(r), Some(events)))
        })
        .collect();
    SloReading {
        at: now(),
        windows,
        period: WindowRatio::new(Some(period), Some(events * 1000.0)),
        source: Default::default(),
        problem: None,
        warnings: Vec::new(),
    }
}

fn slo_id(model: &Model, name: &str) -> usize {
    model
        .slos
        .specs
        .iter()
        .position(|s| s.name.as_str() == name)
        .unwrap()
}

fn record_everywhere(model: &mut Model, name: &str, per_cluster: [SloReading; 3]) {
    let id = slo_id(model, name);
    let names = ["us-east-1", "eu-west-1", "ap-southeast-1"];
    for (cluster, r) in per_cluster.into_iter().enumerate() {
        model.slos.record(id, cluster, r, &names);
    }
}

fn healthy_everywhere(model: &mut Model) {
    let names: Vec<String> = model
        .slos
        .specs
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    for name in names {
        let ok = || reading(0.00001, 0.00001, 0.00002, 100_000.0);
        record_everywhere(model, &name, [ok(), ok(), ok()]);
    }
}

#[test]
fn a_firing_page_tier_is_critical_for_its_cluster_and_the_fleet() {
    let mut model = fleet();
    healthy_everywhere(&mut model);
    let ok = || reading(0.00001, 0.00001, 0.00002, 100_000.0);
    // payment in us-east-1: 8% errors over 5m and 1h: 80x a 99.9% budget.
    record_everywhere(
        &mut model,
        "payment-errors",
        [reading(0.08, 0.001, 0.0004, 100_000.0), ok(), ok()],
    );
    let report = report::build(&model, now(), "test");
    let payment: Vec<_> = report
        .slos
        .iter()
        .filter(|r| r.name == "payment-errors")
        .collect();
    assert_eq!(
        payment.len(),
        3,
        "per cluster, no fleet row for a per-cluster SLO"
    );
    assert_eq!(payment[0].scope, "us-east-1");
    assert_eq!(payment[0].status, Status::Critical);
    assert_eq!(payment[0].state, "PAGE");
    assert_eq!(payment[0].burn_text("5m"), "80.0x");
    assert_eq!(payment[1].status, Status::Ok);
    assert_eq!(report.clusters[0].status, Status::Critical);
    assert_eq!(report.clusters[1].status, Status::Ok);
    assert_eq!(report.status, Status::Critical);
    assert_eq!(exit_code(&report.slos), exit::CRITICAL);
}

#[test]
fn fleet_slos_get_an_aggregate_row_first() {
    let mut model = fleet();
    healthy_everywhere(&mut model);
    let all = rows(&model);
    let api: Vec<_> = all
        .iter()
        .filter(|r| r.name == "api-availability")
        .collect();
    let scopes: Vec<&str> = api.iter().map(|r| r.scope.as_str()).collect();
    assert_eq!(scopes, [FLEET, "us-east-1", "eu-west-1", "ap-southeast-1"]);
    assert_eq!(api[0].target, "99.99%");
    assert_eq!(api[0].target_ppm, 999_900);
    assert_eq!(exit_code(&all), exit::OK);
}

#[test]
fn an_unknown_slo_says_why_and_never_shows_numbers() {
    let mut model = fleet();
    healthy_everywhere(&mut model);
    let id = slo_id(&model, "api-availability");
    let names = ["us-east-1", "eu-west-1", "ap-southeast-1"];
    model.slos.record(
        id,
        1,
        SloReading::unknown(
            now(),
            "Prometheus at http://127.0.0.1:9/: connection refused",
        ),
        &names,
    );
    let all = rows(&model);
    let fleet_row = all
        .iter()
        .find(|r| r.name == "api-availability" && r.scope == FLEET)
        .unwrap();
    assert_eq!(fleet_row.budget_remaining, None);
    assert!(
        fleet_row
            .unknown
            .as_ref()
            .unwrap()
            .contains("eu-west-1: Prometheus at")
    );
    assert_eq!(fleet_row.status, Status::Warning);
    assert_eq!(exit_code(&all), exit::UNREACHABLE);
    let text = slo_text::full_table(&all);
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("api-availability") && l.split_whitespace().nth(1) == Some("eu-west-1")
        })
        .unwrap();
    assert!(
        line.contains("unknown: Prometheus at http://127.0.0.1:9/: connection refused"),
        "{line}"
    );
}

#[test]
fn a_cluster_without_prometheus_is_named_as_the_reason() {
    let mut model = fleet();
    model.clusters[2]
        .health
        .insert(SourceKind::Metrics, Health::Disabled);
    let all = rows(&model);
    let row = all
        .iter()
        .find(|r| r.name == "payment-errors" && r.scope == "ap-southeast-1")
        .unwrap();
    assert_eq!(
        row.unknown.as_deref(),
        Some("no Prometheus configured for this cluster")
    );
}

#[test]
fn spent_budget_and_ticket_tiers_are_warnings() {
    let mut model = fleet();
    healthy_everywhere(&mut model);
    let ok = || reading(0.00001, 0.00001, 0.00002, 100_000.0);
    // order in eu-west-1: 1.5% over 30d of a 0.1% budget; quiet now.
    record_everywhere(
        &mut model,
        "order-errors",
        [ok(), reading(0.0, 0.0, 0.0015, 100_000.0), ok()],
    );
    let all = rows(&model);
    let row = all
        .iter()
        .find(|r| r.name == "order-errors" && r.scope == "eu-west-1")
        .unwrap();
    assert_eq!(row.status, Status::Warning);
    assert_eq!(row.budget_text(), "-50.0%");
    assert_eq!(exit_code(&all), exit::WARNING);
}

#[test]
fn low_traffic_is_reported_with_the_numbers() {
    let mut model = fleet();
    healthy_everywhere(&mut model);
    let ok = || reading(0.00001, 0.00001, 0.00002, 100_000.0);
    record_everywhere(
        &mut model,
        "auth-errors",
        [ok(), ok(), reading(0.0, 0.0, 0.0, 20.0)],
    );
    let all = rows(&model);
    let row = all
        .iter()
        .find(|r| r.name == "auth-errors" && r.scope == "ap-southeast-1")
        .unwrap();
    assert!(
        row.low_traffic
            .iter()
            .any(|n| n == "20 requests in 5m; one failure would cross 14.4x"),
        "{:?}",
        row.low_traffic
    );
    assert!(slo_text::full_table(&all).contains("low traffic: 20 requests in 5m"));
    assert!(slo_text::markdown(&all).contains("auth-errors (ap-southeast-1): low traffic"));
}

#[test]
fn slo_tables_snapshot() {
    let mut model = fleet();
    healthy_everywhere(&mut model);
    let ok = || reading(0.00001, 0.00001, 0.00002, 100_000.0);
    record_everywhere(
        &mut model,
        "payment-errors",
        [reading(0.08, 0.004, 0.0004, 100_000.0), ok(), ok()],
    );
    let all = rows(&model);
    let table = slo_text::full_table(&all);
    assert!(table.lines().all(|l| l.chars().count() <= 125), "{table}");
    let compact = slo_text::compact_table(&all);
    assert!(
        compact.lines().all(|l| l.chars().count() <= 100),
        "{compact}"
    );
    insta::assert_snapshot!("slo_full_table", table);
    insta::assert_snapshot!("slo_compact_table", compact);
    insta::assert_snapshot!("slo_markdown", slo_text::markdown(&all));
}
