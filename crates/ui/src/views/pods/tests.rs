//! Snapshots of the Pods screen with the describe panel and the metrics panel (120x40 and
//! 80x24), the sort marker, and a 403 on the pods of one cluster shown on the pods pane.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::theme::Theme;
use watchdeck_core::action::Action;
use watchdeck_core::event::{Payload, PodsChange};
use watchdeck_core::fixture::{act, at, data, now, pod, sample_model};
use watchdeck_core::model::Model;
use watchdeck_core::model::event::{EventKey, EventRow, ObjectRef};
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::model::kube::{Change, KubeData};
use watchdeck_core::model::pod_detail::{
    ContainerRow, OwnerRef, PodCondition, PodDetail, Termination,
};
use watchdeck_core::model::pod_view::{MetricSample, PodMetricsResult};
use watchdeck_core::model::workload::{WorkloadKey, WorkloadKind, WorkloadRow};
use watchdeck_core::screen::View;
use watchdeck_core::text::Text;
use watchdeck_core::update::update;

fn text(model: &Model, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            crate::view(frame, model, &Theme::dark(), now());
        })
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn kube(model: &mut Model, data_: KubeData) {
    update(model, data(0, -1, Payload::Kube(Box::new(data_))));
}

fn workload(kind: WorkloadKind, name: &str, ready: u32, owner: Option<&str>) -> WorkloadRow {
    WorkloadRow {
        key: WorkloadKey::new(kind, "payments", name),
        desired: 3,
        ready,
        updated: 3,
        available: ready,
        revision: Text::new("7"),
        paused: false,
        owner: owner.map(Text::new),
        conditions: Vec::new(),
        images: Vec::new(),
        change_cause: Text::default(),
        created: None,
    }
}

/// The sample fleet on the Pods screen, its crash-looping pod described in full.
fn model() -> Model {
    let mut model = sample_model();
    let mut crashing = pod("payments", "api-7d9f8c-q8w2z", "CrashLoopBackOff", 0, 1, 14);
    crashing.detail = Box::new(PodDetail {
        owner: Some(OwnerRef {
            kind: Text::new("ReplicaSet"),
            name: Text::new("api-7d9f8c"),
        }),
        ip: Text::new("10.1.4.7"),
        metrics_port: Some(8080),
        conditions: vec![
            PodCondition {
                kind: Text::new("PodScheduled"),
                status: Text::new("True"),
                reason: Text::default(),
                message: Text::default(),
                since: Some(at(-3600)),
            },
            PodCondition {
                kind: Text::new("Ready"),
                status: Text::new("False"),
                reason: Text::new("ContainersNotReady"),
                message: Text::new("containers with unready status: [api]"),
                since: Some(at(-300)),
            },
        ],
        containers: vec![ContainerRow {
            name: Text::new("api"),
            init: false,
            ready: false,
            state: Text::new("waiting"),
            reason: Text::new("CrashLoopBackOff"),
            restarts: 14,
            last: Some(Termination {
                reason: Text::new("Error"),
                exit_code: 1,
                finished: Some(at(-40)),
            }),
        }],
    });
    update(
        &mut model,
        data(0, -1, Payload::Pods(PodsChange::Upsert(crashing))),
    );
    kube(
        &mut model,
        KubeData::Workloads(
            WorkloadKind::Deployment,
            Change::Reset(vec![workload(WorkloadKind::Deployment, "api", 2, None)]),
        ),
    );
    kube(
        &mut model,
        KubeData::Workloads(
            WorkloadKind::ReplicaSet,
            Change::Reset(vec![workload(
                WorkloadKind::ReplicaSet,
                "api-7d9f8c",
                2,
                Some("api"),
            )]),
        ),
    );
    let event =
        |name: &str, kind: &str, reason: &str, message: &str, count: u32, ago: i64| EventRow {
            key: EventKey {
                object: ObjectRef::new("Pod", "payments", "api-7d9f8c-q8w2z"),
                name: Text::new(name),
            },
            kind: Text::new(kind),
            reason: Text::new(reason),
            message: Text::new(message),
            count,
            last_seen: Some(at(-ago)),
        };
    kube(
        &mut model,
        KubeData::Events(Change::Reset(vec![
            event(
                "e1",
                "Normal",
                "Pulled",
                "Container image \"api:1.4.2\" already present",
                14,
                600,
            ),
            event(
                "e2",
                "Warning",
                "BackOff",
                "Back-off restarting failed container \u{1b}]0;pwned\u{7}api",
                61,
                30,
            ),
        ])),
    );
    act(&mut model, Action::ShowView(View::Pods));
    model
}

#[test]
fn snapshot_pods_describe_120x40() {
    let mut model = model();
    act(&mut model, Action::ToggleDescribe);
    insta::assert_snapshot!(text(&model, 120, 40));
}

#[test]
fn snapshot_pods_describe_80x24() {
    let mut model = model();
    act(&mut model, Action::ToggleDescribe);
    insta::assert_snapshot!(text(&model, 80, 24));
}

fn with_metrics(model: &mut Model) {
    act(model, Action::ToggleMetrics);
    let sample = |name: &str, labels: &[(&str, &str)], value: &str| MetricSample {
        name: Text::new(name),
        labels: labels
            .iter()
            .map(|(k, v)| (Text::new(k), Text::new(v)))
            .collect(),
        value: Text::new(value),
    };
    let result = PodMetricsResult {
        namespace: Text::new("payments"),
        pod: Text::new("api-7d9f8c-q8w2z"),
        samples: Ok(vec![
            sample(
                "http_requests_total",
                &[("service", "api"), ("status", "200")],
                "18231",
            ),
            sample(
                "http_requests_total",
                &[("service", "api"), ("status", "500")],
                "1544",
            ),
            sample(
                "http_request_duration_seconds_bucket",
                &[("le", "0.25"), ("path", "/pay\u{1b}[2J,x=\"}")],
                "17002",
            ),
            sample("process_resident_memory_bytes", &[], "1.2582912e8"),
            sample("up", &[], "NaN"),
        ]),
        issues: vec![Text::new("line 7: label value with `,` (repaired)")],
    };
    update(model, data(0, -2, Payload::PodMetrics(result)));
}

#[test]
fn snapshot_pods_metrics_120x40() {
    let mut model = model();
    with_metrics(&mut model);
    insta::assert_snapshot!(text(&model, 120, 40));
}

#[test]
fn snapshot_pods_metrics_80x24() {
    let mut model = model();
    with_metrics(&mut model);
    insta::assert_snapshot!(text(&model, 80, 24));
}

#[test]
fn sort_marker_in_header_and_forbidden_pods_on_the_pane() {
    let mut model = model();
    for _ in 0..6 {
        act(&mut model, Action::SortNext);
    }
    act(&mut model, Action::SortReverse);
    let screen = text(&model, 120, 40);
    assert!(screen.contains("RESTARTS▼"), "{screen}");
    update(
        &mut model,
        data(
            2,
            0,
            Payload::Failed {
                source: SourceKind::Pods,
                reason: Text::new("forbidden: list pods at cluster scope"),
            },
        ),
    );
    let screen = text(&model, 160, 40);
    assert!(
        screen.contains("staging-eu-1: forbidden: list pods at cluster scope"),
        "{screen}"
    );
    assert!(
        screen.contains("api-7d9f8c-q8w2z"),
        "other clusters' pods stay"
    );
}

#[test]
fn tiny_and_huge_terminals_with_panels_never_panic() {
    let mut model = model();
    act(&mut model, Action::ToggleDescribe);
    for (w, h) in [(20, 5), (1, 1), (400, 120)] {
        text(&model, w, h);
    }
    with_metrics(&mut model);
    for (w, h) in [(20, 5), (1, 1), (400, 120)] {
        text(&model, w, h);
    }
}
