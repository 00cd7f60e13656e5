//! watchdeck: a terminal operations console for site reliability engineers.
//!
//! Module map (see ARCHITECTURE.md in the shared docs for the data-flow rules):
//! - `cli`: command-line interface (clap): the TUI (default), `sim`, `check` ...
//! - `config`: TOML configuration (clusters and their endpoints), validated with file:line:key errors.
//! - `sim`: the deterministic fleet simulator serving the Kubernetes, Prometheus and
//!   Alertmanager HTTP APIs on loopback; the zero-setup demo and the tests' clusters.

pub mod cli;
// console: enabled when the app module lands
//pub mod console;
pub mod config;
pub mod sim;
pub mod sources;

/// Installs the process-wide TLS crypto provider (ring) that reqwest and kube use; the
/// binary and tests call it once before building clients. Calling it again is harmless.
pub fn install_tls_provider() {
    // Err means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
