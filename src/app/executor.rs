//! Runs `Effect::Io` requests as tasks, one per request, and sends each result back to the
//! loop as a `DataEvent` for the request's cluster. Clients are built once per cluster.

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::ClusterTarget;
use crate::effect::IoRequest;
use crate::event::DataEvent;
use crate::model::ClusterId;

/// The executor: owns the cluster targets and the result channel. Dropping it aborts the
/// requests still running.
pub struct Executor {
    targets: Vec<ClusterTarget>,
    tx: mpsc::Sender<DataEvent>,
    tasks: JoinSet<()>,
}

impl Executor {
    pub fn new(targets: Vec<ClusterTarget>, tx: mpsc::Sender<DataEvent>) -> Self {
        Executor {
            targets,
            tx,
            tasks: JoinSet::new(),
        }
    }

    /// Starts `request` for `cluster`; returns at once.
    pub fn run(&mut self, cluster: ClusterId, request: IoRequest) {
        let Some(_target) = self.targets.get(cluster) else {
            tracing::warn!(cluster, ?request, "effect for an unknown cluster dropped");
            return;
        };
        let _ = (&self.tx, &mut self.tasks);
        match request {}
    }
}
