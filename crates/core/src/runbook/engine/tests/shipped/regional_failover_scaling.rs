//! regional-failover as shipped, after the promotion: ap-southeast-1 re-pointed at the new
//! primary and verified by its lag, the seven scale steps in request-flow order
//! (database-bound services first, the gateway, then the off-path services), the scale back
//! a scale that does not roll out offers, the alert checks that keep a run with firing
//! error-rate or latency alerts from passing, and the recovery time and data at risk reported against
//! the 15m RTO and 5m RPO. The checks and the promotion are in `regional_failover`.

use std::time::Duration;

use super::super::fixtures::{observed, planned};
use super::super::harness::Kind;
use super::regional_failover::{
    FOLLOW, FOLLOWER, HEALTHY, NO_ALERTS_LEFT, SCALE_ORDER, SCALES, THIRD_REGION_QUIET, scripted,
};
use super::{
    UNDOABLE, choices, done, executed, failing, gates, pass_gates, probes, scale_of, scaled,
};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Gate, Recovery, RunResult, StepStatus};
use crate::runbook::resolved::{Comparison, Mutation, Probe};

#[test]
fn the_third_region_follows_the_new_primary_and_is_verified_by_its_lag() {
    let mut h = scripted(42);
    h.script(Kind::Probe, observed(true, "writable"))
        .script(Kind::Probe, observed(true, "writable"))
        .script(Kind::Probe, observed(true, "lag 3s (want < 1m)"));
    h.start();
    let asked = pass_gates(&mut h);
    assert!(
        asked[1].1.contains(
            "2. make cnpg-cluster/orders-db in ap-southeast-1/database stream from \
             orders-db-eu-west-1 (step 6: third-region-follows)\n   - replica mode: true \
             (source orders-db-us-east-1)\n   + replica mode: true (source orders-db-eu-west-1)"
        ),
        "{}",
        asked[1].1
    );
    assert!(
        matches!(&executed(&h)[1], Mutation::FollowCnpg { object, source }
            if object.to_string() == FOLLOWER && source == "orders-db-eu-west-1")
    );
    assert!(probes(&h).iter().any(|p| matches!(p,
        Probe::ReplicationLag { object, below } if object.to_string() == FOLLOWER
            && *below == Duration::from_secs(60))));
    assert_eq!(h.status(FOLLOW), &done("applied; lag 3s (want < 1m)"));
}

#[test]
fn an_order_scale_that_does_not_roll_out_is_scaled_back_through_the_guards() {
    let mut h = scripted(42);
    // Writable (twice: the promotion's verification and the wait), the third region's lag,
    // then order stuck at 5 of 8.
    h.script(Kind::Probe, observed(true, "orders-db-1 accepts writes"))
        .script(Kind::Probe, observed(true, "orders-db-1 accepts writes"))
        .script(Kind::Probe, observed(true, "lag 3s"))
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
    assert!(matches!(sent[1], Mutation::FollowCnpg { .. }));
    assert!(matches!(
        sent[3],
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
    let mut h = scripted(42);
    // Writable twice, the third region's lag, seven scales and the gateway's rollout.
    for _ in 0..11 {
        h.script(Kind::Probe, observed(true, "ok"));
    }
    h.script(Kind::Probe, observed(false, "0.034 (want < 0.01)"))
        .script(Kind::Probe, observed(false, "0.012 (want < 0.01)"))
        .script(Kind::Probe, observed(true, "0.004 (want < 0.01)"))
        .script(Kind::Probe, observed(true, "0 (want < 1)"));
    h.start();
    h.advance(Duration::from_secs(180));
    let asked = pass_gates(&mut h);
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(
        gates(&asked),
        [Gate::Step, Gate::Plan, Gate::Production, Gate::Production],
        "the decision, the plan, and each region typed once"
    );
    assert!(
        matches!(&executed(&h)[0], Mutation::PromoteCnpg { object, instance: None, .. } if object.to_string() == "eu-west-1/database/orders-db")
    );
    let order: Vec<(String, i32)> = SCALES
        .iter()
        .map(|(n, _, to)| ((*n).to_owned(), *to))
        .collect();
    assert_eq!(
        scaled(&h),
        order,
        "database-bound services first, then the gateway, then the off-path services"
    );
    let typed: Vec<&str> = h
        .audits_in(AuditPhase::Attempt)
        .iter()
        .map(|r| r.confirmations[1].as_str())
        .collect();
    assert_eq!(
        typed,
        [
            "eu-west-1",
            "ap-southeast-1",
            "eu-west-1",
            "eu-west-1",
            "eu-west-1",
            "eu-west-1",
            "eu-west-1",
            "eu-west-1",
            "eu-west-1"
        ]
    );
    assert_eq!(
        h.count(Kind::Identity),
        2,
        "who we are is asked once per region changed"
    );
    let p = probes(&h);
    assert!(matches!(&p[2], Probe::Writable { object } if object.name == "orders-db"));
    assert!(matches!(&p[12], Probe::RolloutComplete { object } if object.name == "api-gateway"));
    assert!(matches!(&p[13], Probe::Query { cluster, .. } if cluster == "eu-west-1"));
    assert_eq!(h.status(HEALTHY), &done("0.004 (want < 0.01)"));
    assert_eq!(h.status(NO_ALERTS_LEFT), &done("0 (want < 1)"));
    assert_eq!(h.status(THIRD_REGION_QUIET), &done("0 (want < 1)"));

    // 3m deciding, then 30s until the error ratio is under 1%; read an hour later.
    let report = h.run.recovery(h.now + jiff::SignedDuration::from_hours(1));
    assert_eq!(report.elapsed, Duration::from_secs(210));
    assert_eq!(report.rto, Some(Duration::from_secs(15 * 60)));
    assert_eq!(report.data_at_risk, Some(Duration::from_secs(42)));
    assert_eq!(report.rpo, Some(Duration::from_secs(5 * 60)));
}

#[test]
fn error_rate_alerts_still_firing_keep_the_run_from_passing() {
    let mut h = scripted(42);
    for _ in 0..11 {
        h.script(Kind::Probe, observed(true, "ok"));
    }
    h.script(Kind::Probe, observed(true, "0.004 (want < 0.01)"))
        .script(Kind::Probe, observed(false, "2 (want < 1)"));
    h.start();
    pass_gates(&mut h);
    assert_eq!(h.status(HEALTHY), &done("0.004 (want < 0.01)"));
    assert_eq!(
        h.status(NO_ALERTS_LEFT),
        &failing("timed out after 10m: 2 (want < 1)")
    );
    assert_ne!(
        h.result(),
        Some(&RunResult::Completed),
        "a low error ratio with firing alerts is not healthy"
    );
    let Probe::Query {
        cluster, query, op, ..
    } = &probes(&h)[15]
    else {
        panic!("{:?}", probes(&h));
    };
    assert_eq!(
        (cluster.as_str(), *op),
        ("eu-west-1", Comparison::Lt),
        "{query}"
    );
    assert!(
        query.starts_with(
            "count(ALERTS{alertstate=\"firing\",cluster=\"eu-west-1\",namespace=\"shop\",alertname=~\"HighErrorRate|HighResponseTime\"}"
        ),
        "every service of the namespace, on or off the request path: {query}"
    );
}
