//! Substitutes validated parameter values into a step's typed fields and templates,
//! turning a `spec::Step` into a `resolved::ResolvedStep` when the engine reaches it. Each
//! step kind's `resolve` (`runbook::kinds`) does its own fields with the `Resolver` here.

use std::time::Duration;

use super::kinds;
use super::params::{CommandPolicy, Values};
use super::resolved::{Mutation, ObjectRef, Probe, ResolvedStep};
use super::spec::{ConditionSpec, Field, Step, StepKind, TargetSpec, Template};

/// Substitutes `values` into the step's typed fields and templates. Fails (worded for
/// people) when a referenced parameter has no value, a substituted field does not fit its
/// type, or a command is not allowlisted or commands are disabled.
pub fn resolve(
    step: &Step,
    values: &Values,
    commands: &CommandPolicy,
) -> Result<ResolvedStep, String> {
    resolve_kind(&step.kind, values, commands).map_err(|e| {
        if step.line > 0 {
            format!("step {} (line {}): {e}", step.id, step.line)
        } else {
            format!("step {}: {e}", step.id)
        }
    })
}

fn resolve_kind(
    kind: &StepKind,
    values: &Values,
    commands: &CommandPolicy,
) -> Result<ResolvedStep, String> {
    let r = Resolver { values, commands };
    match kinds::of(kind) {
        Some(def) => def.resolve(kind, &r),
        None => Err(format!(
            "step kind {} is not registered in runbook::kinds::KINDS",
            kind.keyword()
        )),
    }
}

/// What must hold after `mutation` for it to count as done, as its step kind says
/// (`StepKindDef::verify`). `None` when the mutation verifies itself.
pub fn verify_probe(mutation: &Mutation) -> Option<Probe> {
    kinds::of_mutation(mutation).and_then(|def| def.verify(mutation))
}

/// A mutating step as the engine runs it: the mutation, what verifies it, and how long that
/// may take.
pub(in crate::runbook) fn mutate(mutation: Mutation, verify_timeout: Duration) -> ResolvedStep {
    ResolvedStep::Mutate {
        verify: verify_probe(&mutation),
        mutation,
        verify_timeout,
    }
}

/// Parameter values and the command allowlist, for step kinds to substitute and validate
/// their fields with (`StepKindDef::resolve`).
pub(in crate::runbook) struct Resolver<'a> {
    values: &'a Values,
    pub(in crate::runbook) commands: &'a CommandPolicy,
}

impl Resolver<'_> {
    fn value(&self, name: &str) -> Result<&str, String> {
        self.values.get(name).map(String::as_str).ok_or_else(|| {
            format!("parameter {name} has no value; give it with --param {name}=...")
        })
    }

    pub(in crate::runbook) fn string(&self, field: &Field<String>) -> Result<String, String> {
        match field {
            Field::Literal(s) => Ok(s.clone()),
            Field::Param(name) => self.value(name).map(str::to_owned),
        }
    }

    pub(in crate::runbook) fn integer(
        &self,
        field: &Field<i64>,
        what: &str,
    ) -> Result<i64, String> {
        match field {
            Field::Literal(n) => Ok(*n),
            Field::Param(name) => {
                let text = self.value(name)?;
                text.parse().map_err(|_| {
                    format!(
                        "{what} takes parameter {name}, whose value {text:?} is not a whole number"
                    )
                })
            }
        }
    }

    fn number(&self, field: &Field<f64>) -> Result<f64, String> {
        match field {
            Field::Literal(n) => Ok(*n),
            Field::Param(name) => {
                let text = self.value(name)?;
                text.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| {
                        format!(
                            "threshold takes parameter {name}, whose value {text:?} is not a number"
                        )
                    })
            }
        }
    }

    pub(in crate::runbook) fn replicas(
        &self,
        field: &Field<i64>,
        what: &str,
    ) -> Result<i32, String> {
        let n = self.integer(field, what)?;
        i32::try_from(n)
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| format!("{what} must be between 0 and {}, found {n}", i32::MAX))
    }

    /// A target CPU utilisation: a share in (0, 1].
    pub(in crate::runbook) fn utilisation(&self, field: &Field<f64>) -> Result<f64, String> {
        let share = self.number(field)?;
        if share > 0.0 && share <= 1.0 {
            Ok(share)
        } else {
            Err(format!(
                "target_utilisation must be a share above 0 and at most 1 (0.6 = 60% of the CPU limit), found {share}"
            ))
        }
    }

    pub(in crate::runbook) fn duration(&self, field: &Field<Duration>) -> Result<Duration, String> {
        match field {
            Field::Literal(d) => Ok(*d),
            Field::Param(name) => {
                let text = self.value(name)?;
                parse_duration(text).ok_or_else(|| {
                    format!("parameter {name} is {text:?}, not a duration such as 90s, 15m or 2h")
                })
            }
        }
    }

    pub(in crate::runbook) fn target(&self, target: &TargetSpec) -> Result<ObjectRef, String> {
        Ok(ObjectRef {
            cluster: self.string(&target.cluster)?,
            namespace: self.string(&target.namespace)?,
            kind: target.kind,
            name: self.string(&target.name)?,
        })
    }

    pub(in crate::runbook) fn condition(&self, cond: &ConditionSpec) -> Result<Probe, String> {
        Ok(match cond {
            ConditionSpec::Query {
                cluster,
                query,
                op,
                threshold,
            } => Probe::Query {
                cluster: self.string(cluster)?,
                query: self.template(query)?,
                op: *op,
                threshold: self.number(threshold)?,
            },
            ConditionSpec::RolloutComplete { target } => Probe::RolloutComplete {
                object: self.target(target)?,
            },
            ConditionSpec::PodsReady { target, min_ready } => Probe::PodsReady {
                object: self.target(target)?,
                min_ready: self.integer(min_ready, "min_ready")?,
            },
            ConditionSpec::ReplicationLag { target, below } => Probe::ReplicationLag {
                object: self.target(target)?,
                below: *below,
            },
            ConditionSpec::Writable { target } => Probe::Writable {
                object: self.target(target)?,
            },
        })
    }

    /// Replaces every `{{ name }}` (spaces optional) with the parameter's value.
    pub(in crate::runbook) fn template(&self, template: &Template) -> Result<String, String> {
        let mut out = String::with_capacity(template.text.len());
        let mut rest = template.text.as_str();
        while let Some(open) = rest.find("{{") {
            out.push_str(&rest[..open]);
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("unclosed {{{{ in {:?}", template.text))?;
            let name = after[..close].trim();
            out.push_str(self.value(name)?);
            rest = &after[close + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Prose and titles for display: each `{{ name }}` with a value is replaced by it; others (and
/// an unclosed `{{`) stay as written, so guidance never fails to show.
pub fn display_text(text: &str, values: &Values) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        match values.get(after[..close].trim()) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// A parameter's duration (validated and canonical by now); `None` unless positive.
fn parse_duration(text: &str) -> Option<Duration> {
    crate::duration::parse_duration(text)
        .ok()
        .filter(|d| !d.is_zero())
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
