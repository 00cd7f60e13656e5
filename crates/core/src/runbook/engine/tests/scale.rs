//! Scaling through every guard: production typing, permission, preconditions, refusals,
//! nothing to do, dry run, declined confirmations, the risk and large-change gates, and
//! read-only clusters.

use super::fixtures::*;
use super::harness::{Harness, Kind};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Expect, Gate, Recovery, RunResult, StepStatus};
use crate::runbook::op::{AccessVerdict, DiffLine, OpOutcome, OpRequest};
use crate::runbook::resolved::Probe;
use crate::runbook::spec::{Field, StepKind, TargetSpec};
use std::time::Duration;

fn scale_run(cluster: &'static str, from: i32, to: &'static str) -> Harness {
    let mut h = Harness::new(
        runbook("scale-for-traffic-spike", vec![scale(None), note("scaled")]),
        &scale_values(cluster, to),
        context(),
    );
    let to_n = to.parse().unwrap();
    h.script(Kind::Plan, planned(scale_plan(from, to_n)));
    h
}

/// Answers every gate with what passes it and returns the gates asked, in order.
fn pass_gates(h: &mut Harness) -> Vec<Gate> {
    let mut asked = Vec::new();
    while let Some(prompt) = h.run.prompt().cloned() {
        if matches!(prompt.gate, Gate::Failure | Gate::OutcomeUnknown) {
            break;
        }
        asked.push(prompt.gate);
        match prompt.expect {
            Expect::Typed(text) => h.answer(Answer::Typed(text)),
            _ => h.answer(Answer::Yes),
        };
    }
    asked
}

#[test]
fn production_scale_needs_the_target_typed_and_a_wrong_text_asks_again() {
    let mut h = scale_run("prod", 4, "8");
    h.start();

    let apply = h.prompt().clone();
    assert_eq!(apply.gate, Gate::Plan);
    assert_eq!(apply.expect, Expect::YesNo);
    assert!(
        apply.message.contains("from 4 to 8 replicas"),
        "{}",
        apply.message
    );
    assert!(
        apply.message.contains("   - replicas: 4\n   + replicas: 8"),
        "{}",
        apply.message
    );
    assert_eq!(h.run.steps()[0].status, StepStatus::Asking);
    h.answer(Answer::Yes);

    assert_eq!(h.prompt().gate, Gate::Production);
    assert_eq!(h.prompt().expect, Expect::Typed("prod".into()));
    h.answer(Answer::Typed("prd".into()));
    assert_eq!(h.prompt().gate, Gate::Production, "a wrong text asks again");
    assert!(
        h.prompt().message.contains("does not match"),
        "{}",
        h.prompt().message
    );
    h.answer(Answer::Yes);
    assert_eq!(
        h.prompt().gate,
        Gate::Production,
        "a plain yes is not the typed target"
    );
    assert_eq!(h.count(Kind::Execute), 0);

    h.answer(Answer::Typed("  prod ".into()));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert!(matches!(h.status(0), StepStatus::Done(m) if m.contains("applied")));
    let kinds: Vec<Kind> = h.requests().iter().map(|r| Kind::of(r)).collect();
    assert_eq!(
        kinds,
        [
            Kind::Identity,
            Kind::Access,
            Kind::Plan,
            Kind::Plan,
            Kind::Execute,
            Kind::Probe
        ],
        "planned, approved, re-checked, executed"
    );
    let attempt = &h.audits_in(AuditPhase::Attempt)[0];
    assert_eq!(attempt.confirmations, ["yes", "prod"]);
}

#[test]
fn the_old_cluster_namespace_name_form_still_confirms_a_touched_object() {
    let mut h = scale_run("prod", 4, "8");
    h.start();
    h.answer(Answer::Yes);
    h.answer(Answer::Typed("prod/shop/order".into()));
    assert_eq!(h.prompt().gate, Gate::Production, "not a touched object");
    h.answer(Answer::Typed("prod/shop/payment".into()));
    assert_eq!(h.result(), Some(&RunResult::Completed));
}

#[test]
fn replicas_changed_between_approval_and_execution_ask_again_for_that_step_only() {
    let order = step(
        "scale-order",
        StepKind::Scale {
            target: TargetSpec {
                name: Field::Literal("order".to_owned()),
                ..payment()
            },
            replicas: param("replicas"),
            expect_replicas: None,
            target_utilisation: None,
            verify_timeout: Duration::from_secs(300),
        },
    );
    let mut h = Harness::new(
        runbook("two scales", vec![scale(None), order]),
        &scale_values("prod", "8"),
        context(),
    );
    // Someone scales order to 6 by hand between the approval and its step.
    let mut changed = scale_plan(6, 8);
    changed.before.resource_version = Some("77".into());
    h.script_plan("prod/shop/payment", planned(scale_plan(4, 8)))
        .script_plan("prod/shop/order", planned(scale_plan(4, 8)))
        .script_plan("prod/shop/order", planned(changed));
    h.start();
    let plan = h.prompt().message.clone();
    assert!(plan.starts_with("2 changes in order on prod."), "{plan}");
    h.answer(Answer::Yes);
    h.answer(Answer::Typed("prod".into()));
    assert_eq!(
        h.count(Kind::Execute),
        1,
        "payment executed without a question"
    );
    assert_eq!(h.prompt().gate, Gate::Apply, "order is asked again");
    let again = h.prompt().message.clone();
    assert!(
        again.starts_with("Changed since the plan was approved: replicas 4 -> 6; resourceVersion"),
        "{again}"
    );
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Production);
    h.answer(Answer::Typed("prod".into()));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.count(Kind::Execute), 2);
    let attempts = h.audits_in(AuditPhase::Attempt);
    assert_eq!(attempts[0].confirmations, ["yes", "prod"]);
    assert_eq!(attempts[1].confirmations, ["yes", "prod"]);
}

#[test]
fn the_permission_check_is_for_the_exact_verb_and_subresource() {
    let mut h = scale_run("staging", 4, "8");
    h.start();
    let OpRequest::Access(check) = h.requests()[1] else {
        panic!(
            "second request is not a permission check: {:?}",
            h.requests()
        );
    };
    assert_eq!(
        check.to_string(),
        "patch deployments.apps/scale payment in namespace shop"
    );
    assert_eq!(check.cluster, "staging");
}

#[test]
fn permission_denied_fails_with_the_check_and_retry_asks_again() {
    let mut h = scale_run("staging", 4, "8");
    h.script(
        Kind::Access,
        OpOutcome::Access(Ok(AccessVerdict {
            allowed: false,
            reason: "no RBAC rule allows it".into(),
        })),
    );
    h.script(
        Kind::Access,
        OpOutcome::Access(Ok(AccessVerdict {
            allowed: true,
            reason: String::new(),
        })),
    );
    h.start();

    let StepStatus::Failed(reason) = h.status(0) else {
        panic!("not failed: {:?}", h.status(0));
    };
    assert!(reason.contains("permission denied"), "{reason}");
    assert!(
        reason.contains("patch deployments.apps/scale payment in namespace shop"),
        "{reason}"
    );
    assert!(reason.contains("no RBAC rule allows it"), "{reason}");
    assert_eq!(
        h.prompt().expect,
        Expect::Choice(vec![Recovery::Retry, Recovery::Stop])
    );
    assert_eq!(h.count(Kind::Plan), 0);
    let refused = h.audits_in(AuditPhase::Refused);
    assert_eq!(refused.len(), 1);
    assert!(refused[0].result.starts_with("refused: permission denied"));

    h.answer(Answer::Recover(Recovery::Retry));
    assert_eq!(
        h.prompt().gate,
        Gate::Plan,
        "allowed on retry, planned and asked"
    );
    assert_eq!(
        h.count(Kind::Identity),
        1,
        "identity is asked once per cluster"
    );
    assert_eq!(h.count(Kind::Access), 2);
}

#[test]
fn an_expected_replica_count_that_does_not_match_refuses() {
    let mut h = Harness::new(
        runbook("scale", vec![scale(Some(4))]),
        &scale_values("staging", "8"),
        context(),
    );
    h.script(Kind::Plan, planned(scale_plan(6, 8)));
    h.start();
    assert_eq!(
        h.status(0),
        &StepStatus::Failed(
            "expected 4 replicas, found 6: someone changed it; re-check before acting".into()
        )
    );
    assert_eq!(h.prompt().gate, Gate::Failure);
    assert_eq!(h.count(Kind::Execute), 0);
    h.answer(Answer::Recover(Recovery::Stop));
    assert!(
        matches!(h.result(), Some(RunResult::Failed { step: 0, reason }) if reason.contains("found 6"))
    );
}

#[test]
fn a_paused_deployment_is_refused_with_the_reason() {
    let mut h = scale_run("staging", 4, "8");
    let mut plan = scale_plan(4, 8);
    plan.refusal = Some("deployment payment is paused; resume it first".into());
    h.reset(Kind::Plan).script(Kind::Plan, planned(plan));
    h.start();
    assert!(matches!(h.status(0), StepStatus::Failed(r) if r.contains("is paused")));
    assert_eq!(h.count(Kind::Execute), 0);
    assert_eq!(h.audits_in(AuditPhase::Refused).len(), 1);
    assert!(h.audits_in(AuditPhase::Attempt).is_empty());
}

#[test]
fn nothing_to_do_skips_the_step_and_goes_on_without_asking() {
    let mut h = scale_run("prod", 8, "8");
    h.start();
    assert_eq!(
        h.status(0),
        &StepStatus::Done(
            "already in the wanted state: scale deployment/payment in prod/shop from 8 to 8 \
             replicas changes nothing"
                .into()
        )
    );
    assert!(matches!(h.status(1), StepStatus::Done(_)));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.count(Kind::Execute), 0);
    assert!(h.audits().is_empty());
}

#[test]
fn a_dry_run_shows_the_diff_and_never_executes() {
    let mut ctx = context();
    ctx.dry_run = true;
    let mut h = Harness::new(
        runbook("scale", vec![scale(Some(4)), note("next")]),
        &scale_values("prod", "8"),
        ctx,
    );
    h.script(Kind::Plan, planned(scale_plan(4, 8)));
    h.start();

    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(
        h.status(0),
        &StepStatus::Skipped(
            "dry run: would scale deployment/payment in prod/shop from 4 to 8 replicas".into()
        )
    );
    assert!(
        h.run.steps()[0]
            .diff
            .contains(&DiffLine::Added("replicas: 8".into()))
    );
    assert!(
        !h.requests().iter().any(|r| r.mutates()),
        "no Execute in a dry run"
    );
    let refused = h.audits_in(AuditPhase::Refused);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].result, "dry run");
    assert!(refused[0].dry_run);
}

#[test]
fn declining_apply_stops_the_run_with_a_refused_record() {
    let mut h = scale_run("staging", 4, "8");
    h.start();
    h.answer(Answer::No);
    assert_eq!(
        h.result(),
        Some(&RunResult::Stopped {
            step: 0,
            reason: "declined at the plan confirmation".into()
        })
    );
    let refused = h.audits_in(AuditPhase::Refused);
    assert_eq!(refused.len(), 1);
    assert!(refused[0].confirmations.is_empty());
    assert_eq!(h.count(Kind::Execute), 0);
    assert_eq!(h.status(1), &StepStatus::Pending, "later steps never ran");
}

#[test]
fn declining_the_production_gate_records_the_confirmations_given() {
    let mut h = scale_run("prod", 4, "8");
    h.start();
    h.answer(Answer::Yes);
    h.answer(Answer::No);
    assert!(
        matches!(h.result(), Some(RunResult::Stopped { reason, .. }) if reason.contains("production"))
    );
    let refused = h.audits_in(AuditPhase::Refused);
    assert_eq!(refused[0].confirmations, ["yes"]);
    assert_eq!(h.count(Kind::Execute), 0);
}

#[test]
fn a_page_and_a_low_budget_are_warnings_in_the_plan_approved_with_it() {
    let cases = [
        (
            risky(Some(0.05), &[]),
            false,
            "⚠ SLO payment-availability has 5.0%",
        ),
        (
            risky(Some(0.5), &["PaymentDown"]),
            true,
            "⚠ staging is at risk: paging on staging: PaymentDown",
        ),
        (risky(Some(0.5), &[]), false, ""),
        (risky(None, &[]), false, ""),
    ];
    for (risk, expected, words) in cases {
        let mut ctx = context();
        ctx.risk.insert("staging".into(), risk.clone());
        let mut h = Harness::new(
            runbook("scale", vec![scale(None)]),
            &scale_values("staging", "6"),
            ctx,
        );
        h.script(Kind::Plan, planned(scale_plan(4, 6)));
        h.start();
        let mut messages = Vec::new();
        let mut gates = Vec::new();
        while let Some(p) = h.run.prompt().cloned() {
            gates.push(p.gate);
            messages.push(p.message);
            h.answer(Answer::Yes);
        }
        assert!(!gates.contains(&Gate::Risk), "{risk:?}: {gates:?}");
        assert_eq!(
            messages[0].contains("Approve the plan with these pages firing?"),
            expected,
            "{}",
            messages[0]
        );
        let all = messages.join("\n");
        assert!(all.contains(words), "{all}");
        assert_eq!(h.result(), Some(&RunResult::Completed));
    }
}

#[test]
fn the_alert_that_started_the_run_and_the_runbooks_triggers_ask_no_risk_question() {
    let mut rb = runbook("scale", vec![scale(None)]);
    rb.triggers = vec![crate::runbook::spec::Trigger {
        alert: "HighResponseTime".into(),
        labels: Vec::new(),
    }];
    let mut ctx = context();
    ctx.alert = Some("HighErrorRate{service=\"payment\",severity=\"critical\"}".into());
    ctx.risk.insert(
        "staging".into(),
        risky(
            None,
            &[
                "HighErrorRate",
                "HighResponseTime",
                "SLO payment-availability page tier",
            ],
        ),
    );
    let mut h = Harness::new(rb.clone(), &scale_values("staging", "6"), ctx.clone());
    h.script(Kind::Plan, planned(scale_plan(4, 6)));
    h.start();
    assert_eq!(h.prompt().gate, Gate::Plan);
    h.answer(Answer::Yes);
    assert_eq!(h.result(), Some(&RunResult::Completed), "no risk question");

    ctx.risk.insert(
        "staging".into(),
        risky(None, &["HighErrorRate", "PostgresDown"]),
    );
    let mut h = Harness::new(rb, &scale_values("staging", "6"), ctx);
    h.script(Kind::Plan, planned(scale_plan(4, 6)));
    h.start();
    assert_eq!(h.prompt().gate, Gate::Plan);
    let plan = h.prompt().message.clone();
    assert!(
        plan.contains("paging on staging: PostgresDown"),
        "another page is in the plan: {plan}"
    );
    assert!(!plan.contains("HighErrorRate"), "{plan}");
}

#[test]
fn scaling_to_zero_or_beyond_twice_is_marked_in_the_plan_and_answered_by_its_approval() {
    let cases = [
        (4, "0", Some("⚠ Large change: scale down")),
        (4, "12", Some("⚠ Large change: scale up")),
        (4, "8", None),
        (4, "2", None),
    ];
    for (from, to, expected) in cases {
        let mut h = scale_run("staging", from, to);
        h.start();
        assert_eq!(h.prompt().gate, Gate::Plan, "{from} -> {to}");
        let plan = h.prompt().message.clone();
        assert_eq!(pass_gates(&mut h), [Gate::Plan], "{from} -> {to}");
        match expected {
            Some(marker) => assert!(plan.contains(marker), "{plan}"),
            None => assert!(!plan.contains("Large change"), "{plan}"),
        }
        assert_eq!(h.result(), Some(&RunResult::Completed));
    }
    let mut h = scale_run("prod", 4, "12");
    h.start();
    assert_eq!(h.prompt().gate, Gate::Plan);
    let message = h.prompt().message.clone();
    assert!(message.contains("from 4 to 12"), "{message}");
    assert_eq!(
        message.matches("Large change").count(),
        1,
        "the label once: {message}"
    );
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Production);
    assert_eq!(h.prompt().expect, Expect::Typed("prod".into()));
    h.answer(Answer::Typed("prod".into()));
    assert_eq!(h.result(), Some(&RunResult::Completed));
}

#[test]
fn a_read_only_cluster_refuses_before_asking_anything() {
    let mut h = scale_run("frozen", 4, "8");
    h.start();
    let Some(RunResult::Failed { step: 0, reason }) = h.result() else {
        panic!("not failed: {:?}", h.result());
    };
    assert!(
        reason.contains("cluster frozen is read-only in the config"),
        "{reason}"
    );
    assert!(h.requests().is_empty());
    assert_eq!(h.audits_in(AuditPhase::Refused).len(), 1);
}

#[test]
fn an_unknown_cluster_fails_the_step() {
    let mut h = scale_run("mars", 4, "8");
    h.start();
    assert!(
        matches!(h.result(), Some(RunResult::Failed { reason, .. }) if reason.contains("mars is not in the config"))
    );
    assert!(h.requests().is_empty());
}

#[test]
fn a_pod_failing_before_a_scale_up_does_not_fail_its_verification() {
    let mut h = Harness::new(
        runbook("scale-for-traffic-spike", vec![scale(None), note("scaled")]),
        &scale_values("staging", "6"),
        context(),
    );
    let mut plan = scale_plan(4, 6);
    plan.ready_before = Some(3);
    h.script(Kind::Plan, planned(plan));
    h.script(Kind::Probe, observed(false, "4 ready (want at least 5)"));
    h.script(Kind::Probe, observed(true, "5 ready (want at least 5)"));
    h.start();
    pass_gates(&mut h);
    h.advance(Duration::from_secs(30));

    let probes: Vec<_> = h
        .requests()
        .into_iter()
        .filter_map(|r| match r {
            OpRequest::Probe(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert!(
        matches!(&probes[0], Probe::PodsReady { object, min_ready: 5 } if object.name == "payment"),
        "the 2 added pods on top of the 3 ready ones: {probes:?}"
    );
    assert!(
        h.run.steps()[0]
            .log
            .iter()
            .any(|l| l.contains("1 of 4 pods were not ready before the change")),
        "{:?}",
        h.run.steps()[0].log
    );
    assert_eq!(h.result(), Some(&RunResult::Completed));
}

#[test]
fn a_scale_up_of_a_healthy_workload_waits_for_the_whole_rollout() {
    let mut h = Harness::new(
        runbook("scale-for-traffic-spike", vec![scale(None), note("scaled")]),
        &scale_values("staging", "6"),
        context(),
    );
    let mut plan = scale_plan(4, 6);
    plan.ready_before = Some(4);
    h.script(Kind::Plan, planned(plan));
    h.script(Kind::Probe, observed(true, "6/6 ready"));
    h.start();
    pass_gates(&mut h);

    assert!(
        h.requests()
            .iter()
            .any(|r| matches!(r, OpRequest::Probe(Probe::RolloutComplete { .. }))),
        "{:?}",
        h.requests()
    );
    assert_eq!(h.result(), Some(&RunResult::Completed));
}
