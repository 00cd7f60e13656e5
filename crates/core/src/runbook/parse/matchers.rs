//! Silence matchers: a list of `{name, value, regex, equal}` mappings, or Alertmanager's
//! text form `'alertname="X",service=~"pay.*"'`. Values may hold `{{ param }}`s.

use crate::runbook::spec::{MatcherSpec, Template};
use crate::yaml::{Node, Value};

use super::reader::{Cur, Reader, child};

const EXPECTED: &str = "a list of matchers or 'alertname=\"X\",service=\"y\"'";

pub(in crate::runbook) fn read(
    r: &mut Reader<'_>,
    node: &Node,
    path: &str,
) -> Option<Vec<MatcherSpec>> {
    let before = r.count();
    let matchers = match &node.value {
        Value::Scalar(text) => text_form(r, node, path, text),
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| mapping(r, item, &format!("{path}[{i}]")))
            .collect(),
        _ => {
            let message = format!("expected {EXPECTED}, found {}", node.describe());
            r.report(node, path, message);
            return None;
        }
    };
    if r.count() != before {
        return None;
    }
    let anchored = matchers
        .iter()
        .any(|m| m.is_equal && !m.value.text.is_empty());
    if !anchored {
        let message = "a silence needs at least one matcher that must equal a non-empty value \
                       (name=\"value\" or name=~\"regex\"), so it cannot silence everything";
        r.report(node, path, message);
        return None;
    }
    Some(matchers)
}

fn label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn mapping(r: &mut Reader<'_>, node: &Node, path: &str) -> Option<MatcherSpec> {
    let cur = Cur { node, path };
    let expected = "a matcher mapping with name and value";
    if !r.keys(cur, expected, &["name", "value", "regex", "equal"]) {
        return None;
    }
    let name_path = child(path, "name");
    let name = r.required(cur, "name", "a label name").and_then(|n| {
        let text = r.scalar(n, &name_path, "a label name")?;
        if label_name(text) {
            Some(text.to_string())
        } else {
            r.report(
                n,
                &name_path,
                format!("{text:?} is not a label name: expected letters, digits and \"_\""),
            );
            None
        }
    });
    let value_path = child(path, "value");
    let value = r
        .required(cur, "value", "the value to match")
        .and_then(|n| {
            let text = r.scalar(n, &value_path, "the value to match")?;
            if text.is_empty() {
                return Some(Template {
                    text: String::new(),
                });
            }
            r.template(n, &value_path, "the value to match")
        });
    let is_regex = flag(r, cur, "regex", false);
    let is_equal = flag(r, cur, "equal", true);
    Some(MatcherSpec {
        name: name?,
        value: value?,
        is_regex: is_regex?,
        is_equal: is_equal?,
    })
}

pub(in crate::runbook) fn flag(
    r: &mut Reader<'_>,
    cur: Cur<'_>,
    key: &str,
    default: bool,
) -> Option<bool> {
    let Some(node) = r.get(cur, key) else {
        return Some(default);
    };
    let path = child(cur.path, key);
    match r.scalar(node, &path, "true or false")? {
        "true" => Some(true),
        "false" => Some(false),
        other => {
            r.report(
                node,
                &path,
                format!("expected true or false, found {other:?}"),
            );
            None
        }
    }
}

/// `name="v",other!~"re"` (optionally in `{...}`).
fn text_form(r: &mut Reader<'_>, node: &Node, path: &str, text: &str) -> Vec<MatcherSpec> {
    let body = text.trim();
    let body = body
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'))
        .unwrap_or(body);
    let mut out = Vec::new();
    let mut rest = body.trim_start();
    let mut index = 0;
    while !rest.is_empty() {
        match one(rest) {
            Ok((name, op, value, tail)) => {
                let item_path = format!("{path}[{index}]");
                let before = r.count();
                let value = if value.is_empty() {
                    Some(Template { text: value })
                } else {
                    let probe = Node {
                        value: Value::Scalar(value),
                        ..node.clone()
                    };
                    r.template(&probe, &item_path, "the value to match")
                };
                if let (Some(value), true) = (value, r.count() == before) {
                    out.push(MatcherSpec {
                        name,
                        value,
                        is_regex: op.ends_with('~'),
                        is_equal: op.starts_with('='),
                    });
                }
                rest = tail.trim_start();
                if let Some(after) = rest.strip_prefix(',') {
                    rest = after.trim_start();
                } else if !rest.is_empty() {
                    r.report(
                        node,
                        path,
                        format!("expected `,` between matchers, found {rest:?}"),
                    );
                    break;
                }
                index += 1;
            }
            Err(why) => {
                r.report(node, path, format!("{why} in matchers {text:?}"));
                break;
            }
        }
    }
    if out.is_empty() && r.count() == 0 {
        r.report(node, path, format!("expected {EXPECTED}, found no matcher"));
    }
    out
}

/// One `name op "value"`: the parts and the text after it.
fn one(text: &str) -> Result<(String, &'static str, String, &str), String> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let name = &text[..end];
    if !label_name(name) {
        return Err(format!("expected a label name at {text:?}"));
    }
    let rest = text[end..].trim_start();
    let op = ["=~", "!~", "!=", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))
        .ok_or_else(|| format!("expected =, !=, =~ or !~ after {name:?}"))?;
    let rest = rest[op.len()..].trim_start();
    let Some(quoted) = rest.strip_prefix('"') else {
        return Err(format!("expected a double-quoted value after {name}{op}"));
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((name.to_string(), op, value, &quoted[i + 1..])),
            '\\' => match chars.next() {
                Some((_, e @ ('"' | '\\'))) => value.push(e),
                _ => return Err(format!("unknown escape in the value of {name}")),
            },
            c => value.push(c),
        }
    }
    Err(format!("the value of {name} never closes its quote"))
}
