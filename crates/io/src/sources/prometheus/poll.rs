//! The per-cluster poller: probe, then the four RED range queries and the saturation one
//! over the sparkline window
//! ending at the server's now; sends the rows (complete, partial or with the failing
//! query's message) or the failure; jittered backoff on failures worth retrying. A query
//! Prometheus rejected (400, 422) is not sent again: its message stays on screen.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::sync::mpsc;

use super::PromTarget;
use super::assemble::{ByService, by_service, rows};
use super::client::{PollError, PromClient};
use super::query::{Red, red_query};
use super::response::QueryFailure;
use crate::sources::ToApp;
use crate::sources::endpoint::EndpointSpec;
use crate::sources::retry::Backoff;
use watchdeck_core::cluster::ClusterId;
use watchdeck_core::event::{DataEvent, Payload};
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::model::services::{HISTORY_POINTS, MetricsUpdate};
use watchdeck_core::series::QueryStatus;
use watchdeck_core::text::Text;

/// Seconds between two sparkline points.
pub const HISTORY_STEP: u64 = 30;
/// Longest backoff after repeated failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// What the four RED queries returned.
#[derive(Debug, Default)]
pub struct RedAnswers {
    pub answers: BTreeMap<Red, ByService>,
    pub warnings: Vec<String>,
    /// Messages of queries that gave no data but need no retry (rejected, too many series).
    pub errors: Vec<String>,
}

impl RedAnswers {
    pub fn status(&self) -> QueryStatus {
        if let Some(first) = self.errors.first() {
            QueryStatus::Error(Text::new(first))
        } else if !self.warnings.is_empty() {
            let mut unique: Vec<&String> = self.warnings.iter().collect();
            unique.sort();
            unique.dedup();
            QueryStatus::Partial(unique.into_iter().map(|w| Text::new(w)).collect())
        } else {
            QueryStatus::Ok
        }
    }
}

/// Queries Prometheus rejected, by query text, with the message to keep showing.
pub type Rejected = BTreeMap<String, String>;

/// Runs the queries `which` with `matchers` over `[start, end]`. A retryable failure of any
/// query fails the whole run.
pub async fn red_answers(
    client: &PromClient,
    target: &PromTarget,
    matchers: &[(String, String)],
    (start, end, step): (f64, f64, u64),
    rejected: &mut Rejected,
    which: &[Red],
) -> Result<RedAnswers, PollError> {
    let mut out = RedAnswers::default();
    let label = &target.queries.service_label;
    for &red in which {
        let query = red_query(red, &target.queries, matchers);
        if let Some(message) = rejected.get(&query) {
            out.errors.push(format!("{}: {message}", red.label()));
            continue;
        }
        match client.query_range(&query, start, end, step).await {
            Ok(data) => {
                out.warnings.extend(data.warnings);
                out.answers.insert(red, by_service(&data.series, label));
            }
            Err(PollError::Query(failure @ QueryFailure::Rejected { .. })) => {
                let message = failure.message();
                tracing::warn!(query, %message, "query rejected; not retried until it changes");
                out.errors.push(format!("{}: {message}", red.label()));
                rejected.insert(query, message);
            }
            Err(e) if e.retryable() => return Err(e),
            Err(e) => out.errors.push(format!("{}: {}", red.label(), e.message())),
        }
    }
    Ok(out)
}

/// One poll: probe, then the RED queries over the last [`HISTORY_POINTS`] steps.
pub async fn poll_once(
    client: &PromClient,
    target: &PromTarget,
    rejected: &mut Rejected,
) -> Result<MetricsUpdate, PollError> {
    let now = client.server_time().await?;
    let start = now - (HISTORY_STEP * (HISTORY_POINTS as u64 - 1)) as f64;
    let answers = red_answers(
        client,
        target,
        &target.matchers(),
        (start, now, HISTORY_STEP),
        rejected,
        &Red::ALL,
    )
    .await?;
    Ok(MetricsUpdate {
        services: rows(&answers.answers),
        status: answers.status(),
    })
}

/// Polls until the app is gone. Failures become `Payload::Failed` for this cluster's
/// metrics only.
pub async fn poll_metrics(
    cluster: ClusterId,
    spec: EndpointSpec,
    target: PromTarget,
    tx: mpsc::Sender<DataEvent>,
) {
    let to_app = ToApp::new(cluster, tx);
    let fail = |reason: String| Payload::Failed {
        source: SourceKind::Metrics,
        reason: Text::new(&reason),
    };
    let every = target.every.max(Duration::from_millis(200));
    let mut backoff = Backoff::new(
        every.min(Duration::from_secs(2)),
        MAX_BACKOFF,
        cluster as u64 * 2 + 3,
    );
    let mut client: Option<PromClient> = None;
    let mut rejected = Rejected::new();
    loop {
        if client.is_none() {
            match PromClient::connect(&spec).await {
                Ok(c) => client = Some(c),
                Err(e) => {
                    tracing::warn!(cluster, endpoint = %spec.describe(), reason = %e.message(), "prometheus client");
                    if !to_app.send(fail(e.message())).await {
                        return;
                    }
                    tokio::time::sleep(backoff.next_delay()).await;
                    continue;
                }
            }
        }
        let Some(c) = client.as_ref() else { continue };
        let delay = match poll_once(c, &target, &mut rejected).await {
            Ok(update) => {
                backoff.reset();
                if !to_app.send(Payload::Metrics(update)).await {
                    return;
                }
                every
            }
            Err(e) => {
                let reason = e.message();
                tracing::warn!(cluster, endpoint = %spec.describe(), %reason, "prometheus poll failed");
                if !to_app.send(fail(reason)).await {
                    return;
                }
                if e.retryable() {
                    backoff.next_delay()
                } else {
                    every
                }
            }
        };
        tokio::time::sleep(delay).await;
    }
}
