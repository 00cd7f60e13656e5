//! Scenario tests of the runbook engine: runbooks built in code, operations answered by a
//! script, prompts answered by the test. `harness` and `fixtures` are reusable for
//! scenario tests of the shipped runbooks.

mod approval;
mod audit_records;
mod conditions;
pub(crate) mod fixtures;
pub(crate) mod harness;
mod promote;
mod recovery;
mod scale;
mod shipped;
