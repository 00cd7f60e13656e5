//! watchdeck: a terminal operations console for site reliability engineers.
//!
//! Module map (see ARCHITECTURE.md in the shared docs for the data-flow rules):
//! - `cli`: the command line (clap); `console`: starts the console on the configured
//!   clusters or on the built-in simulated fleet; `check`: the headless snapshot.
//! - `app`: the one async loop that owns the model; `event` (messages), `action` (user
//!   intents and the keymap), `update` (pure state transitions), `effect` (side effects as data).
//! - `model`: plain data: clusters, pods, alerts, source health, sanitized text.
//! - `sources`: async IO feeding the model, one task per (cluster, source).
//! - `ui`: rendering as a pure function of the model; `tui`: terminal setup and restore;
//!   `asciicast`: the `--cast` recording format.
//! - `config`: TOML configuration, validated with file:line:key errors.
//! - `sim`: the deterministic fleet simulator serving the Kubernetes, Prometheus and
//!   Alertmanager HTTP APIs on loopback: the zero-setup demo and the tests' clusters.
//! - `story`: incident stories (files, parser, player) played at a person's pace, as
//!   `watchdeck demo` and as end-to-end tests.

pub mod action;
pub mod app;
pub mod asciicast;
pub mod check;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod effect;
pub mod event;
pub mod model;
pub mod runbook;
pub mod sim;
pub mod sources;
pub mod story;
pub mod theme_files;
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
