//! One ```step block's YAML -> `spec::StepKind`: the keys of each step kind, their types and
//! defaults. The reference for authors is runbooks/README.md.

use std::time::Duration;

use crate::runbook::params::{dns_label, dns_subdomain, visible};
use crate::runbook::spec::{Field, MatcherSpec, ObjectKind, PromotionSpec, StepKind};
use crate::suggest::closest;
use crate::yaml::{Node, Value};

use super::conditions::{self, cluster_field, condition_keys, condition_name, target};
use super::matchers;
use super::reader::{Accepts, Cur, Reader, child};

pub(super) const KINDS: &[&str] = &[
    "check", "scale", "rollback", "promote", "follow", "wait", "confirm", "silence", "note",
    "command",
];

const COMMON: &[&str] = &["kind", "id", "title", "when"];

/// How long a mutation's verification may take unless the step says `verify_timeout`.
pub(super) const VERIFY_TIMEOUT: Duration = Duration::from_secs(300);
/// How often a wait step polls unless it says `every`.
pub(super) const WAIT_EVERY: Duration = Duration::from_secs(10);
/// How long a command may run unless the step says `timeout`.
pub(super) const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);

/// The step kind named by `kind:`, reported when missing or unknown.
pub(super) fn kind_of<'a>(r: &mut Reader<'_>, cur: Cur<'a>) -> Option<&'a str> {
    let expected = format!("a step kind: one of {}", KINDS.join(", "));
    let node = r.required(cur, "kind", &expected)?;
    let path = child(cur.path, "kind");
    let kind = r.scalar(node, &path, &expected)?;
    if KINDS.contains(&kind) {
        return Some(kind);
    }
    let hint = match closest(kind, KINDS) {
        Some(near) => format!("did you mean `{near}`? "),
        None => String::new(),
    };
    let message = format!(
        "unknown step kind {kind:?}; {hint}expected one of {}",
        KINDS.join(", ")
    );
    r.report(node, &path, message);
    None
}

/// The keys a step of `kind` takes, besides `kind`, `id`, `title` and `when`.
fn keys_of(kind: &str, condition: &str) -> Vec<&'static str> {
    let own: &[&str] = match kind {
        "check" => {
            let mut keys = vec!["condition", "on_fail"];
            keys.extend(condition_keys(condition));
            return COMMON.iter().copied().chain(keys).collect();
        }
        "scale" => &[
            "target",
            "replicas",
            "expect_replicas",
            "target_utilisation",
            "verify_timeout",
        ],
        "rollback" => &["target", "revision", "verify_timeout"],
        "promote" => &[
            "via",
            "target",
            "instance",
            "endpoint",
            "candidate",
            "max_lag",
            "verify_timeout",
        ],
        "follow" => &["target", "source", "verify_timeout"],
        "wait" => &["until", "timeout", "every"],
        "confirm" => &["question"],
        "silence" => &["cluster", "matchers", "duration", "comment"],
        "note" => &["text", "outcome"],
        _ => &["name", "args", "timeout"],
    };
    COMMON.iter().chain(own).copied().collect()
}

/// Reads the step-kind-specific keys of a step whose kind is known.
pub(super) fn step_kind(r: &mut Reader<'_>, cur: Cur<'_>, kind: &str) -> Option<StepKind> {
    let condition = if kind == "check" {
        condition_name(r, cur)?
    } else {
        ""
    };
    r.keys(cur, "a mapping of step fields", &keys_of(kind, condition));
    match kind {
        "check" => conditions::condition(r, cur, condition).map(StepKind::Check),
        "scale" => scale(r, cur),
        "rollback" => rollback(r, cur),
        "promote" => promote(r, cur),
        "follow" => follow(r, cur),
        "wait" => wait(r, cur),
        "confirm" => {
            let path = child(cur.path, "question");
            let node = r.required(cur, "question", "a yes/no question")?;
            let question = r.template(node, &path, "a yes/no question")?;
            Some(StepKind::Confirm { question })
        }
        "silence" => silence(r, cur),
        "note" => {
            let path = child(cur.path, "text");
            let node = r.required(cur, "text", "the note's text")?;
            let text = r.template(node, &path, "the note's text")?;
            let outcome = super::matchers::flag(r, cur, "outcome", false)?;
            Some(StepKind::Note { text, outcome })
        }
        _ => command(r, cur),
    }
}

fn scale(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
    let target = target(r, cur, &[ObjectKind::Deployment, ObjectKind::StatefulSet]);
    let path = child(cur.path, "target_utilisation");
    let target_utilisation = match r.get(cur, "target_utilisation") {
        Some(n) => Some(r.field_number(n, &path)?),
        None => None,
    };
    let path = child(cur.path, "replicas");
    let replicas = match (r.get(cur, "replicas"), &target_utilisation) {
        // Sized for the load: `replicas` is the least count, 1 unless given.
        (None, Some(_)) => Some(Field::Literal(1)),
        _ => r
            .required(
                cur,
                "replicas",
                "a number of replicas or \"{{ param }}\" (or `target_utilisation` to size for the load)",
            )
            .and_then(|n| r.field_integer(n, &path, 0)),
    };
    let path = child(cur.path, "expect_replicas");
    let expect = match r.get(cur, "expect_replicas") {
        Some(n) => Some(r.field_integer(n, &path, 0)?),
        None => None,
    };
    let verify_timeout = r.duration_or(cur, "verify_timeout", VERIFY_TIMEOUT);
    Some(StepKind::Scale {
        target: target?,
        replicas: replicas?,
        expect_replicas: expect,
        target_utilisation,
        verify_timeout,
    })
}

fn follow(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
    let target = target(r, cur, &[ObjectKind::CnpgCluster]);
    let path = child(cur.path, "source");
    let expected = "the name of one of the replica cluster's externalClusters";
    let source = r
        .required(cur, "source", expected)
        .and_then(|n| r.template(n, &path, expected));
    let verify_timeout = r.duration_or(cur, "verify_timeout", VERIFY_TIMEOUT);
    Some(StepKind::Follow {
        target: target?,
        source: source?,
        verify_timeout,
    })
}

fn rollback(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
    let target = target(r, cur, &[ObjectKind::Deployment]);
    let path = child(cur.path, "revision");
    let revision = match r.get(cur, "revision") {
        Some(n) => Some(r.field_integer(n, &path, 1)?),
        None => None,
    };
    let verify_timeout = r.duration_or(cur, "verify_timeout", VERIFY_TIMEOUT);
    Some(StepKind::Rollback {
        target: target?,
        revision,
        verify_timeout,
    })
}

fn promote(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
    let via_path = child(cur.path, "via");
    let via = match r.get(cur, "via") {
        Some(n) => r.scalar(n, &via_path, "cnpg or patroni")?,
        None => "cnpg",
    };
    let max_lag = match r.get(cur, "max_lag") {
        Some(n) => Some(r.duration(n, &child(cur.path, "max_lag"))?),
        None => None,
    };
    let verify_timeout = r.duration_or(cur, "verify_timeout", VERIFY_TIMEOUT);
    let misplaced = |r: &mut Reader<'_>, keys: &[&str], via: &str| {
        for key in keys {
            if r.get(cur, key).is_some() {
                let message = format!("`{key}` does not apply to a promotion via {via}");
                r.report_key(cur.node, key, &child(cur.path, key), message);
            }
        }
    };
    let promotion = match via {
        "cnpg" => {
            misplaced(r, &["endpoint", "candidate"], "cnpg");
            let target = target(r, cur, &[ObjectKind::CnpgCluster]);
            let path = child(cur.path, "instance");
            let instance = match r.get(cur, "instance") {
                Some(n) => Some(r.field_string(
                    n,
                    &path,
                    Accepts::Name,
                    "an instance name",
                    dns_subdomain,
                )?),
                None => None,
            };
            PromotionSpec::Cnpg {
                target: target?,
                instance,
                max_lag,
            }
        }
        "patroni" => {
            misplaced(r, &["target", "instance"], "patroni");
            let path = child(cur.path, "endpoint");
            let endpoint = r
                .required(
                    cur,
                    "endpoint",
                    "the name of a Patroni endpoint in the config",
                )
                .and_then(|n| {
                    let text = r.scalar(n, &path, "an endpoint name")?;
                    match dns_label(text) {
                        Ok(()) => Some(text.to_string()),
                        Err(why) => {
                            r.report(n, &path, format!("{text:?} is not an endpoint name: {why}"));
                            None
                        }
                    }
                });
            let path = child(cur.path, "candidate");
            let candidate = r
                .required(cur, "candidate", "the member to promote")
                .and_then(|n| {
                    r.field_string(n, &path, Accepts::Name, "a member name", dns_subdomain)
                });
            PromotionSpec::Patroni {
                endpoint: endpoint?,
                candidate: candidate?,
                max_lag,
            }
        }
        other => {
            let node = r.get(cur, "via")?;
            r.report(
                node,
                &via_path,
                format!("expected cnpg or patroni, found {other:?}"),
            );
            return None;
        }
    };
    Some(StepKind::Promote {
        promotion,
        verify_timeout,
    })
}

fn wait(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
    let path = child(cur.path, "until");
    let until = r
        .required(cur, "until", "a condition mapping")
        .and_then(|node| {
            let until = Cur { node, path: &path };
            if !matches!(node.value, Value::Map(_)) {
                r.keys(until, "a condition mapping", &[]);
                return None;
            }
            let name = condition_name(r, until)?;
            let mut known = vec!["condition"];
            known.extend(condition_keys(name));
            r.keys(until, "a condition mapping", &known);
            conditions::condition(r, until, name)
        });
    let path = child(cur.path, "timeout");
    let timeout = r
        .required(cur, "timeout", "how long to wait, such as 10m")
        .and_then(|n| r.duration(n, &path));
    let every = r.duration_or(cur, "every", WAIT_EVERY);
    if let (Some(t), Some(node)) = (timeout, r.get(cur, "every"))
        && every > t
    {
        r.report(
            node,
            &child(cur.path, "every"),
            "polls less often than the timeout; make `every` shorter than `timeout`",
        );
        return None;
    }
    Some(StepKind::Wait {
        until: until?,
        timeout: timeout?,
        every,
    })
}

fn silence(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
    let cluster = cluster_field(r, cur);
    let path = child(cur.path, "matchers");
    let matchers: Option<Vec<MatcherSpec>> = r
        .required(
            cur,
            "matchers",
            "a list of matchers or 'alertname=\"X\",service=\"y\"'",
        )
        .and_then(|n| matchers::read(r, n, &path));
    let path = child(cur.path, "duration");
    let duration = r
        .required(cur, "duration", "a duration such as 1h or \"{{ param }}\"")
        .and_then(|n| r.field_duration(n, &path));
    let path = child(cur.path, "comment");
    let comment = r
        .required(cur, "comment", "why the silence exists")
        .and_then(|n| r.template(n, &path, "a comment"));
    Some(StepKind::Silence {
        cluster: cluster?,
        matchers: matchers?,
        duration: duration?,
        comment: comment?,
    })
}

fn command(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
    let path = child(cur.path, "name");
    let name = r
        .required(
            cur,
            "name",
            "the name of an allowlisted program in the config",
        )
        .and_then(|n| {
            let text = r.scalar(n, &path, "a program name")?;
            match dns_label(&text.replace('_', "-")) {
                Ok(()) => Some(text.to_string()),
                Err(why) => {
                    r.report(
                        n,
                        &path,
                        format!("{text:?} is not an allowlist name: {why}"),
                    );
                    None
                }
            }
        });
    let path = child(cur.path, "args");
    let args = match r.get(cur, "args") {
        None => Some(Vec::new()),
        Some(node) => args(r, node, &path),
    };
    let timeout = r.duration_or(cur, "timeout", COMMAND_TIMEOUT);
    Some(StepKind::Command {
        name: name?,
        args: args?,
        timeout,
    })
}

/// `args: [a, "{{ p }}"]`: each a literal or a whole parameter, never text with a
/// placeholder inside (no shell, no splicing).
fn args(r: &mut Reader<'_>, node: &Node, path: &str) -> Option<Vec<Field<String>>> {
    let Value::Seq(items) = &node.value else {
        let message = format!("expected a list of arguments, found {}", node.describe());
        r.report(node, path, message);
        return None;
    };
    let before = r.count();
    let out: Vec<Field<String>> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let path = format!("{path}[{i}]");
            r.field_string(item, &path, Accepts::Any, "an argument", |t| {
                visible(t).map_err(|why| format!("it {why}"))
            })
        })
        .collect();
    (r.count() == before).then_some(out)
}
