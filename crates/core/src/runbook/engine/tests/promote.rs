//! Promotions: data at risk against `max_lag` (a typed acknowledgement over it), already
//! promoted by hand, no roll back, and the recovery report
//! (elapsed against the RTO, data at risk against the RPO).

use std::time::Duration;

use super::fixtures::*;
use super::harness::{Harness, Kind, t0};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Expect, Gate, Recovery, RunResult, StepStatus};
use crate::runbook::op::{DiffLine, OpRequest, PlanReport, Snapshot};
use crate::runbook::spec::{Field, ObjectKind, PromotionSpec, Step, StepKind, TargetSpec};

const MIN: u64 = 60;

fn promote() -> Step {
    step(
        "promote-replica",
        StepKind::Promote {
            promotion: PromotionSpec::Cnpg {
                target: TargetSpec {
                    cluster: param("cluster"),
                    namespace: Field::Literal("db".into()),
                    kind: ObjectKind::CnpgCluster,
                    name: Field::Literal("pg-eu".into()),
                },
                instance: None,
                max_lag: Some(Duration::from_secs(5 * MIN)),
            },
            verify_timeout: Duration::from_secs(5 * MIN),
        },
    )
}

fn promote_plan(lag: Duration) -> PlanReport {
    PlanReport {
        before: Snapshot {
            resource_version: Some("900".into()),
            lines: vec!["replica mode: true".into()],
        },
        after: Snapshot {
            resource_version: Some("900".into()),
            lines: vec!["replica mode: false".into()],
        },
        diff: vec![
            DiffLine::Removed("replica mode: true".into()),
            DiffLine::Added("replica mode: false".into()),
        ],
        patch: serde_json::json!({"spec": {"replica": {"enabled": false}}}),
        refusal: None,
        current_replicas: None,
        data_at_risk: Some(lag),
        target_replicas: None,
        ready_before: None,
        already: None,
        notes: vec!["source: pg-us (us-east-1)".into()],
    }
}

fn values() -> Vec<(&'static str, &'static str)> {
    scale_values("staging", "6")
}

#[test]
fn data_at_risk_over_max_lag_asks_a_typed_acknowledgement_naming_the_amount_and_audits_it() {
    let mut h = Harness::new(runbook("failover", vec![promote()]), &values(), context());
    h.script(
        Kind::Plan,
        planned(promote_plan(Duration::from_secs(7 * MIN + 12))),
    );
    h.start();
    assert_eq!(h.prompt().gate, Gate::Plan);
    assert!(
        h.prompt()
            .message
            .contains("⚠ data at risk: 7m12s of writes, over this step's 5m limit"),
        "{}",
        h.prompt().message
    );
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::DataLoss);
    assert_eq!(
        h.prompt().expect,
        Expect::Typed("accept 7m12s of lost writes".into())
    );
    assert_eq!(h.prompt().data_at_risk, Some(Duration::from_secs(432)));
    h.answer(Answer::Typed("accept 5m of lost writes".into()));
    assert_eq!(h.prompt().gate, Gate::DataLoss, "a wrong amount asks again");
    assert!(h.prompt().message.contains("does not match"));
    assert_eq!(h.count(Kind::Execute), 0);
    h.answer(Answer::Typed("accept 7m12s of lost writes".into()));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    let attempt = h.audits_in(AuditPhase::Attempt);
    assert_eq!(attempt.len(), 1);
    assert_eq!(
        attempt[0].confirmations,
        ["yes", "accept 7m12s of lost writes"]
    );
    assert_eq!(
        h.run.recovery(h.now).data_at_risk,
        Some(Duration::from_secs(432))
    );
}

#[test]
fn data_at_risk_under_max_lag_asks_nothing_more_than_the_plan() {
    let mut h = Harness::new(runbook("failover", vec![promote()]), &values(), context());
    h.script(Kind::Plan, planned(promote_plan(Duration::from_secs(55))));
    h.start();
    assert_eq!(h.prompt().gate, Gate::Plan);
    assert!(
        h.prompt().message.contains("data at risk: 55s of writes"),
        "{}",
        h.prompt().message
    );
    h.answer(Answer::Yes);
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.audits_in(AuditPhase::Attempt)[0].confirmations, ["yes"]);
}

#[test]
fn no_to_the_data_at_risk_acknowledgement_promotes_nothing() {
    let mut h = Harness::new(runbook("failover", vec![promote()]), &values(), context());
    h.script(
        Kind::Plan,
        planned(promote_plan(Duration::from_secs(7 * MIN))),
    );
    h.start();
    h.answer(Answer::Yes);
    h.answer(Answer::No);
    assert_eq!(
        h.result(),
        Some(&RunResult::Stopped {
            step: 0,
            reason: "declined at the data at risk confirmation".into()
        })
    );
    assert_eq!(h.count(Kind::Execute), 0);
    assert_eq!(h.audits_in(AuditPhase::Refused).len(), 1);
}

#[test]
fn a_replica_already_promoted_by_hand_is_a_done_step_and_the_run_goes_on() {
    let mut h = Harness::new(
        runbook("failover", vec![promote(), note("verified")]),
        &values(),
        context(),
    );
    let mut plan = promote_plan(Duration::from_secs(55));
    plan.diff = crate::runbook::op::diff::diff(&plan.before.lines, &plan.before.lines);
    plan.already = Some("cnpg-cluster/pg-eu is already primary".into());
    h.script(Kind::Plan, planned(plan));
    h.start();
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(
        h.status(0),
        &StepStatus::Done(
            "already in the wanted state: cnpg-cluster/pg-eu is already primary".into()
        )
    );
    assert!(matches!(h.status(1), StepStatus::Done(_)));
    assert_eq!(h.count(Kind::Execute), 0);
    assert!(h.audits().is_empty(), "nothing written");
}

#[test]
fn the_promotion_checks_permission_to_patch_the_cnpg_cluster() {
    let mut h = Harness::new(runbook("failover", vec![promote()]), &values(), context());
    h.script(Kind::Plan, planned(promote_plan(Duration::from_secs(12))));
    h.start();
    let OpRequest::Access(check) = h.requests()[1] else {
        panic!("{:?}", h.requests());
    };
    assert_eq!(
        check.to_string(),
        "patch clusters.postgresql.cnpg.io pg-eu in namespace db"
    );
    assert_eq!(h.prompt().gate, Gate::Plan);
    assert!(
        h.prompt()
            .message
            .contains("promote cnpg-cluster/pg-eu in staging/db"),
        "{}",
        h.prompt().message
    );
}

#[test]
fn a_promotion_that_does_not_verify_offers_no_roll_back() {
    let mut h = Harness::new(runbook("failover", vec![promote()]), &values(), context());
    h.script(Kind::Plan, planned(promote_plan(Duration::from_secs(12))));
    h.script(Kind::Probe, observed(false, "no writable primary"));
    h.start();
    h.answer(Answer::Yes);
    assert!(matches!(h.status(0), StepStatus::Failed(r) if r.contains("no writable primary")));
    assert_eq!(
        h.prompt().expect,
        Expect::Choice(vec![Recovery::Verify, Recovery::Continue, Recovery::Stop])
    );
}

#[test]
fn the_recovery_report_measures_start_to_last_verification_and_lag_at_promotion() {
    let mut rb = runbook(
        "regional-failover",
        vec![
            promote(),
            scale(None),
            step(
                "healthy",
                StepKind::Wait {
                    until: query("error_ratio"),
                    timeout: Duration::from_secs(10 * MIN),
                    every: Duration::from_secs(30),
                },
            ),
        ],
    );
    rb.objectives.rto = Some(Duration::from_secs(15 * MIN));
    rb.objectives.rpo = Some(Duration::from_secs(5 * MIN));
    let mut h = Harness::new(rb, &values(), context());
    h.script(Kind::Plan, planned(promote_plan(Duration::from_secs(42))))
        .script(Kind::Plan, planned(scale_plan(2, 6)));
    h.script(
        Kind::Probe,
        observed(true, "primary pg-eu-1 accepts writes"),
    )
    .script(Kind::Probe, observed(false, "2/6 ready"))
    .script(Kind::Probe, observed(true, "6/6 ready"))
    .script(Kind::Probe, observed(false, "error ratio 0.05"))
    .script(Kind::Probe, observed(true, "error ratio 0.001"));
    h.start();

    let running = h
        .run
        .recovery(t0() + jiff::SignedDuration::from_secs(2 * MIN as i64));
    assert_eq!(
        running.elapsed,
        Duration::from_secs(2 * MIN),
        "while running: to now"
    );
    assert_eq!(running.data_at_risk, Some(Duration::from_secs(42)));

    h.advance(Duration::from_secs(2 * MIN));
    assert_eq!(
        h.prompt().gate,
        Gate::Plan,
        "one approval for the promotion and the scale"
    );
    assert!(h.prompt().message.contains("from 2 to 6"));
    assert!(h.prompt().message.contains("⚠ Large change"));
    h.answer(Answer::Yes);
    assert_eq!(h.result(), Some(&RunResult::Completed));

    // 2m thinking, 5s until 6/6 ready, 30s until the error ratio is low.
    let done = h.run.recovery(h.now + jiff::SignedDuration::from_hours(1));
    assert_eq!(done.elapsed, Duration::from_secs(2 * MIN + 35));
    assert_eq!(done.rto, Some(Duration::from_secs(15 * MIN)));
    assert_eq!(done.rpo, Some(Duration::from_secs(5 * MIN)));
    assert_eq!(done.data_at_risk, Some(Duration::from_secs(42)));
}
