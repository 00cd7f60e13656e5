//! Readable snapshots of workloads and CNPG clusters: the `field: value` lines a plan diffs
//! and an "outcome unknown" re-read shows. Every value from the cluster is sanitized here.

use serde_json::Value;

use super::{describe, get, resource_version};
use crate::ops::client::Ops;
use watchdeck_core::runbook::op::{OpError, Snapshot};
use watchdeck_core::runbook::resolved::{ObjectKind, ObjectRef};
use watchdeck_core::text::sanitize;

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
pub const TEMPLATE_HASH: &str = "pod-template-hash";

/// Re-reads the object.
pub async fn read(ops: &Ops, object: &ObjectRef) -> Result<Snapshot, OpError> {
    let current = get(ops, object).await?;
    Ok(snapshot(object.kind, &current))
}

pub fn snapshot(kind: ObjectKind, object: &Value) -> Snapshot {
    let lines = match kind {
        ObjectKind::Deployment | ObjectKind::StatefulSet => workload_lines(kind, object),
        ObjectKind::CnpgCluster => cnpg_lines(object),
    };
    Snapshot {
        resource_version: resource_version(object).map(|rv| sanitize(&rv)),
        lines,
    }
}

/// Spec replicas (Kubernetes defaults a missing value to 1).
pub fn spec_replicas(object: &Value) -> i32 {
    object["spec"]["replicas"]
        .as_i64()
        .and_then(|r| i32::try_from(r).ok())
        .unwrap_or(1)
}

fn count(object: &Value, field: &str) -> i64 {
    object["status"][field].as_i64().unwrap_or(0)
}

fn text(value: &Value) -> String {
    sanitize(value.as_str().unwrap_or(""))
}

/// `image <container>: <image>` per container of a pod template, in template order.
pub fn image_lines(template: &Value) -> Vec<String> {
    template["spec"]["containers"]
        .as_array()
        .map(|containers| {
            containers
                .iter()
                .map(|c| format!("image {}: {}", text(&c["name"]), text(&c["image"])))
                .collect()
        })
        .unwrap_or_default()
}

fn workload_lines(kind: ObjectKind, object: &Value) -> Vec<String> {
    let mut lines = vec![format!("replicas: {}", spec_replicas(object))];
    lines.extend(image_lines(&object["spec"]["template"]));
    match kind {
        ObjectKind::Deployment => {
            let revision = &object["metadata"]["annotations"][REVISION];
            if !revision.is_null() {
                lines.push(format!("revision: {}", text(revision)));
            }
            let paused = object["spec"]["paused"].as_bool().unwrap_or(false);
            lines.push(format!("paused: {paused}"));
        }
        _ => {
            let revision = &object["status"]["updateRevision"];
            if !revision.is_null() {
                lines.push(format!("revision: {}", text(revision)));
            }
        }
    }
    lines.push(format!(
        "ready: {}/{}",
        count(object, "readyReplicas"),
        count(object, "replicas")
    ));
    lines
}

fn cnpg_lines(object: &Value) -> Vec<String> {
    let spec = &object["spec"];
    let status = &object["status"];
    let mut lines = vec![format!(
        "instances: {}",
        spec["instances"].as_i64().unwrap_or(0)
    )];
    if status.get("readyInstances").is_some() || status.get("instances").is_some() {
        lines.push(format!(
            "ready: {}/{}",
            status["readyInstances"].as_i64().unwrap_or(0),
            status["instances"].as_i64().unwrap_or(0)
        ));
    }
    lines.push(format!("primary: {}", text(&status["currentPrimary"])));
    lines.push(format!(
        "target primary: {}",
        text(&status["targetPrimary"])
    ));
    let replica = &spec["replica"];
    if replica["enabled"].as_bool().unwrap_or(false) {
        let source = text(&replica["source"]);
        lines.push(if source.is_empty() {
            "replica mode: true".to_string()
        } else {
            format!("replica mode: true (source {source})")
        });
    } else {
        lines.push("replica mode: false".to_string());
    }
    lines.push(format!("phase: {}", text(&status["phase"])));
    lines
}

/// Refusal text for an object of a kind the operation does not act on.
pub fn wrong_kind(object: &ObjectRef, operation: &str, kinds: &str) -> String {
    format!(
        "{operation} acts on {kinds}; {} is a {}",
        describe(object),
        object.kind.keyword()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deployment_lines() {
        let deployment = json!({
            "metadata": {"resourceVersion": "42", "annotations": {REVISION: "5"}},
            "spec": {"replicas": 4, "template": {"spec": {"containers": [
                {"name": "payment", "image": "registry/payment:v1.4.2"},
                {"name": "proxy\u{1b}[31m", "image": "envoy:1"}]}}},
            "status": {"replicas": 4, "readyReplicas": 3},
        });
        let snapshot = snapshot(ObjectKind::Deployment, &deployment);
        assert_eq!(snapshot.resource_version.as_deref(), Some("42"));
        assert_eq!(snapshot.lines[0], "replicas: 4");
        assert_eq!(snapshot.lines[1], "image payment: registry/payment:v1.4.2");
        assert!(
            !snapshot.lines[2].contains('\u{1b}'),
            "{}",
            snapshot.lines[2]
        );
        assert_eq!(
            snapshot.lines[3..],
            ["revision: 5", "paused: false", "ready: 3/4"]
        );
    }

    #[test]
    fn cnpg_lines_show_replica_mode_and_primary() {
        let cluster = json!({
            "spec": {"instances": 3, "replica": {"enabled": true, "source": "orders-db-us-east-1"}},
            "status": {"instances": 3, "readyInstances": 3, "currentPrimary": "orders-db-1",
                "targetPrimary": "orders-db-1", "phase": "Cluster in healthy state"},
        });
        assert_eq!(
            snapshot(ObjectKind::CnpgCluster, &cluster).lines,
            [
                "instances: 3",
                "ready: 3/3",
                "primary: orders-db-1",
                "target primary: orders-db-1",
                "replica mode: true (source orders-db-us-east-1)",
                "phase: Cluster in healthy state",
            ]
        );
    }
}
