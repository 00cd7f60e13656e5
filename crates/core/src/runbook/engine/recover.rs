//! The ways out of a failed or uncertain mutation: retry from the permission check (only
//! when nothing was applied), verify again after a verification timeout, roll back through
//! the same pipeline with the inverse change, re-read an unknown outcome, continue after
//! verifying by hand.

use std::time::Duration;

use jiff::Timestamp;

use super::mutate::{Mutating, Stage};
use super::run::Run;
use super::{Expect, Gate, Recovery, RunEffect, StepStatus};
use crate::runbook::kinds;
use crate::runbook::op::OpRequest;
use crate::runbook::resolve::verify_probe;
use crate::runbook::resolved::Mutation;

impl Run {
    /// The step failed with `reason`. Before the change went through: retry or stop. After
    /// it went through but did not verify: verify again (another verify timeout), roll back
    /// where the change has an inverse, continue (checked by hand) or stop; never retry, as
    /// a second rollback would undo the first.
    pub(super) fn failed(&mut self, mut m: Mutating, reason: String) {
        let choices = if m.stage == Stage::Verify {
            m.stage = Stage::VerifyFailed;
            let mut choices = vec![Recovery::Verify];
            if m.undo.is_none() && inverse(&m).is_some() {
                choices.push(Recovery::RollBack);
            }
            choices.extend([Recovery::Continue, Recovery::Stop]);
            choices
        } else {
            m.stage = Stage::Failed;
            vec![Recovery::Retry, Recovery::Stop]
        };
        self.set_status(StepStatus::Failed(reason.clone()));
        let ways = choices
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join(", ");
        self.ask(
            Gate::Failure,
            format!("{reason}\nChoose: {ways}."),
            Expect::Choice(choices),
        );
        self.keep(m);
    }

    pub(super) fn on_mutation_recover(
        &mut self,
        m: Mutating,
        choice: Recovery,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        match choice {
            Recovery::Retry => {
                let mut m = m;
                m.attempt += 1;
                m.executed = None;
                m.verify_began = None;
                if self.approval.is_none() && m.undo.is_none() {
                    // Nothing was approved yet: plan the run from here.
                    return self.begin_mutation(m, now, out);
                }
                self.check_access(m, now, out);
            }
            Recovery::RollBack => match inverse(&m) {
                Some(undo) => {
                    let failure = self.status_text();
                    self.log(format!(
                        "rolling back: {}",
                        super::gates::describe(&undo, None)
                    ));
                    let mut back =
                        Mutating::new(undo.clone(), verify_probe(&undo), m.verify_timeout);
                    back.undo = Some(failure);
                    back.attempt = m.attempt + 1;
                    self.begin_mutation(back, now, out);
                }
                None => self.keep(m),
            },
            Recovery::Verify if m.stage == Stage::VerifyFailed => {
                self.log("verifying again");
                self.begin_verify(m, now, out);
            }
            Recovery::Verify => {
                let mut m = m;
                m.stage = Stage::Read;
                self.set_status(StepStatus::Unknown(
                    "outcome unknown, verify: re-reading the target".to_owned(),
                ));
                self.op(OpRequest::Read(m.mutation.clone()), Duration::ZERO, out);
                self.keep(m);
            }
            Recovery::Continue => {
                self.set_status(StepStatus::Done(format!(
                    "continued by the user after: {}",
                    self.status_text()
                )));
                self.next_step(now, out);
            }
            // Handled before the phase is consulted.
            Recovery::Stop => self.keep(m),
        }
    }
}

/// The mutation that undoes `m`'s change, from what its plan read, as its step kind says
/// (`StepKindDef::undo`: scale back to the replicas before, roll back to the revision
/// before). Promotions, silences and commands have none.
fn inverse(m: &Mutating) -> Option<Mutation> {
    let plan = m.plan.as_ref()?;
    kinds::of_mutation(&m.mutation)?.undo(&m.mutation, plan)
}
