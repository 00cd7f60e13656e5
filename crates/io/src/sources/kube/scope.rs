//! Which namespaces a cluster's watches cover. Every namespace when the identity may list
//! pods cluster-wide; otherwise the configured namespaces or the kubeconfig context's
//! namespace, so a namespace-scoped identity (a team's Role in `shop`) still sees what it
//! may instead of one "forbidden" for the whole cluster.

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::Client;
use kube::api::{Api, PostParams};
use kube::config::Kubeconfig;

use super::PROBE_TIMEOUT;
use watchdeck_core::model::kube::KubeScope;
use watchdeck_core::text::Text;

/// The namespace a kubeconfig context names (`contexts[].context.namespace`), if any.
pub fn context_namespace(kubeconfig: &Kubeconfig, context: &str) -> Option<String> {
    kubeconfig
        .contexts
        .iter()
        .find(|named| named.name == context)
        .and_then(|named| named.context.as_ref())
        .and_then(|context| context.namespace.clone())
        .filter(|namespace| !namespace.is_empty())
}

/// What the API server answered to "may I list pods in every namespace?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterWide {
    Allowed,
    /// Denied, with the reviewer's reason (often empty under RBAC).
    Denied(String),
    /// The review itself failed (unreachable, old server): assume allowed and let the
    /// watches report what happens.
    Unknown,
}

/// Asks with a SelfSubjectAccessReview, bounded by the health probe's timeout.
pub async fn may_list_pods_cluster_wide(client: &Client) -> ClusterWide {
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                verb: Some("list".to_string()),
                resource: Some("pods".to_string()),
                ..ResourceAttributes::default()
            }),
            ..SelfSubjectAccessReviewSpec::default()
        },
        ..SelfSubjectAccessReview::default()
    };
    let answer =
        tokio::time::timeout(PROBE_TIMEOUT, api.create(&PostParams::default(), &review)).await;
    match answer {
        Ok(Ok(review)) => match review.status {
            Some(status) if status.allowed && status.denied != Some(true) => ClusterWide::Allowed,
            Some(status) => ClusterWide::Denied(status.reason.unwrap_or_default()),
            None => ClusterWide::Unknown,
        },
        Ok(Err(err)) => {
            tracing::debug!(%err, "access review for a cluster-wide pod list failed");
            ClusterWide::Unknown
        }
        Err(_) => ClusterWide::Unknown,
    }
}

/// The scope: configured namespaces win; else cluster-wide unless denied and the context
/// names a namespace to fall back to.
pub fn decide(
    configured: &[String],
    cluster_wide: ClusterWide,
    fallback: Option<String>,
) -> KubeScope {
    if !configured.is_empty() {
        return KubeScope::Namespaces {
            names: configured.iter().map(|n| Text::new(n)).collect(),
            reason: Text::new("configured"),
        };
    }
    match (cluster_wide, fallback) {
        (ClusterWide::Denied(reason), Some(namespace)) => {
            let mut why = "forbidden at cluster scope: list pods".to_string();
            if !reason.is_empty() {
                why.push_str(&format!(": {reason}"));
            }
            KubeScope::Namespaces {
                names: vec![Text::new(&namespace)],
                reason: Text::new(&why),
            }
        }
        _ => KubeScope::Cluster,
    }
}

/// The namespaces to watch, one watch each (`None`: one cluster-wide watch).
pub fn watched(scope: &KubeScope) -> Vec<Option<Text>> {
    match scope {
        KubeScope::Cluster => vec![None],
        KubeScope::Namespaces { names, .. } => names.iter().cloned().map(Some).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(scope: &KubeScope) -> Vec<String> {
        watched(scope)
            .into_iter()
            .map(|n| n.map_or("*".to_string(), |n| n.to_string()))
            .collect()
    }

    #[test]
    fn configured_namespaces_win_over_everything() {
        let scope = decide(
            &["shop".to_string(), "database".to_string()],
            ClusterWide::Allowed,
            Some("other".to_string()),
        );
        assert_eq!(names(&scope), ["shop", "database"]);
        assert_eq!(
            scope.describe(),
            "namespaces shop, database only (configured)"
        );
    }

    #[test]
    fn a_denied_identity_falls_back_to_its_context_namespace() {
        let scope = decide(&[], ClusterWide::Denied(String::new()), Some("shop".into()));
        assert_eq!(names(&scope), ["shop"]);
        assert_eq!(
            scope.describe(),
            "namespace shop only (forbidden at cluster scope: list pods)"
        );
        assert!(scope.covers("shop") && !scope.covers("monitoring"));
    }

    #[test]
    fn without_a_namespace_to_fall_back_to_the_watch_stays_cluster_wide() {
        // The watches then show the API server's "forbidden" for the cluster.
        assert_eq!(
            decide(&[], ClusterWide::Denied("no".into()), None),
            KubeScope::Cluster
        );
        assert_eq!(
            decide(&[], ClusterWide::Unknown, Some("shop".into())),
            KubeScope::Cluster
        );
        assert_eq!(
            decide(&[], ClusterWide::Allowed, Some("shop".into())),
            KubeScope::Cluster
        );
    }

    #[test]
    fn the_context_namespace_is_read_from_the_kubeconfig() {
        let kubeconfig = Kubeconfig::from_yaml(
            "apiVersion: v1\nkind: Config\ncontexts:\n- name: a\n  context: {cluster: c, user: u, namespace: shop}\n- name: b\n  context: {cluster: c, user: u}\n",
        )
        .expect("kubeconfig");
        assert_eq!(context_namespace(&kubeconfig, "a").as_deref(), Some("shop"));
        assert_eq!(context_namespace(&kubeconfig, "b"), None);
        assert_eq!(context_namespace(&kubeconfig, "missing"), None);
    }
}
