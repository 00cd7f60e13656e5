//! Tests of the report, its exit status and its three formats.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::report::{self, Status};
use super::services::workload_of;
use super::text::md_cell;
use super::{markdown, table};
use watchdeck_core::model::Model;
use watchdeck_core::model::alert::{Alert, Severity};
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::model::pod::{PodKey, PodRow};
use watchdeck_core::text::Text;

/// 2026-01-01T00:10:00Z.
fn now() -> Timestamp {
    Timestamp::from_second(1_767_226_200).unwrap()
}

fn ago(secs: i64) -> Timestamp {
    Timestamp::from_second(now().as_second() - secs).unwrap()
}

fn pod(name: &str, status: &str, ready: u32, restarts: u32, age_secs: i64) -> PodRow {
    PodRow {
        key: PodKey::new("shop", name),
        status: Text::new(status),
        ready,
        total: 1,
        restarts,
        node: Text::new("node-1"),
        created: Some(ago(age_secs)),
        crash_looping: status == "CrashLoopBackOff",
        detail: Default::default(),
    }
}

fn alert(name: &str, severity: &str, service: &str, summary: &str) -> Alert {
    Alert {
        fingerprint: Text::new(&format!("{name}-{service}")),
        name: Text::new(name),
        severity: Severity::from_label(Some(severity)),
        summary: Text::new(summary),
        starts_at: Some(ago(270)),
        labels: [("service", service), ("alertname", name)]
            .into_iter()
            .map(|(k, v)| (Text::new(k), Text::new(v)))
            .collect(),
        ..Alert::default()
    }
}

/// One healthy cluster: every source fresh, three running pods, nothing firing.
fn healthy() -> Model {
    let labels: BTreeMap<String, String> = [("env", "prod"), ("region", "us-east-1")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut model = Model::new([("us-east-1", &labels)]);
    for (kind, health) in [
        (SourceKind::Pods, Health::Ok { at: ago(2) }),
        (SourceKind::Alerts, Health::Ok { at: ago(4) }),
        (SourceKind::Metrics, Health::Disabled),
    ] {
        model.clusters[0].health.insert(kind, health);
    }
    for name in [
        "payment-6b8f7c9d5-x2x9z",
        "payment-6b8f7c9d5-q7wkp",
        "api-gateway-7f5c4d8b9-mm4tz",
    ] {
        add_pod(&mut model, pod(name, "Running", 1, 0, 3600));
    }
    model
}

fn with(change: impl Fn(&mut Model)) -> Model {
    let mut model = healthy();
    change(&mut model);
    model
}

/// Adds a pod the way the sources do (through `update`), so the maintained order and
/// counts stay in step.
fn add_pod(model: &mut Model, row: PodRow) {
    watchdeck_core::update::kube::apply_pods(
        model,
        0,
        watchdeck_core::event::PodsChange::Upsert(row),
    );
}

fn failed(reason: &str) -> Health {
    Health::Failed {
        since: ago(30),
        reason: Text::new(reason),
    }
}

#[test]
fn exit_status_follows_the_worst_finding() {
    let cases: Vec<(&str, Model, Status)> = vec![
        ("healthy", healthy(), Status::Ok),
        (
            "info alert",
            with(|m| m.clusters[0].alerts = vec![alert("Watchdog", "info", "-", "")]),
            Status::Ok,
        ),
        (
            "warning alert",
            with(|m| m.clusters[0].alerts = vec![alert("HighLatency", "warning", "order", "")]),
            Status::Warning,
        ),
        (
            "silenced critical alert",
            with(|m| {
                let mut muted = alert("HighErrorRate", "critical", "payment", "");
                muted.state = watchdeck_core::model::alert::AlertState::Suppressed {
                    silenced_by: vec![Text::new("s-1")],
                    inhibited_by: Vec::new(),
                };
                m.clusters[0].alerts = vec![muted];
            }),
            Status::Ok,
        ),
        (
            "stale source",
            with(|m| {
                m.clusters[0].health.insert(
                    SourceKind::Alerts,
                    Health::Stale {
                        since: ago(20),
                        reason: Text::new("HTTP 503"),
                    },
                );
            }),
            Status::Warning,
        ),
        (
            "pending pod past the grace",
            with(|m| add_pod(m, pod("order-7f5c4d8b9-bbbbb", "Pending", 0, 0, 600))),
            Status::Warning,
        ),
        (
            "pending pod still starting",
            with(|m| add_pod(m, pod("order-7f5c4d8b9-bbbbb", "Pending", 0, 0, 30))),
            Status::Ok,
        ),
        (
            "terminating pod",
            with(|m| add_pod(m, pod("order-7f5c4d8b9-bbbbb", "Terminating", 1, 0, 600))),
            Status::Ok,
        ),
        (
            "completed job pod",
            with(|m| add_pod(m, pod("backup-29123-k7x2p", "Completed", 0, 0, 600))),
            Status::Ok,
        ),
        (
            "crash-looping pod",
            with(|m| {
                add_pod(
                    m,
                    pod("payment-6b8f7c9d5-zzzzz", "CrashLoopBackOff", 0, 7, 600),
                )
            }),
            Status::Critical,
        ),
        (
            "critical alert",
            with(|m| {
                m.clusters[0].alerts = vec![alert("HighErrorRate", "critical", "payment", "")]
            }),
            Status::Critical,
        ),
        (
            "failed source",
            with(|m| {
                m.clusters[0]
                    .health
                    .insert(SourceKind::Pods, failed("connection refused"));
            }),
            Status::Unreachable,
        ),
        (
            "source that never answered",
            with(|m| {
                m.clusters[0]
                    .health
                    .insert(SourceKind::Alerts, Health::Connecting);
            }),
            Status::Unreachable,
        ),
        (
            "critical beats warning",
            with(|m| {
                m.clusters[0].alerts = vec![
                    alert("HighErrorRate", "critical", "payment", ""),
                    alert("HighLatency", "warning", "order", ""),
                ];
            }),
            Status::Critical,
        ),
        (
            "unreachable beats critical",
            with(|m| {
                m.clusters[0].alerts = vec![alert("HighErrorRate", "critical", "payment", "")];
                m.clusters[0]
                    .health
                    .insert(SourceKind::Alerts, failed("timeout"));
            }),
            Status::Unreachable,
        ),
    ];
    for (name, model, want) in cases {
        let report = report::build(&model, now(), "test");
        assert_eq!(report.status, want, "{name}");
        let code = match want {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unreachable => 3,
        };
        assert_eq!(report.exit_code, code, "{name}");
    }
}

#[test]
fn the_fleet_status_is_the_worst_cluster() {
    let mut model = healthy();
    let mut second = model.clusters[0].clone();
    second.name = Text::new("eu-west-1");
    second.alerts = vec![alert("HighLatency", "warning", "order", "")];
    model.clusters.push(second);
    let report = report::build(&model, now(), "test");
    assert_eq!(report.clusters[0].status, Status::Ok);
    assert_eq!(report.clusters[1].status, Status::Warning);
    assert_eq!(report.status, Status::Warning);
}

/// Two clusters: one with a bad deploy (crash-looping pod, critical alert, stale alerts
/// source), one whose API server cannot be reached.
fn incident() -> Model {
    let mut model = with(|m| {
        let cluster = &mut m.clusters[0];
        cluster.alerts = vec![
            alert(
                "HighErrorRate",
                "critical",
                "payment",
                "High 5xx error rate on payment | 8.1% over 5m",
            ),
            alert("HighResponseTime", "warning", "order", "p99 above 500ms"),
        ];
        cluster.health.insert(
            SourceKind::Alerts,
            Health::Stale {
                since: ago(25),
                reason: Text::new("HTTP 503: Service Unavailable"),
            },
        );
    });
    add_pod(
        &mut model,
        pod("payment-7d9f8c6b5-k2x9z", "CrashLoopBackOff", 0, 7, 480),
    );
    add_pod(
        &mut model,
        pod("order-5c8d7f6b9-p4wqz", "Pending", 0, 0, 900),
    );
    add_pod(
        &mut model,
        pod("order-5c8d7f6b9-n7mrt", "ContainerCreating", 0, 0, 20),
    );
    let labels = [("env".to_string(), "staging".to_string())]
        .into_iter()
        .collect();
    let mut dead = watchdeck_core::model::ClusterState::new("eu-west-1", &labels);
    dead.health.insert(
        SourceKind::Pods,
        failed("connect: connection refused (127.0.0.1:1)"),
    );
    dead.health.insert(SourceKind::Alerts, Health::Connecting);
    dead.health.insert(SourceKind::Metrics, Health::Disabled);
    model.clusters.push(dead);
    model
}

#[test]
fn report_lists_findings_worst_first() {
    let report = report::build(&incident(), now(), "test");
    let us = &report.clusters[0];
    let pods: Vec<(&str, Status)> = us
        .unhealthy_pods
        .iter()
        .map(|p| (p.name.as_str(), p.status))
        .collect();
    assert_eq!(
        pods,
        [
            ("payment-7d9f8c6b5-k2x9z", Status::Critical),
            ("order-5c8d7f6b9-p4wqz", Status::Warning)
        ]
    );
    let services: Vec<&str> = us.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(services, ["payment", "order"]);
    assert_eq!(us.services[0].alerts_critical, 1);
    assert_eq!(us.services[0].pods_failing, 1);
    assert_eq!(report.clusters[1].status, Status::Unreachable);
    assert_eq!(
        report.clusters[1].sources[0].reason.as_deref(),
        Some("connect: connection refused (127.0.0.1:1)")
    );
}

#[test]
fn table_snapshot() {
    let text = table::render(&report::build(
        &incident(),
        now(),
        "config /etc/watchdeck.toml",
    ));
    for line in text.lines() {
        assert!(
            line.chars().count() <= table::WIDTH,
            "line wider than {}: {line}",
            table::WIDTH
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_snapshot() {
    let text = markdown::render(&report::build(
        &incident(),
        now(),
        "config /etc/watchdeck.toml",
    ));
    insta::assert_snapshot!(text);
}

#[test]
fn json_snapshot() {
    let report = report::build(&incident(), now(), "config /etc/watchdeck.toml");
    insta::assert_snapshot!(serde_json::to_string_pretty(&report).unwrap());
}

#[test]
fn long_names_still_fit_the_table() {
    let model = with(|m| {
        let long = "x".repeat(300);
        add_pod(m, pod(&long, "CrashLoopBackOff", 0, 1_000_000, 600));
        m.clusters[0].alerts = vec![alert(&long, &long, &long, &long)];
        m.clusters[0].health.insert(SourceKind::Pods, failed(&long));
    });
    let text = table::render(&report::build(&model, now(), &"s".repeat(200)));
    assert!(
        text.lines().all(|l| l.chars().count() <= table::WIDTH),
        "{text}"
    );
}

#[test]
fn markdown_cells_cannot_break_the_table() {
    assert_eq!(md_cell("a|b"), "a\\|b");
    assert_eq!(md_cell("<img src=x>"), "&lt;img src=x&gt;");
    assert_eq!(
        md_cell("*bold* _it_ `code` [link]"),
        "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\]"
    );
    assert_eq!(md_cell(""), "-");
}

#[test]
fn workloads_from_generated_pod_names() {
    let cases = [
        ("payment-7d9f8c6b5-x2x9z", "payment"),
        ("notification-kzdnjqx-c7c7q", "notification"),
        ("api-gateway-7f5c4d8b9-mm4tz", "api-gateway"),
        ("prometheus-0", "prometheus"),
        ("orders-db-2", "orders-db"),
        ("node-exporter-x7k2p", "node-exporter"),
        ("coredns", "coredns"),
        ("my-exporter-backup", "my-exporter-backup"),
    ];
    for (pod, want) in cases {
        assert_eq!(workload_of(pod), want, "{pod}");
    }
}

#[test]
fn long_lists_are_cut_in_text_but_whole_in_json() {
    let model = with(|m| {
        for i in 0..25 {
            add_pod(
                m,
                pod(&format!("worker-{i:02}"), "CrashLoopBackOff", 0, 3, 600),
            );
        }
    });
    let report = report::build(&model, now(), "test");
    assert_eq!(report.clusters[0].unhealthy_pods.len(), 25);
    let text = table::render(&report);
    assert!(text.contains("shop/worker-19"));
    assert!(!text.contains("shop/worker-20"));
    assert!(text.contains("… and 5 more (all of them in --format json)"));
    let md = markdown::render(&report);
    assert!(md.contains("\n\n… and 5 more (all of them in --format json)\n"));
}
