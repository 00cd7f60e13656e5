//! Drives a run to its end outside the console (`watchdeck run`, tests): performs the
//! engine's operations one at a time, writes and flushes every audit record before anything
//! that follows it, and asks an `Answerer` whenever the engine waits for a person. A failed
//! audit write ends the run at once: nothing after it is executed.

use std::collections::VecDeque;
use std::future::Future;

use jiff::Timestamp;

use crate::audit::{AuditError, AuditLog};
use watchdeck_core::runbook::engine::{Answer, Prompt, Run, RunEffect, RunInput, RunResult};
use watchdeck_core::runbook::op::{OpOutcome, OpRequest};

/// Carries out the engine's operations (`ops::Ops` for real clusters; fakes in tests).
pub trait Perform {
    fn perform(&self, request: OpRequest) -> impl Future<Output = OpOutcome> + Send;
}

/// Answers the engine's prompts: a person at a terminal, or the command line's flags.
pub trait Answerer {
    /// The answer to `prompt`, and a note to show about how it was reached (`--yes given`,
    /// `no --confirm for us-east-1/shop/payment`).
    fn answer(&mut self, prompt: &Prompt, run: &Run) -> (Answer, Option<String>);
}

/// Shows the run as it goes.
pub trait Progress {
    /// Called after every change of the run's state.
    fn update(&mut self, run: &Run, now: Timestamp);
    /// A note about an answer given on the user's behalf.
    fn note(&mut self, text: &str);
}

/// Runs `run` from its start to its end. An operation's delay (a verification's poll
/// interval) is virtual time; `real_per_virtual` turns it into real time to sleep (1 on a
/// real fleet, 1/speed on a simulated one whose clock runs `speed` times real time).
pub async fn drive<P, A, R>(
    run: &mut Run,
    ops: &P,
    audit: &mut AuditLog,
    answers: &mut A,
    progress: &mut R,
    now: impl Fn() -> Timestamp,
    real_per_virtual: f64,
) -> Result<RunResult, AuditError>
where
    P: Perform,
    A: Answerer,
    R: Progress,
{
    let mut queue: VecDeque<RunEffect> = run.start(now()).into();
    progress.update(run, now());
    loop {
        while let Some(effect) = queue.pop_front() {
            match effect {
                RunEffect::Audit(record) => audit.append(&record)?,
                RunEffect::Op { id, request, delay } => {
                    let delay = delay.mul_f64(real_per_virtual);
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    let outcome = ops.perform(request).await;
                    queue.extend(run.handle(RunInput::Op { id, outcome }, now()));
                    progress.update(run, now());
                }
                RunEffect::Finished(result) => {
                    progress.update(run, now());
                    return Ok(result);
                }
            }
        }
        if let Some(prompt) = run.prompt().cloned() {
            let (answer, note) = answers.answer(&prompt, run);
            if let Some(note) = note {
                progress.note(&note);
            }
            queue.extend(run.handle(RunInput::Answer(answer), now()));
            progress.update(run, now());
        } else if let Some(result) = run.result() {
            return Ok(result.clone());
        } else {
            // The engine neither asks nor works nor ended: report it rather than hang.
            let step = run.current().unwrap_or(0);
            return Ok(RunResult::Failed {
                step,
                reason: "the runbook engine stopped without a result (a bug: please report it with the log file)".to_owned(),
            });
        }
    }
}

impl Perform for super::ops::Ops {
    fn perform(&self, request: OpRequest) -> impl Future<Output = OpOutcome> + Send {
        super::ops::Ops::perform(self, request)
    }
}
