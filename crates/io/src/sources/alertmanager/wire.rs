//! Alertmanager API v2 bodies to and from the model: alerts (with their silenced/inhibited
//! state, annotations, receivers), silences, and the postable silence. Every string is
//! sanitized here, where it enters the model.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;

use watchdeck_core::matcher::MatchOp;
use watchdeck_core::model::alert::{Alert, AlertState, Severity};
use watchdeck_core::model::silence::{Silence, SilenceStatus};
use watchdeck_core::model::silence_form::SilenceDraft;
use watchdeck_core::text::Text;

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
    #[serde(rename = "generatorURL", default)]
    generator_url: Option<String>,
    #[serde(default)]
    receivers: Vec<RawReceiver>,
    #[serde(default)]
    status: Option<RawStatus>,
}

#[derive(Debug, Deserialize)]
struct RawReceiver {
    #[serde(default)]
    name: String,
}

#[derive(Debug, Deserialize)]
struct RawStatus {
    #[serde(default)]
    state: String,
    #[serde(rename = "silencedBy", default)]
    silenced_by: Option<Vec<String>>,
    #[serde(rename = "inhibitedBy", default)]
    inhibited_by: Option<Vec<String>>,
}

fn texts(items: &[String]) -> Vec<Text> {
    items.iter().map(|s| Text::new(s)).collect()
}

fn timestamp(text: Option<&str>) -> Option<Timestamp> {
    text.and_then(|s| s.parse::<Timestamp>().ok())
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
    let annotation = |key: &str| Text::new(raw.annotations.get(key).map_or("", String::as_str));
    let description = annotation("description");
    let summary = raw
        .annotations
        .get("summary")
        .map_or_else(|| description.clone(), |s| Text::new(s));
    let state = match &raw.status {
        Some(status) if status.state == "suppressed" => AlertState::Suppressed {
            silenced_by: texts(status.silenced_by.as_deref().unwrap_or_default()),
            inhibited_by: texts(status.inhibited_by.as_deref().unwrap_or_default()),
        },
        Some(status) if status.state == "unprocessed" => AlertState::Unprocessed,
        _ => AlertState::Active,
    };
    Alert {
        fingerprint: Text::new(&fingerprint),
        name: Text::new(
            raw.labels
                .get("alertname")
                .map_or("<unnamed>", String::as_str),
        ),
        severity: Severity::from_label(raw.labels.get("severity").map(String::as_str)),
        summary,
        starts_at: timestamp(raw.starts_at.as_deref()),
        labels: raw
            .labels
            .iter()
            .map(|(k, v)| (Text::new(k), Text::new(v)))
            .collect(),
        state,
        runbook: annotation("runbook_url"),
        description,
        generator_url: Text::new(raw.generator_url.as_deref().unwrap_or_default()),
        receivers: raw.receivers.iter().map(|r| Text::new(&r.name)).collect(),
    }
}

/// Parses a `/api/v2/alerts` body: active, suppressed and unprocessed alerts; resolved
/// ones (state `resolved`, seen on some proxies) are dropped.
pub fn parse_alerts(body: &[u8]) -> Result<Vec<Alert>, String> {
    let raw: Vec<RawAlert> = serde_json::from_slice(body).map_err(|e| format!("bad JSON: {e}"))?;
    Ok(raw
        .into_iter()
        .filter(|alert| alert.status.as_ref().is_none_or(|s| s.state != "resolved"))
        .map(to_alert)
        .collect())
}

#[derive(Debug, Deserialize)]
struct RawSilence {
    #[serde(default)]
    id: String,
    #[serde(default)]
    matchers: Vec<RawMatcher>,
    #[serde(rename = "startsAt", default)]
    starts_at: Option<String>,
    #[serde(rename = "endsAt", default)]
    ends_at: Option<String>,
    #[serde(rename = "createdBy", default)]
    created_by: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    status: Option<RawSilenceStatus>,
}

#[derive(Debug, Deserialize)]
struct RawMatcher {
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
    #[serde(rename = "isRegex", default)]
    is_regex: bool,
    #[serde(rename = "isEqual", default)]
    is_equal: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct RawSilenceStatus {
    #[serde(default)]
    state: String,
}

fn to_silence(raw: RawSilence, replica: usize) -> Silence {
    let matchers = raw
        .matchers
        .iter()
        .map(|m| {
            let op = MatchOp::from_flags(m.is_equal.unwrap_or(true), m.is_regex);
            let shown = watchdeck_core::matcher::Matcher::new(&m.name, op, &m.value);
            Text::new(&shown.to_string())
        })
        .collect();
    Silence {
        id: Text::new(&raw.id),
        matchers,
        status: raw.status.map_or(SilenceStatus::Active, |s| {
            SilenceStatus::from_wire(&s.state)
        }),
        starts_at: timestamp(raw.starts_at.as_deref()),
        ends_at: timestamp(raw.ends_at.as_deref()),
        created_by: Text::new(&raw.created_by),
        comment: Text::new(&raw.comment),
        replica,
        seen_on: vec![replica],
    }
}

/// Parses a `/api/v2/silences` body.
pub fn parse_silences(body: &[u8], replica: usize) -> Result<Vec<Silence>, String> {
    let raw: Vec<RawSilence> =
        serde_json::from_slice(body).map_err(|e| format!("bad JSON in silences: {e}"))?;
    Ok(raw.into_iter().map(|s| to_silence(s, replica)).collect())
}

/// Parses a `/api/v2/silence/{id}` body.
pub fn parse_silence(body: &[u8], replica: usize) -> Result<Silence, String> {
    let raw: RawSilence =
        serde_json::from_slice(body).map_err(|e| format!("bad JSON in silence: {e}"))?;
    Ok(to_silence(raw, replica))
}

/// The silence id from a POST `/api/v2/silences` answer (`{"silenceID": "..."}`).
pub fn parse_silence_id(body: &[u8]) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Created {
        #[serde(rename = "silenceID")]
        silence_id: String,
    }
    let created: Created =
        serde_json::from_slice(body).map_err(|e| format!("bad JSON in silence answer: {e}"))?;
    if created.silence_id.is_empty() {
        return Err("the Alertmanager returned an empty silence id".to_string());
    }
    Ok(created.silence_id)
}

/// The body of POST `/api/v2/silences` for `draft`, starting `now`.
pub fn postable_silence(draft: &SilenceDraft, now: Timestamp) -> serde_json::Value {
    let ends = now
        .checked_add(jiff::SignedDuration::from_secs(draft.duration_secs))
        .unwrap_or(now);
    let matchers: Vec<serde_json::Value> = draft
        .matchers
        .iter()
        .map(|m| {
            json!({
                "name": m.name,
                "value": m.value,
                "isRegex": m.op.is_regex(),
                "isEqual": m.op.is_equal(),
            })
        })
        .collect();
    json!({
        "matchers": matchers,
        "startsAt": now.to_string(),
        "endsAt": ends.to_string(),
        "createdBy": draft.created_by,
        "comment": draft.comment,
    })
}
