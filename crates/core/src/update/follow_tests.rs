//! Lists that behave: the selection follows its item when a list re-sorts, the nearest row
//! when the item is gone, the first match after a `/` filter; Ctrl-W between panes; `s` on
//! the Services screen.

use crate::action::{Action, Key};
use crate::event::Payload;
use crate::fixture::services::{metrics, red};
use crate::fixture::workloads::workload_model;
use crate::fixture::{act, alert, data, empty_model, sample_model};
use crate::model::alert_groups::selected_alert_entry;
use crate::model::rows::pod_list;
use crate::model::workload_view::{RowKey, selected_key};
use crate::model::{Model, Pane};
use crate::screen::View;
use crate::update::update;

fn key(model: &mut Model, key: Key) {
    update(model, crate::fixture::key_msg(key));
}

fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        key(model, Key::Char(c));
    }
}

fn selected_alert_name(model: &Model) -> String {
    selected_alert_entry(model)
        .map(|e| e.alert.fingerprint.as_str().to_string())
        .unwrap_or_default()
}

#[test]
fn the_alert_selected_stays_selected_when_a_new_alert_sorts_above_it() {
    for view in [View::Alerts, View::Overview] {
        let mut model = empty_model();
        model.ui.view = view;
        model.ui.focus = Pane::Alerts;
        let first = vec![
            alert("a", "HighLatency", "warning", "slow", 600),
            alert("b", "HighLatency", "warning", "errors", 300),
        ];
        update(&mut model, data(0, 0, Payload::Alerts(first.clone())));
        assert_eq!(selected_alert_name(&model), "a", "{view:?}");
        // The person chooses `a` (down and up again): from now on it is held on to.
        act(&mut model, Action::Down);
        act(&mut model, Action::Up);
        assert_eq!(selected_alert_name(&model), "a", "{view:?}");
        // A critical alert arrives and sorts first; `b`, `S` and `E` must still act on `a`.
        let mut more = first.clone();
        more.push(alert("c", "PodCrashLooping", "critical", "crash", 10));
        update(&mut model, data(0, 1, Payload::Alerts(more.clone())));
        assert_eq!(selected_alert_name(&model), "a", "{view:?}");
        // Moving down goes to the row below `a`, not below row 0.
        act(&mut model, Action::Down);
        assert_eq!(selected_alert_name(&model), "b", "{view:?}");
        // `b` resolves: the nearest row is selected and followed from then on.
        more.retain(|a| a.fingerprint.as_str() != "b");
        update(&mut model, data(0, 2, Payload::Alerts(more.clone())));
        let nearest = selected_alert_name(&model);
        assert!(
            ["a", "c"].contains(&nearest.as_str()),
            "{view:?}: {nearest}"
        );
        more.push(alert("d", "DiskFull", "critical", "disk", 5));
        update(&mut model, data(0, 3, Payload::Alerts(more)));
        assert_eq!(selected_alert_name(&model), nearest, "{view:?}");
    }
}

#[test]
fn a_list_nobody_moved_in_keeps_its_top_row_selected() {
    let mut model = empty_model();
    model.ui.view = View::Alerts;
    model.ui.focus = Pane::Alerts;
    let first = vec![alert("a", "HighLatency", "warning", "slow", 600)];
    update(&mut model, data(0, 0, Payload::Alerts(first.clone())));
    assert_eq!(selected_alert_name(&model), "a");
    // A page arrives and sorts first: someone arriving at the screen sees it selected.
    let mut more = first;
    more.push(alert("c", "HighErrorRate", "critical", "errors", 10));
    update(&mut model, data(0, 1, Payload::Alerts(more)));
    assert_eq!(selected_alert_name(&model), "c");
}

#[test]
fn the_pod_selected_stays_selected_when_a_pod_starts_crashing_above_it() {
    let mut model = sample_model();
    model.ui.view = View::Pods;
    act(&mut model, Action::Bottom);
    act(&mut model, Action::Top);
    let rows = pod_list(&model);
    let selected = rows.get(rows.selected()).map(|e| e.key()).unwrap();
    drop(rows);
    let crashing = crate::fixture::pod("aaa", "new-crash", "CrashLoopBackOff", 0, 1, 3);
    update(
        &mut model,
        data(
            0,
            1,
            Payload::Pods(crate::event::PodsChange::Upsert(crashing)),
        ),
    );
    let rows = pod_list(&model);
    assert_eq!(rows.get(0).unwrap().pod.key.name.as_str(), "new-crash");
    assert_eq!(rows.get(rows.selected()).map(|e| e.key()), Some(selected));
}

#[test]
fn a_filter_selects_its_first_match() {
    let mut model = workload_model();
    model.ui.view = View::Workloads;
    act(&mut model, Action::Bottom);
    key(&mut model, Key::Char('/'));
    typed(&mut model, "cart");
    let Some(RowKey::Workload(_, selected)) = selected_key(&model) else {
        panic!("a workload is selected");
    };
    assert_eq!(selected.name.as_str(), "cart");
    // Clearing the filter keeps the row the filter selected.
    key(&mut model, Key::Esc);
    let Some(RowKey::Workload(_, selected)) = selected_key(&model) else {
        panic!("a workload is selected");
    };
    assert_eq!(selected.name.as_str(), "cart");
}

#[test]
fn ctrl_w_moves_between_the_panes_of_the_overview_and_the_workloads_screen() {
    let mut model = workload_model();
    assert_eq!(model.ui.focus, Pane::Pods);
    key(&mut model, Key::Ctrl('w'));
    assert_eq!(model.ui.focus, Pane::Alerts);
    key(&mut model, Key::Ctrl('w'));
    assert_eq!(model.ui.focus, Pane::Pods);

    model.ui.view = View::Workloads;
    let is_database = |model: &Model| matches!(selected_key(model), Some(RowKey::Database(..)));
    // `G` goes to the last workload, not into the databases below.
    act(&mut model, Action::Bottom);
    assert!(!is_database(&model), "G stays in the workloads table");
    let last_workload = selected_key(&model);
    key(&mut model, Key::Ctrl('w'));
    assert!(is_database(&model), "Ctrl-W focuses the databases");
    act(&mut model, Action::Top);
    assert!(is_database(&model), "g stays in the databases table");
    act(&mut model, Action::Down);
    let database = selected_key(&model);
    key(&mut model, Key::Ctrl('w'));
    assert_eq!(
        selected_key(&model),
        last_workload,
        "back on the workload it had"
    );
    key(&mut model, Key::Ctrl('w'));
    assert_eq!(selected_key(&model), database, "and back on the database");
}

#[test]
fn s_sorts_services_by_errors_latency_and_rate_keeping_the_selection() {
    let mut model = empty_model();
    let services = vec![
        red("auth", 300.0, 0.0, 0.9),
        red("payment", 100.0, 0.08, 0.3),
        red("search", 50.0, 0.01, 0.1),
    ];
    update(
        &mut model,
        data(0, 0, metrics(services, Default::default())),
    );
    model.ui.view = View::Services;
    let names = |model: &Model| -> Vec<String> {
        crate::model::services::merged_services(model)
            .iter()
            .map(|(_, s)| s.name.as_str().to_string())
            .collect()
    };
    let selected = |model: &Model| {
        crate::update::metrics::selected_key(model)
            .map(|(_, name)| name.as_str().to_string())
            .unwrap_or_default()
    };
    assert_eq!(names(&model), ["payment", "search", "auth"]);
    assert_eq!(selected(&model), "payment");
    key(&mut model, Key::Char('s'));
    assert_eq!(names(&model), ["auth", "payment", "search"]);
    assert_eq!(selected(&model), "payment", "the selection follows payment");
    key(&mut model, Key::Char('s'));
    assert_eq!(names(&model), ["auth", "payment", "search"]);
    key(&mut model, Key::Char('s'));
    assert_eq!(names(&model), ["payment", "search", "auth"]);
}
