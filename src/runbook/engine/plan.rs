//! Plan once, approve once: at the first mutating step the run plans it and every mutating
//! step after it (identity, permission, read, dry run, diff), shows the whole plan and asks
//! once: the plan, a risk question when other pages fire on a touched cluster, each
//! production cluster's name typed once, and a typed acknowledgement per promotion whose data
//! at risk is over its `max_lag`. The approval is kept for the re-checks in `recheck`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use jiff::Timestamp;

use super::gates::{changed_lines, describe, large_change};
use super::mutate::{Mutating, Stage as MStage, blocked};
use super::run::{Phase, Run, human, yes_text};
use super::{Answer, Expect, Gate, Prompt, RunEffect, StepStatus};
use crate::model::sanitize::sanitize;
use crate::runbook::action::{Action, Mutation};
use crate::runbook::ops::{OpOutcome, OpRequest, PlanReport};
use crate::runbook::resolve::resolve;

/// One mutating step as planned before the approval.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    pub(super) step: usize,
    pub(super) mutation: Mutation,
    /// The plan, or why it could not be made up front (the step is planned and asked when
    /// it is reached).
    pub(super) plan: Result<PlanReport, String>,
}

impl Planned {
    /// A plan that changes something (not refused, not already in the wanted state).
    pub(super) fn changes(&self) -> Option<&PlanReport> {
        self.plan.as_ref().ok().filter(|p| {
            p.already.is_none() && !p.nothing_to_do() && blocked(&self.mutation, p).is_none()
        })
    }
}

/// What a confirmation given at the approval covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scope {
    Run,
    Cluster(String),
    Step(usize),
}

/// The approved plan: what each step may execute without another question.
#[derive(Debug, Clone, Default)]
pub(super) struct Approval {
    pub(super) planned: Vec<Planned>,
    pub(super) confirmations: Vec<(Scope, String)>,
    /// The pages known (and shown) when the plan was approved, by cluster.
    pub(super) paging: BTreeMap<String, Vec<String>>,
    /// Data loss accepted by step index.
    pub(super) accepted_loss: BTreeMap<usize, Duration>,
    /// Objects this run changed (their resourceVersion moved by our own hand).
    pub(super) touched: BTreeSet<String>,
}

impl Approval {
    /// The approved plan of step `step`, when it could be made up front.
    pub(super) fn plan_of(&self, step: usize) -> Option<&PlanReport> {
        self.planned
            .iter()
            .find(|p| p.step == step)
            .and_then(|p| p.plan.as_ref().ok())
    }

    /// The confirmations that cover `step` on `cluster`, as given.
    pub(super) fn confirmations_for(&self, step: usize, cluster: &str) -> Vec<String> {
        self.confirmations
            .iter()
            .filter(|(scope, _)| match scope {
                Scope::Run => true,
                Scope::Cluster(c) => c == cluster,
                Scope::Step(s) => *s == step,
            })
            .map(|(_, text)| text.clone())
            .collect()
    }
}

/// One question of the approval.
#[derive(Debug, Clone)]
struct Ask {
    gate: Gate,
    message: String,
    expect: Expect,
    scope: Scope,
    /// Other texts accepted at a typed question (`cluster/namespace/name` of a touched object).
    also: Vec<String>,
    amount: Option<(usize, Duration)>,
}

/// Planning in progress, then the approval's questions.
#[derive(Debug, Clone)]
pub(super) struct Planning {
    /// The step that began the planning; it goes on once the plan is approved.
    first: Mutating,
    queue: VecDeque<(usize, Mutation)>,
    doing: Option<(usize, Mutation, Stage)>,
    total: usize,
    approval: Approval,
    asks: VecDeque<Ask>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Identity,
    Access,
    Plan,
}

impl Run {
    /// Plans the current step's mutation and every mutating step after it.
    pub(super) fn begin_planning(&mut self, m: Mutating, now: Timestamp, out: &mut Vec<RunEffect>) {
        let from = self.current.unwrap_or(0);
        let queue: VecDeque<(usize, Mutation)> = self
            .runbook
            .steps
            .iter()
            .enumerate()
            .skip(from)
            .filter_map(
                |(i, step)| match resolve(step, &self.values, &self.context.commands) {
                    Ok(Action::Mutate { mutation, .. }) => Some((i, mutation)),
                    _ => None,
                },
            )
            .collect();
        let total = queue.len();
        let p = Planning {
            first: m,
            queue,
            doing: None,
            total,
            approval: Approval::default(),
            asks: VecDeque::new(),
        };
        self.plan_next(p, now, out);
    }

    fn plan_next(&mut self, mut p: Planning, now: Timestamp, out: &mut Vec<RunEffect>) {
        loop {
            let Some((step, mutation)) = p.queue.pop_front() else {
                return self.planned_all(p, now, out);
            };
            if let Some(reason) = self.refusal_of(&mutation) {
                p.approval.planned.push(Planned {
                    step,
                    mutation,
                    plan: Err(reason),
                });
                continue;
            }
            let done = p.total - p.queue.len();
            self.set_status(StepStatus::Running(format!(
                "planning the run's changes ({done} of {})",
                p.total
            )));
            let cluster = mutation.cluster().map(str::to_owned);
            match cluster {
                Some(cluster) if !self.identities.contains_key(&cluster) => {
                    self.op(OpRequest::Identity { cluster }, Duration::ZERO, out);
                    p.doing = Some((step, mutation, Stage::Identity));
                }
                _ => p.doing = Some(self.plan_access(step, mutation, out)),
            }
            self.phase = Phase::Planning(Box::new(p));
            return;
        }
    }

    fn plan_access(
        &mut self,
        step: usize,
        mutation: Mutation,
        out: &mut Vec<RunEffect>,
    ) -> (usize, Mutation, Stage) {
        match mutation.access() {
            Some(check) => {
                self.op(OpRequest::Access(check), Duration::ZERO, out);
                (step, mutation, Stage::Access)
            }
            None => {
                self.op(OpRequest::Plan(mutation.clone()), Duration::ZERO, out);
                (step, mutation, Stage::Plan)
            }
        }
    }

    pub(super) fn on_planning_outcome(
        &mut self,
        mut p: Planning,
        outcome: OpOutcome,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let Some((step, mutation, stage)) = p.doing.take() else {
            self.phase = Phase::Planning(Box::new(p));
            return;
        };
        if Some(step) == self.current && first_stops(stage, &outcome, &mutation) {
            // The step at hand cannot go ahead (denied, refused, already done): it says so
            // on its own, as without a plan; the rest is planned when the run gets there.
            let mut m = p.first;
            m.stage = match stage {
                Stage::Identity => MStage::Identity,
                Stage::Access => MStage::Access,
                Stage::Plan => MStage::Plan,
            };
            return self.on_mutation_outcome(m, outcome, now, out);
        }
        let failed = |reason: String, p: &mut Planning, mutation: Mutation| {
            p.approval.planned.push(Planned {
                step,
                mutation,
                plan: Err(reason),
            });
        };
        match (stage, outcome) {
            (Stage::Identity, OpOutcome::Identity(who)) => {
                let cluster = mutation.cluster().unwrap_or_default().to_owned();
                self.record_identity(cluster, who);
                p.doing = Some(self.plan_access(step, mutation, out));
                self.phase = Phase::Planning(Box::new(p));
                return;
            }
            (Stage::Access, OpOutcome::Access(Ok(v))) if v.allowed => {
                let check = mutation.access().map(|c| c.to_string()).unwrap_or_default();
                if let Some(s) = self.steps.get_mut(step) {
                    s.log.push(format!("allowed: {check}"));
                }
                self.op(OpRequest::Plan(mutation.clone()), Duration::ZERO, out);
                p.doing = Some((step, mutation, Stage::Plan));
                self.phase = Phase::Planning(Box::new(p));
                return;
            }
            (Stage::Access, OpOutcome::Access(verdict)) => {
                let check = mutation.access().map(|c| c.to_string()).unwrap_or_default();
                let why = match verdict {
                    Ok(v) => format!(
                        "permission denied: cannot {check} ({})",
                        sanitize(&v.reason)
                    ),
                    Err(e) => format!("could not check permission: {}", sanitize(&e.message)),
                };
                failed(why, &mut p, mutation);
            }
            (Stage::Plan, OpOutcome::Plan(Ok(plan))) => {
                if let (Mutation::PromoteCnpg { .. } | Mutation::PromotePatroni { .. }, Some(d)) =
                    (&mutation, plan.data_at_risk)
                {
                    self.data_at_risk = Some(d);
                }
                if let Some(s) = self.steps.get_mut(step) {
                    s.diff = plan.diff.clone();
                    s.log.extend(plan.notes.iter().map(|n| sanitize(n)));
                }
                p.approval.planned.push(Planned {
                    step,
                    mutation,
                    plan: Ok(plan),
                });
            }
            (Stage::Plan, OpOutcome::Plan(Err(e))) => {
                failed(
                    format!("dry run failed: {}", sanitize(&e.message)),
                    &mut p,
                    mutation,
                );
            }
            (_, outcome) => {
                self.keep(p.first.clone());
                return self.unexpected(&outcome, now, out);
            }
        }
        self.plan_next(p, now, out);
    }

    /// Every step planned: the approval's questions, or on without one when nothing changes.
    fn planned_all(&mut self, mut p: Planning, now: Timestamp, out: &mut Vec<RunEffect>) {
        let changing: Vec<&Planned> = p
            .approval
            .planned
            .iter()
            .filter(|x| x.changes().is_some())
            .collect();
        let mut clusters: Vec<String> = Vec::new();
        for planned in &changing {
            if let Some(c) = planned.mutation.cluster()
                && !clusters.iter().any(|k| k == c)
            {
                clusters.push(c.to_owned());
            }
        }
        let mut asks = VecDeque::new();
        if !changing.is_empty() {
            asks.push_back(Ask {
                gate: Gate::Plan,
                message: self.plan_text(&p.approval.planned, &clusters),
                expect: Expect::YesNo,
                scope: Scope::Run,
                also: Vec::new(),
                amount: None,
            });
        }
        let pages: Vec<String> = clusters
            .iter()
            .filter_map(|c| self.paging_reason(c))
            .collect();
        if !pages.is_empty() {
            asks.push_back(Ask {
                gate: Gate::Risk,
                message: format!("{}. Go ahead with the plan anyway?", pages.join(". ")),
                expect: Expect::YesNo,
                scope: Scope::Run,
                also: Vec::new(),
                amount: None,
            });
        }
        for cluster in &clusters {
            p.approval
                .paging
                .insert(cluster.clone(), self.pages_on(cluster));
            if !self.is_production(cluster) {
                continue;
            }
            let objects: Vec<String> = changing
                .iter()
                .filter_map(|x| x.mutation.object())
                .filter(|o| &o.cluster == cluster)
                .map(|o| o.to_string())
                .collect();
            let steps = changing
                .iter()
                .filter(|x| x.mutation.cluster() == Some(cluster.as_str()))
                .count();
            asks.push_back(Ask {
                gate: Gate::Production,
                message: format!(
                    "{cluster} is a production cluster and the plan changes it in {steps} \
                     step{}. Type {cluster} to approve them, or answer no.",
                    if steps == 1 { "" } else { "s" }
                ),
                expect: Expect::Typed(cluster.clone()),
                scope: Scope::Cluster(cluster.clone()),
                also: objects,
                amount: None,
            });
        }
        for planned in &changing {
            if let Some((amount, max)) = over_limit(&planned.mutation, planned.changes()) {
                asks.push_back(data_loss_ask(planned.step, &planned.mutation, amount, max));
            }
        }
        p.asks = asks;
        self.ask_approval(p, now, out);
    }

    fn ask_approval(&mut self, p: Planning, now: Timestamp, out: &mut Vec<RunEffect>) {
        match p.asks.front().cloned() {
            Some(ask) => {
                self.set_status(StepStatus::Asking);
                self.prompt = Some(Prompt {
                    gate: ask.gate,
                    message: ask.message,
                    expect: ask.expect,
                    data_at_risk: ask.amount.map(|(_, d)| d),
                });
                self.phase = Phase::Planning(Box::new(p));
            }
            None => {
                self.approval = Some(p.approval);
                self.check_access(p.first, now, out);
            }
        }
    }

    /// An answer to one of the approval's questions.
    pub(super) fn on_approval_answer(
        &mut self,
        mut p: Planning,
        prompt: Prompt,
        answer: Answer,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let Some(ask) = p.asks.front().cloned() else {
            return self.ask_approval(p, now, out);
        };
        if answer == Answer::No {
            let mut first = p.first;
            first.confirmations = p
                .approval
                .confirmations
                .into_iter()
                .map(|(_, text)| text)
                .collect();
            return self.declined(first, prompt.gate, now, out);
        }
        let text = match (&ask.expect, &answer) {
            (Expect::Typed(want), Answer::Typed(t))
                if t.trim() == want || ask.also.iter().any(|a| a == t.trim()) =>
            {
                Some(t.trim().to_owned())
            }
            (Expect::Typed(want), Answer::Typed(t)) => {
                let mut again = prompt;
                again.message = format!(
                    "{:?} does not match: type {want}. {}",
                    sanitize(t.trim()),
                    ask.message
                );
                self.prompt = Some(again);
                self.phase = Phase::Planning(Box::new(p));
                return;
            }
            (Expect::Typed(_), _) => None,
            _ => yes_text(&answer),
        };
        let Some(text) = text else {
            self.prompt = Some(prompt);
            self.phase = Phase::Planning(Box::new(p));
            return;
        };
        p.asks.pop_front();
        if let Some((step, amount)) = ask.amount {
            p.approval.accepted_loss.insert(step, amount);
        }
        p.approval.confirmations.push((ask.scope, text));
        self.ask_approval(p, now, out);
    }

    /// The whole plan, worded: every change in order with its diff and warnings.
    fn plan_text(&self, planned: &[Planned], clusters: &[String]) -> String {
        let changing = planned.iter().filter(|p| p.changes().is_some()).count();
        let mut lines = vec![format!(
            "{changing} change{} in order on {}. Approve once; a step is asked again only if \
             its target changes before it runs.",
            if changing == 1 { "" } else { "s" },
            clusters.join(", ")
        )];
        let mut n = 0;
        for p in planned {
            let title = self.step_title(p.step);
            match (&p.plan, p.changes()) {
                (_, Some(plan)) => {
                    n += 1;
                    lines.push(format!(
                        "{n}. {} (step {}: {title})",
                        describe(&p.mutation, Some(plan)),
                        p.step + 1
                    ));
                    lines.extend(
                        changed_lines(&plan.diff)
                            .into_iter()
                            .map(|l| format!("   {l}")),
                    );
                    if let Some(warning) = large_change(&p.mutation, plan) {
                        lines.push(format!("   ⚠ {warning}"));
                    }
                    if let Some((amount, max)) = over_limit(&p.mutation, Some(plan)) {
                        lines.push(format!(
                            "   ⚠ data at risk: {} of writes, over this step's {} limit",
                            human(amount),
                            human(max)
                        ));
                    } else if let Some(d) = plan.data_at_risk {
                        lines.push(format!("   data at risk: {} of writes", human(d)));
                    }
                }
                (Ok(plan), None) => {
                    let refused = blocked(&p.mutation, plan);
                    let why = plan
                        .already
                        .as_deref()
                        .map(sanitize)
                        .or(refused.clone())
                        .unwrap_or_else(|| "changes nothing".to_owned());
                    let kind = if plan.already.is_none() && refused.is_some() {
                        "refused"
                    } else {
                        "already in the wanted state"
                    };
                    lines.push(format!("-  step {} ({title}): {kind}: {why}", p.step + 1));
                }
                (Err(why), None) => lines.push(format!(
                    "-  step {} ({title}): not planned now, asked when reached: {why}",
                    p.step + 1
                )),
            }
        }
        for cluster in clusters {
            if let Some(low) = self.budget_reason(cluster) {
                lines.push(format!("⚠ {low}"));
            }
        }
        lines.push("Approve the plan?".to_owned());
        lines.join("\n")
    }

    fn step_title(&self, step: usize) -> String {
        self.runbook
            .steps
            .get(step)
            .map(|s| s.id.clone())
            .unwrap_or_default()
    }

    /// Why a mutation on this cluster is refused before anything is asked.
    pub(super) fn refusal_of(&self, mutation: &Mutation) -> Option<String> {
        let cluster = mutation.cluster()?;
        match self.context.clusters.get(cluster) {
            None => Some(format!(
                "cluster {cluster} is not in the config; add it under [clusters] or fix the \
                 runbook's cluster parameter"
            )),
            Some(policy) if policy.read_only => Some(format!(
                "cluster {cluster} is read-only in the config (read_only = true); change the \
                 config to act on it"
            )),
            Some(_) => None,
        }
    }

    pub(super) fn is_production(&self, cluster: &str) -> bool {
        self.context
            .clusters
            .get(cluster)
            .is_some_and(|p| p.production)
    }

    pub(super) fn take_planning(&mut self) -> Option<Planning> {
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Planning(p) => Some(*p),
            other => {
                self.phase = other;
                None
            }
        }
    }
}

/// True when the outcome for the step at hand ends its planning: permission denied or not
/// known, no plan, or a plan that is refused, blocked or changes nothing.
fn first_stops(stage: Stage, outcome: &OpOutcome, mutation: &Mutation) -> bool {
    match (stage, outcome) {
        (Stage::Access, OpOutcome::Access(Ok(v))) => !v.allowed,
        (Stage::Access, OpOutcome::Access(Err(_))) | (Stage::Plan, OpOutcome::Plan(Err(_))) => true,
        (Stage::Plan, OpOutcome::Plan(Ok(plan))) => {
            plan.already.is_some() || plan.nothing_to_do() || blocked(mutation, plan).is_some()
        }
        _ => false,
    }
}

/// The data at risk of a promotion and its limit, when over the limit.
pub(super) fn over_limit(
    mutation: &Mutation,
    plan: Option<&PlanReport>,
) -> Option<(Duration, Duration)> {
    let max = match mutation {
        Mutation::PromoteCnpg { max_lag, .. } | Mutation::PromotePatroni { max_lag, .. } => {
            (*max_lag)?
        }
        _ => return None,
    };
    let amount = plan?.data_at_risk?;
    (amount > max).then_some((amount, max))
}

/// The text that accepts losing `amount` of writes.
pub(super) fn data_loss_text(amount: Duration) -> String {
    format!("accept {} of lost writes", human(amount))
}

fn data_loss_ask(step: usize, mutation: &Mutation, amount: Duration, max: Duration) -> Ask {
    let text = data_loss_text(amount);
    Ask {
        gate: Gate::DataLoss,
        message: format!(
            "Promoting now loses {} of writes (the primary's last commit minus the replica's \
             last replay), more than the {} this step allows: {}. The incident commander \
             decides: type {text} to go on, or answer no.",
            human(amount),
            human(max),
            describe(mutation, None)
        ),
        expect: Expect::Typed(text),
        scope: Scope::Step(step),
        also: Vec::new(),
        amount: Some((step, amount)),
    }
}
