//! Every shipped runbook parses, from the runbooks/ directory and from the copies embedded
//! in the binary, and its parameters validate with the values an on-call engineer would
//! give in the simulated fleet.

use std::path::PathBuf;

use watchdeck::runbook::library;
use watchdeck::runbook::params::validate;
use watchdeck::runbook::spec::{ConditionSpec, Field, Runbook, StepKind};

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
    let (runbooks, errors) = watchdeck::runbook::parse::load_dir(&shipped_dir());
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
    let (on_disk, _) = watchdeck::runbook::parse::load_dir(&shipped_dir());
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
            &[
                ("cluster", "us-east-1"),
                ("deployment", "order"),
                ("replicas", "16"),
            ],
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
            "check", "check", "confirm", "promote", "wait", "scale", "scale", "scale", "wait",
            "wait", "note"
        ]
    );
    let StepKind::Scale {
        target, replicas, ..
    } = &rb.steps[5].kind
    else {
        panic!()
    };
    assert_eq!(target.name, Field::Literal("order".to_string()));
    assert_eq!(target.cluster, Field::Param("target_cluster".to_string()));
    assert_eq!(*replicas, Field::Param("order_replicas".to_string()));
    assert!(rb.steps[1].guidance.contains("how much data is at risk"));
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
