//! Runs `Effect::Io` requests as tasks, one per request, and sends each result back to the
//! loop as a `DataEvent` for the request's cluster. Clients are built once per cluster.

use std::sync::Arc;

use tokio::sync::{OnceCell, mpsc};
use tokio::task::JoinSet;

use super::ClusterTarget;
use crate::effect::IoRequest;
use crate::event::{DataEvent, Payload};
use crate::model::ClusterId;
use crate::model::Text;
use crate::model::pod_view::PodMetricsResult;
use crate::sources::ToApp;

/// The executor: owns the cluster targets and the result channel. Dropping it aborts the
/// requests still running.
pub struct Executor {
    targets: Vec<ClusterTarget>,
    tx: mpsc::Sender<DataEvent>,
    tasks: JoinSet<()>,
    /// One Kubernetes client per cluster, built on first use.
    kube: Vec<Arc<OnceCell<kube::Client>>>,
}

impl Executor {
    pub fn new(targets: Vec<ClusterTarget>, tx: mpsc::Sender<DataEvent>) -> Self {
        let kube = targets.iter().map(|_| Arc::new(OnceCell::new())).collect();
        Executor {
            targets,
            tx,
            tasks: JoinSet::new(),
            kube,
        }
    }

    /// Starts `request` for `cluster`; returns at once.
    pub fn run(&mut self, cluster: ClusterId, request: IoRequest) {
        let (Some(target), Some(cell)) = (self.targets.get(cluster), self.kube.get(cluster)) else {
            tracing::warn!(cluster, ?request, "effect for an unknown cluster dropped");
            return;
        };
        // Finished tasks are reaped here so the set does not grow.
        while self.tasks.try_join_next().is_some() {}
        let to_app = ToApp::new(cluster, self.tx.clone());
        match request {
            IoRequest::PodMetrics {
                namespace,
                pod,
                port,
            } => {
                let cell = Arc::clone(cell);
                let kubeconfig = target.kubeconfig.clone();
                let context = target.context.clone();
                self.tasks.spawn(async move {
                    let client = cell
                        .get_or_try_init(|| crate::sources::kube::client(kubeconfig, &context))
                        .await;
                    let result = match client {
                        Ok(client) => {
                            crate::sources::kube::proxy::pod_metrics(client, &namespace, &pod, port)
                                .await
                        }
                        Err(reason) => PodMetricsResult {
                            namespace: Text::new(&namespace),
                            pod: Text::new(&pod),
                            samples: Err(Text::new(&reason)),
                            issues: Vec::new(),
                        },
                    };
                    to_app.send(Payload::PodMetrics(result)).await;
                });
            }
        }
    }
}
