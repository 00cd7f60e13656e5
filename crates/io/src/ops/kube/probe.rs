//! Conditions evaluated once: a query on Prometheus, a rollout complete, enough pods ready,
//! replication lag under a bound, a CNPG cluster that takes writes.

use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use serde_json::Value;

use super::read::spec_replicas;
use super::{describe, get, read_error};
use crate::ops::client::Ops;
use crate::ops::prometheus;
use crate::ops::prometheus::{format_lag, replication_lag};
use watchdeck_core::runbook::op::{Observation, OpError};
use watchdeck_core::runbook::resolved::{ObjectKind, ObjectRef, Probe};
use watchdeck_core::text::sanitize;

pub async fn probe(ops: &Ops, probe: &Probe) -> Result<Observation, OpError> {
    match probe {
        Probe::Query {
            cluster,
            query,
            op,
            threshold,
        } => prometheus::probe(ops, cluster, query, *op, *threshold).await,
        Probe::RolloutComplete { object } => {
            let current = get(ops, object).await?;
            Ok(rollout(&current))
        }
        Probe::PodsReady { object, min_ready } => {
            let current = get(ops, object).await?;
            let field = match object.kind {
                ObjectKind::CnpgCluster => "readyInstances",
                _ => "readyReplicas",
            };
            let ready = current["status"][field].as_i64().unwrap_or(0);
            Ok(Observation {
                holds: ready >= *min_ready,
                value: format!("{ready} ready (want at least {min_ready})"),
                lag: None,
            })
        }
        Probe::ReplicationLag { object, below } => {
            let (lag, query) =
                replication_lag(ops, &object.cluster, &object.namespace, &object.name, None)
                    .await?;
            let want = format!("want < {}", format_lag(*below));
            Ok(match lag {
                Some(lag) => Observation {
                    holds: lag < *below,
                    value: format!("lag {} ({want})", format_lag(lag)),
                    lag: Some(lag),
                },
                None => Observation {
                    holds: false,
                    value: format!("lag unknown: no sample for {query} ({want})"),
                    lag: None,
                },
            })
        }
        Probe::Writable { object } => writable(ops, object).await,
    }
}

/// `3/4 updated, 2/4 ready, 2/4 available`: complete when every count equals the spec, no
/// old pods remain and the controller has seen the latest spec.
pub fn rollout(object: &Value) -> Observation {
    let desired = i64::from(spec_replicas(object));
    let status = &object["status"];
    let count = |field: &str| status[field].as_i64().unwrap_or(0);
    let (updated, ready, available, total) = (
        count("updatedReplicas"),
        count("readyReplicas"),
        count("availableReplicas"),
        count("replicas"),
    );
    let generation = object["metadata"]["generation"].as_i64().unwrap_or(0);
    let observed = status["observedGeneration"].as_i64().unwrap_or(0);
    let current = observed >= generation;
    let holds = current
        && updated == desired
        && ready == desired
        && available == desired
        && total == desired;
    let mut value = format!(
        "{updated}/{desired} updated, {ready}/{desired} ready, {available}/{desired} available"
    );
    if total > desired {
        value.push_str(&format!(", {} old pending termination", total - updated));
    }
    if !current {
        value.push_str(", controller has not seen the latest change yet");
    }
    Observation {
        holds,
        value,
        lag: None,
    }
}

/// Writable: out of replica mode, no switchover pending, and the primary's pod ready.
async fn writable(ops: &Ops, object: &ObjectRef) -> Result<Observation, OpError> {
    let cluster = get(ops, object).await?;
    let replica_mode = cluster["spec"]["replica"]["enabled"]
        .as_bool()
        .unwrap_or(false);
    let primary = cluster["status"]["currentPrimary"].as_str().unwrap_or("");
    let target = cluster["status"]["targetPrimary"]
        .as_str()
        .unwrap_or(primary);
    let not = |why: String| Observation {
        holds: false,
        value: why,
        lag: None,
    };
    if replica_mode {
        return Ok(not("in replica mode: read-only".to_string()));
    }
    if primary.is_empty() {
        return Ok(not("no current primary reported".to_string()));
    }
    if target != primary {
        return Ok(not(format!(
            "switchover from {} to {} in progress",
            sanitize(primary),
            sanitize(target)
        )));
    }
    let client = ops.kube(&object.cluster).await?;
    let pods: Api<Pod> = Api::namespaced(client, &object.namespace);
    let what = format!("reading the primary pod {primary} of {}", describe(object));
    let pod = ops
        .bounded(&what, async {
            pods.get_opt(primary)
                .await
                .map_err(|e| read_error(&what, &e))
        })
        .await?;
    let ready = pod
        .as_ref()
        .and_then(|p| p.status.as_ref())
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|conditions| {
            conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True")
        });
    let primary = sanitize(primary);
    Ok(if ready {
        Observation {
            holds: true,
            value: format!("primary {primary} ready, accepting writes"),
            lag: None,
        }
    } else if pod.is_none() {
        not(format!("primary {primary} has no pod"))
    } else {
        not(format!("primary {primary} is not ready"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rollout_completes_only_when_every_count_matches() {
        let mid = json!({"metadata": {"generation": 3}, "spec": {"replicas": 4},
            "status": {"observedGeneration": 3, "replicas": 5, "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2}});
        let observation = rollout(&mid);
        assert!(!observation.holds);
        assert!(
            observation.value.starts_with("3/4 updated, 2/4 ready"),
            "{}",
            observation.value
        );
        let done = json!({"metadata": {"generation": 3}, "spec": {"replicas": 4},
            "status": {"observedGeneration": 3, "replicas": 4, "updatedReplicas": 4, "readyReplicas": 4, "availableReplicas": 4}});
        assert!(rollout(&done).holds);
        let stale = json!({"metadata": {"generation": 4}, "spec": {"replicas": 4},
            "status": {"observedGeneration": 3, "replicas": 4, "updatedReplicas": 4, "readyReplicas": 4, "availableReplicas": 4}});
        assert!(!rollout(&stale).holds);
    }
}
