//! Runs `Effect::Io` requests as tasks, one per request, and sends each result back to the
//! loop as a `DataEvent` for the request's cluster. A chart request cancels the cluster's
//! previous one (newest request wins).

use std::collections::HashMap;

use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};

use super::ClusterTarget;
use crate::effect::IoRequest;
use crate::event::{DataEvent, Payload};
use crate::model::services::{Chart, QueryStatus};
use crate::model::{ClusterId, Text};
use crate::sources::ToApp;
use crate::sources::prometheus::chart::ChartAsk;
use crate::sources::prometheus::{PromClient, fetch_chart};

/// The executor: owns the cluster targets and the result channel. Dropping it aborts the
/// requests still running.
pub struct Executor {
    targets: Vec<ClusterTarget>,
    tx: mpsc::Sender<DataEvent>,
    tasks: JoinSet<()>,
    charts: HashMap<ClusterId, AbortHandle>,
}

impl Executor {
    pub fn new(targets: Vec<ClusterTarget>, tx: mpsc::Sender<DataEvent>) -> Self {
        Executor {
            targets,
            tx,
            tasks: JoinSet::new(),
            charts: HashMap::new(),
        }
    }

    /// Starts `request` for `cluster`; returns at once.
    pub fn run(&mut self, cluster: ClusterId, request: IoRequest) {
        let Some(target) = self.targets.get(cluster) else {
            tracing::warn!(cluster, ?request, "effect for an unknown cluster dropped");
            return;
        };
        // Reap finished tasks so the set does not grow.
        while self.tasks.try_join_next().is_some() {}
        let to_app = ToApp::new(cluster, self.tx.clone());
        match request {
            IoRequest::MetricsChart {
                service,
                range,
                step,
                seq,
            } => {
                let ask = ChartAsk {
                    service,
                    range,
                    step,
                    seq,
                };
                let prometheus = target.prometheus.clone();
                let spec = prometheus
                    .as_ref()
                    .map(|p| target.endpoint_spec(&p.endpoint));
                if let Some(previous) = self.charts.remove(&cluster) {
                    previous.abort();
                }
                let handle = self.tasks.spawn(async move {
                    let chart = match (prometheus, spec) {
                        (Some(prometheus), Some(spec)) => match PromClient::connect(&spec).await {
                            Ok(client) => fetch_chart(&client, &prometheus, &ask).await,
                            Err(e) => failed_chart(&ask, &e.message()),
                        },
                        _ => failed_chart(&ask, "no Prometheus configured for this cluster"),
                    };
                    to_app.send(Payload::Chart(chart)).await;
                });
                self.charts.insert(cluster, handle);
            }
        }
    }
}

fn failed_chart(ask: &ChartAsk, reason: &str) -> Chart {
    Chart {
        service: Text::new(&ask.service),
        range: ask.range,
        seq: ask.seq,
        status: QueryStatus::Error(Text::new(reason)),
        ..Chart::default()
    }
}
