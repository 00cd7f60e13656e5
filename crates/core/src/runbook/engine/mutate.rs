//! The pipeline of a mutating step: read-only refusal, identity, permission, plan with its
//! preconditions, dry run, gates (in `gates`), audit attempt, execution, verification (in
//! `verify`); the ways out of a failure are in `recover`.

use std::collections::VecDeque;
use std::time::Duration;

use jiff::Timestamp;

use super::run::{Phase, Run, human};
use super::{Expect, Gate, Recovery, RunEffect, RunResult, StepStatus};
use crate::runbook::audit::AuditPhase;
use crate::runbook::kinds;
use crate::runbook::op::{ExecError, Executed, OpError, OpOutcome, OpRequest, PlanReport};
use crate::runbook::resolved::{Mutation, Probe};
use crate::text::sanitize;

/// A mutation in progress within the current step.
#[derive(Debug, Clone)]
pub(super) struct Mutating {
    pub(super) mutation: Mutation,
    pub(super) verify: Option<Probe>,
    pub(super) verify_timeout: Duration,
    /// 1 for the first try; each retry or roll back adds one (the audit action id's tail).
    pub(super) attempt: u32,
    /// Set when this mutation undoes the step's failed change: why it is undone.
    pub(super) undo: Option<String>,
    pub(super) stage: Stage,
    pub(super) plan: Option<PlanReport>,
    /// Gates still to ask, in order.
    pub(super) gates: VecDeque<Gate>,
    /// Every confirmation given so far, as typed.
    pub(super) confirmations: Vec<String>,
    /// What changed since the plan was approved (why the step is asked again).
    pub(super) changed: Vec<String>,
    pub(super) executed: Option<Executed>,
    pub(super) verify_began: Option<Timestamp>,
}

/// What the mutation waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    Identity,
    Access,
    Plan,
    Gates,
    Execute,
    Verify,
    /// Failed before or at the execution; the user chooses a way out.
    Failed,
    /// Applied, but verification timed out; the user chooses to verify again, roll back,
    /// continue (checked by hand) or stop. Never retried: the change went through.
    VerifyFailed,
    /// Re-reading after an unknown outcome.
    Read,
    /// Outcome unknown; the user chooses verify, continue or stop.
    Unknown,
}

impl Mutating {
    /// The first attempt at `mutation`.
    pub(super) fn new(mutation: Mutation, verify: Option<Probe>, verify_timeout: Duration) -> Self {
        Mutating {
            mutation,
            verify,
            verify_timeout,
            attempt: 1,
            undo: None,
            stage: Stage::Identity,
            plan: None,
            gates: VecDeque::new(),
            confirmations: Vec::new(),
            changed: Vec::new(),
            executed: None,
            verify_began: None,
        }
    }
}

impl Run {
    /// Starts a mutation at the read-only guard; the run's first one plans the whole run.
    pub(super) fn begin_mutation(&mut self, m: Mutating, now: Timestamp, out: &mut Vec<RunEffect>) {
        if let Some(reason) = self.refusal_of(&m.mutation) {
            self.audit_refused(&m, &reason, now, out);
            self.fail_run(reason, now, out);
            return;
        }
        if self.approval.is_none() && m.undo.is_none() && !self.context.dry_run {
            return self.begin_planning(m, now, out);
        }
        if let Some(cluster) = m.mutation.cluster().map(str::to_owned)
            && !self.identities.contains_key(&cluster)
        {
            self.set_status(StepStatus::Running("asking who we are".to_owned()));
            self.op(OpRequest::Identity { cluster }, Duration::ZERO, out);
            return self.keep(m);
        }
        self.check_access(m, now, out);
    }

    /// The identity the API server gave (or why not), for the audit log.
    pub(super) fn record_identity(&mut self, cluster: String, who: Result<String, OpError>) {
        let who = match who {
            Ok(who) => {
                let who = sanitize(&who);
                self.log(format!("acting on {cluster} as {who}"));
                Some(who)
            }
            Err(e) => {
                self.log(format!(
                    "could not learn who we are on {cluster} ({}); the audit log will say unknown",
                    sanitize(&e.message)
                ));
                None
            }
        };
        self.identities.insert(cluster, who);
    }

    pub(super) fn keep(&mut self, m: Mutating) {
        self.phase = Phase::Mutating(Box::new(m));
    }

    /// The permission review, unless the approved plan reviewed it: then the re-check.
    pub(super) fn check_access(
        &mut self,
        mut m: Mutating,
        _now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let step = self.current.unwrap_or(0);
        let reviewed = m.undo.is_none()
            && m.attempt == 1
            && self
                .approval
                .as_ref()
                .is_some_and(|a| a.plan_of(step).is_some());
        if reviewed {
            return self.plan(m, out);
        }
        match m.mutation.access() {
            Some(check) => {
                m.stage = Stage::Access;
                self.set_status(StepStatus::Running("checking permission".to_owned()));
                self.op(OpRequest::Access(check), Duration::ZERO, out);
                self.keep(m);
            }
            None => self.plan(m, out),
        }
    }

    fn plan(&mut self, mut m: Mutating, out: &mut Vec<RunEffect>) {
        m.stage = Stage::Plan;
        m.plan = None;
        m.gates.clear();
        m.confirmations.clear();
        let phase = if self.approval.is_some() {
            "re-checking the approved plan"
        } else {
            "dry run"
        };
        self.set_status(StepStatus::Running(phase.to_owned()));
        self.op(OpRequest::Plan(m.mutation.clone()), Duration::ZERO, out);
        self.keep(m);
    }

    pub(super) fn on_mutation_outcome(
        &mut self,
        mut m: Mutating,
        outcome: OpOutcome,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        match (m.stage, outcome) {
            (Stage::Identity, OpOutcome::Identity(who)) => {
                let cluster = m.mutation.cluster().unwrap_or_default().to_owned();
                self.record_identity(cluster, who);
                self.check_access(m, now, out);
            }
            (Stage::Access, OpOutcome::Access(verdict)) => {
                let check = m
                    .mutation
                    .access()
                    .map(|c| c.to_string())
                    .unwrap_or_default();
                match verdict {
                    Ok(v) if v.allowed => {
                        self.log(format!("allowed: {check}"));
                        self.plan(m, out);
                    }
                    Ok(v) => {
                        let why = if v.reason.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", sanitize(&v.reason))
                        };
                        let reason = format!(
                            "permission denied: cannot {check}{why}; ask for that permission, \
                             then retry"
                        );
                        self.refuse(m, reason, now, out);
                    }
                    Err(e) => self.failed(
                        m,
                        format!(
                            "could not check permission to {check}: {}",
                            sanitize(&e.message)
                        ),
                    ),
                }
            }
            (Stage::Plan, OpOutcome::Plan(plan)) => match plan {
                Ok(plan) => self.on_plan(m, *plan, now, out),
                Err(e) => self.failed(m, format!("dry run failed: {}", sanitize(&e.message))),
            },
            (Stage::Execute, OpOutcome::Executed(result)) => self.on_executed(m, result, now, out),
            (Stage::Verify, OpOutcome::Probed(result)) => self.on_verify_probe(m, result, now, out),
            (Stage::Read, OpOutcome::Read(read)) => {
                let shows = match read {
                    Ok(snapshot) if snapshot.lines.is_empty() => {
                        "the target reads back empty".to_owned()
                    }
                    Ok(snapshot) => format!("now {}", sanitize(&snapshot.lines.join("; "))),
                    Err(e) => format!("could not re-read: {}", sanitize(&e.message)),
                };
                m.stage = Stage::Unknown;
                let text = format!("outcome unknown, verify: {shows}");
                self.set_status(StepStatus::Unknown(text.clone()));
                self.ask(
                    Gate::OutcomeUnknown,
                    format!(
                        "{text}\nCheck whether the change took effect. Verify re-reads it; \
                         continue if it did; stop otherwise."
                    ),
                    Expect::Choice(vec![Recovery::Verify, Recovery::Continue, Recovery::Stop]),
                );
                self.keep(m);
            }
            (_, outcome) => {
                self.keep(m);
                self.unexpected(&outcome, now, out);
            }
        }
    }

    /// Already in the wanted state, preconditions, dry run; then the approved plan's
    /// re-check or the step's own gates.
    fn on_plan(
        &mut self,
        mut m: Mutating,
        plan: PlanReport,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        self.step_mut().diff = plan.diff.clone();
        let known: Vec<String> = self.step_mut().log.clone();
        for note in &plan.notes {
            let note = sanitize(note);
            if !known.contains(&note) {
                self.log(note);
            }
        }
        if let Some(lag) = data_at_risk(&m.mutation, &plan) {
            self.data_at_risk = Some(lag);
            self.log(format!(
                "data at risk at plan time: {} of writes",
                human(lag)
            ));
        }
        take_sized_replicas(&mut m.mutation, &plan);
        if m.verify.is_some()
            && let Some((probe, why)) = added_capacity(&m.mutation, &plan)
        {
            self.log(why);
            m.verify = Some(probe);
        }
        m.plan = Some(plan.clone());
        if plan.nothing_to_do() && plan.refusal.is_none() && m.attempt > 1 && m.verify.is_some() {
            // A retry after a failed verification: the change is already there; verify it.
            self.log("nothing left to change; verifying again");
            return self.begin_verify(m, now, out);
        }
        if plan.refusal.is_none() && (plan.already.is_some() || plan.nothing_to_do()) {
            let what = match &plan.already {
                Some(found) => sanitize(found),
                None => format!(
                    "{} changes nothing",
                    super::gates::describe(&m.mutation, Some(&plan))
                ),
            };
            self.log("nothing written");
            self.set_status(StepStatus::Done(format!(
                "already in the wanted state: {what}"
            )));
            return self.next_step(now, out);
        }
        if let Some(reason) = blocked(&m.mutation, &plan) {
            return self.refuse(m, reason, now, out);
        }
        if self.context.dry_run {
            let what = super::gates::describe(&m.mutation, Some(&plan));
            self.audit(&m, AuditPhase::Refused, "dry run".to_owned(), now, out);
            self.set_status(StepStatus::Skipped(format!("dry run: would {what}")));
            return self.next_step(now, out);
        }
        m.stage = Stage::Gates;
        match self.changes_since_approval(&m, &plan) {
            Some(changed) if changed.is_empty() => {
                let step = self.current.unwrap_or(0);
                let cluster = m.mutation.cluster().unwrap_or_default().to_owned();
                m.confirmations = self
                    .approval
                    .as_ref()
                    .map(|a| a.confirmations_for(step, &cluster))
                    .unwrap_or_default();
                self.log("re-checked: unchanged since the plan was approved");
                self.execute(m, now, out);
            }
            Some(changed) => {
                self.log(format!(
                    "changed since the plan was approved: {}",
                    changed.join("; ")
                ));
                m.changed = changed;
                m.gates = self.gates_for(&m.mutation, &plan).into();
                self.ask_next_gate(m, now, out);
            }
            None => {
                m.gates = self.gates_for(&m.mutation, &plan).into();
                self.ask_next_gate(m, now, out);
            }
        }
    }

    /// Confirmed: the attempt record, then the execution.
    pub(super) fn execute(&mut self, mut m: Mutating, now: Timestamp, out: &mut Vec<RunEffect>) {
        let Some(plan) = m.plan.clone() else {
            return self.failed(m, "internal error: no plan to execute".to_owned());
        };
        self.audit(&m, AuditPhase::Attempt, "started".to_owned(), now, out);
        m.stage = Stage::Execute;
        self.set_status(StepStatus::Running("applying".to_owned()));
        self.op(
            OpRequest::Execute {
                mutation: m.mutation.clone(),
                plan: Box::new(plan),
            },
            Duration::ZERO,
            out,
        );
        self.keep(m);
    }

    fn on_executed(
        &mut self,
        mut m: Mutating,
        result: Result<Executed, ExecError>,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        match result {
            Ok(executed) => {
                self.log(sanitize(&executed.message));
                if let (Some(approval), Some(object)) =
                    (self.approval.as_mut(), m.mutation.object())
                {
                    approval.touched.insert(object.to_string());
                }
                m.executed = Some(executed);
                self.begin_verify(m, now, out);
            }
            Err(ExecError::Unknown(msg)) => {
                let msg = sanitize(&msg);
                self.audit(&m, AuditPhase::Result, format!("unknown: {msg}"), now, out);
                self.log(format!("no answer to the change: {msg}"));
                m.stage = Stage::Read;
                self.set_status(StepStatus::Unknown(
                    "outcome unknown, verify: re-reading the target".to_owned(),
                ));
                self.op(OpRequest::Read(m.mutation.clone()), Duration::ZERO, out);
                self.keep(m);
            }
            Err(e) => {
                let reason = match e {
                    ExecError::Conflict(msg) => format!(
                        "the target changed since the dry run ({}); nothing was applied; retry \
                         re-reads it",
                        sanitize(&msg)
                    ),
                    ExecError::Rejected(msg) => {
                        format!(
                            "the server refused the change: {}; nothing changed",
                            sanitize(&msg)
                        )
                    }
                    ExecError::NotSent(msg) | ExecError::Unknown(msg) => {
                        format!(
                            "the change was not sent: {}; nothing changed",
                            sanitize(&msg)
                        )
                    }
                };
                self.audit(
                    &m,
                    AuditPhase::Result,
                    format!("failed: {reason}"),
                    now,
                    out,
                );
                self.failed(m, reason);
            }
        }
    }

    /// The step's change held: result record, and on to the next step (or, after a roll
    /// back, the end of the run).
    pub(super) fn succeeded(
        &mut self,
        m: Mutating,
        value: Option<String>,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        self.last_verified = Some(now);
        if m.executed.is_some() {
            self.audit(&m, AuditPhase::Result, "ok".to_owned(), now, out);
        }
        let message = m
            .executed
            .as_ref()
            .map(|e| sanitize(&e.message))
            .unwrap_or_else(|| "done".to_owned());
        let message = match value {
            Some(v) => format!("{message}; {v}"),
            None => message,
        };
        match m.undo {
            Some(failure) => {
                let reason = format!("rolled back ({message}) after: {failure}");
                self.set_status(StepStatus::Failed(reason.clone()));
                let step = self.current.unwrap_or(0);
                self.finish(RunResult::Failed { step, reason }, now, out);
            }
            None => {
                self.set_status(StepStatus::Done(message));
                self.next_step(now, out);
            }
        }
    }

    /// Refused before execution (permission, precondition, target state): a refused record
    /// and the failure prompt.
    fn refuse(&mut self, m: Mutating, reason: String, now: Timestamp, out: &mut Vec<RunEffect>) {
        self.audit_refused(&m, &reason, now, out);
        self.failed(m, reason);
    }
}

/// Why `plan` cannot be executed as it stands: the target's refusal, or what the step kind
/// blocks on (`StepKindDef::blocked`: replicas other than the step expects, a promotion whose
/// data at risk is unknown while it has a limit).
pub(super) fn blocked(mutation: &Mutation, plan: &PlanReport) -> Option<String> {
    if let Some(refusal) = &plan.refusal {
        return Some(sanitize(refusal));
    }
    kinds::of_mutation(mutation)?.blocked(mutation, plan)
}

/// A narrower verification when the target was partly failing before the change
/// (`StepKindDef::verify_added`: a scale-up waits for the added pods, since the pods that
/// were failing before are another problem with its own alert), and why.
pub(super) fn added_capacity(mutation: &Mutation, plan: &PlanReport) -> Option<(Probe, String)> {
    kinds::of_mutation(mutation)?.verify_added(mutation, plan)
}

/// What the plan computed, taken into the mutation (`StepKindDef::take_plan`: a scale sized
/// for the load shows, gates and audits the count the plan computed).
pub(super) fn take_sized_replicas(mutation: &mut Mutation, plan: &PlanReport) {
    if let Some(kind) = kinds::of_mutation(mutation) {
        kind.take_plan(mutation, plan);
    }
}

/// The writes the change would lose, as its plan measured them (`StepKindDef::data_at_risk`:
/// promotions).
pub(super) fn data_at_risk(mutation: &Mutation, plan: &PlanReport) -> Option<Duration> {
    kinds::of_mutation(mutation)?.data_at_risk(mutation, plan)
}
