//! The quit guard: `q` and Ctrl-C quit at once unless a run has a change applied and not
//! verified (or is working); then they ask, y quits and n or Esc stays.

use super::tests::press;
use crate::action::Key;
use crate::effect::Effect;
use crate::fixture::runs::{at_first_gate, ops, outcome, plan, run_model};
use crate::model::Model;
use crate::runbook::op::{Executed, OpOutcome, OpRequest};
use crate::update::update;

/// A staging scale run approved, re-checked and executed: its change is being verified.
fn verifying(model: &mut Model) {
    let run = at_first_gate(model, "staging-eu-1", 6);
    let effects = press(model, "y");
    let (_, id, request) = ops(&effects).remove(0);
    assert!(matches!(request, OpRequest::Plan(_)), "{request:?}");
    let effects = update(
        model,
        outcome(run, id, OpOutcome::Plan(Ok(Box::new(plan(4, 6)))), 4),
    );
    let (_, id, request) = ops(&effects).remove(0);
    assert!(matches!(request, OpRequest::Execute { .. }), "{request:?}");
    let executed = Executed {
        resource_version: Some("9".into()),
        message: "scaled to 6".into(),
    };
    update(
        model,
        outcome(run, id, OpOutcome::Executed(Ok(executed)), 5),
    );
}

#[test]
fn quit_is_immediate_without_a_run() {
    let mut model = run_model();
    assert_eq!(
        update(&mut model, crate::fixture::key_msg(Key::Char('q'))),
        vec![Effect::Quit]
    );
}

#[test]
fn q_while_a_change_is_verifying_asks_and_n_stays_y_quits() {
    let mut model = run_model();
    verifying(&mut model);
    update(&mut model, crate::fixture::key_msg(Key::Esc));
    assert!(!model.runs.panel.visible);

    let effects = update(&mut model, crate::fixture::key_msg(Key::Char('q')));
    assert!(!effects.contains(&Effect::Quit), "asks first: {effects:?}");
    assert_eq!(
        model.runs.quit_question.as_deref(),
        Some("payment scale is verifying; quit anyway? the audit will show NO RESULT")
    );
    assert!(
        model.runs.panel.visible,
        "the question shows in the run panel"
    );
    assert!(
        update(&mut model, crate::fixture::key_msg(Key::Char('x'))).is_empty(),
        "other keys wait"
    );
    update(&mut model, crate::fixture::key_msg(Key::Char('n')));
    assert_eq!(model.runs.quit_question, None, "n stays");

    update(&mut model, crate::fixture::key_msg(Key::Ctrl('c')));
    assert!(
        model.runs.quit_question.is_some(),
        "Ctrl-C in the panel asks too"
    );
    update(&mut model, crate::fixture::key_msg(Key::Esc));
    assert_eq!(model.runs.quit_question, None, "Esc stays");

    update(&mut model, crate::fixture::key_msg(Key::Ctrl('c')));
    assert_eq!(
        update(&mut model, crate::fixture::key_msg(Key::Char('y'))),
        vec![Effect::Quit]
    );
}

#[test]
fn quit_at_a_question_with_nothing_applied_is_immediate() {
    let mut model = run_model();
    at_first_gate(&mut model, "staging-eu-1", 6);
    assert_eq!(
        update(&mut model, crate::fixture::key_msg(Key::Ctrl('c'))),
        vec![Effect::Quit],
        "the run waits for an answer: nothing is in flight"
    );
}
