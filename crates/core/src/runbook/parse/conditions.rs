//! Targets (`target: {cluster, namespace, kind, name}`) and conditions, the parts that
//! check steps, wait steps and verifications share.

use crate::runbook::params::{dns_label, dns_subdomain, visible};
use crate::runbook::spec::{Comparison, ConditionSpec, Field, ObjectKind, TargetSpec};
use crate::yaml::Node;

use super::reader::{Accepts, Cur, Reader, child};

const TARGET_KEYS: &[&str] = &["cluster", "namespace", "kind", "name"];

/// Condition names as written after `condition:`.
pub(in crate::runbook) const CONDITIONS: &[&str] = &[
    "query",
    "rollout-complete",
    "pods-ready",
    "replication-lag",
    "writable",
];

/// `above: 0.05` and friends, shorthand for `op` and `threshold`.
const SHORTHANDS: &[(&str, Comparison)] = &[
    ("above", Comparison::Gt),
    ("below", Comparison::Lt),
    ("at_least", Comparison::Ge),
    ("at_most", Comparison::Le),
    ("equals", Comparison::Eq),
];

/// The keys a condition of each kind takes (besides `condition`).
pub(in crate::runbook) fn condition_keys(name: &str) -> &'static [&'static str] {
    match name {
        "query" => &[
            "cluster",
            "query",
            "op",
            "threshold",
            "above",
            "below",
            "at_least",
            "at_most",
            "equals",
        ],
        "pods-ready" => &["target", "min_ready"],
        "replication-lag" => &["target", "below"],
        _ => &["target"],
    }
}

/// Which condition a mapping states: `condition:`, else `query` (the common case).
pub(in crate::runbook) fn condition_name<'a>(r: &mut Reader<'_>, cur: Cur<'a>) -> Option<&'a str> {
    let Some(node) = r.get(cur, "condition") else {
        return Some("query");
    };
    let path = child(cur.path, "condition");
    let name = r.scalar(node, &path, "a condition name")?;
    if CONDITIONS.contains(&name) {
        Some(name)
    } else {
        let hint = match crate::suggest::closest(name, CONDITIONS) {
            Some(near) => format!("did you mean `{near}`? "),
            None => String::new(),
        };
        let message = format!(
            "unknown condition {name:?}; {hint}expected one of {}",
            CONDITIONS.join(", ")
        );
        r.report(node, &path, message);
        None
    }
}

/// Reads the condition `name` from the keys of `cur` (unknown keys are checked by the
/// caller, which knows what else the mapping may hold).
pub(in crate::runbook) fn condition(
    r: &mut Reader<'_>,
    cur: Cur<'_>,
    name: &str,
) -> Option<ConditionSpec> {
    let workloads = [ObjectKind::Deployment, ObjectKind::StatefulSet];
    let databases = [ObjectKind::CnpgCluster];
    match name {
        "query" => query(r, cur),
        "rollout-complete" => Some(ConditionSpec::RolloutComplete {
            target: target(r, cur, &workloads)?,
        }),
        "pods-ready" => {
            let target = target(r, cur, &workloads);
            let path = child(cur.path, "min_ready");
            let min_ready = r
                .required(cur, "min_ready", "a number of pods")
                .and_then(|n| r.field_integer(n, &path, 1));
            Some(ConditionSpec::PodsReady {
                target: target?,
                min_ready: min_ready?,
            })
        }
        "replication-lag" => {
            let target = target(r, cur, &databases);
            let path = child(cur.path, "below");
            let below = r
                .required(cur, "below", "a duration such as 5m")
                .and_then(|n| r.duration(n, &path));
            Some(ConditionSpec::ReplicationLag {
                target: target?,
                below: below?,
            })
        }
        _ => Some(ConditionSpec::Writable {
            target: target(r, cur, &databases)?,
        }),
    }
}

fn query(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<ConditionSpec> {
    let cluster = cluster_field(r, cur);
    let path = child(cur.path, "query");
    let query = r
        .required(cur, "query", "a PromQL expression")
        .and_then(|n| r.template(n, &path, "a PromQL expression"));
    if let Some(q) = &query {
        promql_parses(r, cur, &q.text);
    }
    let comparison = comparison(r, cur);
    let (op, threshold) = comparison?;
    Some(ConditionSpec::Query {
        cluster: cluster?,
        query: query?,
        op,
        threshold,
    })
}

/// Reports a query PromQL cannot parse, with every placeholder replaced by a sample value.
fn promql_parses(r: &mut Reader<'_>, cur: Cur<'_>, text: &str) {
    let mut sample = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        sample.push_str(&rest[..start]);
        let name = rest[start + 2..start + end].trim();
        let kind = r.params.iter().find(|p| p.name == name).map(|p| &p.kind);
        sample.push_str(match kind {
            Some(crate::runbook::spec::ParamKind::Duration { .. }) => "5m",
            Some(
                crate::runbook::spec::ParamKind::Integer { .. }
                | crate::runbook::spec::ParamKind::Number { .. },
            ) => "1",
            _ => "x",
        });
        rest = &rest[start + end + 2..];
    }
    sample.push_str(rest);
    // The parser panics on some extreme durations; that is a parse failure too.
    let parsed = std::panic::catch_unwind(|| promql_parser::parser::parse(&sample))
        .unwrap_or_else(|_| Err("the query could not be parsed".to_string()));
    if let Err(e) = parsed {
        let Some(node) = cur.node.get("query") else {
            return;
        };
        let first_line = e.lines().next().unwrap_or("");
        r.report(
            node,
            &child(cur.path, "query"),
            format!("not a valid PromQL expression: {first_line}"),
        );
    }
}

/// `op` with `threshold`, or exactly one shorthand such as `above: 0.05`.
fn comparison(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<(Comparison, Field<f64>)> {
    let given: Vec<(&str, Comparison)> = SHORTHANDS
        .iter()
        .filter(|(key, _)| r.get(cur, key).is_some())
        .copied()
        .collect();
    let op_node = r.get(cur, "op");
    let threshold_node = r.get(cur, "threshold");
    let explicit = op_node.is_some() || threshold_node.is_some();
    if given.len() + usize::from(explicit) != 1 {
        let message = "state one comparison: `above`, `below`, `at_least`, `at_most` or \
                       `equals` with a threshold, or `op` with `threshold`";
        r.report(cur.node, cur.path, message);
        return None;
    }
    if let Some((key, op)) = given.first() {
        let node = r.get(cur, key)?;
        return r
            .field_number(node, &child(cur.path, key))
            .map(|t| (*op, t));
    }
    let path = child(cur.path, "op");
    let op = r
        .required(cur, "op", "a comparison: <, <=, >, >=, == or !=")
        .and_then(|n| {
            let text = r.scalar(n, &path, "a comparison")?;
            let op = match text {
                "<" => Comparison::Lt,
                "<=" => Comparison::Le,
                ">" => Comparison::Gt,
                ">=" => Comparison::Ge,
                "==" => Comparison::Eq,
                "!=" => Comparison::Ne,
                other => {
                    let message =
                        format!("expected a comparison: <, <=, >, >=, == or !=, found {other:?}");
                    r.report(n, &path, message);
                    return None;
                }
            };
            Some(op)
        });
    let path = child(cur.path, "threshold");
    let threshold = r
        .required(cur, "threshold", "a number or \"{{ param }}\"")
        .and_then(|n| r.field_number(n, &path));
    Some((op?, threshold?))
}

/// `cluster:` of a query or silence: a cluster parameter or a literal name.
pub(in crate::runbook) fn cluster_field(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<Field<String>> {
    let path = child(cur.path, "cluster");
    let node = r.required(cur, "cluster", "a cluster name or \"{{ cluster }}\"")?;
    r.field_string(
        node,
        &path,
        Accepts::Cluster,
        "a cluster name",
        cluster_literal,
    )
}

fn cluster_literal(text: &str) -> Result<(), String> {
    if text.trim() != text || text.is_empty() {
        return Err("it is empty or has spaces around it".to_string());
    }
    visible(text).map_err(|why| format!("it {why}"))
}

/// `target:` under `cur`, whose kind must be one of `kinds` (the first is the default).
pub(in crate::runbook) fn target(
    r: &mut Reader<'_>,
    cur: Cur<'_>,
    kinds: &[ObjectKind],
) -> Option<TargetSpec> {
    let path = child(cur.path, "target");
    let expected = "a mapping with cluster, namespace, kind and name";
    let node = r.required(cur, "target", expected)?;
    target_at(r, node, &path, kinds)
}

fn target_at(
    r: &mut Reader<'_>,
    node: &Node,
    path: &str,
    kinds: &[ObjectKind],
) -> Option<TargetSpec> {
    let cur = Cur { node, path };
    if !r.keys(
        cur,
        "a mapping with cluster, namespace, kind and name",
        TARGET_KEYS,
    ) {
        return None;
    }
    let cluster = cluster_field(r, cur);
    let ns_path = child(path, "namespace");
    let namespace = r
        .required(cur, "namespace", "a namespace or \"{{ namespace }}\"")
        .and_then(|n| r.field_string(n, &ns_path, Accepts::Namespace, "a namespace", dns_label));
    let name_path = child(path, "name");
    let name = r
        .required(cur, "name", "an object name or \"{{ param }}\"")
        .and_then(|n| {
            r.field_string(
                n,
                &name_path,
                Accepts::Name,
                "an object name",
                dns_subdomain,
            )
        });
    let kind = object_kind(r, cur, kinds);
    Some(TargetSpec {
        cluster: cluster?,
        namespace: namespace?,
        kind: kind?,
        name: name?,
    })
}

fn object_kind(r: &mut Reader<'_>, cur: Cur<'_>, kinds: &[ObjectKind]) -> Option<ObjectKind> {
    let Some(node) = r.get(cur, "kind") else {
        return kinds.first().copied();
    };
    let path = child(cur.path, "kind");
    let words: Vec<&str> = kinds.iter().map(|k| k.keyword()).collect();
    let text = r.scalar(node, &path, "an object kind")?;
    match kinds.iter().find(|k| k.keyword() == text) {
        Some(kind) => Some(*kind),
        None => {
            let message = format!(
                "this step cannot act on kind {text:?}; expected {}",
                words.join(" or ")
            );
            r.report(node, &path, message);
            None
        }
    }
}
