//! Plan once, approve once: how many questions a run asks, and the one step asked again when
//! something changed after the approval (a new page on its cluster).

use super::fixtures::*;
use super::harness::{Harness, Kind};
use super::shipped::shipped_run;
use crate::runbook::engine::{Answer, Expect, Gate, RunResult};
use crate::runbook::spec::{Field, StepKind, TargetSpec, Template};
use std::time::Duration;

/// Answers every question with what passes it; the gates asked and the characters typed.
fn answer_all(h: &mut Harness) -> (Vec<Gate>, usize) {
    let (mut gates, mut typed) = (Vec::new(), 0);
    while let Some(prompt) = h.run.prompt().cloned() {
        if matches!(prompt.gate, Gate::Failure | Gate::OutcomeUnknown) {
            break;
        }
        gates.push(prompt.gate);
        match prompt.expect {
            Expect::Typed(text) => {
                typed += text.chars().count();
                h.answer(Answer::Typed(text));
            }
            _ => {
                h.answer(Answer::Yes);
            }
        }
    }
    (gates, typed)
}

#[test]
fn bad_deploy_from_its_alert_on_production_asks_the_plan_and_one_typed_cluster() {
    let mut h = shipped_run(
        "rollback-bad-deploy",
        &[("cluster", "prod"), ("deployment", "payment")],
    );
    // Started with `b` on the alert it fixes; that alert and the SLO it burns page on prod.
    let mut ctx = h.run.context().clone();
    ctx.alert = Some("HighErrorRate{service=\"payment\",severity=\"critical\"}".into());
    ctx.risk.insert(
        "prod".into(),
        risky(
            Some(0.04),
            &["HighErrorRate", "SLO payment-availability page tier"],
        ),
    );
    h.run = crate::runbook::engine::Run::new(
        std::sync::Arc::new(h.run.runbook().clone()),
        h.run.values().clone(),
        ctx,
    );
    h.script(Kind::Plan, planned(super::shipped::rollback_plan()));
    h.start();
    let (gates, typed) = answer_all(&mut h);
    assert_eq!(gates, [Gate::Plan, Gate::Production]);
    assert_eq!(typed, "prod".len(), "one typed target");
    assert_eq!(h.result(), Some(&RunResult::Completed));
}

/// Scales payment, asks the runbook's own question, then scales order to `order_to` (from
/// 4): the question lets the test change the world between the two changes.
fn two_scales_with_a_question_between(order_to: i32) -> Harness {
    let order = step(
        "scale-order",
        StepKind::Scale {
            target: TargetSpec {
                name: Field::Literal("order".to_owned()),
                ..payment()
            },
            replicas: Field::Literal(i64::from(order_to)),
            expect_replicas: None,
            target_utilisation: None,
            verify_timeout: Duration::from_secs(300),
        },
    );
    let question = step(
        "go-on",
        StepKind::Confirm {
            question: Template {
                text: "Payment is scaled. Go on with order?".into(),
            },
        },
    );
    let mut h = Harness::new(
        runbook("two scales", vec![scale(None), question, order]),
        &scale_values("staging", "8"),
        context(),
    );
    h.script(Kind::Plan, planned(scale_plan(4, 8)));
    h.script_plan("staging/shop/order", planned(scale_plan(4, order_to)));
    h
}

#[test]
fn a_page_that_appears_after_the_approval_asks_again_for_the_next_step_only() {
    let mut h = two_scales_with_a_question_between(2);
    h.start();
    assert_eq!(h.prompt().gate, Gate::Plan);
    assert!(
        h.prompt()
            .message
            .starts_with("2 changes in order on staging.")
    );
    h.answer(Answer::Yes);
    assert_eq!(
        h.prompt().gate,
        Gate::Step,
        "payment ran without a question"
    );
    assert_eq!(h.count(Kind::Execute), 1);

    let mut risk = h.run.context().risk.clone();
    risk.insert("staging".into(), risky(None, &["PostgresDown"]));
    h.run.set_risk(risk);
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Apply, "order is asked again");
    assert!(
        h.prompt()
            .message
            .starts_with("Changed since the plan was approved: new page on staging: PostgresDown"),
        "{}",
        h.prompt().message
    );
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Risk);
    h.answer(Answer::Yes);
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.count(Kind::Execute), 2);
}

#[test]
fn with_nothing_changed_the_second_step_asks_nothing() {
    let mut h = two_scales_with_a_question_between(2);
    h.start();
    let (gates, typed) = answer_all(&mut h);
    assert_eq!(
        gates,
        [Gate::Plan, Gate::Step],
        "the plan and the runbook's question"
    );
    assert_eq!(typed, 0);
    assert_eq!(h.result(), Some(&RunResult::Completed));
}

#[test]
fn a_page_that_appears_after_the_approval_does_not_stop_a_scale_up() {
    let mut h = two_scales_with_a_question_between(8);
    h.start();
    h.answer(Answer::Yes);
    assert_eq!(h.prompt().gate, Gate::Step);
    let mut risk = h.run.context().risk.clone();
    risk.insert("staging".into(), risky(None, &["HighErrorRate"]));
    h.run.set_risk(risk);
    h.answer(Answer::Yes);

    assert!(
        h.run.prompt().is_none(),
        "more capacity for the load that pages is not asked again: {:?}",
        h.run.prompt()
    );
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(h.count(Kind::Execute), 2);
}
