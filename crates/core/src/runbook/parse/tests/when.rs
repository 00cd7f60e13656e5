//! Branching keys: a check's `on_fail`, any step's `when` naming earlier check or wait steps,
//! and a note's `outcome`; each problem named at its file line.

use super::*;
use crate::runbook::spec::{OnFail, When};

const CHECK: &str = "```step\nid: errors\nkind: check\non_fail: continue\ncluster: a\nquery: sum(x)\nbelow: 1\n```\n";

fn note_when(when: &str) -> String {
    format!("```step\nkind: note\nwhen: {when}\noutcome: true\ntext: aborted\n```\n")
}

#[test]
fn when_on_fail_and_outcome_are_read() {
    let text = with_steps(&format!(
        "{CHECK}\n{}\n{}",
        note_when("{ failed_any: [errors] }"),
        note_when("{ passed: [errors] }")
    ));
    let rb = parse(&text).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(rb.steps[0].on_fail, OnFail::Continue);
    assert_eq!(rb.steps[0].when, None);
    assert_eq!(
        rb.steps[1].when,
        Some(When::FailedAny(vec!["errors".into()]))
    );
    assert_eq!(rb.steps[2].when, Some(When::Passed(vec!["errors".into()])));
    assert!(matches!(
        rb.steps[1].kind,
        StepKind::Note { outcome: true, .. }
    ));
    let plain = parse(&with_steps("```step\nkind: note\ntext: x\n```\n"));
    let plain = plain.unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(plain.steps[0].on_fail, OnFail::Ask);
    assert!(matches!(
        plain.steps[0].kind,
        StepKind::Note { outcome: false, .. }
    ));
}

#[test]
fn when_names_only_earlier_check_or_wait_steps() {
    // A later step.
    let text = with_steps(&format!("{}\n{CHECK}", note_when("{ passed: [errors] }")));
    assert_eq!(
        one_error(&text),
        format!(
            "runbooks/t.md:{}:18: steps[1] (note).when.passed[0]: no check or wait step above \
             this one has the id `errors`; `when` names earlier steps (there is none)",
            FRONT_LINES + 3
        )
    );
    // An unknown id, with the ids there are.
    let text = with_steps(&format!(
        "{CHECK}\n{}",
        note_when("{ failed_any: [erors] }")
    ));
    assert_eq!(
        one_error(&text),
        format!(
            "runbooks/t.md:{}:22: steps[2] (note).when.failed_any[0]: no check or wait step \
             above this one has the id `erors`; `when` names earlier steps (those above: errors)",
            FRONT_LINES + 12
        )
    );
    // A step that gives no verdict.
    let text = with_steps(&format!(
        "```step\nid: hello\nkind: note\ntext: x\n```\n\n{}",
        note_when("{ passed: [hello] }")
    ));
    let e = one_error(&text);
    assert!(
        e.ends_with(
            "steps[2] (note).when.passed[0]: `hello` is a note step (line 11); `when` names check \
             or wait steps, whose conditions give a verdict"
        ),
        "{e}"
    );
}

#[test]
fn malformed_when_and_on_fail_are_refused_at_their_lines() {
    let e = one_error(&with_steps(&format!(
        "{CHECK}\n{}",
        note_when("{ failed: [errors] }")
    )));
    assert!(
        e.contains("steps[2] (note).when.failed: unknown key; did you mean `failed_any`?"),
        "{e}"
    );
    let e = one_error(&with_steps(&format!(
        "{CHECK}\n{}",
        note_when("{ passed: [errors], failed_any: [errors] }")
    )));
    assert!(e.contains("when: expected a mapping with one of"), "{e}");
    let e = one_error(&with_steps(&format!(
        "{CHECK}\n{}",
        note_when("{ passed: [] }")
    )));
    assert!(
        e.contains("when.passed: expected at least one step id"),
        "{e}"
    );
    let e = one_error(&with_steps(&format!("{CHECK}\n{}", note_when("errors"))));
    assert!(e.contains("when: expected a mapping with one of"), "{e}");
    let e = one_error(&with_steps(
        &CHECK.replace("on_fail: continue", "on_fail: skip"),
    ));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:10: steps[1] (check).on_fail: expected ask (retry, continue or stop \
             at a prompt) or continue (record the verdict and go on), found \"skip\"",
            FRONT_LINES + 4
        )
    );
    let e = one_error(&with_steps(
        "```step\nkind: note\non_fail: continue\ntext: x\n```\n",
    ));
    assert!(e.contains("(note).on_fail: unknown key"), "{e}");
}
