//! Runbook files as documents: front matter, parameters, triggers, fences, YAML hazards,
//! invisible characters and directories. Step fields are tested in `steps.rs`.

mod steps;
mod when;

use std::path::Path;
use std::time::Duration;

use super::*;
use crate::runbook::spec::{
    Comparison, ConditionSpec, Field, MatcherSpec, ObjectKind, ParamKind, PromotionSpec, StepKind,
    Template,
};

pub(super) const FRONT: &str = "---
title: Test
params:
  cluster: { type: cluster }
  namespace: { type: namespace, default: shop }
  deployment: { type: name, from_label: service }
  replicas: { type: integer, min: 1, max: 100 }
  ratio: { type: number, min: 0, max: 1, default: \"0.01\" }
  window: { type: duration, min: 1m, max: 1h, default: 5m }
---
";
/// Lines the front matter takes: a step's fence is at `FRONT_LINES + n`.
pub(super) const FRONT_LINES: usize = 10;

pub(super) fn parse(text: &str) -> Result<Runbook, Vec<RunbookError>> {
    parse_runbook(text, Path::new("runbooks/t.md"))
}

pub(super) fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(rb) => panic!("parsed: {rb:#?}"),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

pub(super) fn one_error(text: &str) -> String {
    let all = errors(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.into_iter().next().unwrap()
}

pub(super) fn with_steps(steps: &str) -> String {
    format!("{FRONT}{steps}")
}

pub(super) const SCALE: &str = "```step
kind: scale
target: { cluster: \"{{ cluster }}\", namespace: \"{{ namespace }}\", name: \"{{ deployment }}\" }
replicas: \"{{ replicas }}\"
```
";

#[test]
fn a_runbook_reads_into_steps_with_guidance_ids_and_titles() {
    let text = with_steps(&format!(
        "# Heading\n\nLook at the graph first.\n\n```bash\nkubectl get pods\n```\n\n{SCALE}\nThen wait.\n\n```step\nid: settle\nkind: wait\nuntil:\n  condition: rollout-complete\n  target: {{ cluster: \"{{{{ cluster }}}}\", namespace: shop, name: payment }}\ntimeout: 5m\n```\n\nAfterwards, tell the owner.\n"
    ));
    let rb = parse(&text).unwrap();
    assert_eq!(rb.id, "t");
    assert_eq!(rb.title, "Test");
    assert_eq!(rb.steps.len(), 2);
    let scale = &rb.steps[0];
    assert_eq!(scale.id, "step-1");
    assert_eq!(scale.line, FRONT_LINES + 9);
    assert_eq!(
        scale.guidance,
        "# Heading\n\nLook at the graph first.\n\n```bash\nkubectl get pods\n```"
    );
    assert_eq!(
        scale.title,
        "Scale deployment {{ deployment }} on {{ cluster }} to {{ replicas }} replicas"
    );
    let StepKind::Scale {
        target,
        replicas,
        expect_replicas,
        target_utilisation: _,
        verify_timeout,
    } = &scale.kind
    else {
        panic!("{:?}", scale.kind)
    };
    assert_eq!(target.kind, ObjectKind::Deployment);
    assert_eq!(target.cluster, Field::Param("cluster".into()));
    assert_eq!(*replicas, Field::Param("replicas".into()));
    assert_eq!(*expect_replicas, None);
    assert_eq!(*verify_timeout, Duration::from_secs(300));
    let wait = &rb.steps[1];
    assert_eq!(wait.id, "settle");
    assert_eq!(wait.guidance, "Then wait.\n\nAfterwards, tell the owner.");
    let StepKind::Wait {
        until,
        timeout,
        every,
    } = &wait.kind
    else {
        panic!()
    };
    assert_eq!(
        (*timeout, *every),
        (Duration::from_secs(300), Duration::from_secs(10))
    );
    let ConditionSpec::RolloutComplete { target } = until else {
        panic!()
    };
    assert_eq!(target.name, Field::Literal("payment".into()));
    assert_eq!(rb.param("ratio").unwrap().default.as_deref(), Some("0.01"));
    assert_eq!(
        rb.param("window").unwrap().kind,
        ParamKind::Duration {
            min: Duration::from_secs(60),
            max: Duration::from_secs(3600)
        }
    );
}

#[test]
fn yaml_anchors_aliases_and_duplicate_keys_are_refused_at_file_lines() {
    let anchors = "```step\nkind: scale\ntarget: &t { cluster: a, namespace: shop, name: payment }\nreplicas: 2\n```\n";
    let e = one_error(&with_steps(anchors));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:9: YAML anchors (&t) are not accepted in runbook files: write the value out in full",
            FRONT_LINES + 3
        )
    );
    let aliases = "```step\nkind: note\ntext: *x\n```\n";
    let e = one_error(&with_steps(aliases));
    assert!(
        e.starts_with(&format!(
            "runbooks/t.md:{}:7: YAML aliases (*name) are not accepted in runbook files",
            FRONT_LINES + 3
        )),
        "{e}"
    );
    let duplicate = "Prose\n```step\nkind: note\ntext: a\ntext: b\n```\n";
    let e = one_error(&with_steps(duplicate));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:1: duplicate key `text` (first at line 2): each field may appear once",
            FRONT_LINES + 5
        )
    );
    let front = "---\ntitle: a\ntitle: b\n---\n```step\nkind: note\ntext: x\n```\n";
    let e = one_error(front);
    assert!(
        e.starts_with("runbooks/t.md:3:1: duplicate key `title`"),
        "{e}"
    );
}

#[test]
fn an_unclosed_fence_is_reported_where_it_opens() {
    let e = one_error(&with_steps("Prose\n\n```step\nkind: note\ntext: hi\n"));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:1: the ```step block opened here never closes: end it with a ``` line",
            FRONT_LINES + 3
        )
    );
    let e = one_error(&with_steps(
        "~~~bash\necho\n```step\nkind: note\ntext: hi\n```\n",
    ));
    assert!(
        e.contains("the code block opened here never closes: end it with a ~~~ line"),
        "{e}"
    );
    let e = one_error("---\ntitle: T\n```step\nkind: note\n```\n");
    assert_eq!(
        e,
        "runbooks/t.md:1:1: the front matter that opens here never closes: end it with a `---` line"
    );
}

#[test]
fn a_step_fence_inside_another_fence_is_prose() {
    let text = with_steps(&format!(
        "~~~markdown\n```step\nkind: reboot\n```\n~~~\n\n{SCALE}"
    ));
    let rb = parse(&text).unwrap();
    assert_eq!(rb.steps.len(), 1);
    assert!(rb.steps[0].guidance.contains("kind: reboot"));
}

#[test]
fn missing_front_matter_and_empty_runbooks_are_refused() {
    let e = one_error("# Just prose\n");
    assert!(
        e.starts_with("runbooks/t.md:1:1: missing front matter"),
        "{e}"
    );
    let e = one_error(&with_steps("Only prose, no steps.\n"));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{FRONT_LINES}:1: the runbook has no steps: add at least one ```step block after the front matter"
        )
    );
    let e = one_error("---\n---\n```step\nkind: note\ntext: x\n```\n");
    assert_eq!(
        e,
        "runbooks/t.md:1:1: the front matter is empty; it needs at least `title:`"
    );
}

#[test]
fn numbers_and_durations_need_both_bounds() {
    let text = "---\ntitle: T\nparams:\n  ratio: { type: number, max: 1 }\n  window: { type: duration }\n---\n```step\nkind: note\ntext: x\n```\n";
    let all = errors(text);
    assert_eq!(
        all,
        [
            "runbooks/t.md:4:10: params.ratio: a number parameter needs both `min` and `max` bounds",
            "runbooks/t.md:5:11: params.window: a duration parameter needs both `min` and `max` bounds",
        ]
    );
}

#[test]
fn parameter_declarations_are_checked() {
    let text = "---
title: T
params:
  Bad-Name: { type: name }
  n: { type: integer, min: 5, max: 1 }
  c: { type: choice, values: [fast, Fast] }
  d: { type: name, default: \"web;id\" }
  e: { type: text }
  f: { type: name, min: 1 }
---
```step
kind: note
text: x
```
";
    let all = errors(text);
    assert_eq!(all.len(), 6, "{all:#?}");
    assert!(
        all[0]
            .starts_with("runbooks/t.md:4:3: params.Bad-Name: invalid parameter name \"Bad-Name\""),
        "{}",
        all[0]
    );
    assert_eq!(
        all[1],
        "runbooks/t.md:5:28: params.n.min: `min` is greater than `max`"
    );
    assert!(all[2].starts_with("runbooks/t.md:6:37: params.c.values[1]: \"Fast\" is not a valid choice: it contains uppercase letters"), "{}", all[2]);
    assert!(all[3].starts_with("runbooks/t.md:7:29: params.d.default: the default is not a name: \"web;id\" is not a valid name"), "{}", all[3]);
    assert!(
        all[4].starts_with("runbooks/t.md:8:14: params.e.type: unknown parameter type \"text\""),
        "{}",
        all[4]
    );
    assert_eq!(
        all[5],
        "runbooks/t.md:9:20: params.f.min: `min` applies only to integer, number and duration parameters"
    );
}

#[test]
fn bad_triggers_are_refused() {
    let text = "---
title: T
triggers:
  - alert: High Error Rate
  - labels: { severity: critical }
  - alrt: X
---
```step
kind: note
text: x
```
";
    let all = errors(text);
    assert_eq!(
        all,
        [
            "runbooks/t.md:4:12: triggers[0].alert: \"High Error Rate\" is not an alert name: expected letters, digits, \"_\" and \":\"",
            "runbooks/t.md:5:5: triggers[1].alert: missing required field `alert`; expected an alert name",
            "runbooks/t.md:6:5: triggers[2].alrt: unknown key; did you mean `alert`?",
            "runbooks/t.md:6:5: triggers[2].alert: missing required field `alert`; expected an alert name",
        ]
    );
}

#[test]
fn triggers_and_objectives_are_read() {
    let text = "---\ntitle: T\ntriggers:\n  - alert: HighErrorRate\n    labels: { severity: critical }\nobjectives: { rto: 15m, rpo: 5m }\n---\n```step\nkind: note\ntext: x\n```\n";
    let rb = parse(text).unwrap();
    assert!(rb.suggested_by("HighErrorRate", |k| (k == "severity").then_some("critical")));
    assert!(!rb.suggested_by("HighErrorRate", |_| None));
    assert_eq!(rb.objectives.rto, Some(Duration::from_secs(900)));
    assert_eq!(rb.objectives.rpo, Some(Duration::from_secs(300)));
}

#[test]
fn unknown_keys_get_a_suggestion_at_the_key() {
    let all = errors(&with_steps(
        &SCALE.replace("replicas: ", "expect_replicas: 3\nreplcas: "),
    ));
    assert_eq!(
        all,
        [
            format!(
                "runbooks/t.md:{}:1: steps[1] (scale).replicas: missing required field `replicas`; expected a number of replicas or \"{{{{ param }}}}\" (or `target_utilisation` to size for the load)",
                FRONT_LINES + 2
            ),
            format!(
                "runbooks/t.md:{}:1: steps[1] (scale).replcas: unknown key; did you mean `replicas`?",
                FRONT_LINES + 5
            ),
        ]
    );
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let text = with_steps(
        "```step\nkind: reboot\n```\n\n```step\nkind: note\ntext: \"{{ nope }}\"\n```\n\n```step\nkind: wait\nuntil: { condition: writable }\n```\n",
    );
    let all = errors(&text);
    assert_eq!(all.len(), 4, "{all:#?}");
    assert!(all[0].contains("steps[1].kind: unknown step kind"));
    assert!(
        all[1].contains("steps[2] (note).text: `{{ nope }}` refers to an undeclared parameter")
    );
    assert!(all[2].contains("steps[3] (wait).timeout: missing required field `timeout`"));
    assert!(all[3].contains("steps[3] (wait).until.target: missing required field `target`"));
}

#[test]
fn invisible_characters_in_the_file_are_refused() {
    let e = one_error(&with_steps(
        "```step\nkind: note\ntext: roll back pay\u{202e}ment\n```\n",
    ));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:20: the file contains an invisible character U+202E; runbook files must be plain visible text",
            FRONT_LINES + 3
        )
    );
}

#[test]
fn indented_step_fences_keep_file_columns() {
    let e = one_error(&with_steps(
        "  ```step\n  kind: note\n  text: x\n  bogus: 1\n  ```\n",
    ));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:3: steps[1] (note).bogus: unknown key; expected one of kind, id, title, when, text, outcome",
            FRONT_LINES + 4
        )
    );
}

#[test]
fn a_misspelt_step_fence_is_not_silently_prose() {
    let e = one_error(&with_steps("```Step\nkind: note\ntext: x\n```\n"));
    assert!(e.contains("`Step` is not a step fence"), "{e}");
}

#[test]
fn load_dir_skips_the_readme_and_names_the_failing_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# not a runbook").unwrap();
    std::fs::write(dir.path().join("good.md"), with_steps(SCALE)).unwrap();
    std::fs::write(
        dir.path().join("bad.md"),
        with_steps("```step\nkind: x\n```\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("Bad Name.md"), with_steps(SCALE)).unwrap();
    let (runbooks, errors) = load_dir(dir.path());
    assert_eq!(runbooks.len(), 1);
    assert_eq!(runbooks[0].id, "good");
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].file.ends_with("Bad Name.md"));
    assert!(
        errors[0]
            .message
            .contains("the file name is the runbook's id")
    );
    assert!(
        errors[1]
            .to_string()
            .contains("bad.md:12:7: steps[1].kind: unknown step kind")
    );
}

#[test]
fn a_long_title_is_never_cut_inside_a_placeholder() {
    let text = with_steps(
        "```step
kind: confirm
question: Promote the database in {{ cluster }} and make {{ cluster }} the write region now?
```
",
    );
    let rb = parse(&text).unwrap();
    let title = &rb.steps[0].title;
    assert_eq!(title, "Promote the database in {{ cluster }} and make…");
    let values = [("cluster".to_string(), "eu-west-1".to_string())]
        .into_iter()
        .collect();
    assert_eq!(
        crate::runbook::resolve::display_text(title, &values),
        "Promote the database in eu-west-1 and make…"
    );
}
