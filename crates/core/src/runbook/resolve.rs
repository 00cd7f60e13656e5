//! Substitutes validated parameter values into a step's typed fields and templates,
//! turning a `spec::Step` into a `resolved::ResolvedStep` when the engine reaches it.

use std::time::Duration;

use super::params::{CommandPolicy, Values};
use super::resolved::{Mutation, ObjectRef, Probe, ResolvedStep};
use super::spec::{
    ConditionSpec, Field, ObjectKind, PromotionSpec, Step, StepKind, TargetSpec, Template,
};
use crate::matcher::{MatchOp, Matcher};

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
    let r = Resolver { values };
    let action = match kind {
        StepKind::Check(cond) => ResolvedStep::Check(r.condition(cond)?),
        StepKind::Wait {
            until,
            timeout,
            every,
        } => ResolvedStep::Wait {
            until: r.condition(until)?,
            timeout: *timeout,
            every: *every,
        },
        StepKind::Confirm { question } => ResolvedStep::Confirm {
            question: r.template(question)?,
        },
        StepKind::Note { text, .. } => ResolvedStep::Note {
            text: r.template(text)?,
        },
        StepKind::Scale {
            target,
            replicas,
            expect_replicas,
            target_utilisation,
            verify_timeout,
        } => {
            let object = r.target(target)?;
            let replicas = r.replicas(replicas, "replicas")?;
            let expect_replicas = match expect_replicas {
                Some(f) => Some(r.replicas(f, "expect_replicas")?),
                None => None,
            };
            let for_load = match target_utilisation {
                Some(f) => Some(r.utilisation(f)?),
                None => None,
            };
            let mutation = Mutation::Scale {
                object,
                replicas,
                expect_replicas,
                for_load,
            };
            mutate(mutation, *verify_timeout)
        }
        StepKind::Rollback {
            target,
            revision,
            verify_timeout,
        } => {
            let object = r.target(target)?;
            let revision = match revision {
                Some(f) => Some(r.integer(f, "revision")?),
                None => None,
            };
            if revision.is_some_and(|rev| rev < 1) {
                return Err("revision must be 1 or more".to_owned());
            }
            mutate(Mutation::Rollback { object, revision }, *verify_timeout)
        }
        StepKind::Promote {
            promotion,
            verify_timeout,
        } => {
            let mutation = match promotion {
                PromotionSpec::Cnpg {
                    target,
                    instance,
                    max_lag,
                } => Mutation::PromoteCnpg {
                    object: r.target(target)?,
                    instance: match instance {
                        Some(f) => Some(r.string(f)?),
                        None => None,
                    },
                    max_lag: *max_lag,
                },
                PromotionSpec::Patroni {
                    endpoint,
                    candidate,
                    max_lag,
                } => Mutation::PromotePatroni {
                    endpoint: endpoint.clone(),
                    candidate: r.string(candidate)?,
                    max_lag: *max_lag,
                },
            };
            mutate(mutation, *verify_timeout)
        }
        StepKind::Follow {
            target,
            source,
            verify_timeout,
        } => {
            let mutation = Mutation::FollowCnpg {
                object: r.target(target)?,
                source: r.template(source)?,
            };
            mutate(mutation, *verify_timeout)
        }
        StepKind::Silence {
            cluster,
            matchers,
            duration,
            comment,
        } => {
            let matchers = matchers
                .iter()
                .map(|m| {
                    Ok(Matcher::new(
                        &m.name,
                        MatchOp::from_flags(m.is_equal, m.is_regex),
                        &r.template(&m.value)?,
                    ))
                })
                .collect::<Result<Vec<_>, String>>()?;
            let mutation = Mutation::Silence {
                cluster: r.string(cluster)?,
                matchers,
                duration: r.duration(duration)?,
                comment: r.template(comment)?,
            };
            mutate(mutation, Duration::ZERO)
        }
        StepKind::ExpireSilence { cluster, id } => {
            let mutation = Mutation::ExpireSilence {
                cluster: r.string(cluster)?,
                id: r.string(id)?,
            };
            mutate(mutation, Duration::ZERO)
        }
        StepKind::Command {
            name,
            args,
            timeout,
        } => {
            let prefix = allowed_command(name, commands)?;
            let mut argv = prefix.to_vec();
            for arg in args {
                argv.push(r.string(arg)?);
            }
            let mutation = Mutation::Command {
                name: name.clone(),
                argv,
                timeout: *timeout,
            };
            mutate(mutation, *timeout)
        }
    };
    Ok(action)
}

/// What must hold after `mutation` for it to count as done: a scaled Deployment has rolled
/// out (other workloads have the pods ready), a rolled-back Deployment has rolled out, a
/// promoted CNPG cluster accepts writes. `None` when the mutation verifies itself.
pub fn verify_probe(mutation: &Mutation) -> Option<Probe> {
    match mutation {
        Mutation::Scale {
            object, replicas, ..
        } => Some(match object.kind {
            ObjectKind::Deployment => Probe::RolloutComplete {
                object: object.clone(),
            },
            _ => Probe::PodsReady {
                object: object.clone(),
                min_ready: i64::from(*replicas),
            },
        }),
        Mutation::Rollback { object, .. } => Some(Probe::RolloutComplete {
            object: object.clone(),
        }),
        Mutation::PromoteCnpg { object, .. } => Some(Probe::Writable {
            object: object.clone(),
        }),
        // Streaming from a writable source again: the lag comes back under a minute.
        Mutation::FollowCnpg { object, .. } => Some(Probe::ReplicationLag {
            object: object.clone(),
            below: Duration::from_secs(60),
        }),
        Mutation::PromotePatroni { .. }
        | Mutation::Silence { .. }
        | Mutation::ExpireSilence { .. }
        | Mutation::Command { .. } => None,
    }
}

fn mutate(mutation: Mutation, verify_timeout: Duration) -> ResolvedStep {
    ResolvedStep::Mutate {
        verify: verify_probe(&mutation),
        mutation,
        verify_timeout,
    }
}

fn allowed_command<'a>(name: &str, commands: &'a CommandPolicy) -> Result<&'a [String], String> {
    if !commands.enabled {
        return Err(format!(
            "command `{name}` cannot run: commands are disabled; set `allow_commands = true` \
             under [runbooks] in the config to enable them"
        ));
    }
    match commands.programs.get(name) {
        Some(prefix) if !prefix.is_empty() => Ok(prefix),
        Some(_) => Err(format!(
            "command `{name}` has an empty argv in [runbooks.commands]; give it the program \
             and its fixed arguments"
        )),
        None => Err(format!(
            "command `{name}` is not in the allowlist; add it under [runbooks.commands] in the \
             config with its argv prefix"
        )),
    }
}

struct Resolver<'a> {
    values: &'a Values,
}

impl Resolver<'_> {
    fn value(&self, name: &str) -> Result<&str, String> {
        self.values.get(name).map(String::as_str).ok_or_else(|| {
            format!("parameter {name} has no value; give it with --param {name}=...")
        })
    }

    fn string(&self, field: &Field<String>) -> Result<String, String> {
        match field {
            Field::Literal(s) => Ok(s.clone()),
            Field::Param(name) => self.value(name).map(str::to_owned),
        }
    }

    fn integer(&self, field: &Field<i64>, what: &str) -> Result<i64, String> {
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

    fn replicas(&self, field: &Field<i64>, what: &str) -> Result<i32, String> {
        let n = self.integer(field, what)?;
        i32::try_from(n)
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| format!("{what} must be between 0 and {}, found {n}", i32::MAX))
    }

    /// A target CPU utilisation: a share in (0, 1].
    fn utilisation(&self, field: &Field<f64>) -> Result<f64, String> {
        let share = self.number(field)?;
        if share > 0.0 && share <= 1.0 {
            Ok(share)
        } else {
            Err(format!(
                "target_utilisation must be a share above 0 and at most 1 (0.6 = 60% of the CPU limit), found {share}"
            ))
        }
    }

    fn duration(&self, field: &Field<Duration>) -> Result<Duration, String> {
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

    fn target(&self, target: &TargetSpec) -> Result<ObjectRef, String> {
        Ok(ObjectRef {
            cluster: self.string(&target.cluster)?,
            namespace: self.string(&target.namespace)?,
            kind: target.kind,
            name: self.string(&target.name)?,
        })
    }

    fn condition(&self, cond: &ConditionSpec) -> Result<Probe, String> {
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
    fn template(&self, template: &Template) -> Result<String, String> {
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
