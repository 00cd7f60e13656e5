//! Guided runbooks and direct actions as data and pure logic: files, parameters, and the
//! engine that decides each step. The IO it asks for is performed by `watchdeck_io::ops`.
//!
//! - `spec`: what a runbook file says (parameters, triggers, steps with typed fields).
//! - `kinds`: the step kinds, one module each behind `kinds::StepKindDef` (parse, title,
//!   resolve, verify), registered in `kinds::KINDS`.
//! - `parse`: Markdown with YAML front matter and ```step blocks -> `spec::Runbook`, with
//!   `file:line:col` errors; `params`: parameter validation; `resolve`: substitution into
//!   typed fields, producing `resolved::ResolvedStep`s.
//! - `library`: the shipped runbooks (embedded) and the configured directories' overrides.
//! - `resolved`: a step with every parameter resolved: concrete objects, mutations and probes.
//! - `engine`: the pure state machine that runs a runbook one step at a time (input in,
//!   effects out): permission, preconditions, dry run and diff, guardrails, confirmation,
//!   execution, verification, recovery.
//! - `op`: what the engine asks of the IO layer (`OpRequest`) and is answered (`OpOutcome`).
//! - `audit`: the records of the append-only audit log (written by `watchdeck_io::audit`).
//! - `direct`: one-step runbooks for the direct actions of the views.

pub mod audit;
pub mod direct;
pub mod engine;
pub mod kinds;
pub mod library;
pub mod op;
pub mod params;
pub mod parse;
pub mod resolve;
pub mod resolved;
pub mod spec;
