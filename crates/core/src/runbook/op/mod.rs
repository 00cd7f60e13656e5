//! What the runbook engine asks of the IO layer and what it is answered: requests, outcomes,
//! plans with their diffs, snapshots and observations, as plain data. `ops` performs them.

pub mod diff;

use std::time::Duration;

use super::resolved::{AccessCheck, Mutation, Probe};

/// One request from the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum OpRequest {
    /// Who am I on this cluster (SelfSubjectReview), for the audit log.
    Identity { cluster: String },
    /// SelfSubjectAccessReview for the exact verb, resource, subresource, namespace, name.
    Access(AccessCheck),
    /// Read the target, build the change, run it as a server-side dry run (`dryRun=All`,
    /// with the read resourceVersion as precondition) and diff before against after.
    Plan(Mutation),
    /// Apply exactly `plan.patch` with `plan.before.resource_version` as precondition
    /// (Kubernetes), or create the silence, or run the command.
    Execute {
        mutation: Mutation,
        plan: Box<PlanReport>,
    },
    /// Re-read the target after an execution whose outcome is unknown (timeout, connection
    /// lost): what is there now.
    Read(Mutation),
    /// Evaluate a condition once.
    Probe(Probe),
}

impl OpRequest {
    /// Requests that change something; never retried by the caller.
    pub fn mutates(&self) -> bool {
        matches!(self, OpRequest::Execute { .. })
    }
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum OpOutcome {
    /// `username (groups: a, b)` as the API server says.
    Identity(Result<String, OpError>),
    Access(Result<AccessVerdict, OpError>),
    Plan(Result<Box<PlanReport>, OpError>),
    Executed(Result<Executed, ExecError>),
    Read(Result<Snapshot, OpError>),
    Probed(Result<Observation, OpError>),
}

/// A failure to talk to or get an answer from a system, worded for the user: what failed,
/// where, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpError {
    pub message: String,
}

impl OpError {
    pub fn new(message: impl Into<String>) -> Self {
        OpError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for OpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessVerdict {
    pub allowed: bool,
    /// The API server's reason (RBAC rule, denial), possibly empty.
    pub reason: String,
}

/// What a mutation would do, read and dry-run against the live object.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanReport {
    pub before: Snapshot,
    /// The object as the server-side dry run returned it (or the silence/command that would
    /// be created/run).
    pub after: Snapshot,
    /// Line diff of `before.lines` against `after.lines`.
    pub diff: Vec<DiffLine>,
    /// The exact change `Execute` sends (a merge patch for Kubernetes, the silence body for
    /// Alertmanager, the failover body for Patroni); `Null` for commands.
    pub patch: serde_json::Value,
    /// Set when the target refuses the change as it stands (a paused Deployment, no
    /// earlier revision, an unknown instance): the reason, worded for people.
    pub refusal: Option<String>,
    /// Spec replicas before the change (scale, rollback).
    pub current_replicas: Option<i32>,
    /// Promotions: the writes the replica to promote lacks, measured as the source primary's
    /// last commit time minus the replica's last replay time (frozen once the primary is
    /// gone; see `data_at_risk`). `None`: unknown, or not a promotion.
    pub data_at_risk: Option<Duration>,
    /// Scale plans: the replica count the patch sets (computed when the step sizes itself).
    pub target_replicas: Option<i32>,
    /// Scale plans of a Deployment: the pods ready before the change. Verification then
    /// waits for the added capacity, not for pods that were already failing.
    pub ready_before: Option<i32>,
    /// Set when the target is already in the state the step wants (promoted by hand,
    /// already at the replicas or revision): what was found, worded. The engine records
    /// the step as done and writes nothing.
    pub already: Option<String>,
    /// Extra facts to show with the diff (revision history of a rollback, matched alerts of
    /// a silence), one line each.
    pub notes: Vec<String>,
}

impl PlanReport {
    /// True when the dry run changes nothing the user would see.
    pub fn nothing_to_do(&self) -> bool {
        !self.diff.iter().any(|d| !matches!(d, DiffLine::Context(_)))
    }
}

/// A readable view of an object (or of a silence or command) at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub resource_version: Option<String>,
    /// `field: value` lines (replicas, image, revision, paused, primary, replica mode, ...),
    /// in a stable order, sanitized.
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    Context(String),
    Removed(String),
    Added(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Executed {
    pub resource_version: Option<String>,
    /// What happened, worded for people (`scaled to 16`, `silence 1f2e... created`).
    pub message: String,
}

/// Why an execution did not succeed. `Unknown` means the request may or may not have taken
/// effect (timeout, connection lost after sending): never retried blindly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecError {
    /// The resourceVersion precondition failed: someone changed the object since the plan.
    Conflict(String),
    /// The server refused (validation, admission, RBAC): nothing changed.
    Rejected(String),
    /// The request was not sent (connection refused before sending): nothing changed.
    NotSent(String),
    /// Sent, but no answer: the outcome must be verified.
    Unknown(String),
}

/// One evaluation of a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub holds: bool,
    /// The observed value, worded (`error ratio 0.0812 (want < 0.01)`, `3/4 ready`).
    pub value: String,
    /// For replication lag probes: the lag read.
    pub lag: Option<Duration>,
}

/// Silence ids are UUIDs: anything else is refused rather than put into a URL path.
pub fn is_silence_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}
