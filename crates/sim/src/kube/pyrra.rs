//! Pyrra's `ServiceLevelObjective` CRD (`pyrra.dev/v1alpha1`), installed in us-east-1 only, so
//! the console's discovery of SLOs from a cluster meets both a cluster that has them and one
//! whose API server has no such resource.

use serde_json::{Value, json};

/// The CRD's API group.
pub const GROUP: &str = "pyrra.dev";
/// The store key (plural) of the objects.
pub const PLURAL: &str = "servicelevelobjectives";

/// Whether the CRD is installed in the named cluster.
pub fn installed(cluster: &str) -> bool {
    cluster == "us-east-1"
}

/// Whether an API group is served in the named cluster (every group but Pyrra's is).
pub fn group_served(group: &str, cluster: &str) -> bool {
    group != GROUP || installed(cluster)
}

/// The shop's Pyrra SLOs, created at `created` (RFC 3339).
pub fn objects(created: &str) -> Vec<Value> {
    let object = |name: &str, uid: &str, target: &str, description: &str, indicator: Value| {
        json!({
            "apiVersion": "pyrra.dev/v1alpha1", "kind": "ServiceLevelObjective",
            "metadata": {"name": name, "namespace": "monitoring", "uid": uid,
                "creationTimestamp": created, "labels": {"prometheus": "k8s", "role": "alert-rules"}},
            "spec": {"target": target, "window": "4w", "description": description, "indicator": indicator},
            "status": {},
        })
    };
    vec![
        object(
            "order-availability",
            "5e1c0a52-9f1e-4b7e-8d2a-0a0d7a1c0001",
            "99.5",
            "Order requests succeed (non-5xx).",
            json!({"ratio": {
                "errors": {"metric": "http_requests_total{service=\"order\",status=~\"5..\"}"},
                "total": {"metric": "http_requests_total{service=\"order\"}"}}}),
        ),
        object(
            "api-gateway-latency",
            "5e1c0a52-9f1e-4b7e-8d2a-0a0d7a1c0002",
            "99",
            "API requests finish within 250 ms.",
            json!({"latency": {
                "success": {"metric": "http_request_duration_seconds_bucket{service=\"api-gateway\",le=\"0.25\"}"},
                "total": {"metric": "http_request_duration_seconds_count{service=\"api-gateway\"}"}}}),
        ),
    ]
}
