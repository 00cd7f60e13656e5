//! Branching on verdicts: the verdict each `check` or `wait` step leaves (held or not, with
//! its value), a step's `when` tested against them (a step whose `when` is false is skipped,
//! saying why), and the run's outcome from a `note` marked `outcome`.

use super::run::Run;
use crate::runbook::spec::{Step, When};

/// What a check or wait step concluded.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Verdict {
    pub(super) held: bool,
    /// The value shown (`0.0791 (want <= 0.001)`).
    pub(super) value: String,
}

/// A `when` tested now.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Decision {
    /// The step runs; the text says why (`errors-no-worse did not hold: 0.08 (want <= 0.001)`).
    Run(String),
    /// The step is skipped; the text says why (`errors-no-worse did not hold`).
    Skip(String),
    /// A named step has not run yet.
    Undecided,
}

impl Run {
    /// Records the verdict of step `index`.
    pub(super) fn record_verdict(&mut self, index: usize, held: bool, value: String) {
        self.verdicts.insert(index, Verdict { held, value });
    }

    /// Tests `when` against the verdicts so far; a step before `from` has run or been skipped.
    pub(super) fn decide(&self, when: &When, from: usize) -> Decision {
        let mut found = Vec::new();
        for id in when.ids() {
            let Some(index) = self.runbook.steps.iter().position(|s| &s.id == id) else {
                return Decision::Skip(format!("{id} is not a step of this runbook"));
            };
            if index >= from {
                return Decision::Undecided;
            }
            found.push((id.as_str(), self.verdicts.get(&index)));
        }
        match when {
            When::Passed(_) => {
                let not: Vec<String> = found
                    .iter()
                    .filter_map(|(id, v)| match v {
                        Some(v) if v.held => None,
                        Some(_) => Some(format!("{id} did not hold")),
                        None => Some(format!("{id} did not run")),
                    })
                    .collect();
                if not.is_empty() {
                    let ids: Vec<&str> = found.iter().map(|(id, _)| *id).collect();
                    Decision::Run(format!("{} held", and(&ids)))
                } else {
                    Decision::Skip(and(&not))
                }
            }
            When::FailedAny(_) => {
                let failed: Vec<String> = found
                    .iter()
                    .filter_map(|(id, v)| match v {
                        Some(v) if !v.held => Some(format!("{id} did not hold: {}", v.value)),
                        _ => None,
                    })
                    .collect();
                if failed.is_empty() {
                    let ids: Vec<&str> = found.iter().map(|(id, _)| *id).collect();
                    let verb = if ids.len() == 1 { "held" } else { "all held" };
                    Decision::Skip(format!("{} {verb}", and(&ids)))
                } else {
                    Decision::Run(failed.join("; "))
                }
            }
        }
    }

    /// Whether step `index` is part of the plan approved at step `from`: a step whose `when`
    /// is already false will be skipped, and one whose `when` is not known yet is planned
    /// and asked on its own when reached (an approval never covers a change that may not
    /// happen).
    pub(super) fn planned_now(&self, step: &Step, from: usize) -> bool {
        match &step.when {
            None => true,
            Some(when) => matches!(self.decide(when, from), Decision::Run(_)),
        }
    }

    /// The run's outcome, set by a `note` with `outcome: true` that ran.
    pub fn outcome(&self) -> Option<&str> {
        self.outcome.as_deref()
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and(items: &[impl AsRef<str>]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}
