//! The alerts source: polls every replica of a cluster's Alertmanager (API v2) every 5 s with
//! a 5 s total timeout per request, and sends one snapshot (alerts deduplicated by
//! fingerprint, silences, each replica's result) or, when every replica fails, a short
//! reason; retries with jittered backoff. Silence create and expire live in `silences`.
//!
//! - `client`: the HTTP calls (`get`, `post`, `delete` on a base URL), one place to swap.
//! - `wire`: API bodies to and from the model, sanitized.
//! - `poll`: one poll of every replica, merged.
//! - `silences`: create and expire, read back from the same replica.

pub mod client;
pub mod poll;
pub mod silences;
pub mod wire;

use std::time::Duration;

use tokio::sync::mpsc;

use super::retry::Backoff;
use crate::event::{DataEvent, Payload};
use crate::model::health::SourceKind;
use crate::model::{ClusterId, Text};
pub use client::{AmHttp, http_client};
pub use poll::poll_replicas;
pub use wire::parse_alerts;

/// How the poller paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollConfig {
    /// Time between successful polls.
    pub every: Duration,
    /// Total time allowed for one request, body included.
    pub timeout: Duration,
    /// Longest backoff after repeated failures.
    pub max_backoff: Duration,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            every: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// Clients for each replica URL, sharing one connection pool.
pub fn replicas(client: &reqwest::Client, urls: &[String]) -> Vec<AmHttp> {
    urls.iter()
        .map(|url| AmHttp::new(client.clone(), url))
        .collect()
}

/// Polls without label filters; see [`poll_alerts_filtered`].
pub async fn poll_alerts(
    cluster: ClusterId,
    urls: Vec<String>,
    config: PollConfig,
    tx: mpsc::Sender<DataEvent>,
) {
    poll_alerts_filtered(cluster, urls, Vec::new(), config, tx).await
}

/// Polls until the receiver is dropped. `filter` holds label matchers
/// (`team="payments"`) sent with every alerts request. Never returns an error: failures
/// become `Payload::Failed` for this (cluster, source) only.
pub async fn poll_alerts_filtered(
    cluster: ClusterId,
    urls: Vec<String>,
    filter: Vec<String>,
    config: PollConfig,
    tx: mpsc::Sender<DataEvent>,
) {
    let to_app = super::ToApp::new(cluster, tx);
    let fail = |reason: &str| Payload::Failed {
        source: SourceKind::Alerts,
        reason: Text::new(reason),
    };
    let client = match http_client(config.timeout) {
        Ok(client) => client,
        Err(reason) => {
            tracing::error!(cluster, %reason, "alertmanager client");
            to_app.send(fail(&reason)).await;
            return;
        }
    };
    let replicas = replicas(&client, &urls);
    let mut backoff = Backoff::new(config.every, config.max_backoff, cluster as u64 * 2 + 1);
    loop {
        let delay = match poll_replicas(&replicas, &filter).await {
            Ok(snapshot) => {
                backoff.reset();
                for replica in snapshot.replicas.iter().filter(|r| r.error.is_some()) {
                    tracing::debug!(cluster, url = %replica.url, reason = ?replica.error, "alertmanager replica down");
                }
                if !to_app
                    .send(Payload::AlertSnapshot(Box::new(snapshot)))
                    .await
                {
                    return;
                }
                config.every
            }
            Err(reason) => {
                tracing::warn!(cluster, %reason, "alertmanager poll failed");
                if !to_app.send(fail(&reason)).await {
                    return;
                }
                backoff.next_delay()
            }
        };
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests;
