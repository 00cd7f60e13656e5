//! The API server's service proxy for the monitoring Services each simulated cluster runs:
//! `/api/v1/namespaces/monitoring/services/{name}[:{port}]/proxy/...` reaches that cluster's
//! own Prometheus or Alertmanager API in-process (no extra sockets), with query strings,
//! status codes and content types as the backend answers. Other services answer 404 from
//! the generic proxy handler like a real API server.

use axum::Router;
use serde_json::{Value, json};

use crate::clock::{Millis, rfc3339};

/// Namespace of the monitoring Services.
pub const NAMESPACE: &str = "monitoring";

/// A proxied Service: its name, port number and port name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxiedService {
    pub name: &'static str,
    pub port: u16,
    pub port_name: &'static str,
}

pub const PROMETHEUS: ProxiedService = ProxiedService {
    name: "prometheus-k8s",
    port: 9090,
    port_name: "web",
};

pub const ALERTMANAGER: ProxiedService = ProxiedService {
    name: "alertmanager-main",
    port: 9093,
    port_name: "web",
};

/// The name forms a client may use in the path: `name`, `name:port`, `name:portname`,
/// and the scheme-qualified `http:name:port`.
pub fn path_forms(service: ProxiedService) -> Vec<String> {
    let name = service.name;
    vec![
        name.to_string(),
        format!("{name}:{}", service.port),
        format!("{name}:{}", service.port_name),
        format!("http:{name}:{}", service.port),
        format!("http:{name}:{}", service.port_name),
    ]
}

/// Routes for both Services, each nested under every form of its proxy path.
pub fn routes(prometheus: Router, alertmanager: Router) -> Router {
    let mut router = Router::new();
    for (service, backend) in [(PROMETHEUS, prometheus), (ALERTMANAGER, alertmanager)] {
        for form in path_forms(service) {
            let prefix = format!("/api/v1/namespaces/{NAMESPACE}/services/{form}/proxy");
            router = router.nest_service(&prefix, backend.clone());
        }
    }
    router
}

/// The Service object as `kubectl get svc -n monitoring` shows it.
pub fn service_object(service: ProxiedService, cluster_ip: &str, created: Millis) -> Value {
    // A fixed uid: the simulator's random stream stays as it was.
    let uid = format!(
        "5e7c0000-0000-4000-8000-{:012x}",
        service
            .name
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
            & 0xffff_ffff_ffff
    );
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {
            "name": service.name, "namespace": NAMESPACE, "uid": uid,
            "creationTimestamp": rfc3339(created),
            "labels": {"app.kubernetes.io/name": service.name},
        },
        "spec": {
            "type": "ClusterIP",
            "clusterIP": cluster_ip, "clusterIPs": [cluster_ip],
            "ports": [{"name": service.port_name, "port": service.port, "protocol": "TCP", "targetPort": service.port_name}],
            "selector": {"app.kubernetes.io/name": service.name},
            "sessionAffinity": "None",
        },
        "status": {"loadBalancer": {}},
    })
}
