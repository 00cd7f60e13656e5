//! Expiring an Alertmanager silence early: the plan reads the silence from the first replica
//! that holds it and lists the alerts that will notify again; execution expires it on that
//! same replica (HA peers learn it by gossip) and reads it back. An already expired silence
//! is "nothing to do".

use crate::ops::client::Ops;
use crate::ops::silence::{alert_text, first_answer, reply_text, with_timeout};
use crate::sources::alertmanager::poll::alerts_query;
use crate::sources::alertmanager::wire::{parse_alerts, parse_silence};
use crate::sources::endpoint::{FetchError, HttpEndpoint};
use watchdeck_core::model::alert::AlertState;
use watchdeck_core::model::silence::{Silence, SilenceStatus};
use watchdeck_core::runbook::op::diff::diff;
use watchdeck_core::runbook::op::is_silence_id;
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport, Snapshot};
use watchdeck_core::text::sanitize;

fn silence_path(id: &str) -> Result<String, OpError> {
    if is_silence_id(id) {
        Ok(format!("/api/v2/silence/{id}"))
    } else {
        Err(OpError::new(format!(
            "{:?} is not a silence id (expected a UUID)",
            sanitize(id)
        )))
    }
}

fn lines(silence: &Silence) -> Vec<String> {
    let matchers: Vec<&str> = silence.matchers.iter().map(|m| m.as_str()).collect();
    vec![
        format!("silence: {}", silence.id),
        format!("matchers: {}", matchers.join(", ")),
        format!("created by: {}", silence.created_by),
        format!("comment: {}", silence.comment),
        format!("status: {}", silence.status.label()),
        format!(
            "ends at: {}",
            silence
                .ends_at
                .map_or_else(|| "?".to_string(), |t| t.to_string())
        ),
    ]
}

/// The silence as the first replica holding it answers: the replica's index and the silence.
async fn fetch(ops: &Ops, cluster: &str, id: &str) -> Result<(usize, Silence), OpError> {
    let target = ops.target(cluster)?;
    let path = silence_path(id)?;
    let (index, body) = first_answer(ops, target, cluster, |endpoint| {
        let path = path.clone();
        async move { endpoint.get(&path, &[]).await }
    })
    .await
    .map_err(|e| OpError::new(format!("silence {id}: {e}")))?;
    let silence = parse_silence(&body, index)
        .map_err(|e| OpError::new(format!("silence {id} on {cluster}: {}", sanitize(&e))))?;
    Ok((index, silence))
}

pub async fn plan(ops: &Ops, cluster: &str, id: &str) -> Result<PlanReport, OpError> {
    let (index, silence) = fetch(ops, cluster, id).await?;
    let before = Snapshot {
        resource_version: None,
        lines: lines(&silence),
    };
    let mut expired = silence.clone();
    if expired.status != SilenceStatus::Expired {
        expired.status = SilenceStatus::Expired;
        expired.ends_at = Some(ops.now());
    }
    let after = Snapshot {
        resource_version: None,
        lines: lines(&expired),
    };
    let notes = if silence.status == SilenceStatus::Expired {
        vec![format!("silence {id} has already expired")]
    } else {
        unmuted(ops, cluster, index, id).await
    };
    Ok(PlanReport {
        diff: diff(&before.lines, &after.lines),
        before,
        after,
        patch: serde_json::json!({ "replica": index, "id": id }),
        refusal: None,
        current_replicas: None,
        data_at_risk: None,
        target_replicas: None,
        ready_before: None,
        already: None,
        notes,
    })
}

/// The alerts this silence mutes now, which notify again once it expires (one note each).
async fn unmuted(ops: &Ops, cluster: &str, index: usize, id: &str) -> Vec<String> {
    let Ok(target) = ops.target(cluster) else {
        return Vec::new();
    };
    let Some(config) = target.alertmanagers.get(index) else {
        return Vec::new();
    };
    let spec = with_timeout(target.endpoint_spec(config), ops.read_timeout());
    let alerts = match HttpEndpoint::connect(&spec).await {
        Ok(endpoint) => endpoint.get("/api/v2/alerts", &alerts_query(&[])).await,
        Err(e) => Err(e),
    };
    let alerts = match alerts.map(|r| parse_alerts(&r.body)) {
        Ok(Ok(alerts)) => alerts,
        Ok(Err(e)) => return vec![format!("alerts not read: {}", sanitize(&e))],
        Err(e) => return vec![format!("alerts not read: {}", e.reason())],
    };
    let mut notes: Vec<String> = alerts
        .iter()
        .filter(|a| matches!(&a.state, AlertState::Suppressed { silenced_by, .. } if silenced_by.iter().any(|s| s.as_str() == id)))
        .map(|a| format!("{} will notify again", alert_text(a)))
        .collect();
    notes.sort();
    if notes.is_empty() {
        notes.push("no alert is muted by this silence now".to_string());
    }
    notes
}

pub async fn execute(
    ops: &Ops,
    cluster: &str,
    id: &str,
    plan: &PlanReport,
) -> Result<Executed, ExecError> {
    let target = ops
        .target(cluster)
        .map_err(|e| ExecError::NotSent(e.message))?;
    let index = plan.patch["replica"]
        .as_u64()
        .and_then(|i| usize::try_from(i).ok())
        .unwrap_or(0);
    let config = target.alertmanagers.get(index).ok_or_else(|| {
        ExecError::NotSent(format!(
            "cluster {cluster} has no Alertmanager replica {}",
            index + 1
        ))
    })?;
    let path = silence_path(id).map_err(|e| ExecError::NotSent(e.message))?;
    let spec = with_timeout(target.endpoint_spec(config), ops.write_timeout());
    let name = spec.describe();
    let endpoint = HttpEndpoint::connect(&spec)
        .await
        .map_err(|e| ExecError::NotSent(format!("{name}: {}", e.reason())))?;
    let reply = match endpoint.delete(&path).await {
        Ok(reply) => reply,
        Err(FetchError::Refused | FetchError::Dns(_) | FetchError::Setup(_)) => {
            return Err(ExecError::NotSent(format!(
                "{name}: connection refused; silence {id} was not expired"
            )));
        }
        Err(e) => {
            return Err(ExecError::Unknown(format!(
                "expiring silence {id} on {name}: {} after sending: outcome unknown, verify in \
                 Alertmanager",
                e.reason()
            )));
        }
    };
    if !(200..300).contains(&reply.status) {
        return Err(ExecError::Rejected(format!(
            "Alertmanager {name} refused to expire silence {id}: {}",
            reply_text(&reply)
        )));
    }
    let read_back = endpoint
        .get(&path, &[])
        .await
        .ok()
        .filter(|r| r.status == 200)
        .and_then(|r| parse_silence(&r.body, index).ok());
    let message = match read_back {
        Some(silence) => format!(
            "silence {id} expired on {name} (read back: {})",
            silence.status.label()
        ),
        None => format!("silence {id} expired on {name}"),
    };
    Ok(Executed {
        resource_version: None,
        message,
    })
}

/// The silence as it is now (after an execution whose outcome is unknown).
pub async fn read(ops: &Ops, cluster: &str, id: &str) -> Result<Snapshot, OpError> {
    let (_, silence) = fetch(ops, cluster, id).await?;
    Ok(Snapshot {
        resource_version: None,
        lines: lines(&silence),
    })
}
