//! Runs `Effect::Io` requests as tasks, one per request, and sends each result back to the
//! loop as a `DataEvent` for the request's cluster. Every request that a newer one can
//! supersede runs under its key in `NewestWins` (newest request wins).

use std::sync::Arc;

use tokio::sync::{OnceCell, mpsc};
use tokio::task::JoinSet;

use super::newest::NewestWins;
use super::run_io::{RunIo, RunReply};
use crate::sources::ToApp;
use crate::sources::prometheus::chart::ChartAsk;
use crate::sources::prometheus::slo::chart::SloChartAsk;
use crate::sources::prometheus::slo::fetch_slo_chart;
use crate::sources::prometheus::{PromClient, fetch_chart};
use crate::sources::target::ClusterTarget;
use watchdeck_core::cluster::ClusterId;
use watchdeck_core::effect::IoRequest;
use watchdeck_core::event::{DataEvent, Payload};
use watchdeck_core::model::services::Chart;
use watchdeck_core::series::QueryStatus;
use watchdeck_core::slo::{SloChart, SloId, SloScope, SloSpec};
use watchdeck_core::text::Text;

use watchdeck_core::model::pod_view::PodMetricsResult;

/// What a supersedable query is for: a newer query of the same key aborts the older one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Query {
    /// The Services chart of a cluster (another service or range replaces it).
    Chart(ClusterId),
    /// The SLO detail charts (one SLO and cluster at a time).
    SloChart,
    /// A pod's own `/metrics`, read again.
    PodMetrics(ClusterId, String, String),
}

/// The executor: owns the cluster targets and the result channel. Dropping it aborts the
/// requests still running.
pub struct Executor {
    targets: Vec<ClusterTarget>,
    tx: mpsc::Sender<DataEvent>,
    tasks: JoinSet<()>,
    /// The queries a newer request supersedes, by what they are for.
    newest: NewestWins<Query>,
    /// One Kubernetes client per cluster, built on first use.
    kube: Vec<Arc<OnceCell<kube::Client>>>,
    /// One Prometheus client per cluster for charts, built on first use (for a service-proxy
    /// endpoint that means a kube client, perhaps an exec credential plugin run).
    prometheus: Vec<Arc<OnceCell<PromClient>>>,
    /// Runbook operations and the audit file.
    runs: RunIo,
}

impl Executor {
    pub fn new(targets: Vec<ClusterTarget>, tx: mpsc::Sender<DataEvent>) -> Self {
        let kube = targets.iter().map(|_| Arc::new(OnceCell::new())).collect();
        let prometheus = targets.iter().map(|_| Arc::new(OnceCell::new())).collect();
        Executor {
            targets,
            tx,
            tasks: JoinSet::new(),
            newest: NewestWins::default(),
            kube,
            prometheus,
            runs: RunIo::new(None, None),
        }
    }

    /// The executor performing runbook operations and writing audit records with `runs`.
    pub fn with_runs(mut self, runs: RunIo) -> Self {
        self.runs = runs;
        self
    }

    /// Runbook operations and the audit file.
    pub fn runs(&mut self) -> &mut RunIo {
        &mut self.runs
    }

    /// Starts `request` for `cluster`; returns at once.
    pub fn run(&mut self, cluster: ClusterId, request: IoRequest) {
        let (Some(target), Some(cell)) = (self.targets.get(cluster), self.kube.get(cluster)) else {
            tracing::warn!(cluster, ?request, "effect for an unknown cluster dropped");
            return;
        };
        // Finished tasks are reaped here so the set does not grow.
        while self.tasks.try_join_next().is_some() {}
        match request {
            IoRequest::PodMetrics {
                namespace,
                pod,
                port,
            } => {
                let cell = Arc::clone(cell);
                let to_app = ToApp::new(cluster, self.tx.clone());
                let kubeconfig = target.kubeconfig.clone();
                let context = target.context.clone();
                let key = Query::PodMetrics(cluster, namespace.clone(), pod.clone());
                self.newest.spawn(&mut self.tasks, key, async move {
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
            IoRequest::SloChart {
                slo,
                spec,
                step,
                seq,
            } => self.slo_chart_task(cluster, slo, *spec, step, seq),
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
                self.chart_task(cluster, ask);
            }
        }
    }

    /// Fetches one chart; a newer chart request for the cluster aborts this one.
    fn chart_task(&mut self, cluster: ClusterId, ask: ChartAsk) {
        let (Some(target), Some(cell)) = (self.targets.get(cluster), self.prometheus.get(cluster))
        else {
            return;
        };
        let cell = Arc::clone(cell);
        let to_app = ToApp::new(cluster, self.tx.clone());
        let prometheus = target.prometheus.clone();
        let spec = prometheus
            .as_ref()
            .map(|p| target.endpoint_spec(&p.endpoint));
        let task = async move {
            let chart = match (prometheus, spec) {
                (Some(prometheus), Some(spec)) => {
                    match cell.get_or_try_init(|| PromClient::connect(&spec)).await {
                        Ok(client) => fetch_chart(client, &prometheus, &ask).await,
                        Err(e) => failed_chart(&ask, &e.message()),
                    }
                }
                _ => failed_chart(&ask, "no Prometheus configured for this cluster"),
            };
            to_app.send(Payload::Chart(chart)).await;
        };
        self.newest
            .spawn(&mut self.tasks, Query::Chart(cluster), task);
    }
}

impl Executor {
    /// Fetches one SLO's charts in `cluster`; a newer SLO chart request aborts this one.
    fn slo_chart_task(
        &mut self,
        cluster: ClusterId,
        slo: SloId,
        spec: SloSpec,
        step: u64,
        seq: u64,
    ) {
        let (Some(target), Some(cell)) = (self.targets.get(cluster), self.prometheus.get(cluster))
        else {
            return;
        };
        let cell = Arc::clone(cell);
        let to_app = ToApp::new(cluster, self.tx.clone());
        let prometheus = target.prometheus.clone();
        let endpoint = prometheus
            .as_ref()
            .map(|p| target.endpoint_spec(&p.endpoint));
        let task = async move {
            let mut chart = match (prometheus, endpoint) {
                (Some(prometheus), Some(endpoint)) => {
                    let ask = SloChartAsk {
                        slo,
                        spec,
                        matchers: prometheus.matchers(),
                        step,
                        seq,
                    };
                    match cell
                        .get_or_try_init(|| PromClient::connect(&endpoint))
                        .await
                    {
                        Ok(client) => fetch_slo_chart(client, &ask).await,
                        Err(e) => SloChart {
                            slo,
                            seq,
                            status: QueryStatus::Error(Text::new(&e.message())),
                            ..SloChart::default()
                        },
                    }
                }
                _ => SloChart {
                    slo,
                    seq,
                    status: QueryStatus::Error(Text::new(
                        "no Prometheus configured for this cluster",
                    )),
                    ..SloChart::default()
                },
            };
            chart.scope = Some(SloScope::Cluster(cluster));
            to_app.send(Payload::SloChart(Box::new(chart))).await;
        };
        self.newest.spawn(&mut self.tasks, Query::SloChart, task);
    }
}

/// The next runbook operation outcome; pending forever without an executor.
pub async fn next_run_reply(executor: &mut Option<Executor>) -> Option<RunReply> {
    match executor {
        Some(executor) => executor.runs.next_reply().await,
        None => std::future::pending().await,
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
