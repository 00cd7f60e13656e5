//! regional-failover as shipped, with its default regions (us-east-1 failed, eu-west-1
//! takes over, ap-southeast-1 follows the new primary; all production), up to the
//! promotion: the outage check and the decision it gates, the promotion's data at risk in
//! the plan and its typed acknowledgement over the 5m RPO, an unknown amount refused, no roll
//! back for a promotion, a replica promoted by hand, and an unanswered promotion. The third
//! region, the scale steps, the alert checks and the RTO/RPO report are in
//! `regional_failover_scaling`.

use std::time::Duration;

use super::super::fixtures::{observed, planned};
use super::super::harness::{Harness, Kind};
use super::{
    NOT_UNDOABLE, choices, failing, pass_gates, plan_of, probes, scale_of, shipped_run, stopped,
    unanswered,
};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Expect, Gate, Recovery, RunResult, StepStatus};
use crate::runbook::op::{OpOutcome, OpRequest, PlanReport};
use crate::runbook::resolved::{Comparison, Mutation, Probe};

/// Steps: primary-down, target-up, decide, promote, writable, third-region-follows, scale-order,
/// scale-payment, scale-auth, scale-user, scale-gateway, scale-analytics, scale-notification,
/// gateway-rolled-out, healthy, no-alerts-left, third-region-quiet, report.
const DECIDE: usize = 2;
const PROMOTE: usize = 3;
pub(super) const FOLLOW: usize = 5;
pub(super) const SCALE_ORDER: usize = 6;
pub(super) const HEALTHY: usize = 14;
pub(super) const NO_ALERTS_LEFT: usize = 15;
pub(super) const THIRD_REGION_QUIET: usize = 16;

/// The Deployments the failover scales in eu-west-1, in the runbook's order: `(name, from,
/// to)` with the runbook's default targets.
pub(super) const SCALES: [(&str, i32, i32); 7] = [
    ("order", 5, 8),
    ("payment", 4, 6),
    ("auth", 3, 5),
    ("user", 2, 4),
    ("api-gateway", 5, 8),
    ("analytics", 2, 4),
    ("notification", 2, 5),
];

const PROMOTED: &str = "eu-west-1/database/orders-db";
pub(super) const FOLLOWER: &str = "ap-southeast-1/database/orders-db";

const PLAN_PROMOTE: &str = "1. promote cnpg-cluster/orders-db in eu-west-1/database out of \
     replica mode (step 4: promote)\n   - replica mode: true (source orders-db-us-east-1)\n   + \
     replica mode: false\n   data at risk: 42s of writes";

/// A run with every parameter at its default; the outage check and the target's check hold. Nothing is planned
/// yet: see `scripted`.
pub(super) fn run() -> Harness {
    let mut h = shipped_run("regional-failover", &[]);
    h.script(Kind::Probe, observed(true, "pg_up 0 (want == 0)"))
        .script(Kind::Probe, observed(true, "pg_up 1 (want == 1)"));
    h
}

/// `run()` with every change planned: the promotion with `lag` of data at risk,
/// ap-southeast-1 re-pointed, and the seven scales of `SCALES`.
pub(super) fn scripted(lag: u64) -> Harness {
    let mut h = run();
    h.script_plan(PROMOTED, promote_plan(lag))
        .script_plan(FOLLOWER, planned(follow_plan()));
    for (name, from, to) in SCALES {
        h.script_plan(
            &format!("eu-west-1/shop/{name}"),
            planned(scale_of(name, from, to)),
        );
    }
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

/// Re-pointing ap-southeast-1's replica cluster from us-east-1 to eu-west-1.
pub(super) fn follow_plan() -> PlanReport {
    plan_of(
        &[
            "instances: 3",
            "replica mode: true (source orders-db-us-east-1)",
        ],
        &[
            "instances: 3",
            "replica mode: true (source orders-db-eu-west-1)",
        ],
    )
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
fn declining_the_decision_stops_before_anything_is_planned() {
    let mut h = scripted(42);
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
    let mut h = scripted(7 * 60 + 12);
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
    assert_eq!(h.prompt().expect, Expect::Typed("ap-southeast-1".into()));
    h.answer(Answer::Typed("ap-southeast-1".into()));
    assert_eq!(h.prompt().gate, Gate::DataLoss);
    assert_eq!(
        h.prompt().expect,
        Expect::Typed("accept 7m12s of lost writes".into())
    );
    assert_eq!(h.count(Kind::Execute), 0);
    h.answer(Answer::Typed("accept 7m12s of lost writes".into()));
    assert!(h.count(Kind::Execute) >= 1);
    let attempts = h.audits_in(AuditPhase::Attempt);
    assert_eq!(attempts[0].verb, "promote");
    assert_eq!(
        attempts[0].confirmations,
        ["yes", "eu-west-1", "accept 7m12s of lost writes"]
    );
    assert_eq!(attempts[1].verb, "follow");
    assert_eq!(attempts[1].confirmations, ["yes", "ap-southeast-1"]);
    assert_eq!(
        attempts[2].confirmations,
        ["yes", "eu-west-1"],
        "the acknowledgement is the promotion's only"
    );
    assert_eq!(
        h.run.recovery(h.now).data_at_risk,
        Some(Duration::from_secs(432))
    );
}

#[test]
fn an_unknown_data_at_risk_refuses_the_promotion_and_nothing_is_written() {
    let mut h = scripted(42);
    let mut plan = match promote_plan(42) {
        OpOutcome::Plan(Ok(p)) => *p,
        other => panic!("{other:?}"),
    };
    plan.data_at_risk = None;
    h.reset(Kind::Plan).script_plan(PROMOTED, planned(plan));
    h.script_plan(FOLLOWER, planned(follow_plan()));
    for (name, from, to) in SCALES {
        h.script_plan(
            &format!("eu-west-1/shop/{name}"),
            planned(scale_of(name, from, to)),
        );
    }
    h.start();
    pass_gates(&mut h);
    assert!(
        matches!(h.status(PROMOTE), StepStatus::Failed(why) if why.contains("the data at risk could not be read")),
        "{:?}",
        h.status(PROMOTE)
    );
    assert_eq!(h.count(Kind::Execute), 0, "nothing is written");
}

#[test]
fn the_promotion_diff_and_data_at_risk_are_in_the_plan_and_a_wrong_region_then_no_refuses_it() {
    let mut h = scripted(42);
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
        h.prompt()
            .message
            .starts_with("9 changes in order on eu-west-1, ap-southeast-1."),
        "{}",
        h.prompt().message
    );
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
    let mut h = scripted(42);
    let mut plan = match promote_plan(42) {
        OpOutcome::Plan(Ok(p)) => *p,
        other => panic!("{other:?}"),
    };
    plan.diff = crate::runbook::op::diff::diff(&plan.before.lines, &plan.before.lines);
    plan.already = Some("eu-west-1/database/orders-db is already primary".into());
    h.reset(Kind::Plan).script_plan(PROMOTED, planned(plan));
    h.script_plan(FOLLOWER, planned(follow_plan()));
    for (name, from, to) in SCALES {
        h.script_plan(
            &format!("eu-west-1/shop/{name}"),
            planned(scale_of(name, from, to)),
        );
    }
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(
        h.prompt().gate,
        Gate::Plan,
        "the rest is planned and asked once"
    );
    assert!(
        h.prompt().message.starts_with("8 changes in order"),
        "the promotion is not one of them: {}",
        h.prompt().message
    );
    pass_gates(&mut h);
    assert_eq!(
        h.status(PROMOTE),
        &StepStatus::Done(
            "already in the wanted state: eu-west-1/database/orders-db is already primary".into()
        )
    );
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
    assert!(
        h.run.recovery(h.now).rpo.is_some(),
        "the run still reports against the RPO"
    );
}

#[test]
fn a_promotion_that_does_not_become_writable_offers_no_roll_back() {
    let mut h = scripted(42);
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
    let mut h = scripted(42);
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
        "on to the approved follow and scales without a question"
    );
}

#[test]
fn a_target_region_whose_database_is_down_stops_the_failover_before_the_decision() {
    let mut h = shipped_run("regional-failover", &[("target_cluster", "us-east-1")]);
    h.script(Kind::Probe, observed(true, "pg_up 0 (want == 0)"))
        .script(Kind::Probe, observed(false, "pg_up 0 (want == 1)"));
    h.start();
    assert_eq!(h.status(1), &failing("pg_up 0 (want == 1)"));
    assert!(
        matches!(&probes(&h)[1], Probe::Query { cluster, op: Comparison::Eq, threshold, .. }
            if cluster == "us-east-1" && *threshold == 1.0)
    );
    assert_eq!(h.prompt().gate, Gate::Failure);
    assert_eq!(h.count(Kind::Plan) + h.count(Kind::Execute), 0);
}
