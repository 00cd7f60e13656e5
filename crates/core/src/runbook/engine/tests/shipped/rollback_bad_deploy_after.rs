//! rollback-bad-deploy as shipped, after the rollback is sent: a rollout that does not
//! complete can be rolled back to the revision it replaced (through the same guards), an
//! unanswered rollback is re-read and never sent again, and errors that stay high time the
//! final wait out. The checks, the diff and the gates are in `rollback_bad_deploy`.

use super::super::fixtures::{observed, planned};
use super::super::harness::Kind;
use super::rollback_bad_deploy::{ROLL_BACK, rollback_plan, run};
use super::{
    CONDITION, UNDOABLE, UNKNOWN, choices, executed, failing, pass_gates, planned_mutations,
    unanswered,
};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Answer, Gate, Recovery, RunResult, StepStatus};
use crate::runbook::resolved::Mutation;

#[test]
fn a_rollout_that_does_not_complete_offers_rolling_back_to_the_replaced_revision() {
    let mut h = run("prod");
    h.script(Kind::Plan, planned(rollback_plan()));
    h.script(Kind::Probe, observed(true, "5xx ratio 0.082 (want > 0.01)"))
        .script(Kind::Probe, observed(false, "1/4 updated"));
    h.start();
    pass_gates(&mut h);
    assert_eq!(
        h.status(ROLL_BACK),
        &failing("verification timed out after 5m: 1/4 updated")
    );
    assert_eq!(choices(&h), UNDOABLE);

    let mut back = rollback_plan();
    back.before.lines[1] = "image payment: payment:1.4.2".into();
    back.before.lines[2] = "revision: 8".into();
    back.after.lines = rollback_plan().before.lines;
    back.diff = crate::runbook::op::diff::diff(&back.before.lines, &back.after.lines);
    h.reset(Kind::Plan).script(Kind::Plan, planned(back));
    h.reset(Kind::Probe);
    h.answer(Answer::Recover(Recovery::RollBack));
    assert!(matches!(
        planned_mutations(&h).last(),
        Some(Mutation::Rollback {
            revision: Some(7),
            ..
        })
    ));
    assert_eq!(
        h.count(Kind::Access),
        2,
        "the roll back checks permission again"
    );
    assert_eq!(h.count(Kind::Execute), 1);
    let asked = pass_gates(&mut h);
    assert_eq!(
        asked[0].1,
        "Apply: roll back deployment/payment in prod/shop to revision 7?\n\
         - image payment: payment:1.4.2\n- revision: 8\n+ image payment: payment:1.5.0\n+ revision: 7"
    );
    assert_eq!(super::gates(&asked), [Gate::Apply, Gate::Production]);

    assert_eq!(executed(&h).len(), 2);
    let Some(RunResult::Failed {
        step: ROLL_BACK,
        reason,
    }) = h.result()
    else {
        panic!("{:?}", h.result());
    };
    assert_eq!(
        reason,
        "rolled back (applied; holds) after: verification timed out after 5m: 1/4 updated"
    );
    assert_eq!(
        h.status(3),
        &StepStatus::Pending,
        "the error wait never ran"
    );
    let ids: Vec<&str> = h
        .audits_in(AuditPhase::Attempt)
        .iter()
        .map(|r| r.action_id.as_str())
        .collect();
    assert_eq!(ids, ["run7-2-1", "run7-2-2"]);
    assert_eq!(
        h.audits_in(AuditPhase::Attempt)[0].confirmations,
        ["yes", "prod"],
        "the plan approved and prod typed once"
    );
    assert_eq!(
        h.audits_in(AuditPhase::Attempt)[1].confirmations,
        ["yes", "prod"],
        "the roll back asked on its own"
    );
}

#[test]
fn an_unanswered_rollback_is_re_read_and_never_sent_again() {
    let mut h = run("staging");
    h.script(Kind::Plan, planned(rollback_plan()));
    unanswered(
        &mut h,
        "no answer from staging within 30s",
        &["image payment: payment:1.4.2", "revision: 8"],
    );
    h.start();
    h.answer(Answer::Yes);

    let unknown = "outcome unknown, verify: now image payment: payment:1.4.2; revision: 8";
    assert_eq!(h.status(ROLL_BACK), &StepStatus::Unknown(unknown.into()));
    assert_eq!(h.prompt().gate, Gate::OutcomeUnknown);
    assert!(
        h.prompt().message.starts_with(&format!("{unknown}\n")),
        "{}",
        h.prompt().message
    );
    assert_eq!(choices(&h), UNKNOWN);
    assert_eq!(
        h.audits_in(AuditPhase::Result)[0].result,
        "unknown: no answer from staging within 30s"
    );

    h.answer(Answer::Recover(Recovery::Retry));
    assert_eq!(
        h.prompt().gate,
        Gate::OutcomeUnknown,
        "retry is not offered"
    );
    h.answer(Answer::Recover(Recovery::Verify));
    assert_eq!((h.count(Kind::Read), h.count(Kind::Execute)), (2, 1));
    h.answer(Answer::Recover(Recovery::Continue));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.count(Kind::Execute), 1, "never sent twice");
    assert_eq!(h.count(Kind::Plan), 2, "the plan and its re-check");
}

#[test]
fn errors_that_stay_high_after_the_rollback_time_out_after_ten_minutes() {
    let mut h = run("staging");
    h.script(Kind::Plan, planned(rollback_plan()));
    h.script(Kind::Probe, observed(true, "5xx ratio 0.082 (want > 0.01)"))
        .script(Kind::Probe, observed(true, "4/4 updated and ready"))
        .script(
            Kind::Probe,
            observed(false, "5xx ratio 0.071 (want < 0.01)"),
        );
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(
        h.status(3),
        &failing("timed out after 10m: 5xx ratio 0.071 (want < 0.01)")
    );
    assert_eq!(
        h.count(Kind::Probe),
        2 + 41,
        "the wait polls every 15s for 10m"
    );
    assert!(matches!(h.status(ROLL_BACK), StepStatus::Done(_)));
    assert_eq!(choices(&h), CONDITION);
}
