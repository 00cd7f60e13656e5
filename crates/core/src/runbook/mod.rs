//! Guided runbooks and actions: the only code that mutates clusters.
//!
//! - `spec`: what a runbook file says (parameters, triggers, steps with typed fields).
//! - `parse`: Markdown with YAML front matter and ```step blocks -> `spec::Runbook`, with
//!   `file:line:col` errors; `params`: parameter validation; `resolve`: substitution into
//!   typed fields, producing `action::Action`s.
//! - `library`: the shipped runbooks (embedded) and the configured directories' overrides.
//! - `action`: a step with every parameter resolved: concrete objects, mutations and probes.
//! - `engine`: the pure state machine that runs a runbook one step at a time (input in,
//!   effects out): permission, preconditions, dry run and diff, guardrails, confirmation,
//!   execution, verification, recovery.
//! - `ops`: the IO the engine asks for (`OpRequest` -> `OpOutcome`): Kubernetes, Prometheus,
//!   Alertmanager, Patroni and allowlisted commands.
//! - `audit`: the append-only JSON-lines audit file and `watchdeck audit`.
//! - `runner`: drives a run outside the console; `headless`: `watchdeck run`; `library`:
//!   built-in and configured runbooks; `direct`: one-step runbooks for actions from views.

pub mod action;
pub mod audit;
pub mod direct;
pub mod engine;
pub mod library;
pub mod op;
pub mod params;
pub mod parse;
pub mod resolve;
pub mod spec;
