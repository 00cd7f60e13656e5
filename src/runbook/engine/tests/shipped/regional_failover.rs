//! regional-failover as shipped, with its default regions (us-east-1 failed, eu-west-1
//! takes over, both production), up to the promotion: the outage and data-at-risk checks
//! and the decision gate it, the promotion's lag guard, diff and typed target, no roll back
//! for a promotion, and an unanswered promotion. The scale steps and the RTO/RPO report are
//! in `regional_failover_scaling`.

use std::time::Duration;

use super::super::fixtures::{observed, planned};
use super::super::harness::{Harness, Kind};
use super::{
    NOT_UNDOABLE, choices, failing, pass_gates, plan_of, probes, scale_of, shipped_run, stopped,
    unanswered,
};
use crate::runbook::action::{Comparison, Mutation, Probe};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Expect, Gate, Recovery, RunResult, StepStatus};
use crate::runbook::ops::{OpOutcome, OpRequest, PlanReport};

/// Steps: primary-down, data-at-risk, decide, promote, writable, scale-order,
/// scale-payment, scale-auth, scale-user, scale-gateway, gateway-rolled-out, healthy, report.
const DECIDE: usize = 2;
const PROMOTE: usize = 3;
pub(super) const SCALE_ORDER: usize = 5;

const PLAN_PROMOTE: &str = "1. promote cnpg-cluster/orders-db in eu-west-1/database out of \
     replica mode (step 4: promote)\n   - replica mode: true (source orders-db-us-east-1)\n   + \
     replica mode: false\n   data at risk: 42s of writes";

/// A run with every parameter at its default; both checks hold.
pub(super) fn run() -> Harness {
    let mut h = shipped_run("regional-failover", &[]);
    h.script(Kind::Probe, observed(true, "pg_up 0 (want == 0)"))
        .script(Kind::Probe, observed(true, "42 (want <= 300)"));
    h
}

/// Promoting the replica cluster orders-db, which lags `lag` behind.
pub(super) fn promote_plan(lag: u64) -> OpOutcome {
    let lines = |mode: &str| {
        [
            "instances: 3".to_owned(),
            "primary: orders-db-1".to_owned(),
            format!("replica mode: {mode}"),
        ]
    };
    let (before, after) = (lines("true (source orders-db-us-east-1)"), lines("false"));
    let mut plan: PlanReport = plan_of(
        &before.iter().map(String::as_str).collect::<Vec<_>>(),
        &after.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    plan.data_at_risk = Some(Duration::from_secs(lag));
    plan.notes = vec![format!(
        "replication lag of replica cluster orders-db: {lag}s"
    )];
    planned(plan)
}

#[test]
fn a_primary_that_is_still_up_stops_the_failover_before_anything_changes() {
    let mut h = run();
    h.reset(Kind::Probe)
        .script(Kind::Probe, observed(false, "pg_up 1 (want == 0)"));
    h.start();
    assert_eq!(h.status(0), &failing("pg_up 1 (want == 0)"));
    assert_eq!(
        probes(&h),
        [Probe::Query {
            cluster: "us-east-1".into(),
            query: "max(pg_up{cluster=\"us-east-1\",namespace=\"database\"})".into(),
            op: Comparison::Eq,
            threshold: 0.0,
        }]
    );
    h.answer(Answer::Recover(Recovery::Stop));
    assert!(matches!(
        h.result(),
        Some(RunResult::Failed { step: 0, .. })
    ));
    assert_eq!(h.requests().len(), 1);
    assert_eq!(
        h.status(DECIDE),
        &StepStatus::Pending,
        "the decision is never asked"
    );
}

#[test]
fn data_at_risk_beyond_the_rpo_fails_its_check_before_the_decision() {
    let mut h = run();
    h.reset(Kind::Probe)
        .script(Kind::Probe, observed(true, "pg_up 0 (want == 0)"))
        .script(Kind::Probe, observed(false, "412 (want <= 300)"));
    h.start();
    assert_eq!(h.status(1), &failing("412 (want <= 300)"));
    assert!(
        matches!(&probes(&h)[1], Probe::Query { cluster, op: Comparison::Le, threshold, .. }
        if cluster == "eu-west-1" && *threshold == 300.0)
    );
    assert_eq!(h.prompt().gate, Gate::Failure);
    assert_eq!(h.count(Kind::Identity) + h.count(Kind::Execute), 0);
}

#[test]
fn declining_the_decision_stops_before_the_promotion() {
    let mut h = run();
    h.start();
    assert_eq!(h.prompt().gate, Gate::Step);
    h.answer(Answer::No);
    let reason = "declined: Promote orders-db in eu-west-1 and make eu-west-1 the write region? \
                  Writes us-east-1 accepted but did not replicate are lost.";
    assert_eq!(h.result(), Some(&stopped(DECIDE, reason)));
    assert_eq!(
        h.requests().len(),
        2,
        "only the two checks: {:?}",
        h.requests()
    );
    assert!(h.audits().is_empty());
}

#[test]
fn data_at_risk_beyond_max_lag_asks_the_incident_commander_to_type_the_amount() {
    let mut h = run();
    h.script(Kind::Plan, promote_plan(7 * 60 + 12));
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Plan);
    assert!(
        h.prompt()
            .message
            .contains("⚠ data at risk: 7m12s of writes, over this step's 5m limit"),
        "{}",
        h.prompt().message
    );
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().expect, Expect::Typed("eu-west-1".into()));
    h.answer(Answer::Typed("eu-west-1".into()));
    assert_eq!(h.prompt().gate, Gate::DataLoss);
    assert_eq!(
        h.prompt().expect,
        Expect::Typed("accept 7m12s of lost writes".into())
    );
    assert_eq!(h.count(Kind::Execute), 0);
    h.answer(Answer::Typed("accept 7m12s of lost writes".into()));
    assert!(h.count(Kind::Execute) >= 1);
    let attempt = &h.audits_in(AuditPhase::Attempt)[0];
    assert_eq!(attempt.verb, "promote");
    assert_eq!(
        attempt.confirmations,
        ["yes", "eu-west-1", "accept 7m12s of lost writes"]
    );
    let scale = &h.audits_in(AuditPhase::Attempt)[1];
    assert_eq!(
        scale.confirmations,
        ["yes", "eu-west-1"],
        "the acknowledgement is the promotion's only"
    );
    assert_eq!(
        h.run.recovery(h.now).data_at_risk,
        Some(Duration::from_secs(432))
    );
}

#[test]
fn the_promotion_diff_and_data_at_risk_are_in_the_plan_and_a_wrong_region_then_no_refuses_it() {
    let mut h = run();
    h.script(Kind::Plan, promote_plan(42));
    h.start();
    h.answer(Answer::Yes);
    let OpRequest::Access(check) = h.requests()[3] else {
        panic!("{:?}", h.requests());
    };
    assert_eq!(
        check.to_string(),
        "patch clusters.postgresql.cnpg.io orders-db in namespace database"
    );
    assert_eq!(h.prompt().gate, Gate::Plan);
    assert!(
        h.prompt().message.contains(PLAN_PROMOTE),
        "{}",
        h.prompt().message
    );
    assert!(
        h.run.steps()[PROMOTE]
            .log
            .contains(&"replication lag of replica cluster orders-db: 42s".to_owned())
    );
    assert_eq!(h.count(Kind::Execute), 0);

    h.answer(Answer::Yes);
    assert_eq!(h.prompt().expect, Expect::Typed("eu-west-1".into()));
    h.answer(Answer::Typed("us-east-1".into()));
    assert_eq!(
        h.prompt().gate,
        Gate::Production,
        "a wrong region asks again"
    );
    h.answer(Answer::No);
    let reason = "declined at the production confirmation";
    assert_eq!(h.result(), Some(&stopped(PROMOTE, reason)));
    let refused = h.audits_in(AuditPhase::Refused);
    assert_eq!(
        (
            refused[0].object.as_str(),
            refused[0].verb.as_str(),
            &refused[0].confirmations[..]
        ),
        ("cnpg-cluster/orders-db", "promote", &["yes".to_owned()][..])
    );
    assert_eq!(h.count(Kind::Execute), 0);
}

#[test]
fn a_replica_promoted_by_hand_is_done_and_the_run_goes_on_to_scale_and_verify() {
    let mut h = run();
    let mut plan = match promote_plan(42) {
        OpOutcome::Plan(Ok(p)) => p,
        other => panic!("{other:?}"),
    };
    plan.diff = crate::runbook::ops::diff::diff(&plan.before.lines, &plan.before.lines);
    plan.already = Some("eu-west-1/database/orders-db is already primary".into());
    h.script(Kind::Plan, planned(plan))
        .script(Kind::Plan, planned(scale_of("order", 5, 8)));
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(
        h.status(PROMOTE),
        &StepStatus::Done(
            "already in the wanted state: eu-west-1/database/orders-db is already primary".into()
        )
    );
    assert_eq!(
        h.prompt().gate,
        Gate::Plan,
        "the scales are planned and asked once"
    );
    h.answer(Answer::Yes);
    h.answer(Answer::Typed("eu-west-1".into()));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert!(
        !h.requests().iter().any(|r| matches!(
            r,
            OpRequest::Execute {
                mutation: Mutation::PromoteCnpg { .. },
                ..
            }
        )),
        "no promotion written"
    );
}

#[test]
fn a_promotion_that_does_not_become_writable_offers_no_roll_back() {
    let mut h = run();
    h.script(Kind::Plan, promote_plan(42));
    h.script(Kind::Probe, observed(false, "no primary accepts writes"));
    h.start();
    pass_gates(&mut h);
    assert_eq!(
        h.status(PROMOTE),
        &failing("verification timed out after 5m: no primary accepts writes")
    );
    // A promotion has no inverse: RollBack is not offered; nor is a retry, as the promotion
    // went through. Verifying again waits another timeout without a second promotion.
    assert_eq!(choices(&h), NOT_UNDOABLE);
    assert_eq!(h.count(Kind::Execute), 1);
    h.reset(Kind::Probe)
        .script(Kind::Probe, observed(true, "writable"));
    h.answer(Answer::Recover(Recovery::Verify));
    assert_eq!(
        h.status(PROMOTE),
        &StepStatus::Done("applied; writable".into())
    );
    let promotions_sent = h
        .requests()
        .iter()
        .filter(|r| {
            matches!(
                r,
                OpRequest::Execute {
                    mutation: Mutation::PromoteCnpg { .. },
                    ..
                }
            )
        })
        .count();
    assert_eq!(promotions_sent, 1);
    let promotions_planned = h
        .requests()
        .iter()
        .filter(|r| matches!(r, OpRequest::Plan(Mutation::PromoteCnpg { .. })))
        .count();
    assert_eq!(
        promotions_planned, 2,
        "planned, re-checked once, never planned again"
    );
}

#[test]
fn an_unanswered_promotion_is_re_read_and_never_sent_again() {
    let mut h = run();
    h.script(Kind::Plan, promote_plan(42))
        .script(Kind::Plan, planned(scale_of("order", 5, 8)));
    unanswered(
        &mut h,
        "connection reset after sending",
        &["primary: orders-db-1", "replica mode: false"],
    );
    h.start();
    pass_gates(&mut h);
    let unknown = "outcome unknown, verify: now primary: orders-db-1; replica mode: false";
    assert_eq!(h.status(PROMOTE), &StepStatus::Unknown(unknown.into()));
    assert_eq!(h.prompt().gate, Gate::OutcomeUnknown);
    assert_eq!(h.count(Kind::Execute), 1);
    h.answer(Answer::Recover(Recovery::Continue));
    assert!(
        matches!(h.status(PROMOTE), StepStatus::Done(t) if t == &format!("continued by the user after: {unknown}"))
    );
    let promotions_sent = h
        .requests()
        .iter()
        .filter(|r| {
            matches!(
                r,
                OpRequest::Execute {
                    mutation: Mutation::PromoteCnpg { .. },
                    ..
                }
            )
        })
        .count();
    assert_eq!(promotions_sent, 1, "the promotion is never sent again");
    assert!(
        h.count(Kind::Execute) > 1,
        "on to the approved order scale without a question"
    );
}
