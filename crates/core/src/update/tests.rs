//! Sequences of messages through `update` and the model they leave.

use super::*;
use crate::event::PodsChange;
use crate::fixture::{alert, at, data, empty_model, pod, sample_model};
use crate::model::health::{Health, SourceKind};
use crate::model::pod::PodKey;
use crate::model::rows::merged_pods;
use crate::text::Text;

fn names(model: &Model) -> Vec<String> {
    merged_pods(model)
        .iter()
        .map(|row| format!("{}/{}", row.cluster_name, row.pod.key.name))
        .collect()
}

#[test]
fn update_pod_added_modified_deleted() {
    let mut model = empty_model();
    let effects = update(
        &mut model,
        data(
            0,
            0,
            Payload::Pods(PodsChange::Reset(vec![pod("ns", "a", "Running", 1, 1, 0)])),
        ),
    );
    assert_eq!(effects, vec![Effect::Render]);
    update(
        &mut model,
        data(
            0,
            1,
            Payload::Pods(PodsChange::Upsert(pod("ns", "b", "Pending", 0, 1, 0))),
        ),
    );
    assert_eq!(model.clusters[0].pods.len(), 2);
    update(
        &mut model,
        data(
            0,
            2,
            Payload::Pods(PodsChange::Upsert(pod(
                "ns",
                "b",
                "CrashLoopBackOff",
                0,
                1,
                3,
            ))),
        ),
    );
    let b = &model.clusters[0].pods[&PodKey::new("ns", "b")];
    assert_eq!((b.status.as_str(), b.restarts), ("CrashLoopBackOff", 3));
    assert_eq!(model.clusters[0].summary().crash_looping, 1);
    update(
        &mut model,
        data(
            0,
            3,
            Payload::Pods(PodsChange::Deleted(PodKey::new("ns", "a"))),
        ),
    );
    assert_eq!(names(&model), vec!["prod-eu-1/b"]);
    assert_eq!(
        model.clusters[0].health(SourceKind::Pods),
        &Health::Ok { at: at(3) }
    );
    // Other clusters untouched.
    assert!(model.clusters[1].pods.is_empty());
    assert_eq!(
        model.clusters[1].health(SourceKind::Pods),
        &Health::Connecting
    );
}

#[test]
fn update_reset_replaces_all_pods() {
    let mut model = empty_model();
    update(
        &mut model,
        data(
            0,
            0,
            Payload::Pods(PodsChange::Reset(vec![pod(
                "ns", "old", "Running", 1, 1, 0,
            )])),
        ),
    );
    update(
        &mut model,
        data(
            0,
            5,
            Payload::Pods(PodsChange::Reset(vec![pod(
                "ns", "new", "Running", 1, 1, 0,
            )])),
        ),
    );
    assert_eq!(names(&model), vec!["prod-eu-1/new"]);
}

#[test]
fn update_source_failure_then_recovery() {
    let mut model = empty_model();
    update(
        &mut model,
        data(
            1,
            0,
            Payload::Pods(PodsChange::Reset(vec![pod("ns", "a", "Running", 1, 1, 0)])),
        ),
    );
    let refused = Text::new("connection refused");
    update(
        &mut model,
        data(
            1,
            10,
            Payload::Failed {
                source: SourceKind::Pods,
                reason: refused.clone(),
            },
        ),
    );
    assert_eq!(
        model.clusters[1].health(SourceKind::Pods),
        &Health::Stale {
            since: at(0),
            reason: refused.clone()
        }
    );
    // Data is kept while stale.
    assert_eq!(model.clusters[1].pods.len(), 1);
    update(
        &mut model,
        data(
            1,
            90,
            Payload::Failed {
                source: SourceKind::Pods,
                reason: Text::new("timeout"),
            },
        ),
    );
    assert_eq!(
        model.clusters[1].health(SourceKind::Pods),
        &Health::Failed {
            since: at(90),
            reason: Text::new("timeout")
        }
    );
    // The failure is the cluster's own: the others and the other source are unaffected.
    assert_eq!(
        model.clusters[0].health(SourceKind::Pods),
        &Health::Connecting
    );
    assert_eq!(
        model.clusters[1].health(SourceKind::Alerts),
        &Health::Connecting
    );
    update(
        &mut model,
        data(
            1,
            95,
            Payload::Pods(PodsChange::Reset(vec![pod("ns", "b", "Running", 1, 1, 0)])),
        ),
    );
    assert_eq!(
        model.clusters[1].health(SourceKind::Pods),
        &Health::Ok { at: at(95) }
    );
    update(&mut model, data(1, 105, Payload::Alive(SourceKind::Pods)));
    assert_eq!(
        model.clusters[1].health(SourceKind::Pods),
        &Health::Ok { at: at(105) }
    );
    assert_eq!(names(&model), vec!["prod-us-1/b"]);
}

#[test]
fn update_alert_list_replaced_deduplicated_sorted() {
    let mut model = empty_model();
    let first = vec![alert("f1", "Old", "warning", "old", 10)];
    update(&mut model, data(0, 0, Payload::Alerts(first)));
    let second = vec![
        alert("f2", "B", "warning", "b", 100),
        alert("f3", "C", "critical", "c", 5),
        alert("f2", "B", "warning", "duplicate from the HA peer", 100),
        alert("f4", "A", "warning", "a", 200),
    ];
    update(&mut model, data(0, 5, Payload::Alerts(second)));
    let got: Vec<(&str, &str)> = model.clusters[0]
        .alerts
        .iter()
        .map(|a| (a.name.as_str(), a.summary.as_str()))
        .collect();
    assert_eq!(got, vec![("C", "c"), ("A", "a"), ("B", "b")]);
    update(&mut model, data(0, 10, Payload::Alerts(Vec::new())));
    assert!(model.clusters[0].alerts.is_empty());
    assert_eq!(
        model.clusters[0].health(SourceKind::Alerts),
        &Health::Ok { at: at(10) }
    );
}

#[test]
fn update_ignores_unknown_cluster() {
    let mut model = empty_model();
    let before = model.clone();
    let effects = update(&mut model, data(7, 0, Payload::Alive(SourceKind::Pods)));
    assert!(effects.is_empty());
    assert_eq!(model, before);
}

#[test]
fn update_unhealthy_pods_sort_first() {
    let model = sample_model();
    let rows = names(&model);
    assert_eq!(rows[0], "prod-eu-1/api-7d9f8c-q8w2z");
    assert_eq!(
        rows.last().map(String::as_str),
        Some("prod-eu-1/report-28911-zz9")
    );
}

#[test]
fn update_navigation_moves_and_clamps() {
    let mut model = sample_model();
    model.ui.pods_page = 3;
    let total = merged_pods(&model).len();
    assert_eq!(
        update(&mut model, Msg::Action(Action::Down)),
        vec![Effect::Render]
    );
    assert_eq!(model.ui.pods.index, 1);
    update(&mut model, Msg::Action(Action::PageDown));
    assert_eq!(model.ui.pods.index, 4);
    assert_eq!(model.ui.pods.offset, 2);
    update(&mut model, Msg::Action(Action::Bottom));
    assert_eq!(model.ui.pods.index, total - 1);
    update(&mut model, Msg::Action(Action::Down));
    assert_eq!(model.ui.pods.index, total - 1);
    update(&mut model, Msg::Action(Action::PageUp));
    assert_eq!(model.ui.pods.index, total - 4);
    update(&mut model, Msg::Action(Action::Top));
    assert_eq!((model.ui.pods.index, model.ui.pods.offset), (0, 0));
    update(&mut model, Msg::Action(Action::Up));
    assert_eq!(model.ui.pods.index, 0);
}

#[test]
fn update_selection_follows_pod_when_list_reorders() {
    let mut model = sample_model();
    update(&mut model, Msg::Action(Action::Bottom));
    let selected = model.ui.pods.key.clone();
    assert_eq!(
        selected.as_ref().map(|k| k.1.name.as_str()),
        Some("report-28911-zz9")
    );
    // A new failing pod sorts first; the selection stays on the same pod.
    update(
        &mut model,
        data(
            2,
            1,
            Payload::Pods(PodsChange::Upsert(pod("default", "boom", "Error", 0, 1, 0))),
        ),
    );
    let rows = merged_pods(&model);
    let position = crate::model::rows::selected_pod(&model, &rows);
    assert_eq!(rows[position].pod.key.name.as_str(), "report-28911-zz9");
}

#[test]
fn update_help_quit_and_focus() {
    let mut model = sample_model();
    assert_eq!(
        update(&mut model, Msg::Action(Action::Quit)),
        vec![Effect::Quit]
    );
    update(&mut model, Msg::Action(Action::ToggleHelp));
    assert!(model.ui.show_help);
    // Movement scrolls the help while it is open, not the lists.
    update(&mut model, Msg::Action(Action::Down));
    assert_eq!((model.ui.help_scroll, model.ui.pods.index), (1, 0));
    update(&mut model, Msg::Action(Action::Close));
    assert!(!model.ui.show_help);
    assert!(update(&mut model, Msg::Action(Action::Close)).is_empty());
    update(&mut model, Msg::Action(Action::FocusNext));
    assert_eq!(model.ui.focus, Pane::Alerts);
    update(&mut model, Msg::Action(Action::Down));
    assert_eq!((model.ui.alerts.index, model.ui.pods.index), (1, 0));
    update(&mut model, Msg::Action(Action::FocusNext));
    assert_eq!(model.ui.focus, Pane::Pods);
}

#[test]
fn update_viewport_and_tick() {
    let mut model = empty_model();
    assert!(
        update(
            &mut model,
            Msg::Viewport {
                pods: 30,
                alerts: 4
            }
        )
        .is_empty()
    );
    assert_eq!((model.ui.pods_page, model.ui.alerts_page), (30, 4));
    assert_eq!(
        update(&mut model, crate::fixture::tick()),
        vec![Effect::Render]
    );
    // Movement on empty lists is harmless.
    update(&mut model, Msg::Action(Action::PageDown));
    assert_eq!(model.ui.pods, Cursor::default());
}
