//! watchdeck: a terminal operations console for site reliability engineers.
//!
//! Module map (see ARCHITECTURE.md in the shared docs for the data-flow rules):
//! - `cli`: command-line interface (clap): the TUI (default), `sim`, `check` ...
//! - `config`: TOML configuration (clusters and their endpoints), validated with file:line:key errors.
//! - `sim`: the deterministic fleet simulator serving the Kubernetes, Prometheus and
//!   Alertmanager HTTP APIs on loopback; the zero-setup demo and the tests' clusters.
//! - `app`: the console's entry point (`app::run`) and its loop, the single owner of the model.
//! - `event`, `action`, `update`, `effect`: messages in, the keymap, the pure state transition,
//!   and what the loop does next.
//! - `model`: plain data (clusters, pods, alerts, health, sanitized text); `ui`: rendering as a
//!   pure function of the model; `tui`: terminal setup and restoration.
//! - `console`: start-up: targets from the config file or the simulated fleet, then `app::run`.
//! - `sources`: async IO that feeds the model, one task per (cluster, source).

pub mod action;
pub mod app;
pub mod cli;
pub mod console;
pub mod config;
pub mod effect;
pub mod event;
pub mod model;
pub mod sim;
pub mod sources;
pub mod tui;
pub mod ui;
pub mod update;

#[cfg(test)]
pub(crate) mod fixture;

/// Installs the process-wide TLS crypto provider (ring) that reqwest and kube use; the
/// binary and tests call it once before building clients. Calling it again is harmless.
pub fn install_tls_provider() {
    // Err means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
