//! Steps that change nothing: checks, waits and confirmations, and their ways out.

use std::time::Duration;

use super::fixtures::*;
use super::harness::{Harness, Kind, t0};
use crate::runbook::engine::{Answer, Expect, Gate, Recovery, RunEffect, RunResult, StepStatus};
use crate::runbook::op::{OpError, OpOutcome, OpRequest};
use crate::runbook::resolved::Probe;
use crate::runbook::spec::{StepKind, Template};

fn check() -> crate::runbook::spec::Step {
    step(
        "error-ratio",
        StepKind::Check(query("sum(rate(errors{service=\"{{ deployment }}\"}[5m]))")),
    )
}

fn wait(timeout: u64, every: u64) -> crate::runbook::spec::Step {
    step(
        "calm",
        StepKind::Wait {
            until: query("error_ratio{service=\"{{deployment}}\"}"),
            timeout: Duration::from_secs(timeout),
            every: Duration::from_secs(every),
        },
    )
}

fn values() -> [(&'static str, &'static str); 2] {
    [("cluster", "staging"), ("deployment", "payment")]
}

#[test]
fn a_check_probes_the_substituted_query_and_shows_its_value() {
    let mut h = Harness::new(runbook("triage", vec![check()]), &values(), context());
    h.script(
        Kind::Probe,
        observed(true, "error ratio 0.002 (want < 0.01)"),
    );
    h.start();
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(
        h.status(0),
        &StepStatus::Done("error ratio 0.002 (want < 0.01)".into())
    );
    let OpRequest::Probe(Probe::Query { cluster, query, .. }) = h.requests()[0] else {
        panic!("{:?}", h.requests());
    };
    assert_eq!(cluster, "staging");
    assert_eq!(query, "sum(rate(errors{service=\"payment\"}[5m]))");
}

#[test]
fn a_failed_check_offers_retry_continue_stop_and_continue_moves_on() {
    let mut h = Harness::new(
        runbook("triage", vec![check(), note("next")]),
        &values(),
        context(),
    );
    h.script(
        Kind::Probe,
        observed(false, "error ratio 0.081 (want < 0.01)"),
    );
    h.start();
    assert_eq!(
        h.status(0),
        &StepStatus::Failed("error ratio 0.081 (want < 0.01)".into())
    );
    assert_eq!(h.prompt().gate, Gate::Failure);
    assert_eq!(
        h.prompt().expect,
        Expect::Choice(vec![Recovery::Retry, Recovery::Continue, Recovery::Stop])
    );
    h.answer(Answer::Recover(Recovery::Retry));
    assert_eq!(h.count(Kind::Probe), 2);
    h.answer(Answer::Recover(Recovery::Continue));
    assert_eq!(h.status(1), &StepStatus::Done("next".into()));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(
        h.status(0),
        &StepStatus::Failed("error ratio 0.081 (want < 0.01)".into())
    );
}

#[test]
fn a_check_that_cannot_be_evaluated_fails_and_stop_ends_the_run() {
    let mut h = Harness::new(
        runbook("triage", vec![check(), note("next")]),
        &values(),
        context(),
    );
    h.script(
        Kind::Probe,
        OpOutcome::Probed(Err(OpError::new(
            "prometheus on staging: connection refused",
        ))),
    );
    h.start();
    assert!(matches!(h.status(0), StepStatus::Failed(m) if m.contains("connection refused")));
    h.answer(Answer::Recover(Recovery::Stop));
    assert!(
        matches!(h.result(), Some(RunResult::Failed { step: 0, reason }) if reason.contains("connection refused"))
    );
    assert_eq!(h.status(1), &StepStatus::Pending);
}

#[test]
fn a_wait_times_out_by_the_given_clock_and_retry_waits_again() {
    let mut h = Harness::new(runbook("calm", vec![wait(60, 10)]), &values(), context());
    h.script(Kind::Probe, observed(false, "error ratio 0.08"));
    h.start();
    assert_eq!(
        h.now.duration_since(t0()),
        jiff::SignedDuration::from_secs(60)
    );
    assert_eq!(h.count(Kind::Probe), 7, "at 0, 10, ..., 60 seconds");
    assert_eq!(
        h.status(0),
        &StepStatus::Failed("timed out after 1m: error ratio 0.08".into())
    );
    let delays: Vec<Duration> = h
        .log
        .iter()
        .filter_map(|l| match l.effect {
            RunEffect::Op { delay, .. } => Some(delay),
            _ => None,
        })
        .collect();
    assert_eq!(delays[0], Duration::ZERO);
    assert!(delays[1..].iter().all(|d| *d == Duration::from_secs(10)));

    h.reset(Kind::Probe)
        .script(Kind::Probe, observed(false, "error ratio 0.02"))
        .script(Kind::Probe, observed(true, "error ratio 0.004"));
    h.advance(Duration::from_secs(3600));
    h.answer(Answer::Recover(Recovery::Retry));
    assert_eq!(
        h.result(),
        Some(&RunResult::Completed),
        "the wait restarts from the retry"
    );
    assert_eq!(h.status(0), &StepStatus::Done("error ratio 0.004".into()));
}

#[test]
fn a_dry_run_evaluates_a_wait_once() {
    let mut ctx = context();
    ctx.dry_run = true;
    let mut h = Harness::new(
        runbook("calm", vec![wait(600, 10), note("next")]),
        &values(),
        ctx,
    );
    h.script(Kind::Probe, observed(false, "error ratio 0.08"));
    h.start();
    assert_eq!(h.count(Kind::Probe), 1);
    assert!(matches!(h.status(0), StepStatus::Skipped(m) if m.contains("would wait up to 10m")));
    assert_eq!(h.result(), Some(&RunResult::Completed));
}

#[test]
fn a_confirm_step_asks_and_no_stops_the_run() {
    let confirm = step(
        "ask",
        StepKind::Confirm {
            question: Template {
                text: "Is {{ deployment }} the service paging?".into(),
            },
        },
    );
    let mut h = Harness::new(
        runbook("c", vec![confirm.clone(), note("go")]),
        &values(),
        context(),
    );
    h.start();
    assert_eq!(h.prompt().gate, Gate::Step);
    assert_eq!(h.prompt().message, "Is payment the service paging?");
    h.answer(Answer::No);
    assert!(matches!(
        h.result(),
        Some(RunResult::Stopped { step: 0, .. })
    ));
    assert_eq!(h.status(1), &StepStatus::Pending);

    let mut h = Harness::new(
        runbook("c", vec![confirm, note("go")]),
        &values(),
        context(),
    );
    h.start().answer(Answer::Yes);
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.status(1), &StepStatus::Done("go".into()));
}

#[test]
fn a_step_naming_a_missing_parameter_fails_with_the_reason() {
    let mut h = Harness::new(
        runbook("triage", vec![check()]),
        &[("cluster", "staging")],
        context(),
    );
    h.start();
    let Some(RunResult::Failed { step: 0, reason }) = h.result() else {
        panic!("{:?}", h.result());
    };
    assert!(reason.contains("step error-ratio (line 10)"), "{reason}");
    assert!(
        reason.contains("parameter deployment has no value"),
        "{reason}"
    );
    assert!(h.requests().is_empty());
}
