//! Which runbook an alert offers first (the shipped runbooks, ranked by how specifically
//! their triggers match), the `b` chooser, and the parameter form's validation as you type.

use super::runbook_entry_tests::{key, started, typed};
use super::*;
use crate::action::Key;
use crate::fixture::alerts::with_labels;
use crate::fixture::{alert, empty_model};
use crate::model::alert::{Alert, AlertState};
use crate::model::run_form::RunEntry;
use crate::model::suggest::suggested;
use crate::screen::View;
use crate::text::Text;

fn shipped(model: &mut Model) {
    let (library, errors) = crate::runbook::library::built_in();
    assert!(errors.is_empty(), "{errors:?}");
    model.runs.library = library;
}

/// HighResponseTime of `order` in traffic-spike: inhibited by HighErrorRate.
fn inhibited_latency() -> Alert {
    let mut latency = with_labels(
        alert(
            "f-lat",
            "HighResponseTime",
            "warning",
            "p95 above 500ms",
            90,
        ),
        &[("service", "order"), ("namespace", "shop")],
    );
    latency.state = AlertState::Suppressed {
        silenced_by: Vec::new(),
        inhibited_by: vec![Text::new("f-err")],
    };
    latency
}

fn high_errors() -> Alert {
    with_labels(
        alert("f-err", "HighErrorRate", "critical", "5xx above 5%", 60),
        &[("service", "payment"), ("namespace", "shop")],
    )
}

fn ids(model: &Model, alert: &Alert) -> Vec<String> {
    suggested(model, alert)
        .iter()
        .map(|r| r.id.clone())
        .collect()
}

#[test]
fn an_inhibited_latency_alert_offers_the_scale_runbook_before_triage() {
    let mut model = empty_model();
    shipped(&mut model);
    assert_eq!(
        ids(&model, &inhibited_latency()),
        ["scale-for-traffic-spike", "incident-triage"]
    );
}

#[test]
fn high_error_rate_offers_the_rollback_first_and_triage_last() {
    let mut model = empty_model();
    shipped(&mut model);
    let ranked = ids(&model, &high_errors());
    assert_eq!(
        ranked.first().map(String::as_str),
        Some("rollback-bad-deploy")
    );
    assert_eq!(ranked.last().map(String::as_str), Some("incident-triage"));
    // A warning HighErrorRate does not match the rollback's `severity: critical`.
    let warning = with_labels(high_errors(), &[("severity", "warning")]);
    assert_eq!(ids(&model, &warning), ["incident-triage"]);
}

/// One cluster with one alert selected on the Alerts screen.
fn alert_selected(alert: Alert) -> Model {
    let mut model = empty_model();
    shipped(&mut model);
    model.clusters[1].alerts = vec![alert];
    crate::fixture::act(&mut model, Action::ShowView(View::Alerts));
    crate::fixture::act(&mut model, Action::Top);
    model
}

#[test]
fn b_on_an_inhibited_alert_lists_the_scale_runbook_first_and_enter_takes_the_highlighted() {
    let mut model = alert_selected(inhibited_latency());
    key(&mut model, Key::Char('b'));
    let Some(RunEntry::Choose(chooser)) = &model.ui.run_entry else {
        panic!("expected the chooser, found {:?}", model.ui.run_entry);
    };
    let offered: Vec<&str> = chooser.options.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(offered, ["scale-for-traffic-spike", "incident-triage"]);
    // j moves to triage; Enter opens triage's form.
    key(&mut model, Key::Char('j'));
    key(&mut model, Key::Enter);
    let Some(RunEntry::Form(form)) = &model.ui.run_entry else {
        panic!("expected the form, found {:?}", model.ui.run_entry);
    };
    assert_eq!(form.runbook, "incident-triage");
    // Esc closes; `b` then Enter is the best one.
    key(&mut model, Key::Esc);
    assert!(model.ui.run_entry.is_none());
    key(&mut model, Key::Char('b'));
    key(&mut model, Key::Enter);
    let Some(RunEntry::Form(form)) = &model.ui.run_entry else {
        panic!("expected the form, found {:?}", model.ui.run_entry);
    };
    assert_eq!(form.runbook, "scale-for-traffic-spike");
}

fn field_text(model: &Model, name: &str) -> String {
    match &model.ui.run_entry {
        Some(RunEntry::Form(form)) => form
            .fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.line.text().to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn reasons(model: &Model) -> Vec<(String, String)> {
    let Some(RunEntry::Form(form)) = &model.ui.run_entry else {
        return Vec::new();
    };
    let Some(runbook) = crate::model::run_form::library_runbook(model, &form.runbook) else {
        return Vec::new();
    };
    let clusters: Vec<String> = model.clusters.iter().map(|c| c.name.to_string()).collect();
    form.fields
        .iter()
        .zip(form.checks(runbook, &clusters))
        .filter_map(|(f, check)| check.err().map(|why| (f.name.clone(), why)))
        .collect()
}

#[test]
fn the_form_is_prefilled_refuses_enter_while_a_value_is_invalid_and_starts_with_the_values() {
    let mut model = alert_selected(inhibited_latency());
    key(&mut model, Key::Char('b'));
    key(&mut model, Key::Enter);
    // Prefilled: the alert's cluster, namespace and service; the runbook's defaults.
    assert_eq!(field_text(&model, "cluster"), "prod-us-1");
    assert_eq!(field_text(&model, "deployment"), "order");
    assert_eq!(field_text(&model, "max_p95_seconds"), "0.5");
    assert_eq!(field_text(&model, "target_utilisation"), "0.6");
    assert!(reasons(&model).is_empty(), "{:?}", reasons(&model));
    // An out-of-range utilisation: the form says why and Enter starts nothing.
    for _ in 0..3 {
        key(&mut model, Key::Tab);
    }
    key(&mut model, Key::Ctrl('u'));
    typed(&mut model, "5");
    assert_eq!(
        reasons(&model),
        [(
            "target_utilisation".to_string(),
            "5 is out of range: expected 0.1 to 1".to_string()
        )]
    );
    assert!(started(&key(&mut model, Key::Enter)).is_none());
    assert!(model.ui.run_entry.is_some(), "the form stays open");
    // A hostile value in another field is refused with the runbook's own reason.
    key(&mut model, Key::BackTab);
    key(&mut model, Key::Ctrl('u'));
    typed(&mut model, "order;id");
    assert!(
        reasons(&model)
            .iter()
            .any(|(name, why)| name == "deployment" && why.contains("is not a valid name")),
        "{:?}",
        reasons(&model)
    );
    key(&mut model, Key::Ctrl('u'));
    typed(&mut model, "order");
    // Enter jumps to the first invalid field (target_utilisation); fix it and start.
    key(&mut model, Key::Enter);
    key(&mut model, Key::Ctrl('u'));
    typed(&mut model, "0.5");
    assert!(reasons(&model).is_empty());
    let effects = key(&mut model, Key::Enter);
    let start = started(&effects).expect("a StartRun once every value is valid");
    assert_eq!(start.runbook.id, "scale-for-traffic-spike");
    let given = |name: &str| {
        start
            .given
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(given("target_utilisation"), Some("0.5"));
    assert_eq!(given("deployment"), Some("order"));
    assert_eq!(given("cluster"), Some("prod-us-1"));
    assert!(
        start
            .alert
            .as_deref()
            .is_some_and(|a| a.starts_with("HighResponseTime{"))
    );
}
