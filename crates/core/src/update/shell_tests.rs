//! The shell through `update`: typing a `/` filter, the `:` palette, per-cluster filters,
//! mouse clicks and wheel on the reported layout, and keymap overrides.

use super::*;
use crate::action::{Key, Keymap};
use crate::event::{Mouse, MouseKind};
use crate::fixture::sample_model;
use crate::model::input::PromptKind;
use crate::model::layout::{Area, ScreenLayout};
use crate::model::rows::merged_alerts;
use crate::model::rows::merged_pods;
use crate::screen::View;

fn keys(model: &mut Model, keys: &[Key]) -> Vec<Effect> {
    let mut last = Vec::new();
    for key in keys {
        last = update(model, crate::fixture::key_msg(*key));
    }
    last
}

fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        update(model, crate::fixture::key_msg(Key::Char(c)));
    }
}

fn pod_names(model: &Model) -> Vec<String> {
    merged_pods(model)
        .iter()
        .map(|r| r.pod.key.name.to_string())
        .collect()
}

#[test]
fn slash_filter_narrows_pods_live_and_esc_clears() {
    let mut model = sample_model();
    model.ui.view = View::Pods;
    let all = merged_pods(&model).len();
    keys(&mut model, &[Key::Char('/')]);
    assert!(matches!(
        model.ui.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::Filter(_))
    ));
    typed(&mut model, "canary");
    assert_eq!(pod_names(&model), vec!["canary-1", "canary-2"]);
    // `q` and `j` are text while typing, not quit or down.
    assert_eq!(model.ui.filter.pods, "canary");
    keys(&mut model, &[Key::Backspace, Key::Backspace]);
    assert_eq!(model.ui.filter.pods, "cana");
    keys(&mut model, &[Key::Ctrl('u')]);
    assert_eq!(merged_pods(&model).len(), all);
    typed(&mut model, "ns:payments !crash");
    assert_eq!(
        pod_names(&model),
        vec!["api-7d9f8c-x2k4p", "worker-5c6b7-mm2n"]
    );
    keys(&mut model, &[Key::Esc]);
    assert_eq!(model.ui.prompt, None);
    assert_eq!(model.ui.filter.pods, "");
    assert_eq!(merged_pods(&model).len(), all);
}

#[test]
fn enter_keeps_the_filter_and_keys_work_again() {
    let mut model = sample_model();
    model.ui.view = View::Pods;
    keys(&mut model, &[Key::Char('/')]);
    typed(&mut model, "status:run");
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.ui.prompt, None);
    assert!(pod_names(&model).len() >= 3);
    assert!(
        merged_pods(&model)
            .iter()
            .all(|r| r.pod.status.as_str() == "Running")
    );
    keys(&mut model, &[Key::Char('j')]);
    assert_eq!(model.ui.pods.index, 1, "j moves down again");
    // `/` reopens with the text; Esc outside the prompt clears it.
    keys(&mut model, &[Key::Char('/')]);
    assert_eq!(
        model.ui.prompt.as_ref().map(|p| p.line.text()),
        Some("status:run")
    );
    keys(&mut model, &[Key::Enter, Key::Esc]);
    assert_eq!(model.ui.filter.pods, "");
}

#[test]
fn alerts_filter_applies_to_the_alerts_screen() {
    let mut model = sample_model();
    model.ui.view = View::Alerts;
    keys(&mut model, &[Key::Char('/')]);
    typed(&mut model, "sev:critical");
    let names: Vec<String> = merged_alerts(&model)
        .iter()
        .map(|a| a.alert.name.to_string())
        .collect();
    assert_eq!(names, vec!["HighErrorRate", "TargetDown"]);
    assert_eq!(model.ui.filter.pods, "", "pods untouched");
}

#[test]
fn ctrl_c_quits_even_while_typing() {
    let mut model = sample_model();
    keys(&mut model, &[Key::Char('/')]);
    assert_eq!(keys(&mut model, &[Key::Ctrl('c')]), vec![Effect::Quit]);
}

#[test]
fn palette_jumps_to_a_view_and_shows_one_cluster() {
    let mut model = sample_model();
    keys(&mut model, &[Key::Char(':')]);
    typed(&mut model, "alerts");
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.ui.view, View::Alerts);
    assert_eq!(model.ui.prompt, None);

    keys(&mut model, &[Key::Char(':')]);
    typed(&mut model, "staging only");
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.ui.clusters_shown, Some([2].into()));
    assert!(merged_pods(&model).iter().all(|r| r.cluster == 2));
    assert!(merged_alerts(&model).is_empty());

    keys(&mut model, &[Key::Char(':')]);
    typed(&mut model, "show all");
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.ui.clusters_shown, None);
}

#[test]
fn palette_arrows_choose_and_esc_closes() {
    let mut model = sample_model();
    keys(&mut model, &[Key::Char(':')]);
    typed(&mut model, "prod-eu-1");
    // First match: "cluster prod-eu-1 (only)", second: "(hide)".
    keys(&mut model, &[Key::Down, Key::Ctrl('n')]);
    assert_eq!(
        model.ui.prompt.as_ref().map(|p| p.selected),
        Some(1),
        "clamped"
    );
    keys(&mut model, &[Key::Ctrl('p'), Key::Up]);
    assert_eq!(model.ui.prompt.as_ref().map(|p| p.selected), Some(0));
    keys(&mut model, &[Key::Down]);
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.ui.clusters_shown, Some([1, 2].into()));
    // Toggling it back shows all again.
    keys(&mut model, &[Key::Char(':')]);
    typed(&mut model, "prod-eu-1 show");
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.ui.clusters_shown, None);

    keys(&mut model, &[Key::Char(':')]);
    typed(&mut model, "quit");
    keys(&mut model, &[Key::Esc]);
    assert_eq!(model.ui.prompt, None);
    keys(&mut model, &[Key::Char(':')]);
    typed(&mut model, "zzzz");
    assert_eq!(keys(&mut model, &[Key::Enter]), vec![Effect::Render]);
}

#[test]
fn palette_namespace_filters_pods_and_quit_quits() {
    let mut model = sample_model();
    keys(&mut model, &[Key::Char(':')]);
    typed(&mut model, "namespace kube");
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.ui.view, View::Pods);
    assert_eq!(pod_names(&model), vec!["coredns-6d4b-abcde"]);
    keys(&mut model, &[Key::Char(':')]);
    typed(&mut model, "quit");
    assert_eq!(keys(&mut model, &[Key::Enter]), vec![Effect::Quit]);
}

fn layout() -> ScreenLayout {
    ScreenLayout {
        tabs: [
            Area::new(12, 0, 10, 1),
            Area::new(23, 0, 10, 1),
            Area::new(34, 0, 6, 1),
            Area::new(41, 0, 8, 1),
            Area::new(50, 0, 6, 1),
            Area::new(57, 0, 11, 1),
        ],
        pods: Some(Area::new(1, 10, 100, 5)),
        alerts: Some(Area::new(1, 20, 100, 3)),
        ..ScreenLayout::default()
    }
}

fn mouse(model: &mut Model, kind: MouseKind, column: u16, row: u16) -> Vec<Effect> {
    update(model, Msg::Mouse(Mouse { kind, column, row }))
}

#[test]
fn click_on_a_tab_switches_screen() {
    let mut model = sample_model();
    update(&mut model, Msg::Layout(layout()));
    assert_eq!(
        mouse(&mut model, MouseKind::Click, 36, 0),
        vec![Effect::Render]
    );
    assert_eq!(model.ui.view, View::Pods);
    mouse(&mut model, MouseKind::Click, 45, 0);
    assert_eq!(model.ui.view, View::Alerts);
    assert!(mouse(&mut model, MouseKind::Click, 100, 0).is_empty());
    assert_eq!(model.ui.view, View::Alerts);
}

#[test]
fn click_selects_the_row_and_focuses_its_list() {
    let mut model = sample_model();
    update(&mut model, Msg::Layout(layout()));
    mouse(&mut model, MouseKind::Click, 5, 12);
    let rows = merged_pods(&model);
    assert_eq!(model.ui.pods.key, Some(rows[2].key()));
    mouse(&mut model, MouseKind::Click, 5, 21);
    assert_eq!(model.ui.focus, Pane::Alerts);
    assert_eq!(model.ui.alerts.index, 1);
    // Below the last alert: nothing changes.
    let before = model.ui.alerts.clone();
    model.ui.filter.alerts = "TargetDown".into();
    mouse(&mut model, MouseKind::Click, 5, 22);
    assert_eq!(model.ui.alerts, before);
}

#[test]
fn wheel_scrolls_the_list_under_the_pointer() {
    let mut model = sample_model();
    update(&mut model, Msg::Layout(layout()));
    mouse(&mut model, MouseKind::ScrollDown, 5, 11);
    assert_eq!(model.ui.pods.index, 3);
    mouse(&mut model, MouseKind::ScrollUp, 5, 11);
    assert_eq!(model.ui.pods.index, 0);
    mouse(&mut model, MouseKind::ScrollDown, 5, 20);
    assert_eq!(model.ui.alerts.index, 3);
    assert!(mouse(&mut model, MouseKind::ScrollDown, 5, 2).is_empty());
}

#[test]
fn mouse_waits_while_an_overlay_is_open() {
    let mut model = sample_model();
    update(&mut model, Msg::Layout(layout()));
    keys(&mut model, &[Key::Char('?')]);
    assert!(mouse(&mut model, MouseKind::Click, 36, 0).is_empty());
    assert_eq!(model.ui.view, View::Overview);
}

#[test]
fn keymap_overrides_drive_update() {
    let mut model = sample_model();
    model.keymap = Keymap::with_overrides(&[(Action::Quit, vec![Key::Char('z')])]).unwrap();
    assert!(keys(&mut model, &[Key::Char('q')]).is_empty());
    assert_eq!(keys(&mut model, &[Key::Char('z')]), vec![Effect::Quit]);
}
