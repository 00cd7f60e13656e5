//! Snapshots of the cause next to the symptom (an alert 40 s after payment's rollout: the
//! alert detail and the alert row), the `b` chooser and the parameter form with an invalid
//! value, at 80x24 and 160x45.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::theme::Theme;
use super::view;
use watchdeck_core::action::Key;
use watchdeck_core::fixture::workloads::workload_model;
use watchdeck_core::fixture::{alert, at, now};
use watchdeck_core::model::Model;
use watchdeck_core::model::workload::{WorkloadKey, WorkloadKind};
use watchdeck_core::text::Text;
use watchdeck_core::update::update;

fn draw(model: &Model, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            view(frame, model, &Theme::dark(), now());
        })
        .unwrap();
    format!("{}", terminal.backend())
}

fn press(model: &mut Model, keys: &[Key]) {
    for key in keys {
        update(model, watchdeck_core::fixture::key_msg(*key));
    }
}

/// prod-eu-1: payment v2.4.1 rolled out 7 minutes ago; HighErrorRate on payment fired 40 s
/// after it; the shipped runbooks; the Alerts screen with that alert selected.
fn after_rollout() -> Model {
    let mut model = workload_model();
    let (library, _) = watchdeck_core::runbook::library::built_in();
    model.runs.library = library;
    let key = WorkloadKey::new(WorkloadKind::ReplicaSet, "shop", "payment-3f8c9d");
    if let Some(rs) = model.clusters[0].kube.workloads.get_mut(&key) {
        rs.created = Some(at(-420));
    }
    let mut errors = alert("f1", "HighErrorRate", "critical", "5xx above 5%", 380);
    errors
        .labels
        .insert(Text::new("service"), Text::new("payment"));
    errors
        .labels
        .insert(Text::new("namespace"), Text::new("shop"));
    for cluster in &mut model.clusters {
        cluster.alerts.clear();
    }
    model.clusters[0].alerts = vec![errors];
    press(&mut model, &[Key::Char('4'), Key::Char('g')]);
    model
}

const CAUSE: &str = "errors rose 40s after payment v2.4.1 rolled out";

#[test]
fn snapshot_alert_detail_names_the_rollout_160x45() {
    let text = draw(&after_rollout(), 160, 45);
    assert!(
        text.contains("rollout     payment rev 3 v2.4.1 7m ago · errors rose 40s after it"),
        "{text}"
    );
    assert!(text.contains(CAUSE), "in the row:\n{text}");
    insta::assert_snapshot!("alert_after_rollout_160x45", text);
}

#[test]
fn snapshot_alert_row_names_the_rollout_80x24() {
    let text = draw(&after_rollout(), 80, 24);
    assert!(text.contains("errors rose 40s after"), "{text}");
    insta::assert_snapshot!("alert_after_rollout_80x24", text);
}

#[test]
fn snapshot_chooser_lists_the_rollback_first_160x45() {
    let mut model = after_rollout();
    press(&mut model, &[Key::Char('b')]);
    let text = draw(&model, 160, 45);
    let rollback = text
        .find("› rollback-bad-deploy")
        .expect("rollback highlighted");
    let triage = text.find("  incident-triage").expect("triage listed");
    assert!(rollback < triage, "{text}");
    insta::assert_snapshot!("run_chooser_160x45", text);
}

fn form_with_bad_value() -> Model {
    let mut model = after_rollout();
    press(&mut model, &[Key::Char('b'), Key::Enter]);
    // max_error_ratio (prefilled 0.01) made invalid.
    press(&mut model, &[Key::Tab, Key::Tab, Key::Tab, Key::Ctrl('u')]);
    for c in "2".chars() {
        press(&mut model, &[Key::Char(c)]);
    }
    model
}

#[test]
fn snapshot_form_shows_prefill_and_the_reason_160x45() {
    let text = draw(&form_with_bad_value(), 160, 45);
    for want in [
        "Run rollback-bad-deploy",
        "cluster         prod-eu-1  ✓ from the alert",
        "deployment      payment  ✓ from the alert",
        "2 is out of range: expected 0 to 1",
        "Enter waits: 1 value is invalid",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    insta::assert_snapshot!("run_form_160x45", text);
}

#[test]
fn snapshot_form_fits_80x24() {
    let text = draw(&form_with_bad_value(), 80, 24);
    assert!(
        text.contains("2 is out of range: expected 0 to 1"),
        "{text}"
    );
    assert!(text.contains("Enter waits"), "{text}");
    insta::assert_snapshot!("run_form_80x24", text);
}
