//! The Kubernetes sources of one cluster: one client (per kubeconfig context) shared by
//! watchers on pods, deployments, replicasets, statefulsets, events and, where the CRD
//! exists, CNPG clusters. Every object is reduced at once to a compact sanitized row; each
//! resource has its own health, so a 403 on one leaves the others working.
//!
//! - `client`: the client, timeouts, exec credential plugins (no stdin, time limit, login
//!   hints); `errors`: short failure reasons; `watch`: the generic watch loop.
//! - `pods`, `workloads`, `events`, `cnpg`: the reducers; `proxy`: a pod's `/metrics`;
//!   `scope`: which namespaces are watched.

pub mod client;
pub mod cnpg;
pub mod errors;
pub mod events;
pub mod pods;
pub mod proxy;
pub mod pyrra;
pub mod scope;
pub mod watch;
pub mod workloads;

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::{Event as KubeEvent, Pod};
use kube::Api;
use kube::config::Kubeconfig;
use tokio::sync::mpsc;

pub use self::client::{CONNECT_TIMEOUT, READ_TIMEOUT, client};
pub use self::errors::reason;
pub use self::pods::pod_row;
use super::ToApp;
use super::retry::Backoff;
use watchdeck_core::cluster::ClusterId;
use watchdeck_core::event::{DataEvent, Payload};
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::model::kube::{KubeData, KubeResource, KubeScope};
use watchdeck_core::text::Text;

/// Server-side duration of one watch call; the watcher reconnects after it.
pub const WATCH_TIMEOUT_SECS: u32 = 60;
/// How often a synced watch probes the API server (`GET /version`) and, when it answers,
/// confirms that its data is current. A quiet watch cannot tell "nothing changed" from "the
/// connection is dead", so without an answer the source turns stale within about
/// `ALIVE_EVERY + PROBE_TIMEOUT` and the watch restarts.
pub const ALIVE_EVERY: Duration = Duration::from_secs(5);
/// Longest wait for the health probe's answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// "This resource's data is current": pods drive the cluster's `k8s` health.
pub fn alive(resource: KubeResource) -> Payload {
    match resource {
        KubeResource::Pods => Payload::Alive(SourceKind::Pods),
        other => Payload::Kube(Box::new(KubeData::Alive(other))),
    }
}

/// "This resource's watch failed": pods fail the cluster's `k8s` health, others only
/// their own.
pub fn failed(resource: KubeResource, reason: String) -> Payload {
    match resource {
        KubeResource::Pods => Payload::Failed {
            source: SourceKind::Pods,
            reason: Text::new(&reason),
        },
        other => Payload::Kube(Box::new(KubeData::Failed(other, Text::new(&reason)))),
    }
}

/// Watches every Kubernetes resource of one cluster until the receiver is dropped, in every
/// namespace or in the scope `scope` decides (`namespaces`: the configured ones). Never
/// returns an error: failures become this cluster's (and that resource's) health.
pub async fn watch_cluster(
    cluster: ClusterId,
    kubeconfig: Kubeconfig,
    context: String,
    namespaces: Vec<String>,
    tx: mpsc::Sender<DataEvent>,
) {
    let to_app = ToApp::new(cluster, tx);
    let mut backoff = Backoff::new(
        Duration::from_millis(500),
        Duration::from_secs(30),
        cluster as u64 * 2,
    );
    let client = loop {
        match client(kubeconfig.clone(), &context).await {
            Ok(client) => break client,
            Err(reason) => {
                tracing::warn!(cluster, %reason, "kubernetes client");
                if !to_app.send(failed(KubeResource::Pods, reason)).await {
                    return;
                }
                tokio::time::sleep(backoff.next_delay().max(Duration::from_secs(5))).await;
            }
        }
    };
    let fallback = scope::context_namespace(&kubeconfig, &context);
    let cluster_wide = if namespaces.is_empty() {
        scope::may_list_pods_cluster_wide(&client).await
    } else {
        scope::ClusterWide::Unknown
    };
    let scope = scope::decide(&namespaces, cluster_wide, fallback);
    if scope != KubeScope::Cluster {
        tracing::info!(cluster, scope = %scope.describe(), "watching only some namespaces");
    }
    let watched = scope::watched(&scope);
    if !to_app
        .send(Payload::Kube(Box::new(KubeData::Scope(scope))))
        .await
    {
        return;
    }
    let seed = cluster as u64 * 16;
    futures::join!(
        watch_each(&watched, typed::<Pod>(&client), pods::feed, &to_app, seed),
        watch_each(
            &watched,
            typed::<Deployment>(&client),
            workloads::deployments,
            &to_app,
            seed + 1
        ),
        watch_each(
            &watched,
            typed::<ReplicaSet>(&client),
            workloads::replicasets,
            &to_app,
            seed + 2
        ),
        watch_each(
            &watched,
            typed::<StatefulSet>(&client),
            workloads::statefulsets,
            &to_app,
            seed + 3
        ),
        watch_each(
            &watched,
            typed::<KubeEvent>(&client),
            events::feed,
            &to_app,
            seed + 4
        ),
        watch_cnpg(client.clone(), &watched, to_app.clone(), seed + 5),
    );
}

/// One watch of a resource per watched namespace (or one cluster-wide), all at once; `api`
/// makes the Api for a namespace (`None`: every namespace).
async fn watch_each<K, R>(
    watched: &[Option<Text>],
    api: impl Fn(Option<&str>) -> Api<K>,
    feed: fn() -> watch::Feed<K, R>,
    to_app: &ToApp,
    seed: u64,
) where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    futures::future::join_all(watched.iter().enumerate().map(|(i, namespace)| {
        let api = api(namespace.as_ref().map(Text::as_str));
        let seed = seed + 97 * i as u64;
        watch::run(api, namespace.clone(), feed(), to_app.clone(), seed)
    }))
    .await;
}

/// The Api of a built-in namespaced resource over `namespace` (`None`: every namespace).
fn typed<K>(client: &kube::Client) -> impl Fn(Option<&str>) -> Api<K> + '_
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
{
    move |namespace| match namespace {
        Some(namespace) => Api::namespaced(client.clone(), namespace),
        None => Api::all(client.clone()),
    }
}

/// Watches CNPG clusters when discovery finds them; reports them absent otherwise. Retries
/// discovery with backoff when it fails.
async fn watch_cnpg(client: kube::Client, watched: &[Option<Text>], to_app: ToApp, seed: u64) {
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60), seed);
    loop {
        match cnpg::discover(&client).await {
            Ok(Some(resource)) => {
                let api = |namespace: Option<&str>| match namespace {
                    Some(namespace) => Api::namespaced_with(client.clone(), namespace, &resource),
                    None => Api::all_with(client.clone(), &resource),
                };
                watch_each(watched, api, cnpg::feed, &to_app, seed).await;
                return;
            }
            Ok(None) => {
                to_app
                    .send(Payload::Kube(Box::new(KubeData::Absent(
                        KubeResource::CnpgClusters,
                    ))))
                    .await;
                return;
            }
            Err(reason) => {
                if !to_app
                    .send(failed(KubeResource::CnpgClusters, reason))
                    .await
                {
                    return;
                }
                tokio::time::sleep(backoff.next_delay()).await;
            }
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod watch_tests;
