//! Alertmanager silences for runbooks: the plan shows the silence as it would be created and
//! the alerts it would mute now; execution creates it on the first reachable replica and
//! reads it back. A replica that refuses the connection is skipped; one that takes the
//! request and does not answer leaves the outcome unknown (never posted twice).

use crate::ops::client::Ops;
use crate::sources::alertmanager::poll::alerts_query;
use crate::sources::alertmanager::wire::{
    parse_alerts, parse_silence, parse_silence_id, parse_silences, postable_silence,
};
use crate::sources::endpoint::{EndpointSpec, FetchError, HttpEndpoint, Reply};
use crate::sources::target::ClusterTarget;
use watchdeck_core::matcher;
use watchdeck_core::model::alert::Alert;
use watchdeck_core::model::silence_form::SilenceDraft;
use watchdeck_core::runbook::op::diff::diff;
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport, Snapshot};
use watchdeck_core::runbook::resolved::Mutation;
use watchdeck_core::text::sanitize;

fn shown(matchers: &[matcher::Matcher]) -> String {
    let texts: Vec<String> = matchers.iter().map(|m| sanitize(&m.to_string())).collect();
    texts.join(", ")
}

pub async fn plan(ops: &Ops, mutation: &Mutation) -> Result<PlanReport, OpError> {
    let Mutation::Silence {
        cluster,
        matchers,
        duration,
        comment,
    } = mutation
    else {
        return Err(OpError::new("not a silence"));
    };
    let target = ops.target(cluster)?;
    let compiled = matcher::compile_all(matchers)
        .map_err(|e| OpError::new(format!("silence matchers: {}", sanitize(&e.to_string()))))?;
    let draft = SilenceDraft {
        matchers: matchers.clone(),
        duration_secs: i64::try_from(duration.as_secs()).unwrap_or(i64::MAX / 2),
        created_by: ops.os_user().to_string(),
        comment: comment.clone(),
    };
    let body = postable_silence(&draft, ops.now());
    let after = Snapshot {
        resource_version: None,
        lines: vec![
            format!("matchers: {}", shown(matchers)),
            format!(
                "starts at: {}",
                sanitize(body["startsAt"].as_str().unwrap_or(""))
            ),
            format!(
                "ends at: {}",
                sanitize(body["endsAt"].as_str().unwrap_or(""))
            ),
            format!("comment: {}", sanitize(comment)),
            format!("created by: {}", sanitize(ops.os_user())),
        ],
    };
    let (_, alerts) = first_answer(ops, target, cluster, |endpoint| async move {
        let query = alerts_query(&[]);
        endpoint.get("/api/v2/alerts", &query).await
    })
    .await?;
    let alerts = parse_alerts(&alerts)
        .map_err(|e| OpError::new(format!("alerts of {cluster}: {}", sanitize(&e))))?;
    let mut notes: Vec<String> = alerts
        .iter()
        .filter(|a| matcher::all_match(&compiled, &a.labels))
        .map(|a| {
            let state = if a.is_active() {
                "firing"
            } else {
                "firing, already muted"
            };
            format!("matches {} ({state})", alert_text(a))
        })
        .collect();
    notes.sort();
    if notes.is_empty() {
        notes.push("no alert in Alertmanager matches these matchers now".to_string());
    }
    Ok(PlanReport {
        diff: diff(&[], &after.lines),
        before: Snapshot::default(),
        after,
        patch: body,
        refusal: None,
        current_replicas: None,
        data_at_risk: None,
        target_replicas: None,
        ready_before: None,
        already: None,
        notes,
    })
}

pub async fn execute(ops: &Ops, cluster: &str, plan: &PlanReport) -> Result<Executed, ExecError> {
    let target = ops
        .target(cluster)
        .map_err(|e| ExecError::NotSent(e.message))?;
    if target.alertmanagers.is_empty() {
        return Err(ExecError::NotSent(format!(
            "cluster {cluster} has no Alertmanager configured"
        )));
    }
    let mut refused = Vec::new();
    for (index, config) in target.alertmanagers.iter().enumerate() {
        let spec = with_timeout(target.endpoint_spec(config), ops.write_timeout());
        let name = spec.describe();
        let endpoint = match HttpEndpoint::connect(&spec).await {
            Ok(endpoint) => endpoint,
            Err(e) => {
                refused.push(format!("{name}: {}", e.reason()));
                continue;
            }
        };
        let reply = match endpoint.post_json("/api/v2/silences", &plan.patch).await {
            Ok(reply) => reply,
            Err(FetchError::Refused | FetchError::Dns(_) | FetchError::Setup(_)) => {
                refused.push(format!("{name}: connection refused"));
                continue;
            }
            Err(e) => {
                return Err(ExecError::Unknown(format!(
                    "silence on {name}: {} after sending: outcome unknown, verify in Alertmanager",
                    e.reason()
                )));
            }
        };
        if !(200..300).contains(&reply.status) {
            return Err(ExecError::Rejected(format!(
                "Alertmanager {name} refused the silence: {}",
                reply_text(&reply)
            )));
        }
        let id = parse_silence_id(&reply.body).map_err(|e| {
            ExecError::Unknown(format!(
                "silence on {name}: {}: verify in Alertmanager",
                sanitize(&e)
            ))
        })?;
        let id = sanitize(&id);
        let read_back = endpoint
            .get(&format!("/api/v2/silence/{id}"), &[])
            .await
            .ok()
            .filter(|r| r.status == 200)
            .and_then(|r| parse_silence(&r.body, index).ok());
        let message = match read_back {
            Some(silence) => format!(
                "silence {id} created on {name} ({}) until {}",
                silence.status.label(),
                silence
                    .ends_at
                    .map_or_else(|| "?".to_string(), |t| t.to_string())
            ),
            None => format!("silence {id} created on {name}"),
        };
        return Ok(Executed {
            resource_version: Some(id),
            message,
        });
    }
    Err(ExecError::NotSent(format!(
        "no Alertmanager replica of {cluster} took the connection ({}); nothing was created",
        refused.join("; ")
    )))
}

/// The silences on the cluster's Alertmanager with this mutation's matchers and comment,
/// still active or pending (after an execution whose outcome is unknown).
pub async fn read(ops: &Ops, mutation: &Mutation) -> Result<Snapshot, OpError> {
    let Mutation::Silence {
        cluster,
        matchers,
        comment,
        ..
    } = mutation
    else {
        return Err(OpError::new("not a silence"));
    };
    let target = ops.target(cluster)?;
    let wanted = shown(matchers);
    let (index, body) = first_answer(ops, target, cluster, |endpoint| async move {
        endpoint.get("/api/v2/silences", &[]).await
    })
    .await?;
    let silences = parse_silences(&body, index)
        .map_err(|e| OpError::new(format!("silences of {cluster}: {}", sanitize(&e))))?;
    let lines = silences
        .iter()
        .filter(|s| s.comment.as_str() == sanitize(comment))
        .filter(|s| {
            let texts: Vec<&str> = s.matchers.iter().map(|m| m.as_str()).collect();
            texts.join(", ") == wanted
        })
        .filter(|s| s.status.label() != "expired")
        .map(|s| {
            format!(
                "silence {} ({}) until {}: {wanted}",
                s.id,
                s.status.label(),
                s.ends_at.map_or_else(|| "?".to_string(), |t| t.to_string())
            )
        })
        .collect();
    Ok(Snapshot {
        resource_version: None,
        lines,
    })
}

/// `Name {label="value", ...}` without the alertname label, for the notes of a plan.
pub(super) fn alert_text(alert: &Alert) -> String {
    let labels: Vec<String> = alert
        .labels
        .iter()
        .filter(|(k, _)| k.as_str() != "alertname")
        .map(|(k, v)| format!("{k}=\"{v}\""))
        .collect();
    format!("{} {{{}}}", alert.name, labels.join(", "))
}

pub(super) fn with_timeout(mut spec: EndpointSpec, timeout: std::time::Duration) -> EndpointSpec {
    spec.config.http.timeout = timeout;
    spec
}

/// A read from the first replica that answers 2xx, in configuration order: its index and body.
pub(super) async fn first_answer<F, Fut>(
    ops: &Ops,
    target: &ClusterTarget,
    cluster: &str,
    call: F,
) -> Result<(usize, Vec<u8>), OpError>
where
    F: Fn(HttpEndpoint) -> Fut,
    Fut: std::future::Future<Output = Result<Reply, FetchError>>,
{
    if target.alertmanagers.is_empty() {
        return Err(OpError::new(format!(
            "cluster {cluster} has no Alertmanager configured; add `alertmanagers` to its config"
        )));
    }
    let mut reasons = Vec::new();
    for (index, config) in target.alertmanagers.iter().enumerate() {
        let spec = with_timeout(target.endpoint_spec(config), ops.read_timeout());
        let name = spec.describe();
        let reply = match HttpEndpoint::connect(&spec).await {
            Ok(endpoint) => call(endpoint).await,
            Err(e) => Err(e),
        };
        match reply {
            Ok(reply) if (200..300).contains(&reply.status) => return Ok((index, reply.body)),
            Ok(reply) => reasons.push(format!("{name}: {}", reply_text(&reply))),
            Err(e) => reasons.push(format!("{name}: {}", e.reason())),
        }
    }
    Err(OpError::new(format!(
        "no Alertmanager replica of {cluster} answered: {}",
        reasons.join("; ")
    )))
}

pub(super) fn reply_text(reply: &Reply) -> String {
    let body = String::from_utf8_lossy(&reply.body[..reply.body.len().min(300)]);
    let body = serde_json::from_str::<String>(&body).unwrap_or_else(|_| body.into_owned());
    format!(
        "{}: {}",
        crate::sources::endpoint::status_reason(reply.status),
        sanitize(body.trim())
    )
}
