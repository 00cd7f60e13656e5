//! A step's `when:` (run only on earlier checks' verdicts) and a check's `on_fail:`, checked
//! against the steps above it: a `when` may only name earlier `check` or `wait` steps.

use crate::runbook::kinds;
use crate::runbook::spec::{OnFail, Step, StepKind, When};
use crate::yaml::{Node, Value};

use super::reader::{Cur, Reader, child};

const WHEN_KEYS: &[&str] = &["passed", "failed_any"];
const EXPECTED: &str = "a mapping with one of `passed: [ids]` or `failed_any: [ids]` naming earlier check or wait steps";

/// `when:` if present (`Some(None)` when absent); `None` after reporting a problem.
pub(super) fn when(r: &mut Reader<'_>, cur: Cur<'_>, earlier: &[Step]) -> Option<Option<When>> {
    let Some(node) = r.get(cur, "when") else {
        return Some(None);
    };
    let path = child(cur.path, "when");
    let at = Cur { node, path: &path };
    let before = r.count();
    if !r.keys(at, EXPECTED, WHEN_KEYS) || r.count() != before {
        return None;
    }
    let Value::Map(entries) = &node.value else {
        return None;
    };
    let [(key, list)] = entries.as_slice() else {
        r.report(
            node,
            &path,
            format!("expected {EXPECTED}; found {} keys", entries.len()),
        );
        return None;
    };
    let list_path = child(&path, key);
    let ids = ids(r, list, &list_path, earlier)?;
    Some(Some(if key == "passed" {
        When::Passed(ids)
    } else {
        When::FailedAny(ids)
    }))
}

fn ids(r: &mut Reader<'_>, node: &Node, path: &str, earlier: &[Step]) -> Option<Vec<String>> {
    let Value::Seq(items) = &node.value else {
        let message = format!(
            "expected a list of step ids such as [check-errors], found {}",
            node.describe()
        );
        r.report(node, path, message);
        return None;
    };
    if items.is_empty() {
        r.report(
            node,
            path,
            "expected at least one step id, found an empty list",
        );
        return None;
    }
    let before = r.count();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("{path}[{i}]");
        let Some(id) = r.scalar(item, &path, "a step id") else {
            continue;
        };
        match earlier.iter().find(|s| s.id == id) {
            Some(step) if gives_verdict(&step.kind) => {
                out.push(id.to_owned());
            }
            Some(step) => {
                let message = format!(
                    "`{id}` is a {} step (line {}); `when` names check or wait steps, whose \
                     conditions give a verdict",
                    step.kind.keyword(),
                    step.line
                );
                r.report(item, &path, message);
            }
            None => {
                let names: Vec<&str> = earlier
                    .iter()
                    .filter(|s| gives_verdict(&s.kind))
                    .map(|s| s.id.as_str())
                    .collect();
                let above = if names.is_empty() {
                    "there is none".to_owned()
                } else {
                    format!("those above: {}", names.join(", "))
                };
                let message = format!(
                    "no check or wait step above this one has the id `{id}`; `when` names \
                     earlier steps ({above})"
                );
                r.report(item, &path, message);
            }
        }
    }
    (r.count() == before).then_some(out)
}

/// A check's `on_fail:` (`ask`, the default, or `continue`).
pub(super) fn on_fail(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<OnFail> {
    let Some(node) = r.get(cur, "on_fail") else {
        return Some(OnFail::Ask);
    };
    let path = child(cur.path, "on_fail");
    match r.scalar(node, &path, "ask or continue")? {
        "ask" => Some(OnFail::Ask),
        "continue" => Some(OnFail::Continue),
        other => {
            let message = format!(
                "expected ask (retry, continue or stop at a prompt) or continue (record the \
                 verdict and go on), found {other:?}"
            );
            r.report(node, &path, message);
            None
        }
    }
}

/// A check or a wait (`StepKindDef::gives_verdict`): a step `when` can name.
fn gives_verdict(kind: &StepKind) -> bool {
    kinds::of(kind).is_some_and(|k| k.gives_verdict())
}
