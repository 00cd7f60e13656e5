//! After the change: verification that times out and the roll back it offers, outcomes
//! that are unknown (never retried blindly), rejected changes, and the audit ordering.

use std::time::Duration;

use super::fixtures::*;
use super::harness::{Harness, Kind, t0};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Expect, Gate, Recovery, RunEffect, RunResult, StepStatus};
use crate::runbook::op::{ExecError, OpOutcome, OpRequest, Snapshot};
use crate::runbook::resolved::Mutation;

fn staging_scale(from: i32, to: &'static str) -> Harness {
    let mut h = Harness::new(
        runbook("scale", vec![scale(None), note("after")]),
        &scale_values("staging", to),
        context(),
    );
    h.script(Kind::Plan, planned(scale_plan(from, to.parse().unwrap())));
    h
}

#[test]
fn verification_timeout_offers_roll_back_which_scales_back_through_the_same_guards() {
    let mut h = staging_scale(4, "8");
    h.script(Kind::Probe, observed(false, "2/8 ready"));
    h.start();
    h.answer(Answer::Yes);

    assert_eq!(
        h.now.duration_since(t0()),
        jiff::SignedDuration::from_secs(300)
    );
    assert_eq!(
        h.status(0),
        &StepStatus::Failed("verification timed out after 5m: 2/8 ready".into())
    );
    assert_eq!(
        h.prompt().expect,
        Expect::Choice(vec![
            Recovery::Verify,
            Recovery::RollBack,
            Recovery::Continue,
            Recovery::Stop
        ])
    );
    let results = h.audits_in(AuditPhase::Result);
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].result,
        "failed: verification timed out after 5m: 2/8 ready"
    );
    assert_eq!(results[0].at, "2025-03-01T12:05:00Z");
    let logged = h
        .log
        .iter()
        .find(|l| matches!(&l.effect, RunEffect::Audit(r) if r.phase == AuditPhase::Result));
    assert_eq!(
        logged.map(|l| l.at),
        Some(t0() + jiff::SignedDuration::from_secs(300))
    );
    let probe_delays: Vec<Duration> = h
        .log
        .iter()
        .filter_map(|l| match &l.effect {
            RunEffect::Op {
                request: OpRequest::Probe(_),
                delay,
                ..
            } => Some(*delay),
            _ => None,
        })
        .collect();
    assert_eq!(probe_delays[0], Duration::ZERO);
    assert!(
        probe_delays[1..]
            .iter()
            .all(|d| *d == Duration::from_secs(5))
    );

    h.reset(Kind::Plan)
        .script(Kind::Plan, planned(scale_plan(8, 4)));
    h.reset(Kind::Probe);
    h.answer(Answer::Recover(Recovery::RollBack));
    assert_eq!(
        h.prompt().gate,
        Gate::Apply,
        "the roll back is confirmed like any change"
    );
    assert!(
        h.prompt().message.contains("from 8 to 4"),
        "{}",
        h.prompt().message
    );
    h.answer(Answer::Yes);

    let executed: Vec<&Mutation> = h
        .requests()
        .into_iter()
        .filter_map(|r| match r {
            OpRequest::Execute { mutation, .. } => Some(mutation),
            _ => None,
        })
        .collect();
    assert_eq!(executed.len(), 2);
    assert!(matches!(
        executed[1],
        Mutation::Scale {
            replicas: 4,
            expect_replicas: Some(8),
            ..
        }
    ));
    assert_eq!(
        h.count(Kind::Access),
        2,
        "the roll back checks permission again"
    );
    let Some(RunResult::Failed { step: 0, reason }) = h.result() else {
        panic!("{:?}", h.result());
    };
    assert!(reason.contains("rolled back"), "{reason}");
    assert!(reason.contains("verification timed out"), "{reason}");
    assert_eq!(h.status(1), &StepStatus::Pending);
    let ids: Vec<&str> = h
        .audits_in(AuditPhase::Attempt)
        .iter()
        .map(|r| r.action_id.as_str())
        .collect();
    assert_eq!(ids, ["run7-0-1", "run7-0-2"]);
}

#[test]
fn an_unknown_outcome_is_re_read_and_never_retried() {
    let mut h = staging_scale(4, "8");
    h.script(
        Kind::Execute,
        OpOutcome::Executed(Err(ExecError::Unknown(
            "no answer from the API server within 30s".into(),
        ))),
    );
    h.script(
        Kind::Read,
        OpOutcome::Read(Ok(Snapshot {
            resource_version: Some("503".into()),
            lines: vec!["replicas: 8".into(), "ready: 5/8".into()],
        })),
    );
    h.start();
    h.answer(Answer::Yes);

    assert_eq!(
        h.status(0),
        &StepStatus::Unknown("outcome unknown, verify: now replicas: 8; ready: 5/8".into())
    );
    assert_eq!(h.prompt().gate, Gate::OutcomeUnknown);
    assert_eq!(
        h.prompt().expect,
        Expect::Choice(vec![Recovery::Verify, Recovery::Continue, Recovery::Stop])
    );
    let results = h.audits_in(AuditPhase::Result);
    assert_eq!(
        results[0].result,
        "unknown: no answer from the API server within 30s"
    );
    assert_eq!(h.count(Kind::Read), 1);

    h.answer(Answer::Recover(Recovery::Retry));
    assert_eq!(
        h.count(Kind::Execute),
        1,
        "retry is not offered, so it does nothing"
    );
    assert_eq!(h.prompt().gate, Gate::OutcomeUnknown);

    h.answer(Answer::Recover(Recovery::Verify));
    assert_eq!(h.count(Kind::Read), 2, "verify re-reads");
    assert_eq!(h.count(Kind::Execute), 1);

    h.answer(Answer::Recover(Recovery::Continue));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.count(Kind::Execute), 1);
    assert!(matches!(h.status(0), StepStatus::Done(m) if m.contains("continued by the user")));
}

#[test]
fn stopping_after_an_unknown_outcome_fails_the_run_with_it() {
    let mut h = staging_scale(4, "8");
    h.script(
        Kind::Execute,
        OpOutcome::Executed(Err(ExecError::Unknown("timeout".into()))),
    );
    h.script(
        Kind::Read,
        OpOutcome::Read(Err(crate::runbook::op::OpError::new("connection refused"))),
    );
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(
        h.status(0),
        &StepStatus::Unknown(
            "outcome unknown, verify: could not re-read: connection refused".into()
        )
    );
    h.answer(Answer::Recover(Recovery::Stop));
    assert!(
        matches!(h.result(), Some(RunResult::Failed { reason, .. }) if reason.starts_with("outcome unknown"))
    );
}

#[test]
fn a_conflict_is_recorded_and_retry_plans_and_asks_again() {
    let mut h = staging_scale(4, "8");
    h.script(
        Kind::Execute,
        OpOutcome::Executed(Err(ExecError::Conflict(
            "resourceVersion 41 is stale".into(),
        ))),
    );
    h.script(
        Kind::Execute,
        OpOutcome::Executed(Ok(crate::runbook::op::Executed {
            resource_version: Some("77".into()),
            message: "scaled to 8".into(),
        })),
    );
    h.start();
    h.answer(Answer::Yes);
    assert!(
        matches!(h.status(0), StepStatus::Failed(r) if r.contains("changed since the dry run"))
    );
    assert_eq!(
        h.prompt().expect,
        Expect::Choice(vec![Recovery::Retry, Recovery::Stop])
    );
    assert!(
        h.audits_in(AuditPhase::Result)[0]
            .result
            .starts_with("failed: ")
    );

    let mut moved = scale_plan(4, 8);
    moved.before.resource_version = Some("52".into());
    h.script_plan("staging/shop/payment", planned(moved));
    h.answer(Answer::Recover(Recovery::Retry));
    assert_eq!(
        h.count(Kind::Plan),
        3,
        "planned, re-checked, and re-planned from the live object on retry"
    );
    assert_eq!(h.prompt().gate, Gate::Apply, "and asks again");
    assert!(
        h.prompt()
            .message
            .starts_with("Changed since the plan was approved: resourceVersion 41 -> 52"),
        "{}",
        h.prompt().message
    );
    h.answer(Answer::Yes);
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.count(Kind::Execute), 2);
    let last = h.audits_in(AuditPhase::Result);
    assert_eq!(last[1].action_id, "run7-0-2");
    assert_eq!(last[1].resource_version_after.as_deref(), Some("77"));
}

#[test]
fn the_attempt_record_precedes_the_execution_and_the_result_follows_verification() {
    let mut h = staging_scale(4, "8");
    h.script(Kind::Probe, observed(false, "6/8 ready"));
    h.script(Kind::Probe, observed(true, "8/8 ready"));
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(h.result(), Some(&RunResult::Completed));

    let attempt =
        h.positions(|e| matches!(e, RunEffect::Audit(r) if r.phase == AuditPhase::Attempt));
    let execute = h.positions(|e| {
        matches!(
            e,
            RunEffect::Op {
                request: OpRequest::Execute { .. },
                ..
            }
        )
    });
    let probes = h.positions(|e| {
        matches!(
            e,
            RunEffect::Op {
                request: OpRequest::Probe(_),
                ..
            }
        )
    });
    let result = h.positions(|e| matches!(e, RunEffect::Audit(r) if r.phase == AuditPhase::Result));
    assert_eq!((attempt.len(), execute.len(), result.len()), (1, 1, 1));
    assert_eq!(
        execute[0],
        attempt[0] + 1,
        "nothing between the attempt record and the execution"
    );
    assert!(probes.iter().all(|p| *p > execute[0] && *p < result[0]));
    assert_eq!(h.audits_in(AuditPhase::Result)[0].result, "ok");
    assert!(matches!(h.status(0), StepStatus::Done(m) if m.contains("8/8 ready")));
}

#[test]
fn a_rejected_change_offers_retry_or_stop_but_no_roll_back() {
    let mut h = staging_scale(4, "8");
    h.script(
        Kind::Execute,
        OpOutcome::Executed(Err(ExecError::Rejected(
            "admission webhook denied: quota".into(),
        ))),
    );
    h.start();
    h.answer(Answer::Yes);
    assert!(matches!(h.status(0), StepStatus::Failed(r) if r.contains("quota")));
    assert_eq!(
        h.prompt().expect,
        Expect::Choice(vec![Recovery::Retry, Recovery::Stop])
    );
    h.answer(Answer::Recover(Recovery::RollBack));
    assert_eq!(h.count(Kind::Plan), 2, "a choice not offered does nothing");
    h.answer(Answer::Recover(Recovery::Stop));
    assert!(matches!(
        h.result(),
        Some(RunResult::Failed { step: 0, .. })
    ));
}

#[test]
fn outcomes_for_stale_ids_are_ignored() {
    let mut h = staging_scale(4, "8");
    h.start();
    let before = h.run.steps().to_vec();
    let effects = h.run.handle(
        crate::runbook::engine::RunInput::Op {
            id: 1,
            outcome: OpOutcome::Executed(Err(ExecError::Unknown("late".into()))),
        },
        h.now,
    );
    assert!(effects.is_empty());
    assert_eq!(h.run.steps(), &before[..]);
    assert_eq!(h.prompt().gate, Gate::Plan);
}

#[test]
fn verifying_again_after_a_verification_timeout_waits_another_timeout_without_a_second_change() {
    let mut h = staging_scale(4, "8");
    h.script(Kind::Probe, observed(false, "5/8 ready"));
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Failure);
    let probes_before = h.count(Kind::Probe);

    // Still not ready for a while, then ready: the second verification has its own timeout.
    h.reset(Kind::Probe)
        .script(Kind::Probe, observed(false, "7/8 ready"))
        .script(Kind::Probe, observed(false, "7/8 ready"))
        .script(Kind::Probe, observed(true, "8/8 ready"));
    h.answer(Answer::Recover(Recovery::Verify));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.count(Kind::Execute), 1);
    assert_eq!(
        h.count(Kind::Plan),
        2,
        "nothing is planned or applied again (the plan and its re-check)"
    );
    assert_eq!(h.count(Kind::Probe), probes_before + 3);
    assert!(matches!(h.status(0), StepStatus::Done(m) if m.contains("8/8 ready")));
}

#[test]
fn rolling_back_a_rollback_returns_to_the_revision_it_replaced() {
    use crate::runbook::op::{DiffLine, PlanReport};
    use crate::runbook::spec::StepKind;
    let rollback = step(
        "undo-deploy",
        StepKind::Rollback {
            target: payment(),
            revision: None,
            verify_timeout: Duration::from_secs(120),
        },
    );
    let plan = |from: i64, to: i64| PlanReport {
        before: Snapshot {
            resource_version: Some("60".into()),
            lines: vec![
                format!("revision: {from}"),
                format!("image: payment:{from}"),
            ],
        },
        after: Snapshot {
            resource_version: Some("60".into()),
            lines: vec![format!("revision: {to}"), format!("image: payment:{to}")],
        },
        diff: vec![
            DiffLine::Removed(format!("image: payment:{from}")),
            DiffLine::Added(format!("image: payment:{to}")),
        ],
        patch: serde_json::Value::Null,
        refusal: None,
        current_replicas: Some(4),
        data_at_risk: None,
        target_replicas: None,
        ready_before: None,
        already: None,
        notes: vec![format!("revisions: {to}, {from}")],
    };
    let mut h = Harness::new(
        runbook("rollback-bad-deploy", vec![rollback]),
        &[("cluster", "staging"), ("deployment", "payment")],
        context(),
    );
    h.script(Kind::Plan, planned(plan(7, 6)));
    h.script(Kind::Probe, observed(false, "updated 1/4"));
    h.start();
    h.answer(Answer::Yes);
    // Retrying a rollback would roll back once more (to the bad revision): not offered.
    assert_eq!(
        h.prompt().expect,
        Expect::Choice(vec![
            Recovery::Verify,
            Recovery::RollBack,
            Recovery::Continue,
            Recovery::Stop
        ])
    );
    h.reset(Kind::Plan).script(Kind::Plan, planned(plan(8, 7)));
    h.reset(Kind::Probe);
    h.answer(Answer::Recover(Recovery::RollBack));
    h.answer(Answer::Yes);
    let last = h.requests().into_iter().rev().find_map(|r| match r {
        OpRequest::Execute { mutation, .. } => Some(mutation.clone()),
        _ => None,
    });
    assert!(
        matches!(
            last,
            Some(Mutation::Rollback {
                revision: Some(7),
                ..
            })
        ),
        "{last:?}"
    );
    assert!(
        matches!(h.result(), Some(RunResult::Failed { reason, .. }) if reason.contains("rolled back"))
    );
}
