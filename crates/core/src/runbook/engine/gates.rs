//! Guardrails between the dry run and the execution for a step asked on its own (not
//! planned up front, an undo, or changed since the approval): apply, production (the
//! cluster's name typed), risk (pages other than the run's own), data at risk (typed
//! acknowledgement); how each is asked and what an answer does. Also the risk facts the
//! plan's approval uses.

use jiff::Timestamp;

use super::approval::{data_loss_text, over_limit};
use super::mutate::Mutating;
use super::run::{Run, human, yes_text};
use super::{Answer, Expect, Gate, Prompt, RunEffect, RunResult, StepStatus};
use crate::runbook::kinds;
use crate::runbook::op::{DiffLine, PlanReport};
use crate::runbook::resolved::Mutation;

/// An SLO with less than this share of its error budget left makes acting risky.
const LOW_BUDGET: f64 = 0.10;

impl Run {
    /// The questions a step asks on its own: when it could not be planned up front, when it
    /// undoes a failed change, or when something changed since the plan was approved.
    pub(super) fn gates_for(&self, mutation: &Mutation, plan: &PlanReport) -> Vec<Gate> {
        let mut gates = vec![Gate::Apply];
        let step = self.current.unwrap_or(0);
        if let Some(cluster) = mutation.cluster() {
            if self.is_production(cluster) {
                gates.push(Gate::Production);
            }
            if self.paging_reason(cluster).is_some()
                && self.new_pages(cluster).is_some()
                && !adds_capacity(mutation, plan)
            {
                gates.push(Gate::Risk);
            }
        }
        if let Some((amount, _)) = over_limit(mutation, Some(plan))
            && self.accepted_loss(step).is_none_or(|a| amount > a)
        {
            gates.push(Gate::DataLoss);
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
            if let Some(cluster) = m.mutation.cluster().map(str::to_owned) {
                let pages = self.pages_on(&cluster);
                if let Some(approval) = self.approval.as_mut() {
                    approval.paging.insert(cluster, pages);
                }
            }
            return self.execute(m, now, out);
        };
        let what = describe(&m.mutation, m.plan.as_ref());
        let cluster = m.mutation.cluster().unwrap_or_default().to_owned();
        let mut amount = None;
        let (message, expect) = match gate {
            Gate::Production => (production_question(&m), Expect::Typed(cluster.clone())),
            Gate::Risk => {
                let why = self.paging_reason(&cluster).unwrap_or_default();
                (format!("{why}. {what} anyway?"), Expect::YesNo)
            }
            Gate::DataLoss => {
                let over = over_limit(&m.mutation, m.plan.as_ref());
                let (d, max) = over.unwrap_or_default();
                amount = Some(d);
                (
                    format!(
                        "Promoting now loses {} of writes, more than the {} this step allows. \
                         Type {} to go on, or answer no.",
                        human(d),
                        human(max),
                        data_loss_text(d)
                    ),
                    Expect::Typed(data_loss_text(d)),
                )
            }
            _ => {
                let mut message = String::new();
                if !m.changed.is_empty() {
                    message.push_str(&format!(
                        "Changed since the plan was approved: {}.\n",
                        m.changed.join("; ")
                    ));
                }
                message.push_str(&format!("Apply: {what}?"));
                if let Some(plan) = &m.plan {
                    for line in changed_lines(&plan.diff) {
                        message.push('\n');
                        message.push_str(&line);
                    }
                    if let Some(warning) = large_change(&m.mutation, plan) {
                        message.push_str(&format!("\n⚠ {warning}"));
                    }
                }
                (message, Expect::YesNo)
            }
        };
        self.set_status(StepStatus::Asking);
        self.ask(gate, message, expect);
        if let Some(p) = self.prompt.as_mut() {
            p.data_at_risk = amount;
        }
        self.keep(m);
    }

    pub(super) fn on_gate_answer(
        &mut self,
        prompt: Prompt,
        answer: Answer,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        if let Some(p) = self.take_planning() {
            return self.on_approval_answer(p, prompt, answer, now, out);
        }
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
                Answer::Typed(t)
                    if t.trim() == want
                        || (prompt.gate == Gate::Production
                            && m.mutation
                                .object()
                                .is_some_and(|o| o.to_string() == t.trim())) =>
                {
                    Some(t.trim().to_owned())
                }
                Answer::Typed(t) => {
                    // The question afresh, not the prompt shown: mismatches do not pile up.
                    let question = if prompt.gate == Gate::Production {
                        production_question(&m)
                    } else {
                        format!("Type {want} to go on, or answer no.")
                    };
                    let message = format!(
                        "{:?} does not match. {question}",
                        crate::text::sanitize(t.trim()),
                    );
                    self.ask(prompt.gate, message, prompt.expect.clone());
                    if let Some(p) = self.prompt.as_mut() {
                        p.data_at_risk = prompt.data_at_risk;
                    }
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
        if let (Gate::DataLoss, Some(amount)) = (prompt.gate, prompt.data_at_risk) {
            let step = self.current.unwrap_or(0);
            if let Some(approval) = self.approval.as_mut() {
                approval.accepted_loss.insert(step, amount);
            }
        }
        let mut m = m;
        m.confirmations.push(text);
        self.ask_next_gate(m, now, out);
    }

    /// The user said no: a refused record with the confirmations so far, and the run stops.
    pub(super) fn declined(
        &mut self,
        m: Mutating,
        gate: Gate,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let which = match gate {
            Gate::Plan => "plan",
            Gate::Production => "production",
            Gate::Risk => "risk",
            Gate::DataLoss => "data at risk",
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

    /// The alerts the run is about: its own alert and its runbook's triggers. Their pages
    /// raise no risk question (the run is there to fix them).
    fn ignored(&self, page: &str) -> bool {
        let own = self
            .context
            .alert
            .as_deref()
            .map(|a| a.split('{').next().unwrap_or(a));
        if own == Some(page) || self.runbook.triggers.iter().any(|t| t.alert == page) {
            return true;
        }
        // An SLO page of the run's service is the same symptom.
        let service = self
            .context
            .alert
            .as_deref()
            .and_then(|a| label(a, "service"));
        page.strip_prefix("SLO ")
            .zip(service)
            .is_some_and(|(slo, service)| slo.contains(service))
    }

    /// The pages on `cluster` that are not the run's own.
    pub(super) fn pages_on(&self, cluster: &str) -> Vec<String> {
        self.context
            .risk
            .get(cluster)
            .map(|r| {
                r.paging
                    .iter()
                    .filter(|p| !self.ignored(p))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Pages on `cluster` that were not there when the plan (or the step) was approved.
    pub(super) fn new_pages(&self, cluster: &str) -> Option<Vec<String>> {
        let known = self.approval.as_ref().and_then(|a| a.paging.get(cluster));
        let new: Vec<String> = self
            .pages_on(cluster)
            .into_iter()
            .filter(|p| known.is_none_or(|k| !k.contains(p)))
            .collect();
        (!new.is_empty()).then_some(new)
    }

    /// `paging on eu-west-1: PostgresDown`, without the run's own alerts.
    pub(super) fn paging_reason(&self, cluster: &str) -> Option<String> {
        let pages = self.pages_on(cluster);
        (!pages.is_empty()).then(|| {
            format!(
                "{cluster} is at risk: paging on {cluster}: {}",
                pages.join(", ")
            )
        })
    }

    /// An SLO with under 10% of its budget left on `cluster`, worded.
    pub(super) fn budget_reason(&self, cluster: &str) -> Option<String> {
        let (slo, left) = self.context.risk.get(cluster)?.lowest_budget.as_ref()?;
        (*left < LOW_BUDGET).then(|| {
            format!(
                "SLO {slo} has {:.1}% of its error budget left on {cluster}",
                left * 100.0
            )
        })
    }

    fn accepted_loss(&self, step: usize) -> Option<std::time::Duration> {
        self.approval.as_ref()?.accepted_loss.get(&step).copied()
    }
}

/// A scale-up: more pods for the same spec (`StepKindDef::adds_capacity`). A page that
/// starts while it waits (the load it is meant to carry arriving first) makes it more
/// urgent, not riskier, so it is not asked again for one.
pub(super) fn adds_capacity(mutation: &Mutation, plan: &PlanReport) -> bool {
    kinds::of_mutation(mutation).is_some_and(|k| k.adds_capacity(mutation, plan))
}

/// The value of label `name` in `Alert{a="1",name="v"}`.
fn label<'a>(alert: &'a str, name: &str) -> Option<&'a str> {
    let start = alert.find(&format!("{name}=\""))? + name.len() + 2;
    let rest = &alert[start..];
    Some(&rest[..rest.find('"')?])
}

/// The production gate's question: which cluster, what to type, and the change.
fn production_question(m: &Mutating) -> String {
    let cluster = m.mutation.cluster().unwrap_or_default();
    let what = describe(&m.mutation, m.plan.as_ref());
    format!("{cluster} is a production cluster. Type {cluster} to {what}, or answer no.")
}

/// A change large enough to warn about, worded (`StepKindDef::large_change`: scaling to
/// zero or to more than twice the current replicas).
pub(super) fn large_change(mutation: &Mutation, plan: &PlanReport) -> Option<String> {
    kinds::of_mutation(mutation)?.large_change(mutation, plan)
}

/// The removed and added lines of a diff, as `- x` and `+ x`.
pub(super) fn changed_lines(diff: &[DiffLine]) -> Vec<String> {
    diff.iter()
        .filter_map(|d| match d {
            DiffLine::Context(_) => None,
            DiffLine::Removed(l) => Some(format!("- {l}")),
            DiffLine::Added(l) => Some(format!("+ {l}")),
        })
        .collect()
}

/// The change in words (`scale deployment/payment in us-east-1/shop from 4 to 8 replicas`),
/// as the mutation's step kind says (`StepKindDef::change`).
pub(super) fn describe(mutation: &Mutation, plan: Option<&PlanReport>) -> String {
    match kinds::of_mutation(mutation) {
        Some(kind) => kind.change(mutation, plan),
        None => mutation.verb().to_owned(),
    }
}
