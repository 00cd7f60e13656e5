//! Patroni's REST API: `GET /cluster` for members, roles and lag (bytes of WAL), and
//! `POST /failover {"candidate": ...}` to make a replica the leader. Patroni has no dry
//! run: the plan's "after" is the intended roles.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::client::Ops;
use crate::sources::endpoint::{EndpointSpec, FetchError, HttpEndpoint, Reply, status_reason};
use watchdeck_core::config::{Endpoint, EndpointConfig, HttpOptions};
use watchdeck_core::runbook::op::diff::diff;
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport, Snapshot};
use watchdeck_core::text::sanitize;

#[derive(Debug, Clone, Deserialize)]
struct ClusterInfo {
    #[serde(default)]
    members: Vec<Member>,
}

#[derive(Debug, Clone, Deserialize)]
struct Member {
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    state: String,
    /// Bytes behind the leader, or `"unknown"`.
    #[serde(default)]
    lag: Option<Value>,
}

impl Member {
    fn is_leader(&self) -> bool {
        matches!(self.role.as_str(), "leader" | "master" | "standby_leader")
    }

    fn lag_text(&self) -> Option<String> {
        match &self.lag {
            Some(Value::Number(n)) => Some(format!("{n} bytes")),
            Some(Value::String(s)) => Some(sanitize(s)),
            _ => None,
        }
    }

    fn line(&self, role: &str) -> String {
        let mut line = format!(
            "member {}: {}, {}",
            sanitize(&self.name),
            sanitize(role),
            sanitize(&self.state)
        );
        if role != "leader"
            && let Some(lag) = self.lag_text()
        {
            line.push_str(&format!(", lag {lag}"));
        }
        line
    }
}

async fn endpoint(ops: &Ops, name: &str, timeout: Duration) -> Result<HttpEndpoint, OpError> {
    let url = ops.patroni_url(name)?;
    let spec = EndpointSpec {
        config: EndpointConfig {
            endpoint: Endpoint::Url(url.clone()),
            http: HttpOptions::with_timeout(timeout),
            filter: Vec::new(),
        },
        kube: None,
    };
    HttpEndpoint::connect(&spec)
        .await
        .map_err(|e| OpError::new(format!("Patroni {name}: {}", e.reason())))
}

async fn members(ops: &Ops, name: &str) -> Result<Vec<Member>, OpError> {
    let api = endpoint(ops, name, ops.read_timeout()).await?;
    let reply = api
        .get("/cluster", &[])
        .await
        .map_err(|e| OpError::new(format!("Patroni {name}: GET /cluster: {}", e.reason())))?;
    if reply.status != 200 {
        return Err(OpError::new(format!(
            "Patroni {name}: GET /cluster: {}",
            reply_text(&reply)
        )));
    }
    let info: ClusterInfo = serde_json::from_slice(&reply.body).map_err(|e| {
        OpError::new(format!(
            "Patroni {name}: GET /cluster is not Patroni's answer: {e}"
        ))
    })?;
    let mut members = info.members;
    members.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(members)
}

fn lines(members: &[Member], leader: Option<&str>) -> Vec<String> {
    members
        .iter()
        .map(|m| {
            let role = match leader {
                Some(new) if m.name == new => "leader",
                Some(_) if m.is_leader() => "replica",
                _ => m.role.as_str(),
            };
            m.line(role)
        })
        .collect()
}

pub async fn plan(
    ops: &Ops,
    name: &str,
    candidate: &str,
    max_lag: Option<Duration>,
) -> Result<PlanReport, OpError> {
    let members = members(ops, name).await?;
    let before = Snapshot {
        resource_version: None,
        lines: lines(&members, None),
    };
    let found = members.iter().find(|m| m.name == candidate);
    let refusal = match found {
        None => Some(format!(
            "Patroni {name} has no member {} (members: {})",
            sanitize(candidate),
            sanitize(
                &members
                    .iter()
                    .map(|m| m.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        )),
        Some(m) if m.is_leader() => None,
        Some(m) if !matches!(m.state.as_str(), "running" | "streaming") => Some(format!(
            "{} is {}, not streaming: it cannot take over",
            sanitize(candidate),
            sanitize(&m.state)
        )),
        Some(_) => None,
    };
    let mut notes = Vec::new();
    if let Some(lag) = found.and_then(Member::lag_text) {
        notes.push(format!(
            "replication lag of {}: {lag} of WAL behind the leader (from Patroni)",
            sanitize(candidate)
        ));
    }
    if max_lag.is_some() {
        notes.push(
            "Patroni reports lag in bytes, not time: check the lag above against the step's limit"
                .to_string(),
        );
    }
    let already = found.filter(|m| m.is_leader()).map(|_| {
        format!(
            "{} is already the leader of Patroni {name}",
            sanitize(candidate)
        )
    });
    let after = if refusal.is_some() || already.is_some() {
        before.clone()
    } else {
        Snapshot {
            resource_version: None,
            lines: lines(&members, Some(candidate)),
        }
    };
    Ok(PlanReport {
        diff: diff(&before.lines, &after.lines),
        before,
        after,
        patch: if refusal.is_some() || already.is_some() {
            Value::Null
        } else {
            json!({"candidate": candidate})
        },
        refusal,
        current_replicas: None,
        data_at_risk: None,
        target_replicas: None,
        ready_before: None,
        already,
        notes,
    })
}

pub async fn execute(ops: &Ops, name: &str, plan: &PlanReport) -> Result<Executed, ExecError> {
    let api = endpoint(ops, name, ops.write_timeout())
        .await
        .map_err(|e| ExecError::NotSent(e.message))?;
    let reply = match api.post_json("/failover", &plan.patch).await {
        Ok(reply) => reply,
        Err(FetchError::Refused | FetchError::Dns(_) | FetchError::Setup(_)) => {
            return Err(ExecError::NotSent(format!(
                "Patroni {name}: connection refused: the failover was not sent"
            )));
        }
        Err(e) => {
            return Err(ExecError::Unknown(format!(
                "Patroni {name}: {} after sending the failover: outcome unknown, verify with GET /cluster",
                e.reason()
            )));
        }
    };
    match reply.status {
        200..=299 => Ok(Executed {
            resource_version: None,
            message: format!("Patroni {name}: {}", body_text(&reply)),
        }),
        400..=499 => Err(ExecError::Rejected(format!(
            "Patroni {name} refused the failover: {}",
            reply_text(&reply)
        ))),
        _ => Err(ExecError::Unknown(format!(
            "Patroni {name} answered {}: outcome unknown, verify with GET /cluster",
            reply_text(&reply)
        ))),
    }
}

pub async fn read(ops: &Ops, name: &str) -> Result<Snapshot, OpError> {
    Ok(Snapshot {
        resource_version: None,
        lines: lines(&members(ops, name).await?, None),
    })
}

fn body_text(reply: &Reply) -> String {
    let body = String::from_utf8_lossy(&reply.body[..reply.body.len().min(300)]);
    sanitize(body.trim())
}

fn reply_text(reply: &Reply) -> String {
    format!("{}: {}", status_reason(reply.status), body_text(reply))
}
