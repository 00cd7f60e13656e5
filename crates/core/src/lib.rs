//! watchdeck's core: plain data and pure logic, no tokio, reqwest, kube or ratatui.
//!
//! - `model`: clusters, pods, workloads, alerts, silences, services, SLOs, runs, sanitized
//!   text; `action`: user intents and the keymap; `event`: messages into `update`;
//!   `effect`: what `update` asks the IO layer to do, as data.
//! - `update`: the pure state transition `update(&mut Model, Msg) -> Vec<Effect>`.
//! - `config`: TOML configuration and SLO files, validated with file:line:key errors.
//! - `runbook`: runbook files, parameters, the engine's pure state machine, and the data it
//!   exchanges with the IO layer (`runbook::op`) and writes to the audit log.
//! - `duration`: the one duration grammar (`90s`, `15m`, `1h30m`, `1d`) everything reads.
//! - `clock`: where "now" comes from (wall clock or the simulator's virtual clock).
//! - `fixture` (tests and the `fixtures` feature): a three-cluster model at a fixed time.

pub mod action;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod duration;
pub mod effect;
pub mod event;
pub mod matcher;
pub mod model;
pub mod runbook;
pub mod screen;
pub mod series;
pub mod slo;
pub mod suggest;
pub mod text;
pub mod update;
pub mod yaml;

#[cfg(any(test, feature = "fixtures"))]
pub mod fixture;
