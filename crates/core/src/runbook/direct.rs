//! One-step runbooks for the direct actions of the views (scale, roll back, promote,
//! silence, expire a silence), so that a key press in a view goes through the same engine and guards as a
//! runbook file. Values come from the model, already shown to the user; names are still
//! checked here with the runbook parameters' rules, because a name that came from a cluster
//! is still external text.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use super::resolved::{ObjectKind, ObjectRef};
use super::spec::{
    Field, MatcherSpec, Objectives, PromotionSpec, Runbook, Step, StepKind, TargetSpec, Template,
};
use crate::matcher::Matcher;

/// How long a scale or a rollback may take to roll out before the step fails.
pub const ROLLOUT_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// How long a promotion may take before the new primary accepts writes.
pub const PROMOTE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Why a direct action cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DirectError {
    #[error("{what} {value:?} is not a valid Kubernetes name: {why}")]
    Name {
        what: &'static str,
        value: String,
        why: String,
    },
    #[error("{what} must be a {expected}, found {kind}")]
    Kind {
        what: &'static str,
        expected: &'static str,
        kind: &'static str,
    },
    #[error("replicas must be between 0 and {max}, found {value}")]
    Replicas { value: i32, max: i32 },
    #[error("revision must be a positive number, found {0}")]
    Revision(i64),
    #[error("silence: {0}")]
    Silence(String),
}

/// The largest replica count a direct scale accepts.
pub const MAX_REPLICAS: i32 = 1000;

/// Scale `target` (a Deployment or StatefulSet) to `replicas`; `current`, when known, is the
/// precondition (the engine refuses if someone changed it meanwhile).
pub fn scale(
    target: ObjectRef,
    replicas: i32,
    current: Option<i32>,
) -> Result<Runbook, DirectError> {
    check_target(&target)?;
    if !matches!(
        target.kind,
        ObjectKind::Deployment | ObjectKind::StatefulSet
    ) {
        return Err(kind_error(
            "scale target",
            "Deployment or StatefulSet",
            target.kind,
        ));
    }
    if !(0..=MAX_REPLICAS).contains(&replicas) {
        return Err(DirectError::Replicas {
            value: replicas,
            max: MAX_REPLICAS,
        });
    }
    let from = current.map_or_else(String::new, |c| format!(" from {c}"));
    let guidance = format!(
        "Scale {} {target}{from} to {replicas} replicas. watchdeck checks your permission, \
         shows the server's dry run as a diff and asks before applying, then waits up to 5 \
         minutes for the rollout to complete.",
        target.kind.keyword()
    );
    let step = StepKind::Scale {
        target: target_spec(&target),
        replicas: Field::Literal(i64::from(replicas)),
        expect_replicas: current.map(|c| Field::Literal(i64::from(c))),
        target_utilisation: None,
        verify_timeout: ROLLOUT_TIMEOUT,
    };
    Ok(one_step(
        "action-scale",
        format!("Scale {target} to {replicas}"),
        guidance,
        step,
    ))
}

/// Roll the Deployment `target` back to `revision`, or to the previous one.
pub fn rollback(target: ObjectRef, revision: Option<i64>) -> Result<Runbook, DirectError> {
    check_target(&target)?;
    if target.kind != ObjectKind::Deployment {
        return Err(kind_error("rollback target", "Deployment", target.kind));
    }
    if let Some(r) = revision.filter(|r| *r < 1) {
        return Err(DirectError::Revision(r));
    }
    let to = revision.map_or_else(
        || "the previous revision".to_string(),
        |r| format!("revision {r}"),
    );
    let guidance = format!(
        "Roll back deployment {target} to {to}: its pod template is replaced by that \
         revision's. watchdeck shows the template diff and asks before applying, then waits \
         up to 5 minutes for the rollout to complete."
    );
    let step = StepKind::Rollback {
        target: target_spec(&target),
        revision: revision.map(Field::Literal),
        verify_timeout: ROLLOUT_TIMEOUT,
    };
    Ok(one_step(
        "action-rollback",
        format!("Roll back {target} to {to}"),
        guidance,
        step,
    ))
}

/// The data a direct promotion may lose without a typed acknowledgement: the shipped
/// regional-failover runbook's `max_lag` and RPO, so `P` asks what the runbook asks.
pub const PROMOTE_MAX_LAG: Duration = Duration::from_secs(5 * 60);

/// Promote the CNPG cluster `target`: a replica cluster leaves replica mode, or (with
/// `instance`) that instance becomes the primary. Data at risk over `PROMOTE_MAX_LAG`
/// needs the typed acknowledgement, as in the runbook.
pub fn promote_cnpg(target: ObjectRef, instance: Option<String>) -> Result<Runbook, DirectError> {
    check_target(&target)?;
    if target.kind != ObjectKind::CnpgCluster {
        return Err(kind_error("promote target", "CNPG cluster", target.kind));
    }
    if let Some(name) = &instance {
        check_name("instance", name, 253)?;
    }
    let what = match &instance {
        Some(name) => format!("Make instance {name} the primary of CNPG cluster {target}"),
        None => format!("Promote replica cluster {target}: replica mode is turned off"),
    };
    let guidance = format!(
        "{what}. Writes move to the new primary; anything the replica had not received yet \
         is lost: the plan shows that data at risk, and over 5 minutes of writes it must be \
         accepted by typing the amount. watchdeck asks before applying, then waits up to 10 \
         minutes for the cluster to accept writes."
    );
    let step = StepKind::Promote {
        promotion: PromotionSpec::Cnpg {
            target: target_spec(&target),
            instance: instance.map(Field::Literal),
            max_lag: Some(PROMOTE_MAX_LAG),
        },
        verify_timeout: PROMOTE_TIMEOUT,
    };
    let mut runbook = one_step(
        "action-promote",
        format!("Promote {target}"),
        guidance,
        step,
    );
    runbook.objectives.rpo = Some(PROMOTE_MAX_LAG);
    Ok(runbook)
}

/// Silence alerts matching `matchers` on `cluster`'s Alertmanager for `duration`.
pub fn silence(
    cluster: &str,
    matchers: Vec<Matcher>,
    duration: Duration,
    comment: &str,
) -> Result<Runbook, DirectError> {
    check_name("cluster", cluster, 253)?;
    if matchers.is_empty() {
        return Err(DirectError::Silence(
            "at least one matcher is required".to_string(),
        ));
    }
    if duration.is_zero() {
        return Err(DirectError::Silence(
            "the duration must be longer than zero".to_string(),
        ));
    }
    // Values become templates: a literal `{{` would be read as a placeholder.
    let literal = |text: &str| -> Result<Template, DirectError> {
        if text.contains("{{") || text.contains("}}") {
            return Err(DirectError::Silence(format!(
                "{text:?} holds `{{{{` or `}}}}`, which runbook templates reserve"
            )));
        }
        Ok(Template {
            text: text.to_string(),
        })
    };
    let specs = matchers
        .iter()
        .map(|m| {
            Ok(MatcherSpec {
                name: m.name.clone(),
                value: literal(&m.value)?,
                is_regex: m.op.is_regex(),
                is_equal: m.op.is_equal(),
            })
        })
        .collect::<Result<Vec<_>, DirectError>>()?;
    let shown: Vec<String> = matchers.iter().map(matcher_text).collect();
    let guidance = format!(
        "Silence alerts matching {{{}}} on the Alertmanager of {cluster} for {}. The silence \
         is read back from Alertmanager to confirm it was created.",
        shown.join(", "),
        duration_text(duration)
    );
    let step = StepKind::Silence {
        cluster: Field::Literal(cluster.to_string()),
        matchers: specs,
        duration: Field::Literal(duration),
        comment: literal(comment)?,
    };
    Ok(one_step(
        "action-silence",
        format!("Silence {} on {cluster}", shown.join(", ")),
        guidance,
        step,
    ))
}

/// Expire silence `id` on `cluster`'s Alertmanager before its end.
pub fn expire_silence(cluster: &str, id: &str) -> Result<Runbook, DirectError> {
    check_name("cluster", cluster, 253)?;
    if !crate::runbook::op::is_silence_id(id) {
        return Err(DirectError::Silence(format!(
            "{:?} is not a silence id (expected a UUID)",
            crate::text::sanitize(id)
        )));
    }
    let guidance = format!(
        "Expire silence {id} on the Alertmanager of {cluster} now. The alerts it mutes \
         notify again; they are listed with the change."
    );
    let step = StepKind::ExpireSilence {
        cluster: Field::Literal(cluster.to_string()),
        id: Field::Literal(id.to_string()),
    };
    Ok(one_step(
        "action-expire-silence",
        format!("Expire silence {id} on {cluster}"),
        guidance,
        step,
    ))
}

fn matcher_text(m: &Matcher) -> String {
    format!("{}{}{:?}", m.name, m.op.as_str(), m.value)
}

/// `2h`, `90m`, `45s`: the largest unit that divides the duration.
fn duration_text(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        s if s >= 3600 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s >= 60 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn one_step(id: &str, title: String, guidance: String, kind: StepKind) -> Runbook {
    Runbook {
        id: id.to_string(),
        source: PathBuf::new(),
        title: title.clone(),
        description: guidance.clone(),
        params: Vec::new(),
        triggers: Vec::new(),
        objectives: Objectives::default(),
        steps: vec![Step {
            id: "step-1".to_string(),
            title,
            guidance,
            kind,
            line: 0,
            when: None,
            on_fail: crate::runbook::spec::OnFail::Ask,
        }],
    }
}

fn target_spec(target: &ObjectRef) -> TargetSpec {
    TargetSpec {
        cluster: Field::Literal(target.cluster.clone()),
        namespace: Field::Literal(target.namespace.clone()),
        kind: target.kind,
        name: Field::Literal(target.name.clone()),
    }
}

fn kind_error(what: &'static str, expected: &'static str, kind: ObjectKind) -> DirectError {
    DirectError::Kind {
        what,
        expected,
        kind: kind.keyword(),
    }
}

fn check_target(target: &ObjectRef) -> Result<(), DirectError> {
    check_name("cluster", &target.cluster, 253)?;
    check_name("namespace", &target.namespace, 63)?;
    if target.namespace.contains('.') {
        return Err(DirectError::Name {
            what: "namespace",
            value: target.namespace.clone(),
            why: "a namespace is a DNS-1123 label (no dots)".to_owned(),
        });
    }
    check_name("name", &target.name, 253)
}

/// A DNS-1123 subdomain of at most `max` characters: lowercase letters, digits, `-` and `.`,
/// starting and ending with a letter or digit. This also refuses every shell and path
/// metacharacter, option-like values (`--all`), `..` and invisible characters.
pub fn check_name(what: &'static str, value: &str, max: usize) -> Result<(), DirectError> {
    // The same rules as runbook parameters: a label for 63, a subdomain otherwise.
    let checked = if max <= 63 {
        crate::runbook::params::names::dns_label(value)
    } else {
        crate::runbook::params::names::dns_subdomain(value)
    };
    checked.map_err(|why| DirectError::Name {
        what,
        value: value.to_string(),
        why,
    })
}

#[cfg(test)]
#[path = "direct_tests.rs"]
mod tests;
