//! The `Run` itself: its public API, the bookkeeping every phase shares (operation ids,
//! prompts, step states, the end of the run), and the dispatch of inputs to the phase that
//! waits for them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::mutate::{Mutating, Stage};
use super::plan::{Approval, Planning};
use super::{
    Answer, Expect, Gate, Prompt, RecoveryReport, RunContext, RunEffect, RunInput, RunResult,
    StepState, StepStatus,
};
use crate::runbook::op::OpRequest;
use crate::runbook::params::Values;
use crate::runbook::resolved::Probe;
use crate::runbook::spec::Runbook;

/// What the current step is doing.
#[derive(Debug, Clone)]
pub(super) enum Phase {
    /// Not started, between steps, or ended.
    Idle,
    /// A `check` step: one probe.
    Checking {
        probe: Probe,
    },
    /// A `wait` step: probes until the condition holds or `timeout` has passed since `began`.
    Waiting {
        until: Probe,
        timeout: Duration,
        every: Duration,
        began: Timestamp,
    },
    /// A `confirm` step's question is asked.
    Confirming,
    /// The run's mutating steps are planned, then the plan is asked for approval.
    Planning(Box<Planning>),
    Mutating(Box<Mutating>),
}

/// One run of one runbook.
#[derive(Debug, Clone)]
pub struct Run {
    pub(super) runbook: Arc<Runbook>,
    pub(super) values: Values,
    pub(super) context: RunContext,
    pub(super) steps: Vec<StepState>,
    pub(super) current: Option<usize>,
    pub(super) phase: Phase,
    pub(super) prompt: Option<Prompt>,
    /// The id of the one operation the run waits for.
    pub(super) pending: Option<u64>,
    pub(super) next_id: u64,
    pub(super) result: Option<RunResult>,
    pub(super) started: Option<Timestamp>,
    pub(super) ended: Option<Timestamp>,
    /// When a condition last held (a check, a wait, a mutation's verification).
    pub(super) last_verified: Option<Timestamp>,
    pub(super) data_at_risk: Option<Duration>,
    /// The Kubernetes identity by cluster; `None` when asking failed.
    pub(super) identities: BTreeMap<String, Option<String>>,
    /// The plan approved at the first mutating step.
    pub(super) approval: Option<Approval>,
    /// What each check or wait step concluded, by step index.
    pub(super) verdicts: BTreeMap<usize, super::branch::Verdict>,
    /// Set by a `note` with `outcome: true` that ran, with why it ran.
    pub(super) outcome: Option<String>,
}

impl Run {
    /// A run of `runbook` with validated `values`. Nothing happens until `start`.
    pub fn new(runbook: Arc<Runbook>, values: Values, context: RunContext) -> Self {
        let steps = runbook
            .steps
            .iter()
            .map(|_| StepState {
                status: StepStatus::Pending,
                diff: Vec::new(),
                log: Vec::new(),
            })
            .collect();
        Run {
            runbook,
            values,
            context,
            steps,
            current: None,
            phase: Phase::Idle,
            prompt: None,
            pending: None,
            next_id: 1,
            result: None,
            started: None,
            ended: None,
            last_verified: None,
            data_at_risk: None,
            identities: BTreeMap::new(),
            approval: None,
            verdicts: BTreeMap::new(),
            outcome: None,
        }
    }

    pub fn runbook(&self) -> &Runbook {
        &self.runbook
    }

    pub fn values(&self) -> &Values {
        &self.values
    }

    pub fn context(&self) -> &RunContext {
        &self.context
    }

    /// Begins with the first step. A second call does nothing.
    pub fn start(&mut self, now: Timestamp) -> Vec<RunEffect> {
        let mut out = Vec::new();
        if self.started.is_some() {
            return out;
        }
        self.started = Some(now);
        self.begin_step(0, now, &mut out);
        out
    }

    pub fn handle(&mut self, input: RunInput, now: Timestamp) -> Vec<RunEffect> {
        let mut out = Vec::new();
        if self.result.is_some() || self.started.is_none() {
            return out;
        }
        match input {
            RunInput::Op { id, outcome } => {
                if self.pending != Some(id) {
                    return out;
                }
                self.pending = None;
                self.on_outcome(outcome, now, &mut out);
            }
            RunInput::Answer(answer) => {
                let Some(prompt) = self.prompt.take() else {
                    return out;
                };
                self.on_answer(prompt, answer, now, &mut out);
            }
        }
        out
    }

    /// The question waiting for an answer, if any.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    /// One state per step of the runbook, in order.
    pub fn steps(&self) -> &[StepState] {
        &self.steps
    }

    /// The index of the step being run; `None` before start and after the end.
    pub fn current(&self) -> Option<usize> {
        self.current
    }

    pub fn result(&self) -> Option<&RunResult> {
        self.result.as_ref()
    }

    /// Recovery time and data at risk so far: the time runs to the last verification once
    /// the run has ended (to its end when nothing was verified), and to `now` while it runs.
    pub fn recovery(&self, now: Timestamp) -> RecoveryReport {
        let until = if self.result.is_some() {
            self.last_verified.or(self.ended).unwrap_or(now)
        } else {
            now
        };
        RecoveryReport {
            elapsed: self.started.map_or(Duration::ZERO, |s| elapsed(s, until)),
            rto: self.runbook.objectives.rto,
            data_at_risk: self.data_at_risk,
            rpo: self.runbook.objectives.rpo,
        }
    }

    /// Asks the caller to perform `request` after `delay`; the run waits for its outcome.
    pub(super) fn op(&mut self, request: OpRequest, delay: Duration, out: &mut Vec<RunEffect>) {
        let id = self.next_id;
        self.next_id += 1;
        self.pending = Some(id);
        out.push(RunEffect::Op { id, request, delay });
    }

    pub(super) fn ask(&mut self, gate: Gate, message: String, expect: Expect) {
        self.prompt = Some(Prompt {
            gate,
            message,
            expect,
            data_at_risk: None,
        });
    }

    /// What the console knows now about pages and budgets per cluster: a page that appears
    /// after the approval makes the next step on that cluster ask again.
    pub fn set_risk(&mut self, risk: BTreeMap<String, super::ClusterRisk>) {
        self.context.risk = risk;
    }

    /// A change that was sent and is not verified yet, worded for a quit question
    /// (`payment rollback is verifying`); `None` when quitting loses nothing.
    pub fn unverified_change(&self) -> Option<String> {
        if self.result.is_some() {
            return None;
        }
        let Phase::Mutating(m) = &self.phase else {
            return None;
        };
        let state = match m.stage {
            Stage::Execute => "being applied",
            Stage::Verify => "verifying",
            Stage::Read | Stage::Unknown => "applied with an unknown outcome",
            Stage::VerifyFailed => "applied but not verified",
            _ => return None,
        };
        let what = match m.mutation.object() {
            Some(object) => format!("{} {}", object.name, m.mutation.verb()),
            None => m.mutation.verb().to_owned(),
        };
        Some(format!("{what} is {state}"))
    }

    /// The current step's state. Only called while a step runs.
    pub(super) fn step_mut(&mut self) -> &mut StepState {
        let index = self
            .current
            .unwrap_or(0)
            .min(self.steps.len().saturating_sub(1));
        &mut self.steps[index]
    }

    pub(super) fn set_status(&mut self, status: StepStatus) {
        if self.current.is_some() {
            self.step_mut().status = status;
        }
    }

    pub(super) fn log(&mut self, line: impl Into<String>) {
        if self.current.is_some() {
            self.step_mut().log.push(line.into());
        }
    }

    /// The text of the current step's status (the failure a recovery prompt is about).
    pub(super) fn status_text(&self) -> String {
        let status = self
            .current
            .and_then(|i| self.steps.get(i))
            .map(|s| &s.status);
        match status {
            Some(
                StepStatus::Running(t)
                | StepStatus::Done(t)
                | StepStatus::Skipped(t)
                | StepStatus::Failed(t)
                | StepStatus::Unknown(t),
            ) => t.clone(),
            _ => String::new(),
        }
    }

    /// Moves on to the step after the current one.
    pub(super) fn next_step(&mut self, now: Timestamp, out: &mut Vec<RunEffect>) {
        let next = self.current.map_or(0, |i| i + 1);
        self.begin_step(next, now, out);
    }

    /// Fails the current step with `reason` and ends the run.
    pub(super) fn fail_run(&mut self, reason: String, now: Timestamp, out: &mut Vec<RunEffect>) {
        self.set_status(StepStatus::Failed(reason.clone()));
        let step = self.current.unwrap_or(0);
        self.finish(RunResult::Failed { step, reason }, now, out);
    }

    pub(super) fn finish(&mut self, result: RunResult, now: Timestamp, out: &mut Vec<RunEffect>) {
        self.phase = Phase::Idle;
        self.prompt = None;
        self.pending = None;
        self.current = None;
        self.ended = Some(now);
        self.result = Some(result.clone());
        out.push(RunEffect::Finished(result));
    }

    fn on_answer(
        &mut self,
        prompt: Prompt,
        answer: Answer,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        match prompt.gate {
            Gate::Step => self.on_confirm_step(prompt, answer, now, out),
            Gate::Failure | Gate::OutcomeUnknown => {
                let chosen = match (&prompt.expect, &answer) {
                    (Expect::Choice(choices), Answer::Recover(r)) if choices.contains(r) => *r,
                    _ => {
                        // Not one of the offered ways out: ask again.
                        self.prompt = Some(prompt);
                        return;
                    }
                };
                self.on_recover(chosen, now, out);
            }
            Gate::Plan | Gate::Apply | Gate::Production | Gate::Risk | Gate::DataLoss => {
                self.on_gate_answer(prompt, answer, now, out);
            }
        }
    }
}

/// `until - since`, zero when the clock went backwards.
pub(super) fn elapsed(since: Timestamp, until: Timestamp) -> Duration {
    Duration::try_from(until.duration_since(since)).unwrap_or(Duration::ZERO)
}

/// Words a duration the way runbook files write it (`5m`, `1h30m`, `45s`; under a second,
/// `400ms`), to the second.
pub(in crate::runbook) fn human(d: Duration) -> String {
    let whole = Duration::from_secs(d.as_secs());
    crate::duration::format_duration(if whole.is_zero() { d } else { whole })
}

/// A yes at a yes/no prompt, and the text to record for it: `yes`, or what was typed
/// (`--yes` from the headless runner).
pub(super) fn yes_text(answer: &Answer) -> Option<String> {
    match answer {
        Answer::Yes => Some("yes".to_owned()),
        Answer::Typed(t) => {
            let t = t.trim();
            matches!(t.to_ascii_lowercase().as_str(), "y" | "yes" | "--yes").then(|| t.to_owned())
        }
        _ => None,
    }
}
