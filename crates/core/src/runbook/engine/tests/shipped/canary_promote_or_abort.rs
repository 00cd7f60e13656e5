//! canary-promote-or-abort as shipped. The checks decide (`on_fail: continue`, `when`): a
//! canary failing more often or slower is aborted (scaled to 0, the stable untouched, the
//! promotion skipped, the outcome naming the check and its value); a healthy one is promoted
//! (the canary scaled up and checked at its new size, then the stable scaled to zero) and the
//! abort skipped. Also a check that cannot be read, no at the decision, the diff before each
//! scale, a refused plan, the canary scaled back when it does not roll out, and an unanswered
//! scale of the stable.

use super::super::fixtures::{observed, planned};
use super::super::harness::{Harness, Kind};
use super::{
    UNDOABLE, choices, done, failing, gates, pass_gates, probes, scale_of, scaled, shipped_run,
    stopped, unanswered,
};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Gate, Recovery, RunEffect, RunResult, StepStatus};
use crate::runbook::op::{OpOutcome, OpRequest};
use crate::runbook::resolved::{Comparison, Mutation, Probe};

/// Steps: errors-no-worse, latency-no-worse, abort-canary, aborted, decide, scale-canary,
/// canary-healthy-at-size, scale-stable-down, promoted.
const ABORT: usize = 2;
const ABORTED: usize = 3;
const DECIDE: usize = 4;
const SCALE_CANARY: usize = 5;
const HEALTHY_AT_SIZE: usize = 6;
const SCALE_STABLE: usize = 7;
const PROMOTED: usize = 8;

/// payment-canary (1 replica) against payment (6); promoted to 6 replicas.
fn run() -> Harness {
    let mut h = shipped_run(
        "canary-promote-or-abort",
        &[
            ("cluster", "staging"),
            ("stable", "payment"),
            ("canary", "payment-canary"),
            ("replicas", "6"),
        ],
    );
    h.script(Kind::Plan, planned(scale_of("payment-canary", 1, 6)))
        .script(Kind::Plan, planned(scale_of("payment", 6, 0)));
    h.script(Kind::Probe, observed(true, "0.0002 (want <= 0.001)"))
        .script(Kind::Probe, observed(true, "1.04 (want <= 1.2)"));
    h
}

/// The run of `run()` with these two check values, the abort's plan scripted.
fn abort_run(errors: (bool, &str), latency: (bool, &str)) -> Harness {
    let mut h = run();
    h.reset(Kind::Plan)
        .script(Kind::Plan, planned(scale_of("payment-canary", 1, 0)));
    h.reset(Kind::Probe)
        .script(Kind::Probe, observed(errors.0, errors.1))
        .script(Kind::Probe, observed(latency.0, latency.1))
        .script(Kind::Probe, observed(true, "0/0 updated and ready"));
    h
}

/// The run aborted the canary: scaled to 0 after one approval, the stable untouched, every
/// promotion step skipped because `why`.
fn assert_aborted(h: &mut Harness, why: &str) {
    let asked = pass_gates(h);
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(gates(&asked), [Gate::Plan], "the abort's plan, asked once");
    let plan = &asked[0].1;
    assert!(
        plan.contains("scale deployment/payment-canary in staging/shop from 1 to 0 replicas (step 3: abort-canary)"),
        "{plan}"
    );
    assert!(
        !plan.contains("deployment/payment "),
        "the stable is not in the plan: {plan}"
    );
    assert_eq!(scaled(h), [("payment-canary".to_owned(), 0)]);
    assert!(
        super::planned_mutations(h)
            .iter()
            .all(|m| m.object().is_some_and(|o| o.name == "payment-canary")),
        "only the abort was planned (and re-checked): {:?}",
        super::planned_mutations(h)
    );
    assert_eq!(h.audits_in(AuditPhase::Attempt).len(), 1);
    assert!(
        matches!(h.status(ABORT), StepStatus::Done(_)),
        "{:?}",
        h.status(ABORT)
    );
    for step in [
        DECIDE,
        SCALE_CANARY,
        HEALTHY_AT_SIZE,
        SCALE_STABLE,
        PROMOTED,
    ] {
        assert_eq!(
            h.status(step),
            &StepStatus::Skipped(why.to_owned()),
            "step {step}"
        );
    }
}

#[test]
fn a_canary_failing_more_often_is_aborted_and_the_stable_untouched() {
    let mut h = abort_run(
        (false, "0.0791 (want <= 0.001)"),
        (true, "1.04 (want <= 1.2)"),
    );
    h.start();
    let Probe::Query {
        cluster,
        query,
        op,
        threshold,
    } = &probes(&h)[0]
    else {
        panic!("{:?}", probes(&h));
    };
    assert_eq!(
        (cluster.as_str(), *op, *threshold),
        ("staging", Comparison::Le, 0.001)
    );
    assert!(
        query.contains("pod=~\"payment-canary-.+\",status=~\"5..\"}[10m]"),
        "{query}"
    );
    assert!(
        query.contains("pod=~\"payment-[a-z0-9]+-[a-z0-9]+\"}[10m]"),
        "{query}"
    );
    assert_eq!(
        h.status(0),
        &failing("did not hold: 0.0791 (want <= 0.001)"),
        "a verdict, shown as not holding"
    );
    assert_eq!(
        h.status(1),
        &done("1.04 (want <= 1.2)"),
        "the latency is still read"
    );
    assert_eq!(
        h.prompt().gate,
        Gate::Plan,
        "no failure prompt: the checks decide"
    );
    assert_aborted(&mut h, "errors-no-worse did not hold");
    let outcome = h.run.outcome().unwrap_or_default();
    assert!(
        outcome.starts_with("Aborted payment-canary: scaled to 0, payment serves all traffic."),
        "{outcome}"
    );
    assert!(
        outcome.ends_with("(errors-no-worse did not hold: 0.0791 (want <= 0.001))"),
        "the outcome names the check and its value: {outcome}"
    );
    assert!(
        matches!(h.status(ABORTED), StepStatus::Done(t) if t.starts_with("Aborted payment-canary"))
    );
}

#[test]
fn a_slower_canary_is_aborted_at_the_latency_check() {
    let mut h = abort_run(
        (true, "0.0002 (want <= 0.001)"),
        (false, "1.45 (want <= 1.2)"),
    );
    h.start();
    assert!(
        matches!(&probes(&h)[1], Probe::Query { op: Comparison::Le, threshold, .. } if *threshold == 1.2)
    );
    assert_eq!(h.status(1), &failing("did not hold: 1.45 (want <= 1.2)"));
    assert_aborted(&mut h, "latency-no-worse did not hold");
    let outcome = h.run.outcome().unwrap_or_default();
    assert!(
        outcome.ends_with("(latency-no-worse did not hold: 1.45 (want <= 1.2))"),
        "{outcome}"
    );
}

#[test]
fn a_canary_worse_on_both_names_both_checks() {
    let mut h = abort_run(
        (false, "0.0791 (want <= 0.001)"),
        (false, "3.1 (want <= 1.2)"),
    );
    h.start();
    assert_aborted(
        &mut h,
        "errors-no-worse did not hold and latency-no-worse did not hold",
    );
    assert!(
        h.run.outcome().unwrap_or_default().ends_with(
            "(errors-no-worse did not hold: 0.0791 (want <= 0.001); latency-no-worse did not \
             hold: 3.1 (want <= 1.2))"
        ),
        "{:?}",
        h.run.outcome()
    );
}

#[test]
fn a_check_that_cannot_be_read_still_asks_instead_of_deciding() {
    let mut h = run();
    h.reset(Kind::Probe).script(
        Kind::Probe,
        OpOutcome::Probed(Err(crate::runbook::op::OpError::new("no data"))),
    );
    h.start();
    assert_eq!(h.prompt().gate, Gate::Failure);
    assert_eq!(choices(&h), super::CONDITION);
    h.answer(Answer::Recover(Recovery::Stop));
    assert!(matches!(
        h.result(),
        Some(RunResult::Failed { step: 0, .. })
    ));
    assert_eq!(h.count(Kind::Plan), 0);
}

#[test]
fn answering_no_at_the_decision_aborts_without_scaling() {
    let mut h = run();
    h.start();
    assert_eq!(h.prompt().gate, Gate::Step);
    h.answer(Answer::No);
    let reason = "declined: Promote payment-canary on staging to 6 replicas and scale payment to \
                  0? Answer no to stop here and leave both as they are.";
    assert_eq!(h.result(), Some(&stopped(DECIDE, reason)));
    assert_eq!(h.status(DECIDE), &StepStatus::Skipped(reason.into()));
    assert_eq!(h.requests().len(), 2, "only the two checks");
    assert_eq!(h.run.outcome(), None);
}

#[test]
fn promoting_scales_the_canary_up_checks_it_then_scales_the_stable_to_zero() {
    let mut h = run();
    h.script(Kind::Probe, observed(true, "6/6 updated and ready"))
        .script(Kind::Probe, observed(true, "0.001 (want < 0.01)"))
        .script(Kind::Probe, observed(true, "0/0 updated and ready"));
    h.start();
    let asked = pass_gates(&mut h);
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(
        gates(&asked),
        [Gate::Step, Gate::Plan],
        "one approval for both scales"
    );
    for step in [ABORT, ABORTED] {
        assert_eq!(
            h.status(step),
            &StepStatus::Skipped("errors-no-worse and latency-no-worse all held".into())
        );
    }
    let plan = &asked[1].1;
    assert!(
        plan.contains(
            "1. scale deployment/payment-canary in staging/shop from 1 to 6 replicas (step 6: \
             scale-canary)\n   - replicas: 1\n   + replicas: 6\n   ⚠ Large change: scale up \
             staging/shop/payment-canary from 1 to 6 replicas"
        ),
        "{plan}"
    );
    assert!(
        plan.contains(
            "2. scale deployment/payment in staging/shop from 6 to 0 replicas (step 8: \
             scale-stable-down)\n   - replicas: 6\n   + replicas: 0\n   ⚠ Large change: scale down \
             staging/shop/payment from 6 to 0 replicas"
        ),
        "{plan}"
    );
    assert_eq!(
        scaled(&h),
        [("payment-canary".to_owned(), 6), ("payment".to_owned(), 0)]
    );

    let executes = h.positions(|e| {
        matches!(
            e,
            RunEffect::Op {
                request: OpRequest::Execute { .. },
                ..
            }
        )
    });
    let healthy = h.positions(|e| matches!(e, RunEffect::Op { request: OpRequest::Probe(Probe::Query { query, .. }), .. } if query.contains("[2m]")));
    assert_eq!(healthy.len(), 1);
    assert!(
        executes[0] < healthy[0] && healthy[0] < executes[1],
        "checked at size before the stable goes"
    );
    assert_eq!(h.status(HEALTHY_AT_SIZE), &done("0.001 (want < 0.01)"));
    assert!(
        matches!(h.status(PROMOTED), StepStatus::Done(t) if t.starts_with("Promoted payment-canary: it now serves all traffic."))
    );
    let outcome = h.run.outcome().unwrap_or_default();
    assert!(
        outcome.ends_with("(errors-no-worse and latency-no-worse held)"),
        "{outcome}"
    );
}

#[test]
fn the_canary_diff_is_shown_in_the_plan_before_anything_changes() {
    let mut h = run();
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Plan);
    assert!(
        h.prompt()
            .message
            .contains("scale deployment/payment-canary in staging/shop from 1 to 6 replicas"),
        "{}",
        h.prompt().message
    );
    assert_eq!(
        h.run.steps()[SCALE_CANARY].diff,
        scale_of("payment-canary", 1, 6).diff
    );
    assert_eq!(h.count(Kind::Execute), 0);
}

#[test]
fn no_at_the_plan_approval_changes_nothing_and_records_the_refusal() {
    let mut h = run();
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Plan);
    h.answer(Answer::No);
    assert_eq!(
        h.result(),
        Some(&stopped(SCALE_CANARY, "declined at the plan confirmation"))
    );
    assert_eq!(h.count(Kind::Execute), 0);
    assert_eq!(h.audits_in(AuditPhase::Refused).len(), 1);
}

#[test]
fn a_canary_that_does_not_roll_out_is_scaled_back_and_the_stable_is_untouched() {
    let mut h = run();
    h.script(Kind::Probe, observed(false, "2/6 ready"));
    h.start();
    pass_gates(&mut h);
    assert_eq!(
        h.status(SCALE_CANARY),
        &failing("verification timed out after 5m: 2/6 ready")
    );
    assert_eq!(choices(&h), UNDOABLE);
    h.reset(Kind::Plan)
        .script(Kind::Plan, planned(scale_of("payment-canary", 6, 1)));
    h.reset(Kind::Probe);
    h.answer(Answer::Recover(Recovery::RollBack));
    assert_eq!(
        gates(&pass_gates(&mut h)),
        [Gate::Apply],
        "the roll back is a new decision, asked on its own"
    );
    assert_eq!(h.count(Kind::Access), 3, "two planned, one roll back");
    assert_eq!(
        scaled(&h),
        [
            ("payment-canary".to_owned(), 6),
            ("payment-canary".to_owned(), 1)
        ]
    );
    assert!(matches!(
        super::executed(&h).last(),
        Some(Mutation::Scale {
            expect_replicas: Some(6),
            ..
        })
    ));
    assert!(
        matches!(h.result(), Some(RunResult::Failed { step: SCALE_CANARY, reason }) if reason.starts_with("rolled back"))
    );
    assert_eq!(h.status(SCALE_STABLE), &StepStatus::Pending);
}

#[test]
fn an_unanswered_scale_of_the_stable_is_re_read_and_never_sent_again() {
    let mut h = run();
    h.script(
        Kind::Execute,
        OpOutcome::Executed(Ok(crate::runbook::op::Executed {
            resource_version: Some("50".into()),
            message: "scaled to 6".into(),
        })),
    );
    unanswered(&mut h, "no answer within 30s", &["replicas: 0"]);
    h.script(Kind::Probe, observed(true, "6/6 ready"));
    h.start();
    pass_gates(&mut h);
    assert_eq!(
        h.status(SCALE_STABLE),
        &StepStatus::Unknown("outcome unknown, verify: now replicas: 0".into())
    );
    assert_eq!(h.prompt().gate, Gate::OutcomeUnknown);
    h.answer(Answer::Recover(Recovery::Verify));
    assert_eq!(h.count(Kind::Read), 2);
    assert_eq!(
        h.count(Kind::Execute),
        2,
        "the canary once, the stable once"
    );
    assert_eq!(h.status(SCALE_CANARY), &done("scaled to 6; 6/6 ready"));
}
