//! Runs started from the palette (`:run ID k=v`, `:runbooks`) and from an alert (`b`, its
//! suggested runbook prefilled from the alert's labels).

use super::*;
use crate::action::Key;
use crate::fixture::alerts::alerts_model;
use crate::fixture::runbooks::{library, runbook};
use crate::fixture::sample_model;
use crate::model::run_form::{ParamForm, RunEntry};
use crate::model::runs::StartRun;
use crate::screen::View;

pub(super) fn key(model: &mut Model, key: Key) -> Vec<Effect> {
    update(model, crate::fixture::key_msg(key))
}

pub(super) fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        key(model, Key::Char(c));
    }
}

pub(super) fn started(effects: &[Effect]) -> Option<&StartRun> {
    effects.iter().find_map(|e| match e {
        Effect::StartRun(start) => Some(start.as_ref()),
        _ => None,
    })
}

#[test]
fn palette_run_with_parameters_starts_that_runbook() {
    let mut model = sample_model();
    library(&mut model);
    key(&mut model, Key::Char(':'));
    typed(
        &mut model,
        "run rollback-bad-deploy cluster=prod-us-1 namespace=shop deployment=payment replicas=3",
    );
    let effects = key(&mut model, Key::Enter);
    let start = started(&effects).expect("a StartRun");
    assert_eq!(start.runbook.id, "rollback-bad-deploy");
    assert_eq!(
        start.given,
        vec![
            ("cluster".to_string(), "prod-us-1".to_string()),
            ("namespace".to_string(), "shop".to_string()),
            ("deployment".to_string(), "payment".to_string()),
            ("replicas".to_string(), "3".to_string()),
        ]
    );
    assert_eq!(start.alert, None);
    assert!(model.ui.prompt.is_none());
    assert!(
        model.ui.run_entry.is_none(),
        "no form when every value is valid"
    );
}

#[test]
fn palette_run_with_missing_parameters_opens_the_form_holding_the_given_ones() {
    let mut model = sample_model();
    library(&mut model);
    key(&mut model, Key::Char(':'));
    typed(&mut model, "run rollback-bad-deploy cluster=prod-us-1");
    let effects = key(&mut model, Key::Enter);
    assert!(
        started(&effects).is_none(),
        "nothing starts with values missing"
    );
    let form = form(&model);
    assert_eq!(form.runbook, "rollback-bad-deploy");
    assert_eq!(texts(form), ["prod-us-1", "", "", ""]);
    assert_eq!(form.focus, 1, "the cursor waits on the first empty field");
}

#[test]
fn palette_run_unknown_id_or_bad_argument_says_why() {
    let mut model = sample_model();
    library(&mut model);
    key(&mut model, Key::Char(':'));
    typed(&mut model, "run nope x=1");
    let effects = key(&mut model, Key::Enter);
    assert!(started(&effects).is_none());
    let notice = model.ui.notice.clone().expect("a notice");
    assert_eq!(
        notice.as_str(),
        "run: no runbook \"nope\" (available: rollback-bad-deploy, scale-for-traffic-spike)"
    );
    key(&mut model, Key::Char(':'));
    assert!(
        model.ui.notice.is_none(),
        "the next key dismisses the notice"
    );
    typed(&mut model, "run rollback-bad-deploy payment");
    assert!(started(&key(&mut model, Key::Enter)).is_none());
    assert!(
        model
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.as_str().contains("expected key=value, found \"payment\""))
    );
}

#[test]
fn palette_lists_runbooks_and_completes_the_id() {
    let mut model = sample_model();
    library(&mut model);
    let listed: Vec<String> = crate::model::palette::matching(&model, "runbooks")
        .into_iter()
        .map(|e| e.label)
        .collect();
    assert_eq!(
        listed[..2],
        [
            "runbooks: rollback-bad-deploy · rollback-bad-deploy title",
            "runbooks: scale-for-traffic-spike · scale-for-traffic-spike title"
        ]
    );
    // While typing `run sc`, the palette completes the id.
    let completed = crate::model::palette::matching(&model, "run sc");
    assert_eq!(completed.len(), 1);
    // Choosing one opens its parameter form.
    key(&mut model, Key::Char(':'));
    typed(&mut model, "runbooks scale");
    key(&mut model, Key::Enter);
    assert!(model.ui.prompt.is_none(), "the palette closes");
    let form = form(&model);
    assert_eq!(form.runbook, "scale-for-traffic-spike");
    assert_eq!(form.fields.len(), 4);
}

#[test]
fn b_on_an_alert_starts_its_suggested_runbook_prefilled_from_labels() {
    let mut model = alerts_model();
    library(&mut model);
    act_view_alerts(&mut model);
    key(&mut model, Key::Char('b'));
    // The chooser, then the form: prefilled from the alert, replicas still to type.
    key(&mut model, Key::Enter);
    assert_eq!(
        texts(form(&model)),
        // No `cluster` label: the cluster the alert fired in.
        ["prod-eu-1", "shop", "payment", ""]
    );
    typed(&mut model, "4");
    let effects = key(&mut model, Key::Enter);
    let start = started(&effects).expect("a StartRun");
    assert_eq!(start.runbook.id, "rollback-bad-deploy");
    assert_eq!(
        start.given,
        vec![
            ("cluster".to_string(), "prod-eu-1".to_string()),
            ("namespace".to_string(), "shop".to_string()),
            ("deployment".to_string(), "payment".to_string()),
            ("replicas".to_string(), "4".to_string()),
        ]
    );
    assert!(
        model.ui.run_entry.is_none(),
        "the form closes when the run starts"
    );
    assert_eq!(
        start.alert.as_deref(),
        Some(r#"HighErrorRate{namespace="shop",service="payment",severity="critical"}"#)
    );
    // An alert no runbook answers: a notice, nothing started.
    model.runs.library = vec![runbook("scale-for-traffic-spike", "HighLatency")];
    let effects = key(&mut model, Key::Char('b'));
    assert!(started(&effects).is_none());
    assert!(
        model
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.as_str() == "no runbook is suggested for HighErrorRate")
    );
}

fn form(model: &Model) -> &ParamForm {
    match &model.ui.run_entry {
        Some(RunEntry::Form(form)) => form,
        other => panic!("expected the parameter form, found {other:?}"),
    }
}

fn texts(form: &ParamForm) -> Vec<&str> {
    form.fields.iter().map(|f| f.line.text()).collect()
}

fn act_view_alerts(model: &mut Model) {
    crate::fixture::act(model, Action::ShowView(View::Alerts));
    crate::fixture::act(model, Action::Top);
}

#[test]
fn hostile_label_values_are_quoted_in_the_alert_name() {
    let mut alert = crate::fixture::alert("f", "HighErrorRate", "critical", "x", 1);
    alert.labels.insert(
        crate::text::Text::new("service"),
        crate::text::Text::new("pay\"ment\u{1b}[2J"),
    );
    let text = crate::model::suggest::alert_text(&alert);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains(r#"service="pay\"ment"#), "{text}");
}
