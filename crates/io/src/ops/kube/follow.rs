//! Plan re-pointing a CloudNativePG replica cluster to another source: after a regional
//! failover the third region still streams from the dead primary; patching
//! `spec.replica.source` to the new primary's entry in `externalClusters` makes it follow.

use serde_json::{Value, json};

use super::read::wrong_kind;
use super::{describe, dry_run, get, refused, report, resource_version};
use crate::ops::client::Ops;
use watchdeck_core::runbook::op::{OpError, PlanReport};
use watchdeck_core::runbook::resolved::{ObjectKind, ObjectRef};
use watchdeck_core::text::sanitize;

pub async fn plan(ops: &Ops, object: &ObjectRef, source: &str) -> Result<PlanReport, OpError> {
    let current = get(ops, object).await?;
    if object.kind != ObjectKind::CnpgCluster {
        let reason = wrong_kind(object, "re-point", "CloudNativePG clusters");
        return Ok(refused(object.kind, &current, reason));
    }
    if let Some(reason) = refusal(&current, source) {
        let reason = format!("{}: {reason}", describe(object));
        return Ok(refused(object.kind, &current, reason));
    }
    let patch = json!({
        "metadata": {"resourceVersion": resource_version(&current)},
        "spec": {"replica": {"source": source}},
    });
    let after = dry_run(ops, object, None, &patch).await?;
    Ok(report(object.kind, &current, &after, patch))
}

/// Why `cluster` cannot follow `source`: not a replica cluster, or no such external cluster.
/// Already following it is not refused: the plan then changes nothing.
fn refusal(cluster: &Value, source: &str) -> Option<String> {
    if !cluster["spec"]["replica"]["enabled"]
        .as_bool()
        .unwrap_or(false)
    {
        return Some(
            "is not a replica cluster (replica mode off): it takes writes itself and follows nobody"
                .to_string(),
        );
    }
    let known: Vec<&str> = cluster["spec"]["externalClusters"]
        .as_array()
        .map(|all| all.iter().filter_map(|e| e["name"].as_str()).collect())
        .unwrap_or_default();
    if !known.contains(&source) {
        return Some(format!(
            "has no external cluster {}: declare it under spec.externalClusters first (declared: {})",
            sanitize(source),
            if known.is_empty() {
                "none".to_string()
            } else {
                sanitize(&known.join(", "))
            }
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_replica_cluster_follows_a_declared_source() {
        let replica = json!({"spec": {"replica": {"enabled": true, "source": "orders-db-us-east-1"},
            "externalClusters": [{"name": "orders-db-us-east-1"}, {"name": "orders-db-eu-west-1"}]}});
        assert_eq!(refusal(&replica, "orders-db-eu-west-1"), None);
        assert_eq!(refusal(&replica, "orders-db-us-east-1"), None);
        let unknown = refusal(&replica, "orders-db-mars-1").unwrap_or_default();
        assert!(
            unknown.contains("no external cluster orders-db-mars-1")
                && unknown.contains("declared: orders-db-us-east-1, orders-db-eu-west-1"),
            "{unknown}"
        );
        let primary = json!({"spec": {"instances": 3}});
        assert!(
            refusal(&primary, "orders-db-eu-west-1")
                .is_some_and(|r| r.contains("not a replica cluster"))
        );
    }
}
