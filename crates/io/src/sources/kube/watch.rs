//! One watched resource: a kube-runtime watcher whose objects are reduced at once to compact
//! rows. A (re)list is buffered and sent as one `Reset` only when complete (`InitDone`), so a
//! relist after 410 Gone keeps the old rows on screen until the new list is whole. Failures
//! set this resource's health only, and retry with jittered backoff (never sooner than a 429's
//! Retry-After).

use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use kube::Api;
use kube::runtime::watcher::{self, Event};
use serde::de::DeserializeOwned;

use super::errors::{client_reason, is_expired, reason, retry_after};
use super::{ALIVE_EVERY, PROBE_TIMEOUT, WATCH_TIMEOUT_SECS, alive, failed};
use crate::sources::ToApp;
use crate::sources::retry::Backoff;
use watchdeck_core::event::Payload;
use watchdeck_core::model::kube::KubeResource;
use watchdeck_core::text::Text;

/// How one resource's objects become messages.
pub struct Feed<K, R> {
    pub resource: KubeResource,
    /// The compact row of an object (`None`: skip it, e.g. no name).
    pub reduce: fn(&K) -> Option<R>,
    /// The complete list of the watch over a namespace (`None`: every namespace).
    pub reset: fn(Option<Text>, Vec<R>) -> Payload,
    pub upsert: fn(R) -> Payload,
    pub deleted: fn(&K) -> Option<Payload>,
}

/// Watches `api` (over `namespace`, `None` for every namespace) until the app goes away.
/// Never returns an error.
pub async fn run<K, R>(
    api: Api<K>,
    namespace: Option<Text>,
    feed: Feed<K, R>,
    to_app: ToApp,
    seed: u64,
) where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + 'static,
{
    let resource = feed.resource;
    let mut backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(30), seed);
    let config = watcher::Config::default().timeout(WATCH_TIMEOUT_SECS);
    let client = api.clone().into_client();
    loop {
        let mut stream = std::pin::pin!(watcher::watcher(api.clone(), config.clone()));
        let mut buffer: Vec<R> = Vec::new();
        let mut synced = false;
        let mut tick = tokio::time::interval(ALIVE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let failure = loop {
            let item = tokio::select! {
                item = stream.next() => item,
                _ = tick.tick() => {
                    if !synced {
                        continue;
                    }
                    if let Err(reason) = probe(&client, resource).await {
                        break Ended::ProbeFailed(reason);
                    }
                    if !to_app.send(alive(resource)).await {
                        return;
                    }
                    continue;
                }
            };
            let payload = match item {
                Some(Ok(Event::Init)) => {
                    buffer.clear();
                    continue;
                }
                Some(Ok(Event::InitApply(object))) => {
                    buffer.extend((feed.reduce)(&object));
                    continue;
                }
                Some(Ok(Event::InitDone)) => {
                    synced = true;
                    backoff.reset();
                    (feed.reset)(namespace.clone(), std::mem::take(&mut buffer))
                }
                Some(Ok(Event::Apply(object))) => match (feed.reduce)(&object) {
                    Some(row) => (feed.upsert)(row),
                    None => continue,
                },
                Some(Ok(Event::Delete(object))) => match (feed.deleted)(&object) {
                    Some(payload) => payload,
                    None => continue,
                },
                Some(Err(err)) => break Ended::Failed(err),
                None => break Ended::Closed,
            };
            if !to_app.send(payload).await {
                return;
            }
        };
        match failure {
            Ended::Failed(err) if is_expired(&err) => {
                tracing::debug!(resource = resource.plural(), "watch expired, re-listing");
                continue;
            }
            Ended::Failed(err) => {
                let reason = reason(resource, &err);
                tracing::warn!(resource = resource.plural(), %reason, "watch failed");
                if !to_app.send(failed(resource, reason)).await {
                    return;
                }
                if let Some(asked) = retry_after(&err) {
                    // An overloaded API server said when to come back: never sooner, and
                    // still with this watch's jitter so the resources do not return at once.
                    tokio::time::sleep(asked.max(backoff.next_delay())).await;
                    continue;
                }
            }
            Ended::ProbeFailed(reason) => {
                tracing::warn!(resource = resource.plural(), %reason, "API server health probe failed; restarting the watch");
                if !to_app.send(failed(resource, reason)).await {
                    return;
                }
            }
            Ended::Closed => tracing::debug!(resource = resource.plural(), "watch ended"),
        }
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

/// Why one watch stream ended.
enum Ended {
    Failed(watcher::Error),
    /// The watch looked fine but the API server did not answer the health probe.
    ProbeFailed(String),
    /// The stream ended without an error.
    Closed,
}

/// The cheap health probe: `GET /version` within [`PROBE_TIMEOUT`].
async fn probe(client: &kube::Client, resource: KubeResource) -> Result<(), String> {
    match tokio::time::timeout(PROBE_TIMEOUT, client.apiserver_version()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(err)) => Err(client_reason(resource, "probe", &err)),
        Err(_) => Err(format!(
            "timeout: no answer to the health probe within {}s",
            PROBE_TIMEOUT.as_secs()
        )),
    }
}
