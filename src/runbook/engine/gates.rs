//! Guardrails between the dry run and the execution: which confirmations a change needs
//! (apply, production, risk, large change), how each is asked, and what an answer does.

use jiff::Timestamp;

use super::mutate::Mutating;
use super::run::{Run, human, yes_text};
use super::{Answer, Expect, Gate, Prompt, RunEffect, RunResult, StepStatus};
use crate::runbook::action::Mutation;
use crate::runbook::ops::{DiffLine, PlanReport};

/// An SLO with less than this share of its error budget left makes acting risky.
const LOW_BUDGET: f64 = 0.10;

impl Run {
    /// The gates `mutation` needs, in the order they are asked.
    pub(super) fn gates_for(&self, mutation: &Mutation, plan: &PlanReport) -> Vec<Gate> {
        let mut gates = vec![Gate::Apply];
        if let Some(cluster) = mutation.cluster() {
            if self
                .context
                .clusters
                .get(cluster)
                .is_some_and(|p| p.production)
            {
                gates.push(Gate::Production);
            }
            if risk_reasons(self, cluster).is_some() {
                gates.push(Gate::Risk);
            }
        }
        if large_change(mutation, plan).is_some() {
            gates.push(Gate::LargeChange);
        }
        gates
    }

    /// Asks the next gate, or executes when all were passed.
    pub(super) fn ask_next_gate(
        &mut self,
        mut m: Mutating,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let Some(gate) = m.gates.pop_front() else {
            return self.execute(m, now, out);
        };
        let what = describe(&m.mutation, m.plan.as_ref());
        let cluster = m.mutation.cluster().unwrap_or_default().to_owned();
        let (message, expect) = match gate {
            Gate::Production => (
                production_question(&m),
                Expect::Typed(typed_target(&m.mutation)),
            ),
            Gate::Risk => {
                let why = risk_reasons(self, &cluster).unwrap_or_default();
                (format!("{why}. {what} anyway?"), Expect::YesNo)
            }
            Gate::LargeChange => {
                let why = m.plan.as_ref().and_then(|p| large_change(&m.mutation, p));
                (
                    format!("{}. Go ahead?", why.unwrap_or_default()),
                    Expect::YesNo,
                )
            }
            _ => {
                let mut message = format!("Apply: {what}?");
                if let Some(plan) = &m.plan {
                    for line in changed_lines(&plan.diff) {
                        message.push('\n');
                        message.push_str(&line);
                    }
                }
                (message, Expect::YesNo)
            }
        };
        self.set_status(StepStatus::Asking);
        self.ask(gate, message, expect);
        self.keep(m);
    }

    pub(super) fn on_gate_answer(
        &mut self,
        prompt: Prompt,
        answer: Answer,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let m = match std::mem::replace(&mut self.phase, super::run::Phase::Idle) {
            super::run::Phase::Mutating(m) => *m,
            other => {
                self.phase = other;
                return;
            }
        };
        if answer == Answer::No {
            return self.declined(m, prompt.gate, now, out);
        }
        let accepted = match &prompt.expect {
            Expect::Typed(want) => match &answer {
                Answer::Typed(t) if t.trim() == want => Some(t.trim().to_owned()),
                Answer::Typed(t) => {
                    // The question afresh, not the prompt shown: mismatches do not pile up.
                    let message = format!(
                        "{:?} does not match. {}",
                        crate::model::sanitize::sanitize(t.trim()),
                        production_question(&m)
                    );
                    self.ask(prompt.gate, message, prompt.expect.clone());
                    return self.keep(m);
                }
                _ => None,
            },
            _ => yes_text(&answer),
        };
        let Some(text) = accepted else {
            // Not an answer to this question: ask again.
            self.prompt = Some(prompt);
            return self.keep(m);
        };
        let mut m = m;
        m.confirmations.push(text);
        self.ask_next_gate(m, now, out);
    }

    /// The user said no: a refused record with the confirmations so far, and the run stops.
    fn declined(&mut self, m: Mutating, gate: Gate, now: Timestamp, out: &mut Vec<RunEffect>) {
        let which = match gate {
            Gate::Production => "production",
            Gate::Risk => "risk",
            Gate::LargeChange => "large change",
            _ => "apply",
        };
        let reason = format!("declined at the {which} confirmation");
        self.audit_refused(&m, &reason, now, out);
        let step = self.current.unwrap_or(0);
        let reason = match &m.undo {
            // Declining a roll back leaves the step's failed change in place: still failed.
            Some(failure) => {
                let reason = format!("roll back {reason} after: {failure}");
                self.set_status(StepStatus::Failed(reason.clone()));
                reason
            }
            None => {
                self.set_status(StepStatus::Skipped(format!("not applied: {reason}")));
                reason
            }
        };
        self.finish(RunResult::Stopped { step, reason }, now, out);
    }
}

/// The production gate's question: which cluster, what to type, and the change.
fn production_question(m: &Mutating) -> String {
    let cluster = m.mutation.cluster().unwrap_or_default();
    let target = typed_target(&m.mutation);
    let what = describe(&m.mutation, m.plan.as_ref());
    format!("{cluster} is a production cluster. Type {target} to {what}, or answer no.")
}

/// What a production confirmation must type: `cluster/namespace/name`, or the cluster for a
/// change without an object (a silence).
fn typed_target(mutation: &Mutation) -> String {
    match mutation.object() {
        Some(object) => object.to_string(),
        None => mutation.cluster().unwrap_or_default().to_owned(),
    }
}

/// Why `cluster` is hot right now, worded; `None` when nothing is known to be.
fn risk_reasons(run: &Run, cluster: &str) -> Option<String> {
    let risk = run.context.risk.get(cluster)?;
    let mut reasons = Vec::new();
    if let Some((slo, left)) = &risk.lowest_budget
        && *left < LOW_BUDGET
    {
        reasons.push(format!(
            "SLO {slo} has {:.1}% of its error budget left",
            left * 100.0
        ));
    }
    if !risk.paging.is_empty() {
        reasons.push(format!("paging on {cluster}: {}", risk.paging.join(", ")));
    }
    (!reasons.is_empty()).then(|| format!("{cluster} is at risk: {}", reasons.join("; ")))
}

/// Scaling to zero or to more than twice the current replicas, worded.
fn large_change(mutation: &Mutation, plan: &PlanReport) -> Option<String> {
    let Mutation::Scale {
        object, replicas, ..
    } = mutation
    else {
        return None;
    };
    let to = *replicas;
    match plan.current_replicas {
        Some(from) if to == 0 || i64::from(to) > 2 * i64::from(from) => Some(format!(
            "Large change: {} {object} from {from} to {to} replicas",
            if to == 0 { "scale down" } else { "scale up" }
        )),
        None => Some(format!(
            "Large change: the current replicas of {object} are unknown; scaling to {to}"
        )),
        Some(_) => None,
    }
}

/// The removed and added lines of a diff, as `- x` and `+ x`.
fn changed_lines(diff: &[DiffLine]) -> Vec<String> {
    diff.iter()
        .filter_map(|d| match d {
            DiffLine::Context(_) => None,
            DiffLine::Removed(l) => Some(format!("- {l}")),
            DiffLine::Added(l) => Some(format!("+ {l}")),
        })
        .collect()
}

/// The change in words: `scale deployment/payment in us-east-1/shop from 4 to 8 replicas`.
pub(super) fn describe(mutation: &Mutation, plan: Option<&PlanReport>) -> String {
    let place = |o: &crate::runbook::action::ObjectRef| {
        format!(
            "{}/{} in {}/{}",
            o.kind.keyword(),
            o.name,
            o.cluster,
            o.namespace
        )
    };
    match mutation {
        Mutation::Scale {
            object, replicas, ..
        } => match plan.and_then(|p| p.current_replicas) {
            Some(from) => format!("scale {} from {from} to {replicas} replicas", place(object)),
            None => format!("scale {} to {replicas} replicas", place(object)),
        },
        Mutation::Rollback { object, revision } => match revision {
            Some(r) => format!("roll back {} to revision {r}", place(object)),
            None => format!("roll back {} to the previous revision", place(object)),
        },
        Mutation::PromoteCnpg {
            object, instance, ..
        } => match instance {
            Some(i) => format!("promote instance {i} of {} to primary", place(object)),
            None => format!("promote {} out of replica mode", place(object)),
        },
        Mutation::FollowCnpg { object, source } => {
            format!("make {} stream from {source}", place(object))
        }
        Mutation::PromotePatroni {
            endpoint,
            candidate,
            ..
        } => format!("fail Patroni cluster {endpoint} over to {candidate}"),
        Mutation::Silence {
            cluster,
            matchers,
            duration,
            ..
        } => {
            let matchers = matchers
                .iter()
                .map(|m| {
                    let op = match (m.is_equal, m.is_regex) {
                        (true, false) => "=",
                        (false, false) => "!=",
                        (true, true) => "=~",
                        (false, true) => "!~",
                    };
                    format!("{}{op}{:?}", m.name, m.value)
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "silence alerts matching {{{matchers}}} on {cluster} for {}",
                human(*duration)
            )
        }
        Mutation::ExpireSilence { cluster, id } => {
            format!("expire silence {id} on {cluster} (its alerts notify again)")
        }
        Mutation::Command { name, argv, .. } => {
            format!("run command {name}: {}", argv.join(" "))
        }
    }
}
