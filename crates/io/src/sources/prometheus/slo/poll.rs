//! The per-cluster SLO poller: every refresh interval, one refresh of every SLO that applies
//! to the cluster, sent as `Payload::SloReadings`; failures make the SLOs unknown with the
//! reason (and back off while they last). Runs until the app is gone.

use std::time::Duration;

use tokio::sync::mpsc;

use super::SloTarget;
use super::fetch::SloFetcher;
use crate::sources::ToApp;
use crate::sources::endpoint::EndpointSpec;
use crate::sources::prometheus::client::PromClient;
use crate::sources::retry::Backoff;
use watchdeck_core::cluster::ClusterId;
use watchdeck_core::event::{DataEvent, Payload};

/// Longest backoff after repeated failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Polls `target`'s SLOs on `spec`'s Prometheus until the app is gone.
pub async fn poll_slos(
    cluster: ClusterId,
    spec: EndpointSpec,
    target: SloTarget,
    tx: mpsc::Sender<DataEvent>,
) {
    let to_app = ToApp::new(cluster, tx);
    let every = target.every.max(Duration::from_millis(200));
    let mut backoff = Backoff::new(
        every.min(Duration::from_secs(2)),
        MAX_BACKOFF,
        cluster as u64 * 2 + 5,
    );
    let mut fetcher = SloFetcher::new(target, spec.describe(), spec.config.http.timeout);
    let mut client: Option<PromClient> = None;
    loop {
        if client.is_none() {
            match PromClient::connect(&spec).await {
                Ok(c) => client = Some(c),
                Err(e) => {
                    let reason = fetcher.reason(&e);
                    tracing::warn!(cluster, %reason, "SLO source: Prometheus client");
                    let readings = fetcher.unknown_all(jiff::Timestamp::now(), &reason);
                    if !to_app.send(Payload::SloReadings(readings)).await {
                        return;
                    }
                    tokio::time::sleep(backoff.next_delay()).await;
                    continue;
                }
            }
        }
        let Some(c) = client.as_ref() else { continue };
        let refresh = fetcher.refresh(c, None).await;
        let delay = match &refresh.failure {
            None => {
                backoff.reset();
                every
            }
            Some(e) => {
                tracing::warn!(cluster, reason = %fetcher.reason(e), "SLO refresh failed");
                if e.retryable() {
                    backoff.next_delay().max(every)
                } else {
                    every
                }
            }
        };
        if !to_app.send(Payload::SloReadings(refresh.readings)).await {
            return;
        }
        tokio::time::sleep(delay).await;
    }
}
