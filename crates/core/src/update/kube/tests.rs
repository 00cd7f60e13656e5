//! Message sequences for the Pods screen and the Kubernetes data: sorting, navigation over
//! the maintained order, counts, per-resource health, the panels and the metrics reads.

use crate::action::Action;
use crate::effect::{Effect, IoRequest};
use crate::event::{Msg, Payload, PodsChange};
use crate::fixture::{at, data, empty_model, pod, sample_model};
use crate::model::Model;
use crate::model::event::{EventKey, EventRow, ObjectRef};
use crate::model::health::{Health, SourceKind};
use crate::model::kube::{Change, KubeData, KubeResource, KubeScope};
use crate::model::pod::PodKey;
use crate::model::pod_order::SortColumn;
use crate::model::pod_view::{MetricSample, PodMetricsResult, PodPanel};
use crate::model::rows::{merged_pods, pod_list};
use crate::screen::View;
use crate::text::Text;
use crate::update::update;

fn names(model: &Model) -> Vec<String> {
    merged_pods(model)
        .iter()
        .map(|row| row.pod.key.name.to_string())
        .collect()
}

fn act(model: &mut Model, action: Action) -> Vec<Effect> {
    update(model, Msg::Action(action))
}

fn kube(cluster: usize, offset: i64, data_: KubeData) -> Msg {
    data(cluster, offset, Payload::Kube(Box::new(data_)))
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let mut model = sample_model();
    assert_eq!(model.podview.order.column(), SortColumn::Health);
    assert_eq!(names(&model)[0], "api-7d9f8c-q8w2z", "crash loop first");
    act(&mut model, Action::SortNext);
    assert_eq!(model.podview.order.column(), SortColumn::Cluster);
    act(&mut model, Action::SortNext);
    act(&mut model, Action::SortNext);
    assert_eq!(model.podview.order.column(), SortColumn::Name);
    let sorted = names(&model);
    let mut expected = sorted.clone();
    expected.sort();
    assert_eq!(sorted, expected);
    act(&mut model, Action::SortReverse);
    expected.reverse();
    assert_eq!(names(&model), expected);
    // Restarts: most restarts first.
    while model.podview.order.column() != SortColumn::Restarts {
        act(&mut model, Action::SortNext);
    }
    assert_eq!(names(&model)[0], "api-7d9f8c-q8w2z");
    assert!(
        !model.podview.order.reversed(),
        "a new column starts ascending"
    );
}

#[test]
fn order_follows_upserts_and_deletes_without_resorting() {
    let mut model = empty_model();
    let rows = vec![
        pod("ns", "a", "Running", 1, 1, 0),
        pod("ns", "b", "Running", 1, 1, 0),
        pod("ns", "c", "Running", 1, 1, 0),
    ];
    update(
        &mut model,
        data(0, 0, Payload::Pods(PodsChange::Reset(rows))),
    );
    assert_eq!(names(&model), ["a", "b", "c"]);
    // c starts crash looping: it moves to the top.
    let crashing = pod("ns", "c", "CrashLoopBackOff", 0, 1, 4);
    update(
        &mut model,
        data(0, 1, Payload::Pods(PodsChange::Upsert(crashing))),
    );
    assert_eq!(names(&model), ["c", "a", "b"]);
    assert_eq!(model.clusters[0].summary().crash_looping, 1);
    assert_eq!(model.clusters[0].summary().pods_ready, 2);
    update(
        &mut model,
        data(
            0,
            2,
            Payload::Pods(PodsChange::Deleted(PodKey::new("ns", "a"))),
        ),
    );
    assert_eq!(names(&model), ["c", "b"]);
    assert_eq!(model.clusters[0].summary().pods_total, 2);
    // A relist of another cluster leaves this one's rows in place.
    let other = vec![pod("ns", "z", "Pending", 0, 1, 0)];
    update(
        &mut model,
        data(1, 3, Payload::Pods(PodsChange::Reset(other))),
    );
    assert_eq!(names(&model), ["c", "z", "b"]);
}

#[test]
fn navigation_over_the_maintained_order_keeps_the_selected_pod() {
    let mut model = empty_model();
    let rows: Vec<_> = (0..50)
        .map(|i| pod("ns", &format!("p{i:02}"), "Running", 1, 1, 0))
        .collect();
    update(
        &mut model,
        data(0, 0, Payload::Pods(PodsChange::Reset(rows))),
    );
    model.ui.pods_page = 10;
    act(&mut model, Action::PageDown);
    act(&mut model, Action::Down);
    let list = pod_list(&model);
    assert_eq!(list.selected(), 11);
    assert_eq!(model.ui.pods.key, Some((0, PodKey::new("ns", "p11"))));
    // p40 fails: it jumps to the top, the selection stays on p11 (now one row lower).
    update(
        &mut model,
        data(
            0,
            1,
            Payload::Pods(PodsChange::Upsert(pod("ns", "p40", "Error", 0, 1, 0))),
        ),
    );
    assert_eq!(pod_list(&model).selected(), 12);
    act(&mut model, Action::Bottom);
    assert_eq!(pod_list(&model).selected(), 49);
    assert_eq!(model.ui.pods.offset, 40);
    // Re-sorting keeps the selected pod and scrolls to it.
    act(&mut model, Action::SortReverse);
    assert_eq!(model.ui.pods.key, Some((0, PodKey::new("ns", "p49"))));
    assert_eq!(pod_list(&model).selected(), 0);
    assert_eq!(model.ui.pods.offset, 0);
}

#[test]
fn forbidden_resource_fails_alone() {
    let mut model = sample_model();
    let before = model.clusters[0].health(SourceKind::Pods).clone();
    update(
        &mut model,
        kube(
            0,
            1,
            KubeData::Failed(
                KubeResource::Events,
                Text::new("forbidden: list events at cluster scope"),
            ),
        ),
    );
    let state = &model.clusters[0];
    assert!(matches!(
        state.kube.health(KubeResource::Events),
        Health::Failed { reason, .. } if reason.as_str() == "forbidden: list events at cluster scope"
    ));
    assert_eq!(state.health(SourceKind::Pods), &before, "pods unaffected");
    assert_eq!(
        state.kube.health(KubeResource::Deployments),
        &Health::Connecting
    );
    assert_eq!(state.pods.len(), 7, "pods still shown");
    update(
        &mut model,
        kube(0, 2, KubeData::Absent(KubeResource::CnpgClusters)),
    );
    assert_eq!(
        model.clusters[0].kube.health(KubeResource::CnpgClusters),
        &Health::Disabled
    );
}

fn event(pod: &str, name: &str, reason: &str, seen: i64) -> EventRow {
    EventRow {
        key: EventKey {
            object: ObjectRef::new("Pod", "payments", pod),
            name: Text::new(name),
        },
        kind: Text::new("Warning"),
        reason: Text::new(reason),
        message: Text::new("Back-off restarting failed container"),
        count: 3,
        last_seen: Some(at(seen)),
    }
}

#[test]
fn events_are_found_per_pod_newest_first_and_reset_per_kind() {
    let mut model = sample_model();
    let rows = vec![
        event("api-7d9f8c-q8w2z", "e1", "Pulled", -100),
        event("api-7d9f8c-q8w2z", "e2", "BackOff", -10),
        event("other", "e3", "Killing", -5),
    ];
    update(
        &mut model,
        kube(0, 0, KubeData::Events(Change::Reset(rows))),
    );
    let object = ObjectRef::new("Pod", "payments", "api-7d9f8c-q8w2z");
    let found: Vec<&str> = model.clusters[0]
        .kube
        .events_for(&object, 10)
        .iter()
        .map(|e| e.reason.as_str())
        .collect();
    assert_eq!(found, ["BackOff", "Pulled"]);
    let key = event("other", "e3", "", 0).key;
    update(
        &mut model,
        kube(0, 1, KubeData::Events(Change::Deleted(key))),
    );
    assert_eq!(model.clusters[0].kube.events.len(), 2);
    assert!(model.clusters[0].kube.health(KubeResource::Events).is_ok());
}

fn metrics_result(pod: &str, value: &str) -> PodMetricsResult {
    PodMetricsResult {
        namespace: Text::new("payments"),
        pod: Text::new(pod),
        samples: Ok(vec![MetricSample {
            name: Text::new("http_requests_total"),
            labels: vec![(Text::new("status"), Text::new("200"))],
            value: Text::new(value),
        }]),
        issues: Vec::new(),
    }
}

#[test]
fn metrics_panel_reads_selected_pod_and_refreshes_while_open() {
    let mut model = sample_model();
    act(&mut model, Action::ShowView(View::Pods));
    let effects = act(&mut model, Action::ToggleMetrics);
    assert_eq!(model.podview.panel, PodPanel::Metrics);
    let request = IoRequest::PodMetrics {
        namespace: "payments".into(),
        pod: "api-7d9f8c-q8w2z".into(),
        port: None,
    };
    assert!(effects.contains(&Effect::Io {
        cluster: 0,
        request: request.clone()
    }));
    // One read at a time: ticks while it runs ask for nothing.
    for _ in 0..3 {
        assert_eq!(
            update(&mut model, crate::fixture::tick()),
            vec![Effect::Render]
        );
    }
    update(
        &mut model,
        data(
            0,
            1,
            Payload::PodMetrics(metrics_result("api-7d9f8c-q8w2z", "7")),
        ),
    );
    let metrics = model.podview.metrics.as_ref().unwrap();
    assert!(!metrics.in_flight);
    assert_eq!(metrics.at, Some(at(1)));
    // A stale answer for another pod is ignored.
    update(
        &mut model,
        data(0, 2, Payload::PodMetrics(metrics_result("other", "1"))),
    );
    assert_eq!(model.podview.metrics.as_ref().unwrap().at, Some(at(1)));
    // Every few ticks the open panel reads again.
    let mut reads = 0;
    for _ in 0..6 {
        reads += update(&mut model, crate::fixture::tick())
            .iter()
            .filter(|e| matches!(e, Effect::Io { .. }))
            .count();
    }
    assert_eq!(reads, 1, "one read in flight at a time");
    // Moving the selection reads the newly selected pod at once.
    let effects = act(&mut model, Action::Down);
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Io { request: IoRequest::PodMetrics { pod, .. }, .. } if pod != "api-7d9f8c-q8w2z"
    )));
    // Esc closes the panel; ticks then read nothing.
    act(&mut model, Action::Close);
    assert_eq!(model.podview.panel, PodPanel::None);
    assert!(model.podview.metrics.is_none());
    assert_eq!(
        update(&mut model, crate::fixture::tick()),
        vec![Effect::Render]
    );
}

#[test]
fn describe_toggles_and_panels_stay_on_the_pods_screen() {
    let mut model = sample_model();
    assert!(
        act(&mut model, Action::ToggleDescribe).is_empty(),
        "overview: no panel"
    );
    act(&mut model, Action::ShowView(View::Pods));
    act(&mut model, Action::ToggleDescribe);
    assert_eq!(model.podview.panel, PodPanel::Describe);
    act(&mut model, Action::ToggleMetrics);
    assert_eq!(model.podview.panel, PodPanel::Metrics);
    act(&mut model, Action::ToggleDescribe);
    assert_eq!(model.podview.panel, PodPanel::Describe);
    assert!(
        model.podview.metrics.is_none(),
        "metrics stop when the panel closes"
    );
    act(&mut model, Action::ToggleDescribe);
    assert_eq!(model.podview.panel, PodPanel::None);
}

#[test]
fn a_namespace_relist_replaces_only_that_namespaces_rows() {
    let mut model = empty_model();
    // Two namespaced watches (a shop-only identity configured for two namespaces).
    let shop = vec![
        pod("shop", "a", "Running", 1, 1, 0),
        pod("shop", "b", "Running", 1, 1, 0),
    ];
    let db = vec![pod("database", "pg-1", "Running", 1, 1, 0)];
    update(
        &mut model,
        data(
            0,
            0,
            Payload::Pods(PodsChange::ResetIn(Text::new("shop"), shop)),
        ),
    );
    update(
        &mut model,
        data(
            0,
            1,
            Payload::Pods(PodsChange::ResetIn(Text::new("database"), db)),
        ),
    );
    assert_eq!(names(&model), ["pg-1", "a", "b"]);
    // shop relists after a 410: b is gone, c crash-loops; database keeps its pod.
    let relisted = vec![
        pod("shop", "a", "Running", 1, 1, 0),
        pod("shop", "c", "CrashLoopBackOff", 0, 1, 3),
        // A row of another namespace in a namespace's list is not trusted.
        pod("monitoring", "stray", "Running", 1, 1, 0),
    ];
    update(
        &mut model,
        data(
            0,
            2,
            Payload::Pods(PodsChange::ResetIn(Text::new("shop"), relisted)),
        ),
    );
    assert_eq!(names(&model), ["c", "pg-1", "a"]);
    let summary = model.clusters[0].summary();
    assert_eq!(
        (
            summary.pods_total,
            summary.pods_ready,
            summary.crash_looping
        ),
        (3, 2, 1),
        "counts follow the namespace's relist"
    );

    // The same for the other resources: events of one namespace replaced, others kept.
    let mut other = event("pg-1", "e9", "Started", -3);
    other.key.object = ObjectRef::new("Pod", "database", "pg-1");
    update(
        &mut model,
        kube(
            0,
            3,
            KubeData::Events(Change::ResetIn(Text::new("database"), vec![other])),
        ),
    );
    update(
        &mut model,
        kube(
            0,
            4,
            KubeData::Events(Change::ResetIn(
                Text::new("payments"),
                vec![event("api", "e1", "BackOff", -2)],
            )),
        ),
    );
    update(
        &mut model,
        kube(
            0,
            5,
            KubeData::Events(Change::ResetIn(Text::new("payments"), Vec::new())),
        ),
    );
    let left: Vec<&str> = model.clusters[0]
        .kube
        .events
        .keys()
        .map(|k| k.name.as_str())
        .collect();
    assert_eq!(left, ["e9"]);
}

#[test]
fn the_scope_is_kept_for_the_bands_and_reports() {
    let mut model = empty_model();
    assert_eq!(model.clusters[0].kube.scope, KubeScope::Cluster);
    let scope = KubeScope::Namespaces {
        names: vec![Text::new("shop")],
        reason: Text::new("forbidden at cluster scope: list pods"),
    };
    update(&mut model, kube(0, 0, KubeData::Scope(scope.clone())));
    assert_eq!(model.clusters[0].kube.scope, scope);
    assert!(
        matches!(
            model.clusters[0].kube.health(KubeResource::Pods),
            Health::Connecting
        ),
        "a scope is no data: the cluster is still connecting"
    );
}
