//! Debian's VictoriaMetrics (single node) as a fleet-wide store in tests: on a free loopback
//! port with its own data directory, taking Prometheus remote writes, its queries seeing
//! samples a second after they arrive (instead of 30 s) and its response cache off, so an
//! answer is computed from the stored samples at exactly the asked times.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tokio::process::Child;

use super::daemon::{spawn_logged, wait_answers};

pub struct VictoriaMetrics {
    pub url: String,
    pub log: PathBuf,
    _child: Child,
}

impl VictoriaMetrics {
    /// Starts it with its data in `dir`; killed when dropped.
    pub async fn start(dir: &Path) -> VictoriaMetrics {
        let program = super::require("victoria-metrics", "victoria-metrics");
        let port = super::free_port();
        let log = dir.join("victoria-metrics.log");
        let child = spawn_logged(
            &program,
            &[
                format!("-storageDataPath={}", dir.join("vm-data").display()),
                "-retentionPeriod=1d".to_string(),
                format!("-httpListenAddr=127.0.0.1:{port}"),
                // Samples are visible to queries 1 s after they arrive (default 30 s).
                "-search.latencyOffset=1s".to_string(),
                // No response cache: range queries keep their start and end as asked.
                "-search.disableCache".to_string(),
            ],
            &log,
        );
        let url = format!("http://127.0.0.1:{port}");
        wait_answers(&url, "/health", "victoria-metrics", &log).await;
        VictoriaMetrics {
            url,
            log,
            _child: child,
        }
    }

    /// Where Prometheus remote-writes to it.
    pub fn write_url(&self) -> String {
        format!("{}/api/v1/write", self.url)
    }

    /// An instant query at `time`: `(labels, value)` per series.
    pub async fn query(&self, query: &str, time: f64) -> Vec<(Value, f64)> {
        super::prometheus::query_at(&self.url, query, time).await
    }

    /// The server's log, for failure messages.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}
