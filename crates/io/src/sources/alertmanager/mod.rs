//! The alerts source: polls every replica of a cluster's Alertmanager (API v2), by URL or
//! through the Kubernetes API server's service proxy, every 5 s with the endpoint's total
//! timeout per request, and sends one snapshot (alerts deduplicated by
//! fingerprint, silences, each replica's result) or, when every replica fails, a short
//! reason; retries with jittered backoff. It only reads: silences are created and expired by
//! the runbook engine (`ops::silence`, `ops::unsilence`).
//!
//! - `client`: the HTTP reads (by URL or through the service proxy).
//! - `wire`: API bodies to and from the model, sanitized.
//! - `poll`: one poll of every replica, merged.

pub mod client;
pub mod poll;
pub mod wire;

use std::time::Duration;

use tokio::sync::mpsc;

use super::retry::Backoff;
use crate::sources::endpoint::EndpointSpec;
pub use client::{AmHttp, replica_name, url_endpoint};
pub use poll::poll_replicas;
use watchdeck_core::cluster::ClusterId;
use watchdeck_core::event::{DataEvent, Payload};
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::text::Text;
pub use wire::parse_alerts;

/// How the poller paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollConfig {
    /// Time between successful polls.
    pub every: Duration,
    /// Total time allowed for one request, body included, for replicas given as plain URLs
    /// ([`poll_alerts`]); an [`EndpointSpec`] carries its own.
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

/// An Alertmanager reached directly at `url` with a total `timeout` per request.
pub fn url_spec(url: &str, timeout: Duration) -> Result<EndpointSpec, String> {
    Ok(EndpointSpec {
        config: url_endpoint(url, timeout)?,
        kube: None,
    })
}

/// Clients for each replica, in order; the first that cannot be set up is the error.
pub async fn replicas(specs: &[EndpointSpec]) -> Result<Vec<AmHttp>, String> {
    let mut replicas = Vec::with_capacity(specs.len());
    for spec in specs {
        replicas.push(AmHttp::connect(spec).await?);
    }
    Ok(replicas)
}

/// Polls replicas given as URLs, each request within `config.timeout`, without label
/// filters; see [`poll_alerts_filtered`].
pub async fn poll_alerts(
    cluster: ClusterId,
    urls: Vec<String>,
    config: PollConfig,
    tx: mpsc::Sender<DataEvent>,
) {
    let specs: Result<Vec<EndpointSpec>, String> = urls
        .iter()
        .map(|url| url_spec(url, config.timeout))
        .collect();
    match specs {
        Ok(specs) => poll_alerts_filtered(cluster, specs, Vec::new(), config, tx).await,
        Err(reason) => {
            let to_app = super::ToApp::new(cluster, tx);
            to_app
                .send(Payload::Failed {
                    source: SourceKind::Alerts,
                    reason: Text::new(&reason),
                })
                .await;
        }
    }
}

/// Polls `specs` (replicas of one Alertmanager, by URL or through the service proxy, each
/// with its own timeout) until the receiver is dropped. `filter` holds label matchers
/// (`team="payments"`) sent with every alerts request. Never returns an error: failures
/// become `Payload::Failed` for this (cluster, source) only.
pub async fn poll_alerts_filtered(
    cluster: ClusterId,
    specs: Vec<EndpointSpec>,
    filter: Vec<String>,
    config: PollConfig,
    tx: mpsc::Sender<DataEvent>,
) {
    let to_app = super::ToApp::new(cluster, tx);
    let fail = |reason: &str| Payload::Failed {
        source: SourceKind::Alerts,
        reason: Text::new(reason),
    };
    let mut backoff = Backoff::new(config.every, config.max_backoff, cluster as u64 * 2 + 1);
    let mut clients: Option<Vec<AmHttp>> = None;
    loop {
        let ready = match &clients {
            Some(ready) => ready,
            None => match replicas(&specs).await {
                Ok(built) => clients.insert(built),
                Err(reason) => {
                    tracing::warn!(cluster, %reason, "alertmanager client");
                    if !to_app.send(fail(&reason)).await {
                        return;
                    }
                    tokio::time::sleep(backoff.next_delay()).await;
                    continue;
                }
            },
        };
        let delay = match poll_replicas(ready, &filter).await {
            Ok(snapshot) => {
                backoff.reset();
                for replica in snapshot.replicas.iter().filter(|r| r.error.is_some()) {
                    tracing::debug!(cluster, replica = %replica.url, reason = ?replica.error, "alertmanager replica down");
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
