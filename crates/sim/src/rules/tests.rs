//! Rule definitions, the rule file (checked by promtool), and the engine's alert lifecycle.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::json;

use super::*;
use crate::labels::{Labels, METRIC_NAME};
use crate::tsdb::Tsdb;

const S: Millis = 1_000;

#[test]
fn default_groups_are_the_six_documented_alerts() {
    let got: Vec<(String, String, Millis)> = default_rule_groups()
        .iter()
        .flat_map(|g| g.rules.iter())
        .map(|r| (r.name.clone(), r.labels["severity"].clone(), r.for_ms))
        .collect();
    let want = [
        ("HighErrorRate", "critical", 60 * S),
        ("HighResponseTime", "warning", 120 * S),
        ("PodCrashLooping", "warning", 60 * S),
        ("DatabaseConnectionsHigh", "warning", 120 * S),
        ("PostgresReplicationLagHigh", "critical", 60 * S),
        ("PostgresDown", "critical", 30 * S),
    ];
    let want: Vec<(String, String, Millis)> = want
        .iter()
        .map(|(n, s, f)| (n.to_string(), s.to_string(), *f))
        .collect();
    assert_eq!(got, want);
    for r in default_rule_groups().iter().flat_map(|g| g.rules.clone()) {
        let keys: Vec<&str> = r.annotations.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["description", "runbook_url", "summary"],
            "{}",
            r.name
        );
    }
    assert!(RuleEngine::new(default_rule_groups()).is_ok());
}

#[test]
fn durations_print_like_prometheus() {
    let cases = [
        (0, "0s"),
        (30 * S, "30s"),
        (90 * S, "1m30s"),
        (2 * 60 * S, "2m"),
        (90 * 86_400 * S, "90d"),
        (14 * 86_400 * S, "2w"),
        (1_500, "1s500ms"),
    ];
    for (ms, want) in cases {
        assert_eq!(prometheus_duration(ms), want);
    }
}

fn find_on_path(binary: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(binary))
        .find(|p| p.is_file())
}

#[test]
fn promtool_accepts_the_rule_file() {
    let Some(promtool) = find_on_path("promtool") else {
        panic!("promtool not found on PATH: install prometheus (apt-get install prometheus)");
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string());
    let dir = dir.unwrap_or_else(|e| panic!("tempdir: {e}"));
    let file = dir.path().join("watchdeck.rules.json");
    std::fs::write(&file, prometheus_rule_file(&default_rule_groups()))
        .unwrap_or_else(|e| panic!("write: {e}"));
    let out = std::process::Command::new(promtool)
        .arg("check")
        .arg("rules")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("running promtool: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool check rules failed:\n{text}");
    assert!(text.contains("SUCCESS: 6 rules found"), "{text}");
}

#[test]
fn rule_file_shape() {
    let file: serde_json::Value =
        serde_json::from_str(&prometheus_rule_file(&default_rule_groups())).unwrap_or_default();
    let first = &file["groups"][0];
    assert_eq!(first["name"], "watchdeck-services");
    assert_eq!(first["interval"], "15s");
    assert_eq!(first["rules"][0]["alert"], "HighErrorRate");
    assert_eq!(first["rules"][0]["for"], "1m");
    assert_eq!(first["rules"][0]["labels"], json!({"severity": "critical"}));
    assert_eq!(file["groups"][1]["rules"][2]["for"], "30s");
}

fn pg(pod: &str) -> Labels {
    Labels::from_pairs([
        (METRIC_NAME, "pg_up"),
        ("cluster", "eu-1"),
        ("namespace", "db"),
        ("pod", pod),
    ])
}

/// `pg_up{pod="pg-0"}` is 1, then 0 from 60s to 175s, then 1 again; scraped every 5s.
fn pg_db(until: Millis) -> Tsdb {
    let mut db = Tsdb::new(3_600 * S);
    let mut t = 0;
    while t <= until {
        let down = (60 * S..180 * S).contains(&t);
        db.append_scrape(
            t,
            [
                (pg("pg-0"), if down { 0.0 } else { 1.0 }),
                (pg("pg-1"), 1.0),
            ],
        );
        t += 5 * S;
    }
    db
}

fn states(engine: &RuleEngine) -> Vec<(String, &'static str, Millis)> {
    engine
        .alerts_to_notify()
        .into_iter()
        .chain(
            engine
                .active_alerts()
                .into_iter()
                .filter(|a| a.state == AlertState::Pending),
        )
        .map(|a| {
            (
                a.labels.get("pod").unwrap_or("").to_string(),
                a.state.as_str(),
                a.active_at / S,
            )
        })
        .collect()
}

#[test]
fn postgres_down_goes_pending_firing_resolved_and_expires() {
    let groups = default_rule_groups()
        .into_iter()
        .filter(|g| g.name == "watchdeck-postgres")
        .collect();
    let mut engine = RuleEngine::new(groups).unwrap_or_default();
    let db = pg_db(1_200 * S);
    let at = |engine: &mut RuleEngine, t: Millis| {
        engine.evaluate(&db, t * S);
        states(engine)
    };
    let pending = vec![("pg-0".to_string(), "pending", 60)];
    let firing = vec![("pg-0".to_string(), "firing", 60)];
    let resolved = vec![("pg-0".to_string(), "inactive", 60)];
    assert_eq!(at(&mut engine, 55), vec![]);
    assert_eq!(at(&mut engine, 62), pending);
    assert_eq!(
        at(&mut engine, 89),
        pending,
        "15s later still under for: 30s"
    );
    assert_eq!(at(&mut engine, 90), firing);
    assert_eq!(at(&mut engine, 179), firing);
    assert_eq!(at(&mut engine, 180), resolved);
    let notified = engine.alerts_to_notify();
    assert_eq!(notified[0].resolved_at, Some(180 * S));
    assert_eq!(notified[0].fired_at, Some(90 * S));
    assert!(engine.active_alerts().is_empty());
    assert_eq!(at(&mut engine, 1_080), resolved, "kept exactly 15m");
    assert_eq!(at(&mut engine, 1_095), vec![]);
}

#[test]
fn alert_labels_annotations_and_api_json() {
    let groups = default_rule_groups()
        .into_iter()
        .filter(|g| g.name == "watchdeck-postgres")
        .collect();
    let mut engine = RuleEngine::new(groups).unwrap_or_default();
    let db = pg_db(95 * S);
    engine.evaluate(&db, 60 * S);
    engine.evaluate(&db, 95 * S);
    let alert = engine.active_alerts().into_iter().next();
    let alert = alert.unwrap_or_else(|| panic!("PostgresDown should fire"));
    let want_labels = Labels::from_pairs([
        ("alertname", "PostgresDown"),
        ("cluster", "eu-1"),
        ("namespace", "db"),
        ("pod", "pg-0"),
        ("severity", "critical"),
    ]);
    assert_eq!(alert.labels, want_labels);
    assert_eq!(alert.annotations["summary"], "PostgreSQL pg-0 is down");
    assert_eq!(
        alert.annotations["runbook_url"],
        "https://runbooks.watchdeck.example/alerts/postgres-down"
    );
    let alerts = engine.alerts_json();
    assert_eq!(
        alerts["alerts"][0],
        json!({
            "labels": want_labels,
            "annotations": alert.annotations,
            "state": "firing",
            "activeAt": "1970-01-01T00:01:00Z",
            "value": "0e+00",
        })
    );
    let rules = engine.rules_json();
    let down = &rules["groups"][0]["rules"][2];
    assert_eq!(down["name"], "PostgresDown");
    assert_eq!(down["state"], "firing");
    assert_eq!(down["health"], "ok");
    assert_eq!(down["duration"], 30);
    assert_eq!(down["type"], "alerting");
    assert_eq!(down["lastEvaluation"], "1970-01-01T00:01:30Z");
    assert_eq!(rules["groups"][0]["interval"], 15);
    assert_eq!(rules["groups"][0]["rules"][0]["state"], "inactive");
}

#[test]
fn high_error_rate_renders_its_description() {
    let mut db = Tsdb::new(3_600 * S);
    let svc = |status: &str| {
        Labels::from_pairs([
            (METRIC_NAME, "http_requests_total"),
            ("cluster", "eu-1"),
            ("namespace", "shop"),
            ("service", "checkout"),
            ("status", status),
        ])
    };
    for i in 0..=120i64 {
        db.append_scrape(
            i * 5 * S,
            [(svc("200"), 45.0 * i as f64), (svc("503"), 5.0 * i as f64)],
        );
    }
    let groups = default_rule_groups()
        .into_iter()
        .filter(|g| g.name == "watchdeck-services")
        .collect();
    let mut engine = RuleEngine::new(groups).unwrap_or_default();
    engine.evaluate(&db, 540 * S);
    engine.evaluate(&db, 600 * S);
    let alerts = engine.active_alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].state, AlertState::Firing);
    assert_eq!(
        alerts[0].annotations["description"],
        "checkout in shop on eu-1 answers 10% of requests with a 5xx status (threshold 5%)."
    );
}

#[test]
fn bad_rules_are_refused_and_eval_errors_reported() {
    let mut engine = RuleEngine::new(default_rule_groups()).unwrap_or_default();
    let rule = |expr: &str, summary: &str| AlertRule {
        name: "Custom".into(),
        expr: expr.into(),
        for_ms: 0,
        labels: BTreeMap::new(),
        annotations: BTreeMap::from([("summary".to_string(), summary.to_string())]),
    };
    assert!(matches!(
        engine.add_rule("watchdeck-postgres", rule("up ==", "x")),
        Err(RuleError::Expr { .. })
    ));
    assert!(matches!(
        engine.add_rule("watchdeck-postgres", rule("up", "{{ .Value }}")),
        Err(RuleError::Template { .. })
    ));
    assert_eq!(
        engine.add_rule("nope", rule("up", "x")),
        Err(RuleError::NoGroup("nope".into()))
    );
    assert_eq!(
        engine.add_rule(
            "watchdeck-postgres",
            rule("{__name__=~\"pg_up|other\"}", "{{ $value }}")
        ),
        Ok(())
    );
    let mut db = Tsdb::new(3_600 * S);
    let other = Labels::from_pairs([
        (METRIC_NAME, "other"),
        ("cluster", "eu-1"),
        ("namespace", "db"),
        ("pod", "pg-0"),
    ]);
    db.append_scrape(0, [(pg("pg-0"), 1.0), (other, 1.0)]);
    engine.evaluate(&db, 0);
    let custom = &engine.rules_json()["groups"][1]["rules"][3];
    assert_eq!(custom["health"], "err");
    assert_eq!(
        custom["lastError"],
        "vector contains metrics with the same labelset after applying alert labels"
    );
}
