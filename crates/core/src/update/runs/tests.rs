//! Runs driven through `update` with the real engine: parameters refused before anything
//! starts, the operations a scale asks for, answers from keys, the audit record ahead of the
//! execution, and outcomes of an old run dropped.

use super::*;
use crate::action::Key;
use crate::event::Msg;
use crate::fixture::runs::{
    at_first_gate, given, ops, outcome, plan, run_model, scale_runbook, start_msg,
};
use crate::fixture::{alert, at, data, now};
use crate::model::runs::RunPhase;
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Expect, Gate, RunResult};
use crate::runbook::op::{DiffLine, OpRequest};
use crate::update::update;

pub(super) fn press(model: &mut Model, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in keys.chars() {
        effects = update(model, crate::fixture::key_msg(Key::Char(c)));
    }
    effects
}

fn gate(model: &Model) -> Option<(Gate, Expect)> {
    let prompt = model.runs.active.as_ref()?.prompt()?;
    Some((prompt.gate, prompt.expect.clone()))
}

#[test]
fn invalid_parameters_are_all_shown_and_nothing_starts() {
    let mut model = run_model();
    let msg = Msg::StartRun {
        start: Box::new(StartRun {
            runbook: scale_runbook(),
            given: given(&[
                ("cluster", "nowhere"),
                ("namespace", "shop"),
                ("deployment", "web;id"),
                ("replicas", "500"),
            ]),
            alert: None,
        }),
        now: now(),
    };
    let effects = update(&mut model, msg);
    assert_eq!(effects, vec![Effect::Render], "no operation, no audit");
    assert!(model.runs.active.is_none());
    assert_eq!(model.runs.seq, 0);
    assert!(model.runs.panel.visible, "the errors show in the panel");
    let notice = model.runs.notice.as_ref().unwrap();
    assert!(notice.title.contains("scale-for-traffic-spike not started"));
    let text = notice.lines.join("\n");
    assert_eq!(notice.lines.len(), 3, "{text}");
    for param in ["cluster", "deployment", "replicas"] {
        assert!(text.contains(&format!("parameter {param}")), "{text}");
    }
}

#[test]
fn a_scale_run_asks_who_and_may_i_before_planning() {
    let mut model = run_model();
    let effects = update(&mut model, start_msg("staging-eu-1", "6"));
    assert_eq!(model.runs.seq, 1);
    assert!(model.runs.panel.visible);
    assert_eq!(model.runs.phase(), Some(RunPhase::Working));
    let first = ops(&effects);
    assert_eq!(
        first,
        vec![(
            1,
            first[0].1,
            OpRequest::Identity {
                cluster: "staging-eu-1".to_string()
            }
        )]
    );
    let effects = update(
        &mut model,
        outcome(1, first[0].1, OpOutcome::Identity(Ok("alice".into())), 1),
    );
    match &ops(&effects)[..] {
        [(1, _, OpRequest::Access(check))] => {
            assert_eq!(
                check.to_string(),
                "patch deployments.apps/scale payment in namespace shop"
            );
        }
        other => panic!("expected one access review, got {other:?}"),
    }
    assert_eq!(
        model.runs.indicator().unwrap(),
        "run scale-for-traffic-spike: step 1/2 running"
    );
}

#[test]
fn production_needs_the_target_typed_and_the_audit_record_comes_before_execute() {
    let mut model = run_model();
    let run = at_first_gate(&mut model, "prod-eu-1", 6);
    assert_eq!(gate(&model), Some((Gate::Plan, Expect::YesNo)));
    assert_eq!(model.runs.phase(), Some(RunPhase::Asking));
    // The diff of the plan is on the step.
    let step = &model.runs.active.as_ref().unwrap().steps()[0];
    assert!(
        step.diff
            .contains(&DiffLine::Added("replicas: 6".to_string()))
    );

    press(&mut model, "y");
    let target = "prod-eu-1".to_string();
    assert_eq!(
        gate(&model),
        Some((Gate::Production, Expect::Typed(target.clone())))
    );
    // Typed letters go to the input, not to step browsing; a wrong target is asked again.
    press(&mut model, "prod-eu-l");
    assert_eq!(model.runs.panel.input, "prod-eu-l");
    let effects = update(&mut model, crate::fixture::key_msg(Key::Enter));
    assert!(ops(&effects).is_empty(), "nothing runs on a wrong target");
    assert_eq!(
        model.runs.panel.input, "",
        "the input is cleared after Enter"
    );
    let (gate_now, _) = gate(&model).unwrap();
    assert_eq!(gate_now, Gate::Production);

    press(&mut model, &target);
    update(&mut model, crate::fixture::key_msg(Key::Backspace));
    press(&mut model, "1");
    let effects = update(
        &mut model,
        Msg::Key {
            key: Key::Enter,
            now: at(30),
        },
    );
    // Approved: the step re-checks its plan, then records the attempt and executes.
    let (_, id, request) = ops(&effects).remove(0);
    assert!(matches!(request, OpRequest::Plan(_)), "{request:?}");
    let effects = update(
        &mut model,
        outcome(run, id, OpOutcome::Plan(Ok(Box::new(plan(4, 6)))), 30),
    );
    let audit = effects.iter().position(
        |e| matches!(e, Effect::RunAudit { record, .. } if record.phase == AuditPhase::Attempt),
    );
    let execute = effects.iter().position(|e| {
        matches!(e, Effect::RunOp { request, .. } if matches!(**request, OpRequest::Execute { .. }))
    });
    let (Some(audit), Some(execute)) = (audit, execute) else {
        panic!("expected an attempt record and an execution: {effects:?}");
    };
    assert!(audit < execute, "the attempt record is written first");
    let Effect::RunAudit {
        run: tagged,
        record,
    } = &effects[audit]
    else {
        unreachable!()
    };
    assert_eq!(*tagged, run);
    assert!(
        record.confirmations.contains(&target),
        "{:?}",
        record.confirmations
    );
    assert_eq!(record.who.os_user, "alice");
    assert_eq!(
        record.alert.as_deref(),
        Some("HighLatency{service=\"payment\"}")
    );
    assert_eq!(
        record.at,
        at(30).to_string(),
        "records carry the loop's time"
    );
}

#[test]
fn no_at_a_typed_gate_stops_the_run_and_a_new_one_may_start() {
    let mut model = run_model();
    at_first_gate(&mut model, "prod-eu-1", 6);
    press(&mut model, "y");
    press(&mut model, "no");
    update(&mut model, crate::fixture::key_msg(Key::Enter));
    let run = model.runs.active.as_ref().unwrap();
    assert!(
        matches!(run.result(), Some(RunResult::Stopped { step: 0, .. })),
        "{:?}",
        run.result()
    );
    assert_eq!(model.runs.phase(), Some(RunPhase::Ended));
    let effects = update(&mut model, start_msg("staging-eu-1", "5"));
    assert_eq!(model.runs.seq, 2);
    assert_eq!(ops(&effects).len(), 1);
}

#[test]
fn a_second_run_is_refused_while_one_is_going() {
    let mut model = run_model();
    at_first_gate(&mut model, "staging-eu-1", 6);
    update(&mut model, crate::fixture::key_msg(Key::Esc));
    assert!(!model.runs.panel.visible, "Esc hides the panel");
    assert_eq!(
        model.runs.indicator().unwrap(),
        "run scale-for-traffic-spike: step 1/2 waiting for you"
    );
    let effects = update(&mut model, start_msg("staging-eu-1", "8"));
    assert_eq!(effects, vec![Effect::Render]);
    assert_eq!(model.runs.seq, 1, "the running one stays");
    assert!(model.runs.panel.visible);
    let notice = model.runs.notice.as_ref().unwrap();
    assert!(notice.lines[0].contains("one run at a time"), "{notice:?}");
    // The first run still answers: approved, it re-checks its plan.
    let effects = press(&mut model, "y");
    assert!(
        ops(&effects)
            .iter()
            .any(|(_, _, r)| matches!(r, OpRequest::Plan(_)))
    );
}

#[test]
fn outcomes_of_an_old_run_are_dropped() {
    let mut model = run_model();
    at_first_gate(&mut model, "staging-eu-1", 6);
    press(&mut model, "n");
    update(&mut model, start_msg("staging-eu-1", "7"));
    assert_eq!(model.runs.seq, 2);
    let before = model.runs.active.as_ref().unwrap().steps().to_vec();
    let stale = outcome(1, 3, OpOutcome::Plan(Ok(Box::new(plan(4, 6)))), 9);
    assert!(update(&mut model, stale).is_empty());
    assert_eq!(model.runs.active.as_ref().unwrap().steps(), &before[..]);
}

#[test]
fn large_scale_up_is_a_warning_in_the_plan_not_another_question() {
    let mut model = run_model();
    at_first_gate(&mut model, "staging-eu-1", 20);
    let message = model
        .runs
        .active
        .as_ref()
        .unwrap()
        .prompt()
        .unwrap()
        .message
        .clone();
    assert!(message.contains("⚠ Large change: scale up"), "{message}");
    press(&mut model, "y");
    assert_eq!(gate(&model), None, "approved: it executes");
}

#[test]
fn paging_alerts_make_the_cluster_risky() {
    let mut model = run_model();
    let alerts = vec![
        alert("a1", "PaymentDown", "page", "down", 60),
        alert("a2", "DiskFilling", "warning", "disk", 60),
        alert("a3", "ApiErrors", "critical", "errors", 60),
    ];
    update(
        &mut model,
        data(2, 0, crate::event::Payload::Alerts(alerts)),
    );
    let risk = risk(&model);
    assert_eq!(risk.len(), 1, "{risk:?}");
    assert_eq!(
        risk["staging-eu-1"].paging,
        vec!["ApiErrors", "PaymentDown"]
    );

    at_first_gate(&mut model, "staging-eu-1", 6);
    let prompt = model.runs.active.as_ref().and_then(|r| r.prompt()).cloned();
    let (gate_now, message) = prompt.map(|p| (p.gate, p.message)).unwrap();
    assert_eq!(gate_now, Gate::Plan);
    assert!(
        message.contains("paging on staging-eu-1: ApiErrors, PaymentDown")
            && message.contains("Approve the plan with these pages firing?"),
        "the plan names the pages it is approved with: {message}"
    );
    press(&mut model, "y");
    assert_ne!(
        gate(&model).map(|(g, _)| g),
        Some(Gate::Risk),
        "no second question for the pages the plan showed"
    );
}

#[test]
fn audit_failure_halts_the_run() {
    let mut model = run_model();
    let run = at_first_gate(&mut model, "staging-eu-1", 6);
    let effects = update(
        &mut model,
        Msg::RunAuditFailed {
            run,
            phase: AuditPhase::Attempt,
            error: "cannot write to the audit file /ro/audit.jsonl: permission denied".into(),
        },
    );
    assert_eq!(effects, vec![Effect::Render]);
    assert_eq!(model.runs.phase(), Some(RunPhase::Ended));
    let why = model.runs.halted.as_deref().unwrap();
    assert!(
        why.contains("/ro/audit.jsonl") && why.contains("not executed"),
        "{why}"
    );
    // Later outcomes and keys do nothing.
    assert!(
        update(
            &mut model,
            outcome(run, 9, OpOutcome::Identity(Ok("x".into())), 5)
        )
        .is_empty()
    );
    assert!(press(&mut model, "y").is_empty());
    assert_eq!(
        model.runs.indicator().unwrap(),
        "run scale-for-traffic-spike: halted"
    );
}

#[test]
fn browsing_steps_and_reopening_the_panel() {
    let mut model = run_model();
    at_first_gate(&mut model, "staging-eu-1", 6);
    assert_eq!(model.runs.shown_step(), Some(0));
    press(&mut model, "j");
    assert_eq!(model.runs.shown_step(), Some(1));
    press(&mut model, "jj");
    assert_eq!(model.runs.shown_step(), Some(1), "clamped to the last step");
    press(&mut model, "g");
    assert_eq!(
        model.runs.shown_step(),
        Some(0),
        "g follows the current step again"
    );
    update(&mut model, crate::fixture::key_msg(Key::Esc));
    press(&mut model, "W");
    assert!(model.runs.panel.visible, "W shows the panel again");
}

#[test]
fn the_lowest_slo_budget_and_page_tiers_count_per_cluster() {
    let model = crate::fixture::slos::slo_model();
    let risk = risk(&model);
    // payment-errors overspent its budget in prod-us-1 (-35%) and pages there.
    let us = &risk["prod-us-1"];
    let (slo, budget) = us.lowest_budget.clone().unwrap();
    assert_eq!(slo, "payment-errors");
    assert!(budget < 0.0, "{budget}");
    assert!(
        us.paging
            .iter()
            .any(|p| p == "SLO payment-errors page tier"),
        "{:?}",
        us.paging
    );
    // Every cluster with readings reports its lowest budget; the engine judges it.
    assert!(risk["staging-eu-1"].lowest_budget.is_some());
    assert!(!risk.contains_key("nowhere"));
}
