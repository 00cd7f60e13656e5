//! Direct actions from the views as a user drives them: keys in, the `StartRun` emitted.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::action::Key;
use crate::event::Msg;
use crate::fixture::workloads::{workload, workload_model};
use crate::fixture::{act, pod};
use crate::model::pod_detail::OwnerRef;
use crate::model::workload_view::selected_key;
use crate::runbook::resolved::{ObjectKind, ObjectRef};
use crate::runbook::spec::{Field, PromotionSpec, StepKind};
use crate::update::update;

fn key(model: &mut Model, key: Key) -> Vec<Effect> {
    update(model, crate::fixture::key_msg(key))
}

fn started(effects: &[Effect]) -> Option<&StartRun> {
    effects.iter().find_map(|e| match e {
        Effect::StartRun(start) => Some(start.as_ref()),
        _ => None,
    })
}

fn only_step(start: &StartRun) -> &StepKind {
    assert_eq!(start.runbook.steps.len(), 1);
    &start.runbook.steps[0].kind
}

/// Moves the cursor down until the row named `name` is selected (databases: `c:name`, in
/// the databases pane, reached with Ctrl-W).
fn select(model: &mut Model, name: &str) {
    let database = name.contains(':');
    if database != matches!(selected_key(model), Some(RowKey::Database(..))) {
        key(model, Key::Ctrl('w'));
    }
    act(model, Action::Top);
    for _ in 0..20 {
        let here = match selected_key(model) {
            Some(RowKey::Workload(_, k)) => k.name.as_str().to_string(),
            Some(RowKey::Database(c, k)) => format!("{c}:{}", k.name),
            None => String::new(),
        };
        if here == name {
            return;
        }
        act(model, Action::Down);
    }
    panic!("no row {name}");
}

fn on_workloads() -> Model {
    let mut model = workload_model();
    key(&mut model, Key::Char('6'));
    assert_eq!(model.ui.view, View::Workloads);
    model
}

fn payment() -> ObjectRef {
    ObjectRef {
        cluster: "prod-eu-1".into(),
        namespace: "shop".into(),
        kind: ObjectKind::Deployment,
        name: "payment".into(),
    }
}

#[test]
fn x_on_a_deployment_then_6_enter_starts_a_scale_to_6_from_3() {
    let mut model = on_workloads();
    select(&mut model, "payment");
    key(&mut model, Key::Char('x'));
    let Some(ActionPopup::Scale(popup)) = &model.ui.workloads.popup else {
        panic!("{:?}", model.ui.workloads.popup);
    };
    assert_eq!((popup.input.text(), popup.current), ("3", 3), "prefilled");
    // Keys go to the popup: `6` is a digit here, not a screen.
    assert!(started(&key(&mut model, Key::Char('6'))).is_none());
    assert_eq!(model.ui.view, View::Workloads);
    let effects = key(&mut model, Key::Enter);
    let start = started(&effects).expect("a StartRun");
    assert_eq!(start.runbook.id, "action-scale");
    let StepKind::Scale {
        target,
        replicas,
        expect_replicas,
        target_utilisation: _,
        verify_timeout,
    } = only_step(start)
    else {
        panic!("{:?}", only_step(start));
    };
    assert_eq!(replicas, &Field::Literal(6));
    assert_eq!(expect_replicas, &Some(Field::Literal(3)));
    assert_eq!(*verify_timeout, Duration::from_secs(300));
    assert_eq!(target.name, Field::Literal("payment".to_string()));
    assert_eq!(target.cluster, Field::Literal("prod-eu-1".to_string()));
    assert_eq!(target.kind, ObjectKind::Deployment);
    assert!(
        start.runbook.steps[0]
            .guidance
            .contains(&payment().to_string())
    );
    assert!(model.ui.workloads.popup.is_none(), "the popup closes");
}

#[test]
fn scale_popup_edits_refuses_no_change_and_esc_cancels() {
    let mut model = on_workloads();
    select(&mut model, "cache");
    key(&mut model, Key::Char('x'));
    // The same count is nothing to do: said in the popup, nothing started.
    let effects = key(&mut model, Key::Enter);
    assert!(started(&effects).is_none());
    let Some(ActionPopup::Scale(popup)) = &model.ui.workloads.popup else {
        panic!();
    };
    assert!(
        popup
            .error
            .as_ref()
            .is_some_and(|e| e.as_str().contains("nothing to do"))
    );
    // ↑ adds one, Backspace edits, letters are ignored.
    key(&mut model, Key::Up);
    key(&mut model, Key::Char('a'));
    key(&mut model, Key::Backspace);
    key(&mut model, Key::Char('1'));
    key(&mut model, Key::Char('2'));
    let Some(ActionPopup::Scale(popup)) = &model.ui.workloads.popup else {
        panic!();
    };
    assert_eq!(popup.input, "12");
    let effects = key(&mut model, Key::Enter);
    let StepKind::Scale {
        target, replicas, ..
    } = only_step(started(&effects).unwrap())
    else {
        panic!();
    };
    assert_eq!(target.kind, ObjectKind::StatefulSet);
    assert_eq!(replicas, &Field::Literal(12));
    // Esc closes without starting anything.
    key(&mut model, Key::Char('x'));
    let effects = key(&mut model, Key::Esc);
    assert!(started(&effects).is_none());
    assert!(model.ui.workloads.popup.is_none());
}

#[test]
fn u_lists_revisions_newest_first_and_rolls_back_to_the_chosen_one() {
    let mut model = on_workloads();
    select(&mut model, "payment");
    key(&mut model, Key::Char('u'));
    let Some(ActionPopup::Rollback(popup)) = &model.ui.workloads.popup else {
        panic!("{:?}", model.ui.workloads.popup);
    };
    let listed: Vec<(i64, bool)> = popup
        .revisions
        .iter()
        .map(|r| (r.number, r.current))
        .collect();
    assert_eq!(listed, [(3, true), (2, false), (1, false)]);
    assert_eq!(popup.selected, 1, "the previous revision by default");
    assert_eq!(popup.target, payment());
    // Enter on the current revision is refused.
    key(&mut model, Key::Up);
    let effects = key(&mut model, Key::Enter);
    assert!(started(&effects).is_none());
    assert!(
        model
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.as_str().contains("already runs revision 3"))
    );
    // Down twice (the first key also dismisses the notice): revision 1.
    key(&mut model, Key::Down);
    key(&mut model, Key::Down);
    let effects = key(&mut model, Key::Enter);
    let start = started(&effects).expect("a StartRun");
    assert_eq!(start.runbook.id, "action-rollback");
    let StepKind::Rollback {
        target, revision, ..
    } = only_step(start)
    else {
        panic!();
    };
    assert_eq!(revision, &Some(Field::Literal(1)));
    assert_eq!(target.name, Field::Literal("payment".to_string()));
}

#[test]
fn u_on_a_statefulset_or_a_deployment_without_history_says_why() {
    let mut model = on_workloads();
    select(&mut model, "cache");
    let effects = key(&mut model, Key::Char('u'));
    assert!(started(&effects).is_none());
    assert!(model.ui.workloads.popup.is_none());
    assert!(
        model
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.as_str().contains("only Deployments"))
    );
    select(&mut model, "cart");
    key(&mut model, Key::Char('u'));
    assert!(
        model
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.as_str().contains("no earlier revision"))
    );
}

#[test]
fn p_on_a_replica_cluster_promotes_it_and_on_a_primary_a_ready_replica_instance() {
    let mut model = on_workloads();
    select(&mut model, "0:orders-db");
    let effects = key(&mut model, Key::Char('P'));
    let start = started(&effects).expect("a StartRun");
    assert_eq!(start.runbook.id, "action-promote");
    let StepKind::Promote {
        promotion: PromotionSpec::Cnpg {
            target, instance, ..
        },
        verify_timeout,
    } = only_step(start)
    else {
        panic!("{:?}", only_step(start));
    };
    assert_eq!(instance, &None, "a replica cluster leaves replica mode");
    assert_eq!(target.kind, ObjectKind::CnpgCluster);
    assert_eq!(target.namespace, Field::Literal("database".to_string()));
    assert_eq!(*verify_timeout, Duration::from_secs(600));

    // The primary cluster in staging: instance 1 is not ready, 2 is the primary.
    let pods = &mut model.clusters[2].pods;
    for (name, ready) in [("orders-db-1", 0), ("orders-db-2", 1), ("orders-db-3", 1)] {
        let row = pod("database", name, "Running", ready, 1, 0);
        pods.insert(row.key.clone(), row);
    }
    select(&mut model, "2:orders-db");
    let effects = key(&mut model, Key::Char('P'));
    let StepKind::Promote {
        promotion: PromotionSpec::Cnpg { instance, .. },
        ..
    } = only_step(started(&effects).unwrap())
    else {
        panic!();
    };
    assert_eq!(instance, &Some(Field::Literal("orders-db-3".to_string())));
    // Keys that do not apply to the selected row start nothing.
    select(&mut model, "payment");
    assert!(started(&key(&mut model, Key::Char('P'))).is_none());
}

#[test]
fn x_on_the_pods_screen_scales_the_selected_pods_owner() {
    let mut model = workload_model();
    let eu = &mut model.clusters[0].kube;
    let api = workload(
        crate::model::workload::WorkloadKind::Deployment,
        "payments",
        "api",
        4,
        3,
    );
    eu.workloads.insert(api.key.clone(), api);
    let mut rs = workload(
        crate::model::workload::WorkloadKind::ReplicaSet,
        "payments",
        "api-7d9f8c",
        4,
        3,
    );
    rs.owner = Some(Text::new("api"));
    eu.workloads.insert(rs.key.clone(), rs);
    // The pod names its ReplicaSet as owner.
    for pod in model.clusters[0].pods.values_mut() {
        pod.detail.owner = Some(OwnerRef {
            kind: Text::new("ReplicaSet"),
            name: Text::new("api-7d9f8c"),
        });
    }
    key(&mut model, Key::Char('3'));
    model.ui.filter.pods = "x2k4p".into();
    key(&mut model, Key::Char('x'));
    let Some(ActionPopup::Scale(popup)) = &model.ui.workloads.popup else {
        panic!("{:?} {:?}", model.ui.workloads.popup, model.ui.notice);
    };
    assert_eq!(popup.target.name, "api");
    assert_eq!(popup.target.kind, ObjectKind::Deployment);
    assert_eq!(popup.current, 4);
    // The popup shows over the Pods screen and starts the same run.
    key(&mut model, Key::Char('8'));
    let effects = key(&mut model, Key::Enter);
    let StepKind::Scale { replicas, .. } = only_step(started(&effects).unwrap()) else {
        panic!();
    };
    assert_eq!(replicas, &Field::Literal(8));
    assert_eq!(model.ui.view, View::Pods);
}

#[test]
fn hostile_names_never_reach_a_run() {
    let mut model = on_workloads();
    model.ui.filter.workloads = "ns:web".into();
    act(&mut model, Action::Top);
    key(&mut model, Key::Char('x'));
    key(&mut model, Key::Char('2'));
    let effects = key(&mut model, Key::Enter);
    assert!(started(&effects).is_none(), "{effects:?}");
    let Some(ActionPopup::Scale(popup)) = &model.ui.workloads.popup else {
        panic!();
    };
    let error = popup.error.as_ref().unwrap().as_str();
    assert!(error.contains("not a valid Kubernetes name"), "{error}");
    assert!(
        !error.contains('\x1b'),
        "the message itself is sanitized: {error:?}"
    );
}

#[test]
fn sort_and_movement_keys_act_on_the_workloads_screen() {
    let mut model = on_workloads();
    key(&mut model, Key::Char('s'));
    assert_eq!(
        model.ui.workloads.sort,
        crate::model::workload_view::WorkloadSort::Kind
    );
    key(&mut model, Key::Char('o'));
    assert!(model.ui.workloads.reversed);
    act(&mut model, Action::Bottom);
    assert!(matches!(selected_key(&model), Some(RowKey::Workload(..))));
    key(&mut model, Key::Ctrl('w'));
    act(&mut model, Action::Bottom);
    assert!(matches!(selected_key(&model), Some(RowKey::Database(2, _))));
    // The mouse: a click on the first row of the workloads table selects it.
    model.ui.layout.workloads = Some(crate::model::layout::Area::new(1, 3, 78, 10));
    model.ui.layout.databases = Some(crate::model::layout::Area::new(1, 17, 78, 3));
    update(
        &mut model,
        Msg::Mouse(crate::event::Mouse {
            kind: MouseKind::Click,
            column: 5,
            row: 3,
        }),
    );
    assert_eq!(selected_row(&model, &row_keys(&model)), 0);
    update(
        &mut model,
        Msg::Mouse(crate::event::Mouse {
            kind: MouseKind::Click,
            column: 5,
            row: 18,
        }),
    );
    assert!(matches!(selected_key(&model), Some(RowKey::Database(2, _))));
}

#[test]
fn keys_are_in_the_keymap_and_help() {
    let lines = model_help();
    for (key, words) in [
        ("6", "workloads"),
        ("x", "scale"),
        ("u", "roll back"),
        ("P", "promote"),
        ("b", "runbook"),
    ] {
        assert!(
            lines.iter().any(|(k, h)| k == key && h.contains(words)),
            "{key} {words}: {lines:?}"
        );
    }
    let _ = Arc::new(());
}

fn model_help() -> Vec<(String, &'static str)> {
    crate::action::help_lines()
}
