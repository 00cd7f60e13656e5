//! The simulator's SLO data, read through its own PromQL engine with no HTTP and judged by
//! the console's SLO math: 30 days of history with past incidents leave budgets partly spent,
//! steady keeps most of the API's budget, and bad-deploy burns payment's budget in us-east-1
//! fast enough to page (Sloth's 14.4x over 1h and 5m at 99.9%).

use std::collections::BTreeMap;

use watchdeck_core::slo::windows::promql_duration;
use watchdeck_core::slo::{
    Evaluation, SloReading, SloSpec, TierState, WindowRatio, aggregate, evaluate,
};
use watchdeck_sim::clock::Millis;
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::promql;
use watchdeck_sim::promql::QueryValue;
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::slos::scenario_slos;

/// 2026-01-01T00:00:00Z.
const START: Millis = 1_767_225_600_000;
const MINUTE: Millis = 60_000;
const CLUSTERS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-1"];

fn fleet(scenario: &str) -> (Fleet, Vec<SloSpec>) {
    let scenario = Scenario::resolve(scenario).unwrap();
    let slos = scenario_slos(&scenario);
    (Fleet::new(scenario, &SimOptions::new(7, START)), slos)
}

fn spec<'a>(slos: &'a [SloSpec], name: &str) -> &'a SloSpec {
    slos.iter().find(|s| s.name.as_str() == name).unwrap()
}

/// The single value of an instant query in one cluster; `None` for an empty result.
fn value(fleet: &Fleet, cluster: &str, query: &str, at: Millis) -> Option<f64> {
    let signals = fleet.clusters.iter().find(|c| c.name == cluster).unwrap();
    let db = signals.tsdb.read().unwrap();
    match promql::instant_query(&db, query, at).unwrap_or_else(|e| panic!("{query}: {e}")) {
        QueryValue::Vector { samples, .. } if samples.is_empty() => None,
        QueryValue::Vector { samples, .. } if samples.len() == 1 => Some(samples[0].value),
        other => panic!("{query}: {other:?}"),
    }
}

/// One window's ratio and events from the SLO's own SLI templates, as the SLO source asks.
fn window(fleet: &Fleet, cluster: &str, spec: &SloSpec, secs: u64, at: Millis) -> WindowRatio {
    let fill = |template: String| {
        template
            .replace("$window", &promql_duration(secs))
            .replace("$selector", "")
    };
    let errors = value(fleet, cluster, &fill(spec.sli.errors_template()), at);
    let total = value(fleet, cluster, &fill(spec.sli.total_template()), at);
    match total {
        Some(total) => WindowRatio::new(
            Some(errors.unwrap_or(0.0) / total),
            Some(total * secs as f64),
        ),
        None => WindowRatio::new(None, None),
    }
}

fn reading(fleet: &Fleet, cluster: &str, spec: &SloSpec, at: Millis) -> SloReading {
    let windows: BTreeMap<u64, WindowRatio> = spec
        .windows_needed()
        .into_iter()
        .map(|secs| (secs, window(fleet, cluster, spec, secs, at)))
        .collect();
    let mut reading = SloReading::unknown(
        jiff::Timestamp::from_millisecond(at).unwrap(),
        "not read yet",
    );
    reading.windows = windows;
    reading.period = window(fleet, cluster, spec, spec.period.secs(), at);
    reading.problem = None;
    reading
}

fn consumed(evaluation: &Evaluation) -> f64 {
    evaluation.budget_consumed.unwrap().0
}

fn page_tier(evaluation: &Evaluation) -> (f64, f64, &TierState) {
    let tier = &evaluation.tiers[0];
    assert_eq!((tier.tier.long_secs, tier.tier.short_secs), (3600, 300));
    (
        tier.long_burn.unwrap().0,
        tier.short_burn.unwrap().0,
        &tier.state,
    )
}

#[test]
fn history_leaves_budgets_partly_spent_and_steady_keeps_most_of_the_apis() {
    let (fleet, slos) = fleet("steady");
    let at = START + 5 * MINUTE;
    fleet.advance_to(at);

    // payment in us-east-1: a fifth of its 99.9% budget to the baseline, the rest of a third
    // to the incident twelve days ago (crates/sim/src/slos).
    let payment = spec(&slos, "payment-errors");
    let us = evaluate(payment, &reading(&fleet, "us-east-1", payment, at));
    assert!((0.30..0.40).contains(&consumed(&us)), "{us:?}");
    let eu = evaluate(payment, &reading(&fleet, "eu-west-1", payment, at));
    assert!((0.15..0.25).contains(&consumed(&eu)), "{eu:?}");
    assert!(!us.paging() && !us.ticketing(), "{us:?}");

    // The API fleet-wide: about a fifth of its 99.99% budget spent, most of it left.
    let api = spec(&slos, "api-availability");
    let readings: Vec<(&str, SloReading)> = CLUSTERS
        .iter()
        .map(|c| (*c, reading(&fleet, c, api, at)))
        .collect();
    let borrowed: Vec<(&str, &SloReading)> = readings.iter().map(|(c, r)| (*c, r)).collect();
    let fleet_wide = evaluate(api, &aggregate(&borrowed).unwrap());
    assert!(
        (0.15..0.25).contains(&consumed(&fleet_wide)),
        "{fleet_wide:?}"
    );
    assert!(fleet_wide.budget_remaining.unwrap().0 > 0.7);
    assert!(!fleet_wide.paging() && !fleet_wide.ticketing());
    assert!(
        fleet_wide.burn.values().all(|b| b.0 < 1.0),
        "steady burns under 1x: {:?}",
        fleet_wide.burn
    );

    // Latency: p95 and p99 objectives hold with nearly all of their budgets.
    for name in ["api-latency-p95", "api-latency-p99"] {
        let latency = spec(&slos, name);
        let e = evaluate(latency, &reading(&fleet, "ap-southeast-1", latency, at));
        assert!(consumed(&e) < 0.05, "{name}: {e:?}");
    }
}

#[test]
fn bad_deploy_burns_payments_budget_fast_enough_to_page() {
    let (fleet, slos) = fleet("bad-deploy");
    let payment = spec(&slos, "payment-errors");
    let judge = |cluster: &str, at: Millis| {
        fleet.advance_to(at);
        evaluate(payment, &reading(&fleet, cluster, payment, at))
    };

    let before = judge("us-east-1", START);
    let (long, short, state) = page_tier(&before);
    assert!(long < 1.0 && short < 1.0, "{before:?}");
    assert_eq!(*state, TierState::Clear);
    assert!(!before.paging());

    // Ten minutes in, v1.4.2 has served 8% errors for about seven minutes: an 80x burn over
    // 5m; the hour behind it is still mostly good traffic, so the 1h burn is past half of
    // 14.4x and the page tier is close, not yet firing (Sloth's 1h window needs about 11
    // minutes of an 80x burn).
    let ten = judge("us-east-1", START + 10 * MINUTE);
    let (long, short, state) = page_tier(&ten);
    assert!((70.0..90.0).contains(&short), "{ten:?}");
    assert!((7.2..14.4).contains(&long), "{ten:?}");
    assert!(matches!(state, TierState::Close { .. }), "{state:?}");

    let fifteen = judge("us-east-1", START + 15 * MINUTE);
    let (long, short, state) = page_tier(&fifteen);
    assert!(long > 14.4 && short > 14.4, "{fifteen:?}");
    assert_eq!(*state, TierState::Firing);
    assert!(fifteen.paging());
    assert!(consumed(&fifteen) > consumed(&before));

    let elsewhere = judge("eu-west-1", START + 15 * MINUTE);
    assert!(!elsewhere.paging(), "{elsewhere:?}");
}
