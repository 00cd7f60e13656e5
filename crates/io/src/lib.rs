//! watchdeck's IO: everything that talks to clusters, on top of `watchdeck-core`.
//!
//! - `sources`: one task per (cluster, source) feeding the model: Kubernetes watches,
//!   Prometheus and Alertmanager polls; `sources::target`: how a cluster is reached.
//! - `supervise`: source tasks supervised and restarted; `contained`: panics that stay a
//!   task's own; `slo_discovery`: Pyrra SLOs found in the clusters at start-up.
//! - `executor`: runs the effects `update` returns and sends results back as messages;
//!   `newest`: a query superseded by a newer one of the same key is aborted.
//! - `ops`: the runbook engine's operations, the only code that mutates clusters;
//!   `run_io`: runs them for the console; `runner`: drives a run to its end outside it.
//! - `audit`: the append-only, fsynced JSON-lines audit file.

pub mod audit;
pub mod contained;
pub mod executor;
pub mod newest;
pub mod ops;
pub mod run_io;
pub mod runner;
pub mod slo_discovery;
pub mod sources;
pub mod supervise;

/// Installs the process-wide TLS crypto provider (ring) that reqwest and kube use; the
/// binary and tests call it once before building clients. Calling it again is harmless.
pub fn install_tls_provider() {
    // Err means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
