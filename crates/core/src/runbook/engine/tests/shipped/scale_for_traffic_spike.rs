//! scale-for-traffic-spike as shipped: the latency and database-headroom checks gate the
//! scale, the replica diff is shown before it is applied, production and large changes ask
//! more, a scale that does not roll out can be scaled back, and an unanswered scale is
//! re-read, never sent again.

use super::super::fixtures::{observed, planned};
use super::super::harness::{Harness, Kind};
use super::{
    UNDOABLE, UNKNOWN, choices, done, executed, failed, failing, gates, kinds, pass_gates, probes,
    scale_of, shipped_run, stopped, unanswered,
};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Expect, Gate, Recovery, RunResult, StepStatus};
use crate::runbook::resolved::{Comparison, Mutation, Probe};

const ID: &str = "scale-for-traffic-spike";
/// Steps: latency-is-high, database-headroom, scale-out, pods-ready, latency-recovers,
/// follow-up.
const SCALE: usize = 2;

/// The scale step sizes itself for the load: ops' plan says `to`.
fn run(cluster: &str, from: i32, to: i32) -> Harness {
    let mut h = shipped_run(ID, &[("cluster", cluster), ("deployment", "payment")]);
    h.script(Kind::Plan, planned(scale_of("payment", from, to)));
    h.script(Kind::Probe, observed(true, "p95 0.84s (want > 0.5)"))
        .script(Kind::Probe, observed(true, "0.62 (want < 0.9)"));
    h
}

#[test]
fn the_full_run_checks_latency_and_headroom_scales_and_waits_for_pods_and_latency() {
    let mut h = run("staging", 4, 8);
    h.script(Kind::Probe, observed(true, "8/8 updated and ready"))
        .script(Kind::Probe, observed(true, "8/8 updated and ready"))
        .script(Kind::Probe, observed(true, "p95 0.21s (want < 0.5)"));
    h.start();
    assert_eq!(gates(&pass_gates(&mut h)), [Gate::Plan]);
    assert_eq!(h.result(), Some(&RunResult::Completed));

    assert_eq!(
        kinds(&h),
        "Probe Probe Identity Access Plan Plan Execute Probe Probe Probe"
    );
    let p = probes(&h);
    assert!(
        matches!(&p[0], Probe::Query { op: Comparison::Gt, threshold, query, .. }
        if *threshold == 0.5 && query.starts_with("histogram_quantile(0.95,") && query.contains("[5m]"))
    );
    assert!(
        matches!(&p[2], Probe::RolloutComplete { object } if object.to_string() == "staging/shop/payment")
    );
    assert!(matches!(&p[3], Probe::RolloutComplete { object } if object.name == "payment"));
    assert!(
        matches!(&p[4], Probe::Query { op: Comparison::Lt, query, .. }
        if query.starts_with("histogram_quantile(0.99,") && query.contains("[1m]"))
    );
    assert!(matches!(
        &executed(&h)[..],
        [Mutation::Scale {
            replicas: 8,
            expect_replicas: None,
            ..
        }]
    ));
    assert_eq!(h.status(SCALE), &done("applied; 8/8 updated and ready"));
    assert_eq!(h.status(3), &done("8/8 updated and ready"));
    assert!(
        matches!(h.status(5), StepStatus::Done(t) if t.starts_with("payment runs the replicas computed above on staging."))
    );
}

#[test]
fn a_database_near_its_connection_limit_stops_the_run_before_scaling() {
    let mut h = run("staging", 4, 8);
    h.reset(Kind::Probe)
        .script(Kind::Probe, observed(true, "p95 0.84s (want > 0.5)"))
        .script(Kind::Probe, observed(false, "0.93 (want < 0.9)"));
    h.start();
    assert_eq!(h.status(0), &done("p95 0.84s (want > 0.5)"));
    assert_eq!(h.status(1), &failing("0.93 (want < 0.9)"));
    assert_eq!(
        h.prompt().message,
        "0.93 (want < 0.9)\nRetry, continue anyway, or stop the run?"
    );
    let Probe::Query {
        cluster,
        query,
        op,
        threshold,
    } = &probes(&h)[1]
    else {
        panic!("{:?}", probes(&h));
    };
    assert_eq!(
        (cluster.as_str(), *op, *threshold),
        ("staging", Comparison::Lt, 0.9)
    );
    assert!(
        query.contains("pg_stat_database_numbackends{cluster=\"staging\",namespace=\"database\"}"),
        "{query}"
    );
    h.answer(Answer::Recover(Recovery::Stop));
    assert_eq!(h.result(), Some(&failed(1, "0.93 (want < 0.9)")));
    assert_eq!(
        (
            h.count(Kind::Identity),
            h.count(Kind::Plan),
            h.count(Kind::Execute)
        ),
        (0, 0, 0)
    );
    assert_eq!(h.status(SCALE), &StepStatus::Pending);
}

#[test]
fn already_at_the_replicas_asked_the_scale_is_done_and_the_run_goes_on() {
    let mut h = run("prod", 8, 8);
    h.start();
    assert_eq!(
        h.status(SCALE),
        &StepStatus::Done(
            "already in the wanted state: scale deployment/payment in prod/shop from 8 to 8 \
             replicas changes nothing"
                .into()
        )
    );
    assert_eq!(h.result(), Some(&RunResult::Completed), "nothing was asked");
    assert_eq!(h.count(Kind::Execute), 0);
    assert!(h.audits().is_empty());
}

#[test]
fn the_replica_diff_is_shown_in_the_plan() {
    let mut h = run("staging", 4, 8);
    h.start();
    assert_eq!(h.prompt().gate, Gate::Plan);
    assert!(
        h.prompt().message.contains(
            "1. scale deployment/payment in staging/shop from 4 to 8 replicas (step 3: \
             scale-out)\n   - replicas: 4\n   + replicas: 8\nApprove the plan?"
        ),
        "{}",
        h.prompt().message
    );
    assert_eq!(h.run.steps()[SCALE].diff, scale_of("payment", 4, 8).diff);
    assert_eq!(h.count(Kind::Execute), 0);
    assert!(h.audits().is_empty());
}

#[test]
fn on_production_wrong_targets_ask_again_and_no_stops_with_a_refused_record() {
    let mut h = run("prod", 4, 8);
    h.start();
    h.answer(Answer::Yes);
    let question = "prod is a production cluster and the plan changes it in 1 step. Type prod \
                    to approve them, or answer no.";
    assert_eq!(h.prompt().message, question);
    h.answer(Answer::Typed("prod/shop/paymnet".into()));
    assert_eq!(
        h.prompt().message,
        format!("\"prod/shop/paymnet\" does not match: type prod. {question}")
    );
    h.answer(Answer::Typed("prdo".into()));
    assert_eq!(
        h.prompt().message,
        format!("\"prdo\" does not match: type prod. {question}"),
        "only the last mismatch is shown"
    );
    assert_eq!(h.prompt().expect, Expect::Typed("prod".into()));
    h.answer(Answer::No);
    assert_eq!(
        h.result(),
        Some(&stopped(SCALE, "declined at the production confirmation"))
    );
    assert_eq!(h.count(Kind::Execute), 0);
    let refused = h.audits_in(AuditPhase::Refused);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].confirmations, ["yes"]);
}

#[test]
fn more_than_doubling_is_marked_once_in_the_plan_and_no_to_the_typed_cluster_stops() {
    let mut h = run("prod", 4, 12);
    h.start();
    assert_eq!(h.prompt().gate, Gate::Plan);
    let plan = h.prompt().message.clone();
    assert!(
        plan.contains("⚠ Large change: scale up prod/shop/payment from 4 to 12 replicas"),
        "{plan}"
    );
    assert!(!plan.contains("Large change: Large change"), "{plan}");
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Production);
    h.answer(Answer::No);
    assert_eq!(
        h.result(),
        Some(&stopped(SCALE, "declined at the production confirmation"))
    );
    assert_eq!(h.count(Kind::Execute), 0);
    assert_eq!(h.audits_in(AuditPhase::Refused)[0].confirmations, ["yes"]);
}

/// Runs to the scale's verification timing out on prod.
fn timed_out() -> Harness {
    let mut h = run("prod", 4, 8);
    h.script(Kind::Probe, observed(false, "3/8 ready"));
    h.start();
    pass_gates(&mut h);
    assert_eq!(
        h.status(SCALE),
        &failing("verification timed out after 5m: 3/8 ready")
    );
    assert_eq!(choices(&h), UNDOABLE);
    h.reset(Kind::Plan)
        .script(Kind::Plan, planned(scale_of("payment", 8, 4)));
    h.reset(Kind::Probe);
    h.answer(Answer::Recover(Recovery::RollBack));
    h
}

#[test]
fn a_scale_that_does_not_roll_out_is_scaled_back_through_the_same_guards() {
    let mut h = timed_out();
    let asked = pass_gates(&mut h);
    assert_eq!(gates(&asked), [Gate::Apply, Gate::Production]);
    assert!(
        asked[0]
            .1
            .starts_with("Apply: scale deployment/payment in prod/shop from 8 to 4 replicas?")
    );
    assert_eq!(h.count(Kind::Access), 2);
    assert!(matches!(
        &executed(&h)[..],
        [
            Mutation::Scale {
                replicas: 8,
                expect_replicas: None,
                ..
            },
            Mutation::Scale {
                replicas: 4,
                expect_replicas: Some(8),
                ..
            }
        ]
    ));
    assert_eq!(
        h.result(),
        Some(&RunResult::Failed {
            step: SCALE,
            reason:
                "rolled back (applied; holds) after: verification timed out after 5m: 3/8 ready"
                    .into()
        })
    );
    assert_eq!(h.status(3), &StepStatus::Pending);
}

#[test]
fn declining_the_roll_back_keeps_the_step_failed_not_skipped() {
    let mut h = timed_out();
    assert_eq!(h.prompt().gate, Gate::Apply);
    h.answer(Answer::No);
    let reason = "roll back declined at the apply confirmation after: verification timed out \
                  after 5m: 3/8 ready";
    assert_eq!(
        h.status(SCALE),
        &StepStatus::Failed(reason.into()),
        "the scale to 8 is in place"
    );
    assert_eq!(h.result(), Some(&stopped(SCALE, reason)));
    assert_eq!(h.count(Kind::Execute), 1);
    let refused = h.audits_in(AuditPhase::Refused);
    assert_eq!(
        refused[0].result,
        "refused: declined at the apply confirmation"
    );
    assert_eq!(refused[0].action_id, "run7-2-2");
}

#[test]
fn an_unanswered_scale_is_re_read_and_never_sent_again() {
    let mut h = run("staging", 4, 8);
    unanswered(
        &mut h,
        "timed out after 30s",
        &["replicas: 8", "ready: 5/8"],
    );
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(
        h.status(SCALE),
        &StepStatus::Unknown("outcome unknown, verify: now replicas: 8; ready: 5/8".into())
    );
    assert_eq!(h.prompt().gate, Gate::OutcomeUnknown);
    assert_eq!(choices(&h), UNKNOWN);
    h.answer(Answer::Recover(Recovery::Stop));
    assert_eq!(
        h.result(),
        Some(&failed(
            SCALE,
            "outcome unknown, verify: now replicas: 8; ready: 5/8"
        ))
    );
    assert_eq!(h.count(Kind::Execute), 1);
    let results: Vec<&str> = h.audits().iter().map(|r| r.result.as_str()).collect();
    assert_eq!(results, ["started", "unknown: timed out after 30s"]);
}
