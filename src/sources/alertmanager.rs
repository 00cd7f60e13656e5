//! The alerts source: polls a cluster's Alertmanager (`GET /api/v2/alerts`, active only) every
//! 5 s with a 5 s total timeout, tries HA replicas in order, and sends the firing alerts
//! (sanitized) or a short failure reason; retries with jittered backoff on failure.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::retry::{Backoff, describe};
use crate::event::{DataEvent, Payload};
use crate::model::alert::{Alert, Severity};
use crate::model::health::SourceKind;
use crate::model::{ClusterId, Text};

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

/// Largest response body accepted.
const MAX_BODY: usize = 32 << 20;

/// An HTTP client with the poller's timeouts.
pub fn http_client(config: &PollConfig) -> Result<reqwest::Client, String> {
    crate::install_tls_provider();
    reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(config.timeout.min(Duration::from_secs(3)))
        .build()
        .map_err(|e| format!("HTTP client: {}", describe(&e)))
}

/// The v2 alerts URL for an Alertmanager base URL: active alerts, not silenced or inhibited.
pub fn alerts_url(base: &str) -> String {
    format!(
        "{}/api/v2/alerts?active=true&silenced=false&inhibited=false",
        base.trim_end_matches('/')
    )
}

#[derive(Debug, Deserialize)]
struct RawAlert {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(rename = "startsAt", default)]
    starts_at: Option<String>,
    #[serde(default)]
    fingerprint: String,
    #[serde(default)]
    status: Option<RawStatus>,
}

#[derive(Debug, Deserialize)]
struct RawStatus {
    #[serde(default)]
    state: String,
}

fn to_alert(raw: RawAlert) -> Alert {
    let fingerprint = if raw.fingerprint.is_empty() {
        // No fingerprint: identify the alert by its label set.
        raw.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    } else {
        raw.fingerprint
    };
    let summary = raw
        .annotations
        .get("summary")
        .or_else(|| raw.annotations.get("description"));
    Alert {
        fingerprint: Text::new(&fingerprint),
        name: Text::new(
            raw.labels
                .get("alertname")
                .map_or("<unnamed>", String::as_str),
        ),
        severity: Severity::from_label(raw.labels.get("severity").map(String::as_str)),
        summary: Text::new(summary.map_or("", String::as_str)),
        starts_at: raw
            .starts_at
            .as_deref()
            .and_then(|s| s.parse::<Timestamp>().ok()),
        labels: raw
            .labels
            .iter()
            .map(|(k, v)| (Text::new(k), Text::new(v)))
            .collect(),
    }
}

/// Parses a `/api/v2/alerts` body into firing alerts (state `active`; entries without a
/// status count as active).
pub fn parse_alerts(body: &[u8]) -> Result<Vec<Alert>, String> {
    let raw: Vec<RawAlert> = serde_json::from_slice(body).map_err(|e| format!("bad JSON: {e}"))?;
    Ok(raw
        .into_iter()
        .filter(|alert| {
            alert
                .status
                .as_ref()
                .is_none_or(|s| s.state.is_empty() || s.state == "active")
        })
        .map(to_alert)
        .collect())
}

fn request_reason(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "timeout".to_string();
    }
    describe(err)
}

/// One poll of one Alertmanager.
pub async fn fetch(client: &reqwest::Client, base: &str) -> Result<Vec<Alert>, String> {
    let mut response = client
        .get(alerts_url(base))
        .send()
        .await
        .map_err(|e| request_reason(&e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(match status.canonical_reason() {
            Some(text) => format!("HTTP {} {text}", status.as_u16()),
            None => format!("HTTP {}", status.as_u16()),
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| request_reason(&e))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(format!("response larger than {} MiB", MAX_BODY >> 20));
        }
        body.extend_from_slice(&chunk);
    }
    parse_alerts(&body)
}

/// Tries each replica in order; the first answer wins. On failure, the first replica's reason.
pub async fn fetch_any(client: &reqwest::Client, urls: &[String]) -> Result<Vec<Alert>, String> {
    let mut first_error = None;
    for url in urls {
        match fetch(client, url).await {
            Ok(alerts) => return Ok(alerts),
            Err(reason) => {
                tracing::debug!(url, %reason, "alertmanager poll failed");
                first_error.get_or_insert(reason);
            }
        }
    }
    Err(match (first_error, urls.len()) {
        (Some(reason), 1) => reason,
        (Some(reason), n) => format!("{reason} (all {n} replicas failed)"),
        (None, _) => "no Alertmanager URL".to_string(),
    })
}

/// Polls until the receiver is dropped. Never returns an error: failures become
/// `Payload::Failed` for this (cluster, source) only.
pub async fn poll_alerts(
    cluster: ClusterId,
    urls: Vec<String>,
    config: PollConfig,
    tx: mpsc::Sender<DataEvent>,
) {
    let to_app = super::ToApp::new(cluster, tx);
    let send = |payload: Payload| to_app.send(payload);
    let fail = |reason: &str| Payload::Failed {
        source: SourceKind::Alerts,
        reason: Text::new(reason),
    };
    let client = match http_client(&config) {
        Ok(client) => client,
        Err(reason) => {
            tracing::error!(cluster, %reason, "alertmanager client");
            send(fail(&reason)).await;
            return;
        }
    };
    let mut backoff = Backoff::new(config.every, config.max_backoff, cluster as u64 * 2 + 1);
    loop {
        let delay = match fetch_any(&client, &urls).await {
            Ok(alerts) => {
                backoff.reset();
                if !send(Payload::Alerts(alerts)).await {
                    return;
                }
                config.every
            }
            Err(reason) => {
                tracing::warn!(cluster, %reason, "alertmanager poll failed");
                if !send(fail(&reason)).await {
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
