//! The IO the runbook engine asks for. The engine emits `OpRequest`s and is fed back
//! `OpOutcome`s; the runner (headless) and the app executor (console) call `Ops::perform`.
//! This is the only code in watchdeck that mutates clusters.
//!
//! - `client`: `Ops`, which holds the clients and dispatches each request.
//! - `kinds`: one module per mutating step kind (plan, execute, read back), registered in
//!   `kinds::KINDS`; `Ops` dispatches plans, executions and reads on it.
//! - `kube`: identity, access reviews, reads, plans (scale, rollback, CNPG promote), the
//!   execution of a plan's patch, and the Kubernetes probes.
//! - `prometheus`: instant-query probes and replication lag; `silence`: Alertmanager silences;
//!   `unsilence`: expiring one early; `patroni`: Patroni failover; `command`: allowlisted programs; `diff`: line diffs.

pub mod client;
pub mod command;
pub mod data_at_risk;
pub mod kinds;
pub mod kube;
pub mod patroni;
pub mod prometheus;
pub mod silence;
pub mod sizing;
pub mod unsilence;

pub use client::Ops;
