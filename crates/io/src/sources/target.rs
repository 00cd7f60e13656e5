//! One cluster as the IO layer reaches it: its kubeconfig context, Alertmanagers,
//! Prometheus and the guards on mutating it. Sources and runbook operations share it.

use std::collections::BTreeMap;

/// One cluster to watch: how to reach its Kubernetes API and its Alertmanagers.
#[derive(Debug, Clone)]
pub struct ClusterTarget {
    pub name: String,
    /// Shown in the cluster band (`env`, `region`).
    pub labels: BTreeMap<String, String>,
    pub kubeconfig: kube::config::Kubeconfig,
    /// The kubeconfig context to use.
    pub context: String,
    /// Watch only these namespaces (config `namespaces`); empty: every namespace the identity
    /// may list (see `sources::kube::scope`).
    pub namespaces: Vec<String>,
    /// Alertmanager endpoints, by URL or service proxy (HA replicas of one Alertmanager,
    /// all polled); see [`ClusterTarget::endpoint_spec`].
    pub alertmanagers: Vec<watchdeck_core::config::EndpointConfig>,
    /// Label matchers (`team="payments"`) sent as `filter` with every alerts request.
    pub alert_filter: Vec<String>,
    /// Where the cluster's metrics come from (URL or service proxy, templates, pace);
    /// `None` when no Prometheus is configured.
    pub prometheus: Option<crate::sources::prometheus::PromTarget>,
    /// Refuse every mutation on this cluster (config `read_only`).
    pub read_only: bool,
    /// Mutations need the target typed as cluster/namespace/name (config `production`,
    /// default true when the `env` label is `prod` or `production`).
    pub production: bool,
}

impl ClusterTarget {
    /// An endpoint of this cluster, with the kubeconfig a service-proxy endpoint needs.
    pub fn endpoint_spec(
        &self,
        config: &watchdeck_core::config::EndpointConfig,
    ) -> crate::sources::endpoint::EndpointSpec {
        let kube = match config.endpoint {
            watchdeck_core::config::Endpoint::Service { .. } => {
                Some((Box::new(self.kubeconfig.clone()), self.context.clone()))
            }
            watchdeck_core::config::Endpoint::Url(_) => None,
        };
        crate::sources::endpoint::EndpointSpec {
            config: config.clone(),
            kube,
        }
    }
}
