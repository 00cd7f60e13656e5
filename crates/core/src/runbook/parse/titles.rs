//! Titles for steps that do not give one: a short sentence from the step's fields, with
//! parameters shown as `{{ name }}` (the console shows the values once they are known).

use crate::runbook::spec::{
    ConditionSpec, Field, MatcherSpec, PromotionSpec, StepKind, TargetSpec,
};

use super::reader::duration_text;

/// Longest generated title from free text (questions, notes), in characters.
const TEXT_CHARS: usize = 60;

fn field<T: std::fmt::Display>(f: &Field<T>) -> String {
    match f {
        Field::Literal(v) => v.to_string(),
        Field::Param(name) => format!("{{{{ {name} }}}}"),
    }
}

fn duration_field(f: &Field<std::time::Duration>) -> String {
    match f {
        Field::Literal(d) => duration_text(*d),
        Field::Param(name) => format!("{{{{ {name} }}}}"),
    }
}

fn object(t: &TargetSpec) -> String {
    format!(
        "{} {} on {}",
        t.kind.keyword(),
        field(&t.name),
        field(&t.cluster)
    )
}

/// The first line of a text, cut at a readable length.
fn short(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim();
    if line.chars().count() > TEXT_CHARS {
        let mut cut: String = line.chars().take(TEXT_CHARS - 1).collect();
        // A placeholder cut in half could not be filled in when the title is shown.
        if let Some(open) = cut.rfind("{{")
            && !cut[open..].contains("}}")
        {
            cut.truncate(open);
        }
        format!("{}…", cut.trim_end())
    } else {
        line.to_string()
    }
}

/// What a condition states, to follow "Check that" or "Wait until".
fn condition(c: &ConditionSpec) -> String {
    match c {
        ConditionSpec::Query {
            cluster,
            query,
            op,
            threshold,
        } => format!(
            "{} on {} is {} {}",
            metric(&query.text).unwrap_or("the query"),
            field(cluster),
            op.symbol(),
            field(threshold)
        ),
        ConditionSpec::RolloutComplete { target } => {
            format!("{} has rolled out", object(target))
        }
        ConditionSpec::PodsReady { target, min_ready } => format!(
            "at least {} pods of {} are ready",
            field(min_ready),
            object(target)
        ),
        ConditionSpec::ReplicationLag { target, below } => format!(
            "replication lag of {} is below {}",
            object(target),
            duration_text(*below)
        ),
        ConditionSpec::Writable { target } => format!("{} accepts writes", object(target)),
    }
}

/// The first metric a PromQL query selects (`http_requests_total{...}`), to name it.
fn metric(query: &str) -> Option<&str> {
    let bytes = query.as_bytes();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        let word = b.is_ascii_alphanumeric() || b == b'_' || b == b':';
        match (start, word) {
            (None, true) if !b.is_ascii_digit() => start = Some(i),
            (Some(s), false) => {
                if b == b'{' || b == b'[' {
                    return query.get(s..i);
                }
                start = None;
            }
            _ => {}
        }
    }
    None
}

fn matchers(list: &[MatcherSpec]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|m| {
            let op = match (m.is_equal, m.is_regex) {
                (true, false) => "=",
                (false, false) => "!=",
                (true, true) => "=~",
                (false, true) => "!~",
            };
            format!("{}{op}\"{}\"", m.name, m.value.text)
        })
        .collect();
    parts.join(",")
}

pub(super) fn title(kind: &StepKind) -> String {
    match kind {
        StepKind::Check(c) => format!("Check that {}", condition(c)),
        StepKind::Wait { until, timeout, .. } => format!(
            "Wait until {} (up to {})",
            condition(until),
            duration_text(*timeout)
        ),
        StepKind::Scale {
            target,
            target_utilisation: Some(share),
            ..
        } => format!(
            "Scale {} for the load at {} CPU utilisation",
            object(target),
            field(share)
        ),
        StepKind::Scale {
            target, replicas, ..
        } => format!("Scale {} to {} replicas", object(target), field(replicas)),
        StepKind::Rollback {
            target, revision, ..
        } => match revision {
            Some(rev) => format!("Roll back {} to revision {}", object(target), field(rev)),
            None => format!("Roll back {} to the previous revision", object(target)),
        },
        StepKind::Follow { target, source, .. } => {
            format!("Make {} follow {}", object(target), source.text.trim())
        }
        StepKind::Promote { promotion, .. } => match promotion {
            PromotionSpec::Cnpg {
                target,
                instance: Some(instance),
                ..
            } => format!("Promote instance {} of {}", field(instance), object(target)),
            PromotionSpec::Cnpg { target, .. } => {
                format!("Promote {} to primary", object(target))
            }
            PromotionSpec::Patroni {
                endpoint,
                candidate,
                ..
            } => format!("Promote {} through Patroni ({endpoint})", field(candidate)),
        },
        StepKind::Confirm { question } => short(&question.text),
        StepKind::Silence {
            cluster,
            matchers: list,
            duration,
            ..
        } => format!(
            "Silence {} on {} for {}",
            matchers(list),
            field(cluster),
            duration_field(duration)
        ),
        StepKind::ExpireSilence { cluster, id } => {
            format!("Expire silence {} on {}", field(id), field(cluster))
        }
        StepKind::Note { text, .. } => short(&text.text),
        StepKind::Command { name, args, .. } => {
            let mut words = vec![name.clone()];
            words.extend(args.iter().map(field));
            short(&format!("Run {}", words.join(" ")))
        }
    }
}
