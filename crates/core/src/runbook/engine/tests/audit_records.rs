//! What the audit lines of a run say: every field, the diff digest, and who acted when the
//! identity is unknown.

use super::fixtures::*;
use super::harness::{Harness, Kind};
use crate::runbook::audit::{AuditPhase, Who};
use crate::runbook::engine::{Answer, RunResult};
use crate::runbook::op::{OpError, OpOutcome};

#[test]
fn attempt_and_result_records_carry_every_field() {
    let mut h = Harness::new(
        runbook("scale-for-traffic-spike", vec![scale(Some(4))]),
        &scale_values("prod", "8"),
        context(),
    );
    h.script(Kind::Plan, planned(scale_plan(4, 8)));
    h.start();
    h.answer(Answer::Yes);
    h.answer(Answer::Typed("prod/shop/payment".into()));
    assert_eq!(h.result(), Some(&RunResult::Completed));

    let attempt = h.audits_in(AuditPhase::Attempt)[0].clone();
    assert_eq!(attempt.action_id, "run7-0-1");
    assert_eq!(attempt.at, "2025-03-01T12:00:00Z");
    assert_eq!(
        attempt.who,
        Who {
            kubernetes: Some("alice (groups: sre)".into()),
            os_user: "ops".into()
        }
    );
    assert_eq!(attempt.cluster, "prod");
    assert_eq!(attempt.context, "prod-admin");
    assert_eq!(attempt.namespace, "shop");
    assert_eq!(attempt.object, "deployment/payment");
    assert_eq!(attempt.verb, "scale");
    assert_eq!(attempt.runbook, "scale-for-traffic-spike");
    assert_eq!(attempt.step, "scale-up");
    assert_eq!(
        attempt.params.get("replicas").map(String::as_str),
        Some("8")
    );
    assert_eq!(attempt.params.len(), 3);
    assert_eq!(
        attempt.diff_digest.as_deref(),
        Some("146eb7cd1d8f8a93a616c8780bec1f8a00b2d9185511a7379ed517e07519bab4")
    );
    assert_eq!(attempt.confirmations, ["yes", "prod/shop/payment"]);
    assert_eq!(attempt.result, "started");
    assert_eq!(attempt.resource_version_before.as_deref(), Some("41"));
    assert_eq!(attempt.resource_version_after, None);
    assert_eq!(
        attempt.alert.as_deref(),
        Some("HighErrorRate{service=\"payment\"}")
    );
    assert!(!attempt.dry_run);

    let result = h.audits_in(AuditPhase::Result)[0].clone();
    assert_eq!(result.action_id, attempt.action_id);
    assert_eq!(result.result, "ok");
    assert_eq!(result.resource_version_after.as_deref(), Some("502"));
    assert_eq!(result.diff_digest, attempt.diff_digest);
}

#[test]
fn an_unknown_identity_is_logged_and_the_run_goes_on() {
    let mut h = Harness::new(
        runbook("scale", vec![scale(None)]),
        &scale_values("staging", "6"),
        context(),
    );
    h.script(Kind::Plan, planned(scale_plan(4, 6)));
    h.script(
        Kind::Identity,
        OpOutcome::Identity(Err(OpError::new("SelfSubjectReview is not served (404)"))),
    );
    h.start();
    h.answer(Answer::Typed("--yes".into()));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    let attempt = h.audits_in(AuditPhase::Attempt)[0].clone();
    assert_eq!(attempt.who.kubernetes, None);
    assert_eq!(attempt.who.os_user, "ops");
    assert_eq!(
        attempt.confirmations,
        ["--yes"],
        "the headless flag is recorded as given"
    );
    assert!(
        h.run.steps()[0]
            .log
            .iter()
            .any(|l| l.contains("SelfSubjectReview is not served"))
    );
}
