//! regional-failover as shipped, after the promotion: the five scale steps in request-flow
//! order (database-bound services first, the gateway last), the scale back a scale that does
//! not roll out offers, and the recovery time and data at risk reported against the 15m RTO
//! and 5m RPO. The checks and the promotion are in `regional_failover`.

use std::time::Duration;

use super::super::fixtures::{observed, planned};
use super::super::harness::Kind;
use super::regional_failover::{SCALE_ORDER, promote_plan, run};
use super::{
    UNDOABLE, choices, done, executed, failing, gates, pass_gates, probes, scale_of, scaled,
};
use crate::runbook::action::{Mutation, Probe};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Gate, Recovery, RunResult, StepStatus};

#[test]
fn an_order_scale_that_does_not_roll_out_is_scaled_back_through_the_guards() {
    let mut h = run();
    h.script(Kind::Plan, promote_plan(42))
        .script(Kind::Plan, planned(scale_of("order", 5, 8)));
    h.script(Kind::Probe, observed(true, "orders-db-1 accepts writes"))
        .script(Kind::Probe, observed(true, "orders-db-1 accepts writes"))
        .script(Kind::Probe, observed(false, "5/8 ready"));
    h.start();
    pass_gates(&mut h);
    assert_eq!(
        h.status(SCALE_ORDER),
        &failing("verification timed out after 5m: 5/8 ready")
    );
    assert_eq!(choices(&h), UNDOABLE);
    h.reset(Kind::Plan)
        .script(Kind::Plan, planned(scale_of("order", 8, 5)));
    h.reset(Kind::Probe);
    h.answer(Answer::Recover(Recovery::RollBack));
    assert_eq!(
        gates(&pass_gates(&mut h)),
        [Gate::Apply, Gate::Production],
        "the roll back is a new decision"
    );
    let sent = executed(&h);
    assert!(matches!(sent[0], Mutation::PromoteCnpg { .. }));
    assert!(matches!(
        sent[2],
        Mutation::Scale {
            replicas: 5,
            expect_replicas: Some(8),
            ..
        }
    ));
    assert_eq!(
        scaled(&h),
        [("order".to_owned(), 8), ("order".to_owned(), 5)]
    );
    assert!(
        matches!(h.result(), Some(RunResult::Failed { step: SCALE_ORDER, reason }) if reason.starts_with("rolled back"))
    );
    assert_eq!(
        h.status(SCALE_ORDER + 1),
        &StepStatus::Pending,
        "payment is never scaled"
    );
}

#[test]
fn the_full_failover_scales_backends_before_the_gateway_and_reports_rto_and_rpo() {
    let mut h = run();
    h.script(Kind::Plan, promote_plan(42));
    for (name, from, to) in [
        ("order", 5, 8),
        ("payment", 4, 6),
        ("auth", 3, 5),
        ("user", 2, 4),
        ("api-gateway", 5, 8),
    ] {
        h.script(Kind::Plan, planned(scale_of(name, from, to)));
    }
    for _ in 0..8 {
        h.script(Kind::Probe, observed(true, "ok"));
    }
    h.script(Kind::Probe, observed(false, "0.034 (want < 0.01)"))
        .script(Kind::Probe, observed(false, "0.012 (want < 0.01)"))
        .script(Kind::Probe, observed(true, "0.004 (want < 0.01)"));
    h.start();
    h.advance(Duration::from_secs(180));
    let asked = pass_gates(&mut h);
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(
        gates(&asked),
        [Gate::Step, Gate::Plan, Gate::Production],
        "the decision, the plan, and eu-west-1 typed once"
    );
    assert!(
        asked[1].1.starts_with("6 changes in order on eu-west-1."),
        "{}",
        asked[1].1
    );

    assert!(
        matches!(&executed(&h)[0], Mutation::PromoteCnpg { object, instance: None, .. } if object.to_string() == "eu-west-1/database/orders-db")
    );
    let order: Vec<(String, i32)> = [
        ("order", 8),
        ("payment", 6),
        ("auth", 5),
        ("user", 4),
        ("api-gateway", 8),
    ]
    .iter()
    .map(|(n, r)| ((*n).to_owned(), *r))
    .collect();
    assert_eq!(
        scaled(&h),
        order,
        "database-bound services first, the gateway last"
    );
    let typed: Vec<&str> = h
        .audits_in(AuditPhase::Attempt)
        .iter()
        .map(|r| r.confirmations[1].as_str())
        .collect();
    assert_eq!(typed, ["eu-west-1"; 6]);
    assert_eq!(
        h.count(Kind::Identity),
        1,
        "who we are on eu-west-1 is asked once"
    );
    let p = probes(&h);
    assert!(matches!(&p[2], Probe::Writable { object } if object.name == "orders-db"));
    assert!(matches!(&p[9], Probe::RolloutComplete { object } if object.name == "api-gateway"));
    assert!(matches!(&p[10], Probe::Query { cluster, .. } if cluster == "eu-west-1"));
    assert_eq!(h.status(11), &done("0.004 (want < 0.01)"));

    // 3m deciding, then 30s until the error ratio is under 1%; read an hour later.
    let report = h.run.recovery(h.now + jiff::SignedDuration::from_hours(1));
    assert_eq!(report.elapsed, Duration::from_secs(210));
    assert_eq!(report.rto, Some(Duration::from_secs(15 * 60)));
    assert_eq!(report.data_at_risk, Some(Duration::from_secs(42)));
    assert_eq!(report.rpo, Some(Duration::from_secs(5 * 60)));
}
