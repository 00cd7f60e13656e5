//! The wording of titles for steps that do not give one: fields, objects, conditions and
//! matchers as short text, with parameters shown as `{{ name }}` (the console shows the
//! values once they are known). Each step kind's `describe` (`runbook::kinds`) builds its
//! sentence from these.

use crate::runbook::spec::{ConditionSpec, Field, MatcherSpec, TargetSpec};

use super::reader::duration_text;

/// Longest generated title from free text (questions, notes), in characters.
const TEXT_CHARS: usize = 60;

pub(in crate::runbook) fn field<T: std::fmt::Display>(f: &Field<T>) -> String {
    match f {
        Field::Literal(v) => v.to_string(),
        Field::Param(name) => format!("{{{{ {name} }}}}"),
    }
}

pub(in crate::runbook) fn duration_field(f: &Field<std::time::Duration>) -> String {
    match f {
        Field::Literal(d) => duration_text(*d),
        Field::Param(name) => format!("{{{{ {name} }}}}"),
    }
}

pub(in crate::runbook) fn object(t: &TargetSpec) -> String {
    format!(
        "{} {} on {}",
        t.kind.keyword(),
        field(&t.name),
        field(&t.cluster)
    )
}

/// The first line of a text, cut at a readable length.
pub(in crate::runbook) fn short(text: &str) -> String {
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
pub(in crate::runbook) fn condition(c: &ConditionSpec) -> String {
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

pub(in crate::runbook) fn matchers(list: &[MatcherSpec]) -> String {
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
