//! Entering a step and running the ones that change nothing: notes, confirmations, checks
//! and waits, with their recovery choices. Mutating steps go to `mutate`.

use jiff::Timestamp;

use super::branch::Decision;
use super::mutate::Mutating;
use super::run::{Phase, Run, human, yes_text};
use super::{Answer, Expect, Gate, Prompt, Recovery, RunEffect, RunResult, StepStatus};
use crate::runbook::kinds;
use crate::runbook::op::{OpOutcome, OpRequest};
use crate::runbook::resolve::resolve;
use crate::runbook::resolved::ResolvedStep;
use crate::runbook::spec::OnFail;
use crate::text::sanitize;

/// Choices after a check or a wait that did not hold.
const CONDITION_CHOICES: [Recovery; 3] = [Recovery::Retry, Recovery::Continue, Recovery::Stop];

impl Run {
    /// Resolves step `index` and starts it; past the last step the run completes.
    pub(super) fn begin_step(&mut self, index: usize, now: Timestamp, out: &mut Vec<RunEffect>) {
        self.phase = Phase::Idle;
        self.prompt = None;
        let Some(step) = self.runbook.steps.get(index).cloned() else {
            self.finish(RunResult::Completed, now, out);
            return;
        };
        self.current = Some(index);
        let mut why = None;
        if let Some(when) = &step.when {
            match self.decide(when, index) {
                Decision::Run(reason) => why = Some(reason),
                Decision::Skip(reason) => {
                    self.set_status(StepStatus::Skipped(reason));
                    self.next_step(now, out);
                    return;
                }
                // The parser lets `when` name only earlier steps, which have run by now.
                Decision::Undecided => {
                    self.fail_run(
                        "internal error: `when` names a step that has not run".to_owned(),
                        now,
                        out,
                    );
                    return;
                }
            }
        }
        let action = match resolve(&step, &self.values, &self.context.commands) {
            Ok(action) => action,
            Err(reason) => {
                self.fail_run(reason, now, out);
                return;
            }
        };
        match action {
            ResolvedStep::Note { text } => {
                if kinds::of(&step.kind).is_some_and(|k| k.is_outcome(&step.kind)) {
                    self.outcome = Some(match why {
                        Some(why) => format!("{text} ({why})"),
                        None => text.clone(),
                    });
                }
                self.set_status(StepStatus::Done(text));
                self.next_step(now, out);
            }
            ResolvedStep::Confirm { question } => {
                if self.context.dry_run {
                    self.set_status(StepStatus::Skipped(format!(
                        "dry run: would ask: {question}"
                    )));
                    self.next_step(now, out);
                    return;
                }
                self.set_status(StepStatus::Asking);
                self.phase = Phase::Confirming;
                self.ask(Gate::Step, question, Expect::YesNo);
            }
            ResolvedStep::Check(probe) => {
                self.set_status(StepStatus::Running("checking".to_owned()));
                self.phase = Phase::Checking {
                    probe: probe.clone(),
                };
                self.op(OpRequest::Probe(probe), std::time::Duration::ZERO, out);
            }
            ResolvedStep::Wait {
                until,
                timeout,
                every,
            } => {
                self.set_status(StepStatus::Running(format!(
                    "waiting up to {}",
                    human(timeout)
                )));
                self.phase = Phase::Waiting {
                    until: until.clone(),
                    timeout,
                    every,
                    began: now,
                };
                self.op(OpRequest::Probe(until), std::time::Duration::ZERO, out);
            }
            ResolvedStep::Mutate {
                mutation,
                verify,
                verify_timeout,
            } => self.begin_mutation(Mutating::new(mutation, verify, verify_timeout), now, out),
        }
    }

    pub(super) fn on_confirm_step(
        &mut self,
        prompt: Prompt,
        answer: Answer,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        if let Some(text) = yes_text(&answer) {
            self.set_status(StepStatus::Done(format!("confirmed ({text})")));
            self.next_step(now, out);
        } else if answer == Answer::No {
            let reason = format!("declined: {}", prompt.message);
            self.set_status(StepStatus::Skipped(reason.clone()));
            let step = self.current.unwrap_or(0);
            self.finish(RunResult::Stopped { step, reason }, now, out);
        } else {
            self.prompt = Some(prompt);
        }
    }

    pub(super) fn on_outcome(
        &mut self,
        outcome: OpOutcome,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Checking { probe } => {
                self.phase = Phase::Checking { probe };
                let OpOutcome::Probed(result) = outcome else {
                    return self.unexpected(&outcome, now, out);
                };
                let index = self.current.unwrap_or(0);
                match result {
                    Ok(obs) if obs.holds => {
                        self.last_verified = Some(now);
                        let value = sanitize(&obs.value);
                        self.record_verdict(index, true, value.clone());
                        self.set_status(StepStatus::Done(value));
                        self.next_step(now, out);
                    }
                    Ok(obs) if self.on_fail() == OnFail::Continue => {
                        // A verdict, not a failure: later steps decide with `when`.
                        let value = sanitize(&obs.value);
                        self.record_verdict(index, false, value.clone());
                        self.set_status(StepStatus::Failed(format!("did not hold: {value}")));
                        self.next_step(now, out);
                    }
                    Ok(obs) => self.condition_failed(sanitize(&obs.value)),
                    Err(e) => {
                        self.condition_failed(format!("could not check: {}", sanitize(&e.message)))
                    }
                }
            }
            Phase::Waiting {
                until,
                timeout,
                every,
                began,
            } => {
                self.phase = Phase::Waiting {
                    until: until.clone(),
                    timeout,
                    every,
                    began,
                };
                let OpOutcome::Probed(result) = outcome else {
                    return self.unexpected(&outcome, now, out);
                };
                let value = match result {
                    Ok(obs) if obs.holds => {
                        self.last_verified = Some(now);
                        let value = sanitize(&obs.value);
                        self.record_verdict(self.current.unwrap_or(0), true, value.clone());
                        self.set_status(StepStatus::Done(value));
                        self.next_step(now, out);
                        return;
                    }
                    Ok(obs) => sanitize(&obs.value),
                    Err(e) => format!("could not check: {}", sanitize(&e.message)),
                };
                let waited = super::run::elapsed(began, now);
                if self.context.dry_run {
                    self.set_status(StepStatus::Skipped(format!(
                        "dry run: not yet ({value}); would wait up to {}",
                        human(timeout)
                    )));
                    self.next_step(now, out);
                } else if waited >= timeout {
                    self.condition_failed(format!("timed out after {}: {value}", human(timeout)));
                } else {
                    self.set_status(StepStatus::Running(format!(
                        "waiting ({} of {}): {value}",
                        human(waited),
                        human(timeout)
                    )));
                    self.op(OpRequest::Probe(until), every, out);
                }
            }
            Phase::Mutating(m) => self.on_mutation_outcome(*m, outcome, now, out),
            Phase::Planning(p) => self.on_planning_outcome(*p, outcome, now, out),
            phase @ (Phase::Idle | Phase::Confirming) => {
                self.phase = phase;
            }
        }
    }

    /// The current step's `on_fail`.
    fn on_fail(&self) -> OnFail {
        self.current
            .and_then(|i| self.runbook.steps.get(i))
            .map_or(OnFail::Ask, |s| s.on_fail)
    }

    /// A check or wait did not hold: say so and offer retry, continue or stop.
    fn condition_failed(&mut self, reason: String) {
        self.set_status(StepStatus::Failed(reason.clone()));
        self.ask(
            Gate::Failure,
            format!("{reason}\nRetry, continue anyway, or stop the run?"),
            Expect::Choice(CONDITION_CHOICES.to_vec()),
        );
    }

    /// An outcome of another kind than the request asked for: the caller is broken, and the
    /// run cannot know what happened.
    pub(super) fn unexpected(
        &mut self,
        outcome: &OpOutcome,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let kind = match outcome {
            OpOutcome::Identity(_) => "identity",
            OpOutcome::Access(_) => "permission",
            OpOutcome::Plan(_) => "plan",
            OpOutcome::Executed(_) => "execution",
            OpOutcome::Read(_) => "read",
            OpOutcome::Probed(_) => "probe",
        };
        self.fail_run(
            format!("internal error: got a {kind} result the step did not ask for; stopping"),
            now,
            out,
        );
    }

    pub(super) fn on_recover(
        &mut self,
        choice: Recovery,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        if choice == Recovery::Stop {
            let reason = self.status_text();
            let step = self.current.unwrap_or(0);
            self.finish(RunResult::Failed { step, reason }, now, out);
            return;
        }
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Checking { probe } => {
                self.phase = Phase::Checking {
                    probe: probe.clone(),
                };
                self.after_condition_failed(choice, OpRequest::Probe(probe), now, out);
            }
            Phase::Waiting {
                until,
                timeout,
                every,
                ..
            } => {
                self.phase = Phase::Waiting {
                    until: until.clone(),
                    timeout,
                    every,
                    began: now,
                };
                self.after_condition_failed(choice, OpRequest::Probe(until), now, out);
            }
            Phase::Mutating(m) => self.on_mutation_recover(*m, choice, now, out),
            phase @ (Phase::Idle | Phase::Confirming | Phase::Planning(_)) => self.phase = phase,
        }
    }

    fn after_condition_failed(
        &mut self,
        choice: Recovery,
        probe: OpRequest,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        if choice == Recovery::Continue {
            self.log("continued by the user although the condition did not hold");
            let value = self.status_text();
            self.record_verdict(self.current.unwrap_or(0), false, value);
            self.next_step(now, out);
        } else {
            self.set_status(StepStatus::Running("checking again".to_owned()));
            self.op(probe, std::time::Duration::ZERO, out);
        }
    }
}
