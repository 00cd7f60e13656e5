//! The runbook engine: a pure state machine (no IO, no clock) that runs a runbook one step at
//! a time. Inputs are operation outcomes and the user's answers, each with the caller's `now`;
//! outputs are effects: operations to perform, audit records to write (before anything that
//! follows them), and a finished result. The console and the headless runner drive the same
//! machine.
//!
//! Plan once, approve once: when the run reaches its first mutating step it plans that step
//! and every mutating step after it (identity, permission, read, preconditions, server-side
//! dry run, diff) and asks once: the whole plan (every change with its diff and warnings:
//! scaling to zero or by more than 2x, data at risk), a risk question when other pages fire
//! on a touched cluster, the name of each production cluster touched typed once, and a typed
//! acknowledgement naming the amount for each promotion whose data at risk is over its
//! `max_lag`. Each mutating step then re-checks its plan (read and dry run again) and executes
//! without a question unless something changed since the approval (replicas,
//! resourceVersion, the change itself, a new page on its cluster, more data at risk); then
//! that step alone is asked again. A target already in the wanted state is a done step.
//! Every execution keeps: read-only refusal; an audit attempt record before it; the
//! resourceVersion precondition; verification until its timeout; an audit result record. On
//! failure the user chooses retry, roll back or stop; an execution whose outcome is unknown is
//! re-read and shown as "outcome unknown, verify", never retried blindly.

mod approval;
mod audit;
mod branch;
mod gates;
mod mutate;
mod plan;
mod recheck;
mod recover;
mod run;
pub(in crate::runbook) use run::human;
mod steps;
#[cfg(test)]
pub(crate) mod tests;
mod verify;

use std::collections::BTreeMap;
use std::time::Duration;

use super::op::{DiffLine, OpOutcome, OpRequest};
use super::params::CommandPolicy;
use crate::runbook::audit::AuditRecord;

pub use run::Run;

/// What the engine knows about the world besides the runbook: cluster policies and risk,
/// who is acting, and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunContext {
    /// By cluster name.
    pub clusters: BTreeMap<String, ClusterPolicy>,
    /// By cluster name; a missing entry means nothing is known to be hot.
    pub risk: BTreeMap<String, ClusterRisk>,
    pub os_user: String,
    /// The alert the run started from (`HighErrorRate{service="payment"}`).
    pub alert: Option<String>,
    /// Plan every mutation (permission, preconditions, server dry run, diff) and execute
    /// none; checks run, waits are evaluated once.
    pub dry_run: bool,
    pub commands: CommandPolicy,
    /// An id for this run, unique in the audit file (the caller makes it from the clock).
    pub run_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterPolicy {
    /// The kubeconfig context, for the audit log.
    pub context: String,
    /// Refuse every mutation.
    pub read_only: bool,
    /// Mutations need the target typed as cluster/namespace/name.
    pub production: bool,
}

/// Why acting on a cluster now deserves an extra gate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterRisk {
    /// The SLO with the least budget left in the cluster and its remaining share (0..1).
    pub lowest_budget: Option<(String, f64)>,
    /// Page-severity alerts (or SLO page tiers) firing in the cluster, by name. The run's own
    /// alert and the alerts its runbook is declared to fix (its triggers) raise no question.
    pub paging: Vec<String>,
}

/// An input to the machine.
// Inputs are built and moved once per event; boxing the outcome would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum RunInput {
    /// The outcome of the operation the engine asked for with this id. Outcomes for ids the
    /// engine no longer waits on are ignored.
    Op { id: u64, outcome: OpOutcome },
    /// The user's answer to the current prompt.
    Answer(Answer),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// Text typed at a typed confirmation (compared exactly, after trimming).
    Typed(String),
    Recover(Recovery),
}

/// The ways out of a failed or uncertain step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recovery {
    /// Plan and execute the step again (from the permission check).
    Retry,
    /// Undo what the step changed (scale back, roll back to the revision before).
    RollBack,
    /// Re-read the target and show it again (after "outcome unknown"), or verify for another
    /// verify timeout (after a verification timed out).
    Verify,
    /// Treat the step as done and go on (after the user verified by hand).
    Continue,
    /// End the run here.
    Stop,
}

impl Recovery {
    pub fn label(self) -> &'static str {
        match self {
            Recovery::Retry => "retry",
            Recovery::RollBack => "roll back",
            Recovery::Verify => "verify again",
            Recovery::Continue => "continue",
            Recovery::Stop => "stop",
        }
    }

    /// The letter that picks it at a choice prompt, in the console and on a terminal.
    pub fn key(self) -> char {
        match self {
            Recovery::Retry => 'r',
            Recovery::RollBack => 'b',
            Recovery::Verify => 'v',
            Recovery::Continue => 'c',
            Recovery::Stop => 's',
        }
    }
}

/// What the engine asks the caller to do.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEffect {
    /// Perform `request` after `delay` and answer with `RunInput::Op { id, .. }`.
    Op {
        id: u64,
        request: OpRequest,
        delay: Duration,
    },
    /// Append and flush this record before performing any effect that follows it.
    Audit(Box<AuditRecord>),
    /// The run ended.
    Finished(RunResult),
}

/// A question for the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub gate: Gate,
    /// The question, with the facts needed to answer it.
    pub message: String,
    pub expect: Expect,
    /// At a data-at-risk acknowledgement: the amount of writes it accepts losing.
    pub data_at_risk: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    YesNo,
    /// The exact text to type (`eu-west-1`, `accept 7m12s of lost writes`).
    Typed(String),
    Choice(Vec<Recovery>),
}

/// Which guard a prompt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gate {
    /// A `confirm` step.
    Step,
    /// Approve the run's whole plan (every change, in order).
    Plan,
    /// Apply this change (a step asked again because something changed since the approval,
    /// or one that could not be planned up front).
    Apply,
    /// Production: type the cluster's name.
    Production,
    /// An SLO budget is under 10% or a page fires (other than the run's own alert).
    Risk,
    /// A promotion loses more writes than its `max_lag`: type the acknowledgement.
    DataLoss,
    /// The step failed: retry, roll back or stop.
    Failure,
    /// The execution's outcome is unknown: verify.
    OutcomeUnknown,
}

impl Gate {
    /// How the gate is named at the prompt.
    pub fn label(self) -> &'static str {
        match self {
            Gate::Step => "Confirm",
            Gate::Plan => "Approve the plan",
            Gate::Apply => "Apply the change",
            Gate::Production => "Production",
            Gate::Risk => "Risk",
            Gate::DataLoss => "Data at risk",
            Gate::Failure => "Step failed",
            Gate::OutcomeUnknown => "Outcome unknown",
        }
    }

    /// A plain yes/no that `--yes` may accept headless (typed gates never).
    pub fn accepts_yes_flag(self) -> bool {
        !matches!(
            self,
            Gate::Production | Gate::DataLoss | Gate::Failure | Gate::OutcomeUnknown
        )
    }
}

/// Where a step stands.
#[derive(Debug, Clone, PartialEq)]
pub enum StepStatus {
    Pending,
    /// Working: the phase, worded (`checking permission`, `dry run`, `verifying 3/4 ready`).
    Running(String),
    /// Waiting for the user (see `Run::prompt`).
    Asking,
    Done(String),
    /// Nothing to do, or skipped in a dry run.
    Skipped(String),
    Failed(String),
    /// The execution's outcome is unknown.
    Unknown(String),
}

/// One step's state and what was learned running it.
#[derive(Debug, Clone, PartialEq)]
pub struct StepState {
    pub status: StepStatus,
    /// The last diff shown for this step.
    pub diff: Vec<DiffLine>,
    /// Facts learned, oldest first (`allowed: patch deployments.apps/scale ...`,
    /// `error ratio 0.081 (want < 0.01)`).
    pub log: Vec<String>,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RunResult {
    Completed,
    /// The user stopped or declined at step `step` (index).
    Stopped {
        step: usize,
        reason: String,
    },
    /// Step `step` failed and the run cannot go on.
    Failed {
        step: usize,
        reason: String,
    },
}

/// Recovery time and data at risk against the runbook's objectives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecoveryReport {
    /// From the run's start to the end of its last verification (or to now while running).
    pub elapsed: Duration,
    pub rto: Option<Duration>,
    /// The writes a promotion loses (the primary's last commit minus the replica's last
    /// replay), read when the promotion was last planned.
    pub data_at_risk: Option<Duration>,
    pub rpo: Option<Duration>,
}
