//! Every shipped runbook parses, from the runbooks/ directory and from the copies embedded
//! in the binary, and its parameters validate with the values an on-call engineer would
//! give in the simulated fleet. Their PromQL checks, with those values substituted, are
//! evaluated by the simulator's own engine: each yields one value, and the scenarios the
//! runbooks are written for make their checks hold.

use std::path::PathBuf;

use watchdeck_core::runbook::library;
use watchdeck_core::runbook::params::validate;
use watchdeck_core::runbook::spec::{ConditionSpec, Field, Runbook, StepKind};

fn shipped_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("runbooks")
}

fn clusters() -> Vec<String> {
    ["us-east-1", "eu-west-1", "ap-southeast-1"]
        .map(String::from)
        .to_vec()
}

#[test]
fn every_file_in_runbooks_parses() {
    let (runbooks, errors) = watchdeck_core::runbook::parse::load_dir(&shipped_dir());
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{shown:#?}");
    let ids: Vec<&str> = runbooks.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "canary-promote-or-abort",
            "incident-triage",
            "regional-failover",
            "rollback-bad-deploy",
            "scale-for-traffic-spike"
        ]
    );
}

#[test]
fn the_embedded_copies_match_the_directory() {
    let (embedded, errors) = library::built_in();
    assert!(errors.is_empty(), "{errors:?}");
    let (on_disk, _) = watchdeck_core::runbook::parse::load_dir(&shipped_dir());
    let files: Vec<String> = std::fs::read_dir(shipped_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "README.md")
        .collect();
    assert_eq!(
        embedded.len(),
        files.len(),
        "every file in runbooks/ is in library::BUILT_IN"
    );
    for (a, b) in embedded.iter().zip(&on_disk) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.steps, b.steps, "{}", a.id);
        assert_eq!(a.params, b.params, "{}", a.id);
    }
}

fn runbook(id: &str) -> std::sync::Arc<Runbook> {
    let (all, _) = library::built_in();
    all.into_iter().find(|r| r.id == id).unwrap()
}

fn given(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn shipped_parameters_validate_with_sensible_values() {
    let cases: [(&str, &[(&str, &str)]); 5] = [
        (
            "rollback-bad-deploy",
            &[("cluster", "us-east-1"), ("deployment", "payment")],
        ),
        (
            "scale-for-traffic-spike",
            &[("cluster", "us-east-1"), ("deployment", "order")],
        ),
        ("regional-failover", &[]),
        (
            "canary-promote-or-abort",
            &[
                ("cluster", "us-east-1"),
                ("stable", "payment"),
                ("canary", "payment-canary"),
                ("replicas", "3"),
            ],
        ),
        ("incident-triage", &[("cluster", "eu-west-1")]),
    ];
    for (id, pairs) in cases {
        let rb = runbook(id);
        let values =
            validate(&rb, &given(pairs), &clusters()).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        assert_eq!(values.len(), rb.params.len(), "{id}");
    }
    let failover = validate(&runbook("regional-failover"), &[], &clusters()).unwrap();
    assert_eq!(failover["failed_cluster"], "us-east-1");
    assert_eq!(failover["target_cluster"], "eu-west-1");
    assert_eq!(failover["db"], "orders-db");
}

#[test]
fn injected_parameter_values_are_refused_for_shipped_runbooks() {
    let rb = runbook("rollback-bad-deploy");
    for bad in ["web;id", "$(id)", "--all", "../x", "pay\u{200b}ment"] {
        let errors = validate(
            &rb,
            &given(&[("cluster", "us-east-1"), ("deployment", bad)]),
            &clusters(),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1, "{bad:?}");
        assert_eq!(errors[0].param, "deployment");
    }
}

#[test]
fn alerts_suggest_the_runbooks_written_for_them() {
    let (all, _) = library::built_in();
    let suggested = |alert: &str, severity: &'static str| -> Vec<String> {
        all.iter()
            .filter(|r| r.suggested_by(alert, |k| (k == "severity").then_some(severity)))
            .map(|r| r.id.clone())
            .collect()
    };
    assert_eq!(
        suggested("HighErrorRate", "critical"),
        ["incident-triage", "rollback-bad-deploy"]
    );
    assert_eq!(suggested("HighErrorRate", "warning"), ["incident-triage"]);
    assert_eq!(
        suggested("PostgresDown", "critical"),
        ["incident-triage", "regional-failover"]
    );
}

#[test]
fn the_failover_runbook_carries_its_objectives_and_steps() {
    let rb = runbook("regional-failover");
    assert_eq!(rb.objectives.rto, Some(std::time::Duration::from_secs(900)));
    assert_eq!(rb.objectives.rpo, Some(std::time::Duration::from_secs(300)));
    let kinds: Vec<&str> = rb.steps.iter().map(|s| s.kind.keyword()).collect();
    assert_eq!(
        kinds,
        [
            "check", "check", "confirm", "promote", "wait", "follow", "scale", "scale", "scale",
            "scale", "scale", "scale", "scale", "wait", "wait", "wait", "check", "note"
        ]
    );
    let StepKind::Scale {
        target, replicas, ..
    } = &rb.steps[6].kind
    else {
        panic!()
    };
    assert_eq!(target.name, Field::Literal("order".to_string()));
    assert_eq!(target.cluster, Field::Param("target_cluster".to_string()));
    assert_eq!(*replicas, Field::Param("order_replicas".to_string()));
    assert!(rb.steps[2].guidance.contains("how much data is at risk"));
    let StepKind::Follow { target, source, .. } = &rb.steps[5].kind else {
        panic!()
    };
    assert_eq!(target.cluster, Field::Param("third_cluster".to_string()));
    assert_eq!(source.text, "{{ db }}-{{ target_cluster }}");
}

#[test]
fn incident_triage_changes_nothing() {
    let rb = runbook("incident-triage");
    assert!(rb.steps.iter().all(|s| !s.kind.mutates()));
    let StepKind::Check(ConditionSpec::Query { threshold, .. }) = &rb.steps[0].kind else {
        panic!()
    };
    assert_eq!(*threshold, Field::Param("max_error_ratio".to_string()));
}

#[test]
fn a_directory_file_overrides_the_built_in_of_the_same_id() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\ntitle: Our own rollback\n---\n```step\nkind: note\ntext: call Sam\n```\n";
    std::fs::write(dir.path().join("rollback-bad-deploy.md"), text).unwrap();
    std::fs::write(dir.path().join("broken.md"), "no front matter\n").unwrap();
    std::fs::write(dir.path().join("README.md"), "not a runbook\n").unwrap();
    let (all, errors) = library::load(&[dir.path().to_path_buf()]);
    assert_eq!(all.len(), 5);
    let ours = all.iter().find(|r| r.id == "rollback-bad-deploy").unwrap();
    assert_eq!(ours.title, "Our own rollback");
    assert_eq!(errors.len(), 1);
    let shown = errors[0].to_string();
    assert!(shown.ends_with("broken.md:1:1: missing front matter: a runbook starts with a `---` line, then YAML (title, description, params, triggers), then another `---` line"), "{shown}");
}

// ---- The shipped queries against the simulator's PromQL engine (no HTTP) ----

use watchdeck_core::runbook::params::Values;
use watchdeck_sim::clock::Millis;
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::promql;
use watchdeck_sim::promql::QueryValue;
use watchdeck_sim::scenario::Scenario;

/// 2026-01-01T00:00:00Z.
const START: Millis = 1_767_225_600_000;
const MINUTE: Millis = 60_000;

fn sim(scenario: &str) -> Fleet {
    let mut options = SimOptions::new(11, START);
    options.history_days = 0;
    options.warmup_ms = 6 * MINUTE;
    Fleet::new(Scenario::resolve(scenario).unwrap(), &options)
}

/// `{{ name }}` replaced by the validated values (the test's stand-in for `resolve`).
fn fill(text: &str, values: &Values) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let end = start + rest[start..].find("}}").unwrap();
        out.push_str(&rest[..start]);
        out.push_str(&values[rest[start + 2..end].trim()]);
        rest = &rest[end + 2..];
    }
    out + rest
}

fn field<T: Clone>(f: &Field<T>, values: &Values, parse: impl Fn(&str) -> T) -> T {
    match f {
        Field::Literal(v) => v.clone(),
        Field::Param(name) => parse(&values[name]),
    }
}

/// One query condition of a step, resolved: step id, cluster, query, whether it holds and
/// the value (`None` when the query returned nothing).
struct Evaluated {
    step: String,
    value: Option<f64>,
    holds: bool,
}

fn query_conditions(rb: &Runbook, values: &Values, fleet: &Fleet, at: Millis) -> Vec<Evaluated> {
    let mut out = Vec::new();
    for step in &rb.steps {
        let condition = match &step.kind {
            StepKind::Check(c) => c,
            StepKind::Wait { until, .. } => until,
            _ => continue,
        };
        let ConditionSpec::Query {
            cluster,
            query,
            op,
            threshold,
        } = condition
        else {
            continue;
        };
        let cluster = field(cluster, values, str::to_string);
        let threshold = field(threshold, values, |v| v.parse().unwrap());
        let query = fill(&query.text, values);
        let signals = fleet.clusters.iter().find(|c| c.name == cluster).unwrap();
        let db = signals.tsdb.read().unwrap();
        let value = match promql::instant_query(&db, &query, at)
            .unwrap_or_else(|e| panic!("{} {}: {query}: {e}", rb.id, step.id))
        {
            QueryValue::Scalar { value, .. } => Some(value),
            QueryValue::Vector { samples, .. } if samples.is_empty() => None,
            QueryValue::Vector { samples, .. } if samples.len() == 1 => Some(samples[0].value),
            other => panic!("{} {}: more than one value: {other:?}", rb.id, step.id),
        };
        out.push(Evaluated {
            step: step.id.clone(),
            value,
            holds: value.is_some_and(|v| op.holds(v, threshold)),
        });
    }
    out
}

fn values(id: &str, pairs: &[(&str, &str)]) -> Values {
    validate(&runbook(id), &given(pairs), &clusters()).unwrap()
}

#[test]
fn triage_finds_the_crash_loop_in_a_steady_fleet_and_nothing_else() {
    let fleet = sim("steady");
    let at = START + 5 * MINUTE;
    fleet.advance_to(at);
    for cluster in ["us-east-1", "eu-west-1"] {
        let values = values("incident-triage", &[("cluster", cluster)]);
        let results = query_conditions(&runbook("incident-triage"), &values, &fleet, at);
        assert_eq!(results.len(), 6);
        for r in &results {
            // steady: one notification pod in eu-west-1 crash-loops on a bad node.
            let finding = cluster == "eu-west-1" && r.step == "no-crash-loops";
            assert_eq!(r.holds, !finding, "{cluster} {}: {:?}", r.step, r.value);
            assert!(r.value.is_some(), "{cluster} {}", r.step);
        }
    }
}

#[test]
fn the_rollback_runbook_sees_the_bad_deploy_and_not_a_healthy_service() {
    let fleet = sim("bad-deploy");
    let rb = runbook("rollback-bad-deploy");
    let values = values(
        "rollback-bad-deploy",
        &[("cluster", "us-east-1"), ("deployment", "payment")],
    );
    let before = START + MINUTE + MINUTE / 2;
    fleet.advance_to(before);
    let healthy = query_conditions(&rb, &values, &fleet, before);
    assert_eq!(healthy[0].step, "errors-are-high");
    assert!(!healthy[0].holds, "{:?}", healthy[0].value);
    let after = START + 9 * MINUTE;
    fleet.advance_to(after);
    let failing = query_conditions(&rb, &values, &fleet, after);
    let (check, recovered) = (&failing[0], &failing[1]);
    assert!(check.holds, "the 5xx ratio is above 1%: {:?}", check.value);
    assert!(check.value.unwrap() > 0.05, "{:?}", check.value);
    assert_eq!(recovered.step, "errors-recover");
    assert!(!recovered.holds, "not recovered before the rollback");
}

#[test]
fn the_failover_runbook_sees_the_outage_and_the_data_at_risk() {
    let fleet = sim("region-outage");
    let rb = runbook("regional-failover");
    let values = values("regional-failover", &[]);
    let at = START + 3 * MINUTE;
    fleet.advance_to(at);
    let results = query_conditions(&rb, &values, &fleet, at);
    let step = |id: &str| results.iter().find(|r| r.step == id).unwrap();
    assert!(
        step("primary-down").holds,
        "{:?}",
        step("primary-down").value
    );
    // The third region's replica cluster still follows the dead primary: its replication
    // alerts fire, so the final check does not pass.
    assert!(
        !step("third-region-quiet").holds,
        "{:?}",
        step("third-region-quiet").value
    );
    // Data at risk, as ops measures it across the two Prometheus servers: frozen at what
    // eu-west-1 had not replayed when us-east-1 died, while now-minus-last-replay grows.
    let at_risk = |at: Millis| {
        let one = |cluster: &str, query: &str| {
            let signals = fleet.clusters.iter().find(|c| c.name == cluster).unwrap();
            let db = signals.tsdb.read().unwrap();
            match promql::instant_query(&db, query, at).unwrap() {
                QueryValue::Vector { samples, .. } => samples.first().map(|s| s.value),
                other => panic!("{other:?}"),
            }
        };
        let commit = one(
            "us-east-1",
            "max(last_over_time(pg_last_committed_xact_timestamp_seconds{namespace=\"database\"}[1h]))",
        );
        let replay = one(
            "eu-west-1",
            "max(pg_last_xact_replay_timestamp_seconds{namespace=\"database\",pod=\"orders-db-1\"})",
        );
        let lag = one(
            "eu-west-1",
            "max(pg_replication_lag_seconds{namespace=\"database\",pod=\"orders-db-1\"})",
        );
        (
            watchdeck_io::ops::data_at_risk::at_risk(commit, replay),
            lag.unwrap(),
        )
    };
    let (early, early_lag) = at_risk(at);
    let early = early.expect("measured");
    assert!(early < std::time::Duration::from_secs(10), "{early:?}");
    let later = START + 13 * MINUTE;
    fleet.advance_to(later);
    let (late, late_lag) = at_risk(later);
    assert_eq!(late, Some(early));
    assert!(late_lag - early_lag >= 600.0, "{early_lag} -> {late_lag}");
}

#[test]
fn the_traffic_spike_runbook_sees_order_saturate() {
    let fleet = sim("traffic-spike");
    let rb = runbook("scale-for-traffic-spike");
    let values = values(
        "scale-for-traffic-spike",
        &[("cluster", "us-east-1"), ("deployment", "order")],
    );
    let at = START + 8 * MINUTE;
    fleet.advance_to(at);
    let results = query_conditions(&rb, &values, &fleet, at);
    let step = |id: &str| results.iter().find(|r| r.step == id).unwrap();
    assert!(
        step("latency-is-high").holds,
        "{:?}",
        step("latency-is-high").value
    );
    assert!(
        step("database-headroom").holds,
        "{:?}",
        step("database-headroom").value
    );
}

#[test]
fn canary_queries_evaluate_even_without_a_canary() {
    let fleet = sim("steady");
    let at = START + 2 * MINUTE;
    fleet.advance_to(at);
    let values = values(
        "canary-promote-or-abort",
        &[
            ("cluster", "us-east-1"),
            ("stable", "payment"),
            ("canary", "payment-canary"),
            ("replicas", "3"),
        ],
    );
    let results = query_conditions(&runbook("canary-promote-or-abort"), &values, &fleet, at);
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| r.value.is_none() && !r.holds));
}
