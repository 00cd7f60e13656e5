//! Plan once, approve once: at the first mutating step the run plans it and every mutating
//! step after it (identity, permission, read, dry run, diff), shows the whole plan and asks
//! once: the plan (with the pages firing on the clusters it touches), each
//! production cluster's name typed once, and a typed acknowledgement per promotion whose data
//! at risk is over its `max_lag`. The approval is kept for the re-checks in `recheck`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use jiff::Timestamp;

use super::mutate::{Mutating, Stage as MStage, blocked};
use super::run::{Phase, Run};
use super::{Expect, Gate, RunEffect, StepStatus};
use crate::runbook::op::{OpOutcome, OpRequest, PlanReport};
use crate::runbook::resolve::resolve;
use crate::runbook::resolved::{Mutation, ResolvedStep};
use crate::text::sanitize;

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
pub(super) struct Ask {
    pub(super) gate: Gate,
    pub(super) message: String,
    pub(super) expect: Expect,
    pub(super) scope: Scope,
    /// Other texts accepted at a typed question (`cluster/namespace/name` of a touched object).
    pub(super) also: Vec<String>,
    pub(super) amount: Option<(usize, Duration)>,
}

/// Planning in progress, then the approval's questions.
#[derive(Debug, Clone)]
pub(super) struct Planning {
    /// The step that began the planning; it goes on once the plan is approved.
    pub(super) first: Mutating,
    queue: VecDeque<(usize, Mutation)>,
    doing: Option<(usize, Mutation, Stage)>,
    total: usize,
    pub(super) approval: Approval,
    pub(super) asks: VecDeque<Ask>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Identity,
    Access,
    Plan,
}

impl Run {
    /// Plans the current step's mutation and every mutating step after it that will run:
    /// a step whose `when` is already false is left out (it will be skipped), and so is one
    /// whose `when` names a step not run yet (it is planned and asked when reached).
    pub(super) fn begin_planning(&mut self, m: Mutating, now: Timestamp, out: &mut Vec<RunEffect>) {
        let from = self.current.unwrap_or(0);
        let queue: VecDeque<(usize, Mutation)> = self
            .runbook
            .steps
            .iter()
            .enumerate()
            .skip(from)
            .filter(|(_, step)| self.planned_now(step, from))
            .filter_map(
                |(i, step)| match resolve(step, &self.values, &self.context.commands) {
                    Ok(ResolvedStep::Mutate { mutation, .. }) => Some((i, mutation)),
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
                let mut mutation = mutation;
                super::mutate::take_sized_replicas(&mut mutation, &plan);
                if let Some(d) = super::mutate::data_at_risk(&mutation, &plan) {
                    self.data_at_risk = Some(d);
                }
                if let Some(s) = self.steps.get_mut(step) {
                    s.diff = plan.diff.clone();
                    s.log.extend(plan.notes.iter().map(|n| sanitize(n)));
                }
                p.approval.planned.push(Planned {
                    step,
                    mutation,
                    plan: Ok(*plan),
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
