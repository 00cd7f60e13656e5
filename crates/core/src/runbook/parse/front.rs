//! The front matter: title, description, parameter declarations, triggers and objectives.

use std::time::Duration;

use crate::runbook::params::{dns_label, duration_value, param_name, validate_value, visible};
use crate::runbook::spec::{Objectives, ParamKind, ParamSpec, Trigger};
use crate::yaml::{Node, Value};

use super::reader::{Cur, Reader, child, kind_name};

const KEYS: &[&str] = &["title", "description", "params", "triggers", "objectives"];
const PARAM_KEYS: &[&str] = &[
    "type",
    "description",
    "default",
    "from_label",
    "min",
    "max",
    "values",
];
const TYPES: &[&str] = &[
    "name",
    "namespace",
    "cluster",
    "integer",
    "number",
    "duration",
    "choice",
];

/// What the front matter says, apart from the steps.
pub(super) struct Front {
    pub(super) title: String,
    pub(super) description: String,
    pub(super) params: Vec<ParamSpec>,
    pub(super) triggers: Vec<Trigger>,
    pub(super) objectives: Objectives,
}

pub(super) fn read(r: &mut Reader<'_>, root: &Node) -> Option<Front> {
    let cur = Cur {
        node: root,
        path: "",
    };
    if !r.keys(
        cur,
        "front matter: a mapping with title, description, params and triggers",
        KEYS,
    ) {
        return None;
    }
    let title = r
        .required(cur, "title", "the runbook's title")
        .and_then(|n| r.text(n, "title", "the runbook's title"));
    let description = match r.get(cur, "description") {
        Some(n) => r.text(n, "description", "a description"),
        None => Some(String::new()),
    };
    let params = match r.get(cur, "params") {
        Some(n) => params(r, n),
        None => Some(Vec::new()),
    };
    let triggers = match r.get(cur, "triggers") {
        Some(n) => triggers(r, n),
        None => Some(Vec::new()),
    };
    let objectives = match r.get(cur, "objectives") {
        Some(n) => objectives(r, n),
        None => Some(Objectives::default()),
    };
    Some(Front {
        title: title?,
        description: description?,
        params: params?,
        triggers: triggers?,
        objectives: objectives?,
    })
}

fn params(r: &mut Reader<'_>, node: &Node) -> Option<Vec<ParamSpec>> {
    let Value::Map(entries) = &node.value else {
        let message = format!(
            "expected a mapping of parameter names to declarations, found {}",
            node.describe()
        );
        r.report(node, "params", message);
        return None;
    };
    let before = r.count();
    let mut out = Vec::new();
    for (name, decl) in entries {
        let path = child("params", name);
        if let Err(why) = param_name(name) {
            r.report_key(node, name, &path, why);
            continue;
        }
        if let Some(spec) = param(r, name, decl, &path) {
            out.push(spec);
        }
    }
    (r.count() == before).then_some(out)
}

fn param(r: &mut Reader<'_>, name: &str, node: &Node, path: &str) -> Option<ParamSpec> {
    let cur = Cur { node, path };
    if !r.keys(
        cur,
        "a declaration such as { type: name, description: ... }",
        PARAM_KEYS,
    ) {
        return None;
    }
    let expected = format!("a parameter type: one of {}", TYPES.join(", "));
    let type_path = child(path, "type");
    let type_node = r.required(cur, "type", &expected)?;
    let type_name = r.scalar(type_node, &type_path, &expected)?;
    let kind = match type_name {
        "name" => ParamKind::Name,
        "namespace" => ParamKind::Namespace,
        "cluster" => ParamKind::Cluster,
        "integer" | "number" | "duration" => bounded(r, cur, type_name)?,
        "choice" => ParamKind::Choice(choices(r, cur)?),
        other => {
            r.report(
                type_node,
                &type_path,
                format!(
                    "unknown parameter type {other:?}; expected one of {}",
                    TYPES.join(", ")
                ),
            );
            return None;
        }
    };
    for key in ["min", "max"] {
        if !matches!(type_name, "integer" | "number" | "duration") && r.get(cur, key).is_some() {
            let message =
                format!("`{key}` applies only to integer, number and duration parameters");
            r.report_key(node, key, &child(path, key), message);
        }
    }
    if type_name != "choice" && r.get(cur, "values").is_some() {
        let message = "`values` applies only to choice parameters";
        r.report_key(node, "values", &child(path, "values"), message);
    }
    let description = match r.get(cur, "description") {
        Some(n) => Some(r.text(n, &child(path, "description"), "a description")?),
        None => None,
    };
    let default = match r.get(cur, "default") {
        Some(n) => Some(default(r, n, &child(path, "default"), &kind)?),
        None => None,
    };
    let from_label = match r.get(cur, "from_label") {
        Some(n) => {
            let label_path = child(path, "from_label");
            let text = r.scalar(n, &label_path, "an alert label name")?;
            let ok = text
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                r.report(
                    n,
                    &label_path,
                    format!("{text:?} is not a label name: expected letters, digits and \"_\""),
                );
                return None;
            }
            Some(text.to_string())
        }
        None => None,
    };
    Some(ParamSpec {
        name: name.to_string(),
        kind,
        description: description.unwrap_or_default(),
        default,
        from_label,
    })
}

/// A default is validated like a given value; a cluster's only for being plain text, as
/// the configured clusters are known only when a run starts.
fn default(r: &mut Reader<'_>, node: &Node, path: &str, kind: &ParamKind) -> Option<String> {
    let text = r.scalar(node, path, "a default value")?;
    let checked = match kind {
        ParamKind::Cluster => visible(text)
            .map(|()| text.to_string())
            .map_err(|why| format!("{text:?} {why}")),
        _ => validate_value(kind, text, &[]),
    };
    match checked {
        Ok(canonical) => Some(canonical),
        Err(why) => {
            r.report(
                node,
                path,
                format!("the default is not {}: {why}", kind_name(kind)),
            );
            None
        }
    }
}

/// `min` and `max`, both required, for integer, number and duration parameters.
fn bounded(r: &mut Reader<'_>, cur: Cur<'_>, type_name: &str) -> Option<ParamKind> {
    let need = format!("a {type_name} parameter needs both `min` and `max` bounds");
    let (Some(min_node), Some(max_node)) = (r.get(cur, "min"), r.get(cur, "max")) else {
        r.report(cur.node, cur.path, need);
        return None;
    };
    let (min_path, max_path) = (child(cur.path, "min"), child(cur.path, "max"));
    let (kind, ordered) = match type_name {
        "integer" => {
            let min = r.integer(min_node, &min_path, i64::MIN);
            let max = r.integer(max_node, &max_path, i64::MIN);
            let (min, max) = (min?, max?);
            (ParamKind::Integer { min, max }, min <= max)
        }
        "number" => {
            let min = r.number(min_node, &min_path);
            let max = r.number(max_node, &max_path);
            let (min, max) = (min?, max?);
            (ParamKind::Number { min, max }, min <= max)
        }
        _ => {
            let min = duration_bound(r, min_node, &min_path);
            let max = duration_bound(r, max_node, &max_path);
            let (min, max) = (min?, max?);
            (ParamKind::Duration { min, max }, min <= max)
        }
    };
    if !ordered {
        r.report(min_node, &min_path, "`min` is greater than `max`");
        return None;
    }
    Some(kind)
}

/// A duration bound may be zero.
fn duration_bound(r: &mut Reader<'_>, node: &Node, path: &str) -> Option<Duration> {
    let text = r.scalar(node, path, "a duration such as 5m")?;
    match duration_value(text) {
        Ok(d) => Some(d),
        Err(why) => {
            r.report(node, path, why);
            None
        }
    }
}

fn choices(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<Vec<String>> {
    let path = child(cur.path, "values");
    let node = r.required(cur, "values", "the list of allowed values")?;
    let items = match &node.value {
        Value::Seq(items) if !items.is_empty() => items,
        _ => {
            let message = format!(
                "expected a non-empty list of values, found {}",
                node.describe()
            );
            r.report(node, &path, message);
            return None;
        }
    };
    let before = r.count();
    let mut out: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let Some(text) = r.scalar(item, &item_path, "a value such as fast") else {
            continue;
        };
        if let Err(why) = dns_label(text) {
            r.report(
                item,
                &item_path,
                format!("{text:?} is not a valid choice: {why}"),
            );
        } else if out.iter().any(|v| v == text) {
            r.report(item, &item_path, format!("{text:?} is listed twice"));
        } else {
            out.push(text.to_string());
        }
    }
    (r.count() == before).then_some(out)
}

fn triggers(r: &mut Reader<'_>, node: &Node) -> Option<Vec<Trigger>> {
    let Value::Seq(items) = &node.value else {
        let message = format!(
            "expected a list of triggers such as [{{ alert: HighErrorRate }}], found {}",
            node.describe()
        );
        r.report(node, "triggers", message);
        return None;
    };
    let before = r.count();
    let out: Vec<Trigger> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| trigger(r, item, &format!("triggers[{i}]")))
        .collect();
    (r.count() == before).then_some(out)
}

fn is_name(text: &str, extra: char) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == extra)
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == extra)
}

fn trigger(r: &mut Reader<'_>, node: &Node, path: &str) -> Option<Trigger> {
    let cur = Cur { node, path };
    if !r.keys(
        cur,
        "a trigger such as { alert: HighErrorRate, labels: { severity: critical } }",
        &["alert", "labels"],
    ) {
        return None;
    }
    let alert_path = child(path, "alert");
    let alert = r.required(cur, "alert", "an alert name").and_then(|n| {
        let text = r.scalar(n, &alert_path, "an alert name")?;
        if is_name(text, ':') {
            Some(text.to_string())
        } else {
            r.report(
                n,
                &alert_path,
                format!("{text:?} is not an alert name: expected letters, digits, \"_\" and \":\""),
            );
            None
        }
    });
    let labels = match r.get(cur, "labels") {
        None => Some(Vec::new()),
        Some(n) => labels(r, n, &child(path, "labels")),
    };
    Some(Trigger {
        alert: alert?,
        labels: labels?,
    })
}

fn labels(r: &mut Reader<'_>, node: &Node, path: &str) -> Option<Vec<(String, String)>> {
    let Value::Map(entries) = &node.value else {
        let message = format!(
            "expected a mapping of label names to values, found {}",
            node.describe()
        );
        r.report(node, path, message);
        return None;
    };
    let before = r.count();
    let mut out = Vec::new();
    for (name, value) in entries {
        let label_path = child(path, name);
        if !is_name(name, '_') {
            r.report_key(
                node,
                name,
                &label_path,
                format!("{name:?} is not a label name"),
            );
            continue;
        }
        if let Some(text) = r.scalar(value, &label_path, "a label value") {
            out.push((name.clone(), text.to_string()));
        }
    }
    (r.count() == before).then_some(out)
}

fn objectives(r: &mut Reader<'_>, node: &Node) -> Option<Objectives> {
    let cur = Cur {
        node,
        path: "objectives",
    };
    if !r.keys(cur, "a mapping with rto and rpo", &["rto", "rpo"]) {
        return None;
    }
    let mut read = |key: &str| match r.get(cur, key) {
        Some(n) => r.duration(n, &child("objectives", key)).map(Some),
        None => Some(None),
    };
    let rto = read("rto");
    let rpo = read("rpo");
    Some(Objectives {
        rto: rto?,
        rpo: rpo?,
    })
}
