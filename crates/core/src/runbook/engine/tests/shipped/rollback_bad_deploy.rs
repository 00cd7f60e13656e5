//! rollback-bad-deploy as shipped, up to the rollback being sent: the full run, the 5xx
//! check that gates the rollback, a refused plan, the diff and revision history shown before
//! the apply gate, and the typed target on production. What follows the send is in
//! `rollback_bad_deploy_after`.

use super::super::fixtures::{observed, planned};
use super::super::harness::{Harness, Kind};
use super::{
    CONDITION, RETRY_OR_STOP, choices, done, failed, failing, gates, kinds, pass_gates, plan_of,
    planned_mutations, probes, shipped_run, stopped,
};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Expect, Gate, Recovery, RunResult, StepStatus};
use crate::runbook::op::PlanReport;
use crate::runbook::resolved::{Comparison, Mutation, Probe};

const ID: &str = "rollback-bad-deploy";
/// Steps: errors-are-high, read-history, roll-back, errors-recover, follow-up.
pub(super) const ROLL_BACK: usize = 2;

pub(super) fn run(cluster: &str) -> Harness {
    shipped_run(ID, &[("cluster", cluster), ("deployment", "payment")])
}

/// Revision 7 (payment:1.5.0) rolled back to the template of revision 6 (payment:1.4.2).
pub(crate) fn rollback_plan() -> PlanReport {
    let mut plan = plan_of(
        &[
            "replicas: 4",
            "image payment: payment:1.5.0",
            "revision: 7",
            "paused: false",
        ],
        &[
            "replicas: 4",
            "image payment: payment:1.4.2",
            "revision: 7",
            "paused: false",
        ],
    );
    plan.current_replicas = Some(4);
    plan.notes = vec![
        "revision 7 (current): payment:1.5.0".into(),
        "revision 6 (rolls back to): payment:1.4.2".into(),
    ];
    plan
}

const PLAN: &str = "1 change in order on staging. Approve once; a step is asked again only if \
                    its target changes before it runs.\n1. roll back deployment/payment in \
                    staging/shop to the previous revision (step 3: roll-back)\n   - image \
                    payment: payment:1.5.0\n   + image payment: payment:1.4.2\nApprove the plan?";

#[test]
fn the_full_run_checks_the_errors_rolls_back_and_waits_for_them_to_fall() {
    let mut h = run("staging");
    h.script(Kind::Plan, planned(rollback_plan()));
    h.script(Kind::Probe, observed(true, "5xx ratio 0.082 (want > 0.01)"))
        .script(Kind::Probe, observed(true, "4/4 updated and ready"))
        .script(Kind::Probe, observed(true, "5xx ratio 0.003 (want < 0.01)"));
    h.start();
    assert_eq!(
        gates(&pass_gates(&mut h)),
        [Gate::Plan],
        "one approval on staging"
    );
    assert_eq!(h.result(), Some(&RunResult::Completed));

    assert_eq!(
        kinds(&h),
        "Probe Identity Access Plan Plan Execute Probe Probe",
        "planned, approved, re-checked, executed"
    );
    let p = probes(&h);
    let Probe::Query {
        cluster,
        query,
        op,
        threshold,
    } = &p[0]
    else {
        panic!("{p:?}");
    };
    assert_eq!(
        (cluster.as_str(), *op, *threshold),
        ("staging", Comparison::Gt, 0.01)
    );
    assert!(
        query.starts_with("sum(rate(http_requests_total{cluster=\"staging\",namespace=\"shop\",service=\"payment\",status=~\"5..\"}[5m]))"),
        "{query}"
    );
    assert!(
        matches!(&p[1], Probe::RolloutComplete { object } if object.to_string() == "staging/shop/payment")
    );
    assert!(
        matches!(&p[2], Probe::Query { op: Comparison::Lt, threshold, query, .. }
        if *threshold == 0.01 && query.contains("[1m]"))
    );

    assert_eq!(h.status(0), &done("5xx ratio 0.082 (want > 0.01)"));
    assert_eq!(
        h.status(1),
        &StepStatus::Done(
            "Read the revision history of payment in shop on staging: the errors should start \
             with the newest revision. If they started earlier, stop here."
                .into()
        )
    );
    assert_eq!(h.status(ROLL_BACK), &done("applied; 4/4 updated and ready"));
    assert_eq!(h.status(3), &done("5xx ratio 0.003 (want < 0.01)"));
    assert!(
        matches!(h.status(4), StepStatus::Done(t) if t.starts_with("payment is rolled back on staging."))
    );
    let results: Vec<&str> = h.audits().iter().map(|r| r.result.as_str()).collect();
    assert_eq!(results, ["started", "ok"]);
    assert_eq!(h.audits()[0].verb, "rollback");
    assert_eq!(h.audits()[0].step, "roll-back");
}

#[test]
fn errors_already_below_the_threshold_stop_the_run_before_anything_changes() {
    let mut h = run("staging");
    h.script(
        Kind::Probe,
        observed(false, "5xx ratio 0.004 (want > 0.01)"),
    );
    h.start();
    assert_eq!(h.status(0), &failing("5xx ratio 0.004 (want > 0.01)"));
    assert_eq!(h.prompt().gate, Gate::Failure);
    assert_eq!(choices(&h), CONDITION);
    h.answer(Answer::Recover(Recovery::Stop));
    assert_eq!(
        h.result(),
        Some(&failed(0, "5xx ratio 0.004 (want > 0.01)"))
    );
    assert_eq!(
        h.requests().len(),
        1,
        "only the check's probe: {:?}",
        h.requests()
    );
    assert_eq!(h.count(Kind::Execute), 0);
    assert_eq!(h.status(ROLL_BACK), &StepStatus::Pending);
    assert!(h.audits().is_empty());
}

#[test]
fn a_deployment_without_an_earlier_revision_is_refused_without_executing() {
    let mut h = run("staging");
    let mut plan = rollback_plan();
    plan.diff = crate::runbook::op::diff::diff(&plan.before.lines, &plan.before.lines);
    plan.refusal =
        Some("deployment payment in staging/shop: no earlier revision to roll back to".into());
    h.script(Kind::Plan, planned(plan));
    h.start();
    let reason = "deployment payment in staging/shop: no earlier revision to roll back to";
    assert_eq!(h.status(ROLL_BACK), &StepStatus::Failed(reason.into()));
    assert_eq!(choices(&h), RETRY_OR_STOP);
    assert_eq!(h.count(Kind::Execute), 0);
    let refused = h.audits_in(AuditPhase::Refused);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].result, format!("refused: {reason}"));
    assert!(h.audits_in(AuditPhase::Attempt).is_empty());
}

#[test]
fn the_rollback_diff_and_revision_history_are_shown_in_the_plan_before_anything_changes() {
    let mut h = run("staging");
    h.script(Kind::Plan, planned(rollback_plan()));
    h.start();
    assert_eq!(h.prompt().gate, Gate::Plan);
    assert_eq!(h.prompt().message, PLAN);
    assert_eq!(h.run.steps()[ROLL_BACK].diff, rollback_plan().diff);
    let log = &h.run.steps()[ROLL_BACK].log;
    assert!(
        log.contains(&"revision 6 (rolls back to): payment:1.4.2".to_owned()),
        "{log:?}"
    );
    assert_eq!(h.status(ROLL_BACK), &StepStatus::Asking);
    let planned = planned_mutations(&h);
    assert!(
        matches!(&planned[..], [Mutation::Rollback { object, revision: None }]
            if object.to_string() == "staging/shop/payment"),
        "to the previous revision: {planned:?}"
    );
    assert_eq!(
        h.count(Kind::Execute),
        0,
        "nothing is applied before the answer"
    );
    assert!(h.audits().is_empty());
}

#[test]
fn on_production_a_wrong_target_asks_again_and_no_stops_with_a_refused_record() {
    let mut h = run("prod");
    h.script(Kind::Plan, planned(rollback_plan()));
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Production);
    assert_eq!(h.prompt().expect, Expect::Typed("prod".into()));
    h.answer(Answer::Typed("staging/shop/payment".into()));
    assert_eq!(h.prompt().gate, Gate::Production);
    assert_eq!(
        h.prompt().message,
        "\"staging/shop/payment\" does not match: type prod. prod is a production cluster and \
         the plan changes it in 1 step. Type prod to approve them, or answer no."
    );
    h.answer(Answer::No);

    let reason = "declined at the production confirmation";
    assert_eq!(h.result(), Some(&stopped(ROLL_BACK, reason)));
    assert_eq!(
        h.status(ROLL_BACK),
        &StepStatus::Skipped(format!("not applied: {reason}"))
    );
    assert_eq!(h.status(3), &StepStatus::Pending);
    assert_eq!(h.count(Kind::Execute), 0);
    let refused = h.audits_in(AuditPhase::Refused);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].result, format!("refused: {reason}"));
    assert_eq!(refused[0].confirmations, ["yes"]);
    assert_eq!(
        (refused[0].cluster.as_str(), refused[0].object.as_str()),
        ("prod", "deployment/payment")
    );
}
