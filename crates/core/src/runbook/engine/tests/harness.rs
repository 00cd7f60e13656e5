//! A scripted driver for scenario tests of the engine: it answers each operation the run
//! asks for with the next scripted outcome of that kind (the last one repeats; identity,
//! permission, execution, read and probe have defaults, a plan must be scripted). A target
//! planned again (the re-check before an approved step) gets the plan it got before unless
//! `script_plan` scripted one for it or `reset(Kind::Plan)` began a new phase. It advances
//! its clock by each operation's delay, and records every effect in order with the time it
//! was emitted. Prompts are answered by the test.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use crate::runbook::audit::{AuditPhase, AuditRecord};
use crate::runbook::engine::{
    Answer, Prompt, Run, RunContext, RunEffect, RunInput, RunResult, StepStatus,
};
use crate::runbook::op::{AccessVerdict, Executed, Observation, OpOutcome, OpRequest, Snapshot};
use crate::runbook::spec::Runbook;

/// The kinds of operation, for scripting outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Identity,
    Access,
    Plan,
    Execute,
    Read,
    Probe,
}

impl Kind {
    pub(crate) fn of(request: &OpRequest) -> Kind {
        match request {
            OpRequest::Identity { .. } => Kind::Identity,
            OpRequest::Access(_) => Kind::Access,
            OpRequest::Plan(_) => Kind::Plan,
            OpRequest::Execute { .. } => Kind::Execute,
            OpRequest::Read(_) => Kind::Read,
            OpRequest::Probe(_) => Kind::Probe,
        }
    }
}

/// One effect and when it was emitted.
#[derive(Debug, Clone)]
pub(crate) struct Logged {
    pub(crate) at: Timestamp,
    pub(crate) effect: RunEffect,
}

pub(crate) struct Harness {
    pub(crate) run: Run,
    pub(crate) now: Timestamp,
    pub(crate) log: Vec<Logged>,
    scripts: BTreeMap<Kind, VecDeque<OpOutcome>>,
    /// Plans scripted for one target (`cluster/namespace/name`), before the queue.
    plans: BTreeMap<String, VecDeque<OpOutcome>>,
    /// The last plan each target got.
    planned: BTreeMap<String, OpOutcome>,
    pending: Option<(u64, OpRequest, Duration)>,
}

/// 2025-03-01T12:00:00Z: when every scripted run starts.
pub(crate) fn t0() -> Timestamp {
    Timestamp::from_second(1_740_830_400).unwrap_or(Timestamp::UNIX_EPOCH)
}

impl Harness {
    pub(crate) fn new(runbook: Runbook, values: &[(&str, &str)], context: RunContext) -> Self {
        let values = values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Harness {
            run: Run::new(Arc::new(runbook), values, context),
            now: t0(),
            log: Vec::new(),
            scripts: BTreeMap::new(),
            plans: BTreeMap::new(),
            planned: BTreeMap::new(),
            pending: None,
        }
    }

    /// Queues `outcome` for the next request of `kind`; the last queued one repeats.
    pub(crate) fn script(&mut self, kind: Kind, outcome: OpOutcome) -> &mut Self {
        self.scripts.entry(kind).or_default().push_back(outcome);
        self
    }

    /// Drops what is still queued for `kind` (to script a new phase of the scenario).
    pub(crate) fn reset(&mut self, kind: Kind) -> &mut Self {
        self.scripts.remove(&kind);
        if kind == Kind::Plan {
            self.plans.clear();
            self.planned.clear();
        }
        self
    }

    /// Queues `outcome` for the next plans of `target` (`cluster/namespace/name`); the last
    /// one repeats.
    pub(crate) fn script_plan(&mut self, target: &str, outcome: OpOutcome) -> &mut Self {
        self.plans
            .entry(target.to_owned())
            .or_default()
            .push_back(outcome);
        self
    }

    /// Starts the run and drives it until it asks a question or ends.
    pub(crate) fn start(&mut self) -> &mut Self {
        let effects = self.run.start(self.now);
        self.absorb(effects);
        self.pump();
        self
    }

    /// Answers the current prompt and drives the run on.
    pub(crate) fn answer(&mut self, answer: Answer) -> &mut Self {
        assert!(
            self.run.prompt().is_some(),
            "answered {answer:?} but nothing was asked; steps: {:#?}",
            self.run.steps()
        );
        let effects = self.run.handle(RunInput::Answer(answer), self.now);
        self.absorb(effects);
        self.pump();
        self
    }

    /// Lets time pass (a user thinking before answering).
    pub(crate) fn advance(&mut self, by: Duration) -> &mut Self {
        self.now += jiff::SignedDuration::try_from(by).unwrap_or_default();
        self
    }

    /// The question asked; panics with the run's state when there is none.
    pub(crate) fn prompt(&self) -> &Prompt {
        match self.run.prompt() {
            Some(p) => p,
            None => panic!(
                "expected a prompt; result {:?}, steps: {:#?}",
                self.run.result(),
                self.run.steps()
            ),
        }
    }

    pub(crate) fn result(&self) -> Option<&RunResult> {
        self.run.result()
    }

    pub(crate) fn status(&self, step: usize) -> &StepStatus {
        &self.run.steps()[step].status
    }

    /// Every operation requested, in order.
    pub(crate) fn requests(&self) -> Vec<&OpRequest> {
        self.log
            .iter()
            .filter_map(|l| match &l.effect {
                RunEffect::Op { request, .. } => Some(request),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn count(&self, kind: Kind) -> usize {
        self.requests()
            .iter()
            .filter(|r| Kind::of(r) == kind)
            .count()
    }

    pub(crate) fn audits(&self) -> Vec<&AuditRecord> {
        self.log
            .iter()
            .filter_map(|l| match &l.effect {
                RunEffect::Audit(r) => Some(&**r),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn audits_in(&self, phase: AuditPhase) -> Vec<&AuditRecord> {
        self.audits()
            .into_iter()
            .filter(|r| r.phase == phase)
            .collect()
    }

    /// Positions in the effect log of the effects `pred` picks.
    pub(crate) fn positions(&self, pred: impl Fn(&RunEffect) -> bool) -> Vec<usize> {
        self.log
            .iter()
            .enumerate()
            .filter(|(_, l)| pred(&l.effect))
            .map(|(i, _)| i)
            .collect()
    }

    fn absorb(&mut self, effects: Vec<RunEffect>) {
        for effect in effects {
            if let RunEffect::Op {
                id, request, delay, ..
            } = &effect
            {
                assert!(
                    self.pending.is_none(),
                    "two operations outstanding: {:?} and {request:?}",
                    self.pending
                );
                self.pending = Some((*id, request.clone(), *delay));
            }
            if matches!(effect, RunEffect::Finished(_)) {
                assert!(
                    self.run.result().is_some(),
                    "Finished emitted but result() is None"
                );
            }
            self.log.push(Logged {
                at: self.now,
                effect,
            });
        }
    }

    /// Performs outstanding operations until the run asks something or ends.
    fn pump(&mut self) {
        for _ in 0..100_000 {
            if self.run.prompt().is_some() || self.run.result().is_some() {
                return;
            }
            let Some((id, request, delay)) = self.pending.take() else {
                panic!(
                    "the run neither asks, ends, nor waits for an operation; steps: {:#?}",
                    self.run.steps()
                );
            };
            self.advance(delay);
            let outcome = self.outcome_for(&request);
            let effects = self.run.handle(RunInput::Op { id, outcome }, self.now);
            self.absorb(effects);
        }
        panic!("the run did not settle after 100000 operations");
    }

    fn outcome_for(&mut self, request: &OpRequest) -> OpOutcome {
        let kind = Kind::of(request);
        if let OpRequest::Plan(mutation) = request {
            let target = mutation
                .object()
                .map_or_else(|| mutation.verb().to_owned(), |o| o.to_string());
            let outcome = match self.plans.get_mut(&target) {
                Some(queue) if !queue.is_empty() => {
                    let front = queue.front().cloned();
                    if queue.len() > 1 {
                        queue.pop_front();
                    }
                    front
                }
                _ => self.planned.get(&target).cloned(),
            };
            let outcome = match outcome {
                Some(o) => o,
                None => self.next_scripted(kind, request),
            };
            self.planned.insert(target, outcome.clone());
            return outcome;
        }
        self.next_scripted(kind, request)
    }

    fn next_scripted(&mut self, kind: Kind, request: &OpRequest) -> OpOutcome {
        if let Some(queue) = self.scripts.get_mut(&kind)
            && let Some(front) = queue.front().cloned()
        {
            if queue.len() > 1 {
                queue.pop_front();
            }
            return front;
        }
        match kind {
            Kind::Identity => OpOutcome::Identity(Ok("alice (groups: sre)".to_owned())),
            Kind::Access => OpOutcome::Access(Ok(AccessVerdict {
                allowed: true,
                reason: "RBAC: allowed by ClusterRoleBinding sre".to_owned(),
            })),
            Kind::Execute => OpOutcome::Executed(Ok(Executed {
                resource_version: Some("502".to_owned()),
                message: "applied".to_owned(),
            })),
            Kind::Read => OpOutcome::Read(Ok(Snapshot {
                resource_version: Some("502".to_owned()),
                lines: vec!["replicas: 8".to_owned()],
            })),
            Kind::Probe => OpOutcome::Probed(Ok(Observation {
                holds: true,
                value: "holds".to_owned(),
                lag: None,
            })),
            Kind::Plan => panic!("no plan scripted for {request:?}"),
        }
    }
}
