//! Test fixtures: pods, alerts and a three-cluster model at a fixed time, including a failed
//! cluster and hostile text, shared by the update and snapshot tests.

pub mod alerts;
pub mod runbooks;
pub mod runs;
pub mod services;
pub mod slos;
pub mod workloads;

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::event::{DataEvent, Msg, Payload, PodsChange};
use crate::model::Model;
use crate::model::alert::{Alert, Severity};
use crate::model::health::{Health, SourceKind};
use crate::model::pod::{PodKey, PodRow};
use crate::text::Text;

/// The fixed "now" of every fixture: 2025-06-01T12:00:00Z.
pub fn now() -> Timestamp {
    at(0)
}

/// A key press at the fixed `now`, as the loop hands it to `update`.
pub fn key_msg(key: crate::action::Key) -> Msg {
    Msg::Key { key, now: now() }
}

/// A clock tick at the fixed `now`.
pub fn tick() -> Msg {
    Msg::Tick { now: now() }
}

/// `now` plus `offset` seconds.
pub fn at(offset: i64) -> Timestamp {
    Timestamp::from_second(1_748_779_200 + offset).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub fn pod(ns: &str, name: &str, status: &str, ready: u32, total: u32, restarts: u32) -> PodRow {
    PodRow {
        key: PodKey::new(ns, name),
        status: Text::new(status),
        ready,
        total,
        restarts,
        node: Text::new(&format!("node-{}", name.len() % 3 + 1)),
        created: Some(at(-(name.len() as i64) * 3_000)),
        crash_looping: status == "CrashLoopBackOff",
        detail: Default::default(),
    }
}

pub fn alert(fingerprint: &str, name: &str, severity: &str, summary: &str, age_secs: i64) -> Alert {
    let mut labels = BTreeMap::new();
    labels.insert(Text::new("alertname"), Text::new(name));
    labels.insert(Text::new("severity"), Text::new(severity));
    Alert {
        fingerprint: Text::new(fingerprint),
        name: Text::new(name),
        severity: Severity::from_label(Some(severity)),
        summary: Text::new(summary),
        starts_at: Some(at(-age_secs)),
        labels,
        ..Alert::default()
    }
}

pub fn data(cluster: usize, offset: i64, payload: Payload) -> Msg {
    Msg::Data(DataEvent {
        cluster,
        at: at(offset),
        payload,
    })
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Three empty clusters: prod-eu-1, prod-us-1, staging-eu-1.
pub fn empty_model() -> Model {
    let eu = labels(&[("env", "prod"), ("region", "eu-west-1")]);
    let us = labels(&[("env", "prod"), ("region", "us-east-1")]);
    let staging = labels(&[("env", "staging"), ("region", "eu-west-1")]);
    Model::new([
        ("prod-eu-1", &eu),
        ("prod-us-1", &us),
        ("staging-eu-1", &staging),
    ])
}

/// The fleet the snapshots show: a healthy cluster with a crash loop and hostile text, a
/// cluster whose Kubernetes API refuses connections while its Alertmanager is stale, and a
/// staging cluster.
pub fn sample_model() -> Model {
    let mut model = empty_model();
    let eu = vec![
        pod("payments", "api-7d9f8c-x2k4p", "Running", 1, 1, 0),
        pod("payments", "api-7d9f8c-q8w2z", "CrashLoopBackOff", 0, 1, 14),
        pod("payments", "worker-5c6b7-mm2n", "Running", 2, 2, 1),
        pod("kube-system", "coredns-6d4b-abcde", "Running", 1, 1, 0),
        pod("batch", "report-28911-zz9", "Completed", 0, 1, 0),
        pod(
            "web",
            "frontend-\x1b[2J\x1b]0;pwned\x07-evil\u{202e}",
            "ContainerCreating",
            0,
            1,
            0,
        ),
        pod("web", "frontend-6f7-ok", "Terminating", 1, 1, 2),
    ];
    let staging = vec![
        pod("default", "canary-1", "Pending", 0, 1, 0),
        pod("default", "canary-2", "Running", 1, 2, 3),
        pod("default", "db-0", "Running", 1, 1, 0),
    ];
    let msgs = vec![
        data(0, -2, Payload::Pods(PodsChange::Reset(eu))),
        data(
            0,
            -4,
            Payload::Alerts(vec![
                alert(
                    "a1",
                    "KubePodCrashLooping",
                    "warning",
                    "Pod payments/api-7d9f8c-q8w2z is crash looping",
                    600,
                ),
                alert(
                    "a2",
                    "HighErrorRate",
                    "critical",
                    "5xx ratio above 5% on payments-api",
                    300,
                ),
                alert(
                    "a3",
                    "Watchdog",
                    "none",
                    "Always firing \x1b]52;c;cm0gLXJmIC8=\x07\u{9b}2J\r",
                    86_400,
                ),
            ]),
        ),
        data(
            1,
            -300,
            Payload::Failed {
                source: SourceKind::Pods,
                reason: Text::new("connection refused"),
            },
        ),
        data(
            1,
            -50,
            Payload::Alerts(vec![alert(
                "b1",
                "TargetDown",
                "critical",
                "apiserver unreachable",
                250,
            )]),
        ),
        data(
            1,
            -20,
            Payload::Failed {
                source: SourceKind::Alerts,
                reason: Text::new("timeout"),
            },
        ),
        data(2, -1, Payload::Pods(PodsChange::Reset(staging))),
        data(2, -3, Payload::Alerts(Vec::new())),
    ];
    for msg in msgs {
        crate::update::update(&mut model, msg);
    }
    debug_assert!(matches!(
        model.clusters[1].health(SourceKind::Pods),
        Health::Failed { .. }
    ));
    debug_assert!(matches!(
        model.clusters[1].health(SourceKind::Alerts),
        Health::Stale { .. }
    ));
    model
}

/// Applies a user action through `update`.
pub fn act(model: &mut Model, action: crate::action::Action) {
    crate::update::update(model, Msg::Action(action));
}
