//! Serves the fleet: one Kubernetes, one Prometheus and one Alertmanager endpoint per cluster
//! on loopback, a ticker that advances virtual time at the chosen speed, and a kubeconfig
//! with one context per cluster. A cluster's endpoints can be paused and resumed (fault tests).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;
use tokio::task::JoinHandle;

use super::alertmanager::api::{self as am_api, AmApiState};
use super::endpoint::Endpoint;
use super::exposition;
use super::fleet::Fleet;
use super::kube::http::{self as kube_http, KubeApiState};
use super::kube::service_proxy;
use super::prom_api::{self, PromApiState};
use super::rbac;
use super::world::TICK_MS;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterEndpoints {
    pub name: String,
    pub kubernetes: String,
    pub prometheus: String,
    pub alertmanager: String,
}

/// The running simulator: its endpoints and the tasks serving them.
pub struct Running {
    pub fleet: Arc<Fleet>,
    pub endpoints: Vec<ClusterEndpoints>,
    tasks: Vec<JoinHandle<()>>,
    /// Per cluster: its Kubernetes, Prometheus and Alertmanager endpoints.
    served: Vec<Vec<Endpoint>>,
}

impl Running {
    /// Takes cluster `name` off the network, as if it were lost: its Kubernetes, Prometheus
    /// and Alertmanager listeners close and every open connection (watches too) is cut.
    /// Virtual time goes on. Returns false for an unknown cluster.
    pub async fn pause_cluster(&mut self, name: &str) -> bool {
        let Some(served) = self.served_mut(name) else {
            return false;
        };
        for endpoint in served.iter_mut() {
            endpoint.stop().await;
        }
        true
    }

    /// Brings a paused cluster back on the same ports.
    pub async fn resume_cluster(&mut self, name: &str) -> Result<bool, ServeError> {
        let Some(served) = self.served_mut(name) else {
            return Ok(false);
        };
        for endpoint in served.iter_mut() {
            endpoint.restart().await?;
        }
        Ok(true)
    }

    fn served_mut(&mut self, name: &str) -> Option<&mut Vec<Endpoint>> {
        let index = self.endpoints.iter().position(|e| e.name == name)?;
        self.served.get_mut(index)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "cannot listen on {addr}: {source} (is another simulator running? pick another --listen port, or port 0 for free ports)"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot write kubeconfig {path}: {source}")]
    Kubeconfig {
        path: String,
        source: std::io::Error,
    },
}

/// Binds every endpoint and starts serving. With port 0 each endpoint gets a free port;
/// otherwise ports are consecutive from the given one (kubernetes, prometheus, alertmanager
/// for the first cluster, then the next cluster).
pub async fn start(
    fleet: Arc<Fleet>,
    listen: SocketAddr,
    speed: Option<f64>,
) -> Result<Running, ServeError> {
    let mut tasks = Vec::new();
    let mut endpoints = Vec::new();
    let mut served = Vec::new();
    let mut port = listen.port();
    let mut next_addr = || {
        let addr = SocketAddr::new(listen.ip(), port);
        if port != 0 {
            port += 1;
        }
        addr
    };
    for (index, signals) in fleet.clusters.iter().enumerate() {
        let prom = prom_api::router(PromApiState {
            now: fleet.now.clone(),
            tsdb: Arc::clone(&signals.tsdb),
            rules: Arc::clone(&signals.rules),
        })
        .merge(metrics_router(Arc::clone(&fleet), index));
        let am = am_api::router(AmApiState {
            now: fleet.now.clone(),
            state: Arc::clone(&signals.alertmanager),
        });
        // The API server's service proxy reaches this cluster's Prometheus and Alertmanager.
        let kube_state = KubeApiState {
            world: Arc::clone(&fleet.world),
            cluster: index,
            now: fleet.now.clone(),
            identity: None,
        };
        let proxy = service_proxy::routes(prom.clone(), am.clone());
        let mut kube = kube_http::router(kube_state.clone()).merge(proxy.clone());
        // The same API under `/sim-as/USER` for each other identity (see `kubeconfig`).
        for identity in rbac::IDENTITIES.iter().skip(1) {
            let state = KubeApiState {
                identity: Some(identity),
                ..kube_state.clone()
            };
            kube = kube.nest(
                &identity_prefix(identity),
                kube_http::router(state).merge(proxy.clone()),
            );
        }
        let mut cluster = Vec::new();
        for router in [kube, prom, am] {
            cluster.push(Endpoint::serve(next_addr(), router).await?);
        }
        let urls: Vec<String> = cluster.iter().map(Endpoint::url).collect();
        served.push(cluster);
        endpoints.push(ClusterEndpoints {
            name: signals.name.to_string(),
            kubernetes: urls[0].clone(),
            prometheus: urls[1].clone(),
            alertmanager: urls[2].clone(),
        });
    }
    if let Some(speed) = speed {
        tasks.push(spawn_ticker(Arc::clone(&fleet), speed));
    }
    Ok(Running {
        fleet,
        endpoints,
        tasks,
        served,
    })
}

/// Longest real time one catch-up of the ticker steps the fleet before yielding.
const CATCH_UP_WALL: Duration = Duration::from_millis(200);

/// Advances virtual time at `speed` times real time, catching up after stalls (bounded, so a
/// long pause does not freeze the server while it replays).
fn spawn_ticker(fleet: Arc<Fleet>, speed: f64) -> JoinHandle<()> {
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        1.0
    };
    tokio::spawn(async move {
        let origin_virtual = fleet.start;
        let origin = tokio::time::Instant::from_std(fleet.zero);
        let period = Duration::from_secs_f64((TICK_MS as f64 / 1000.0 / speed).max(0.001));
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            let target = origin_virtual + (origin.elapsed().as_secs_f64() * speed * 1000.0) as i64;
            let fleet = Arc::clone(&fleet);
            // Bounded in real time too: a runtime shutting down waits for this closure, and a
            // slow build at a high speed would otherwise keep the process alive for minutes.
            let stepped = tokio::task::spawn_blocking(move || {
                let began = std::time::Instant::now();
                let mut steps = 0;
                while fleet.now.get() + TICK_MS <= target
                    && steps < 600
                    && began.elapsed() < CATCH_UP_WALL
                {
                    fleet.step();
                    steps += 1;
                }
            })
            .await;
            if stepped.is_err() {
                tracing::error!("simulator step panicked; stopping the clock");
                return;
            }
        }
    })
}

/// `/metrics`: the cluster's series in the text exposition format, for a real Prometheus.
fn metrics_router(fleet: Arc<Fleet>, cluster: usize) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let fleet = Arc::clone(&fleet);
            async move {
                let families = fleet.lock_world().metric_families(cluster);
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    exposition::render(&families),
                )
                    .into_response()
            }
        }),
    )
}

/// A kubeconfig using plain HTTP on loopback with three contexts per cluster, one per
/// identity (`rbac::IDENTITIES`): NAME (sim-admin), NAME-view (viewer) and NAME-shop
/// (shop-dev), as k8s-up names them for a real control plane.
///
/// kubectl (client-go) sends no credentials over plain HTTP, so each identity but sim-admin
/// also has a cluster entry of its own whose server URL names it (`/sim-as/USER`); clients
/// that do send the bearer token (kube-rs, curl) are known by it.
pub fn kubeconfig(endpoints: &[ClusterEndpoints]) -> serde_json::Value {
    let mut clusters = Vec::new();
    let mut contexts = Vec::new();
    for e in endpoints {
        for (index, identity) in rbac::IDENTITIES.iter().enumerate() {
            let name = format!("{}{}", e.name, identity.context_suffix);
            let server = if index == 0 {
                e.kubernetes.clone()
            } else {
                format!("{}{}", e.kubernetes, identity_prefix(identity))
            };
            clusters.push(json!({"name": name, "cluster": {"server": server}}));
            contexts.push(json!({"name": name,
                "context": {"cluster": name, "user": identity.user,
                            "namespace": super::world::catalog::APP_NAMESPACE}}));
        }
    }
    json!({
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "current-context": endpoints.first().map_or("", |e| e.name.as_str()),
        "clusters": clusters,
        "users": rbac::IDENTITIES.iter().map(|i| json!({"name": i.user, "user": {"token": i.token}})).collect::<Vec<_>>(),
        "contexts": contexts,
    })
}

/// The path under which a cluster's API serves `identity`.
fn identity_prefix(identity: &rbac::Identity) -> String {
    format!("/sim-as/{}", identity.user)
}

/// Writes the kubeconfig (JSON, which every YAML reader accepts), readable only by the owner.
pub fn write_kubeconfig(path: &Path, endpoints: &[ClusterEndpoints]) -> Result<(), ServeError> {
    let text = serde_json::to_string_pretty(&kubeconfig(endpoints)).unwrap_or_default();
    let error = |source| ServeError::Kubeconfig {
        path: path.display().to_string(),
        source,
    };
    std::fs::write(path, text).map_err(error)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(error)?;
    }
    Ok(())
}
