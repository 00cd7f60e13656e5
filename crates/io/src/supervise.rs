//! Source tasks, one per (cluster, source), supervised: a task that panics is reported as its
//! own source's failure and restarted after a pause; the other sources carry on.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use kube::config::Kubeconfig;
use tokio::sync::mpsc;
use tokio::task::{Id, JoinSet};

use super::contained::Contained;
use crate::sources::alertmanager::{PollConfig, poll_alerts_filtered};
use crate::sources::endpoint::EndpointSpec;
use crate::sources::kube::watch_cluster;
use crate::sources::prometheus::slo::{SloTarget, poll_slos};
use crate::sources::prometheus::{PromTarget, poll_metrics};
use crate::sources::target::ClusterTarget;
use watchdeck_core::cluster::ClusterId;
use watchdeck_core::event::{DataEvent, Payload};
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::slo::SloSpec;
use watchdeck_core::text::Text;

/// Pause before restarting a source that panicked.
pub const RESTART_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
enum Job {
    Pods {
        cluster: ClusterId,
        kubeconfig: Box<Kubeconfig>,
        context: String,
        namespaces: Vec<String>,
    },
    Alerts {
        cluster: ClusterId,
        specs: Vec<EndpointSpec>,
        filter: Vec<String>,
    },
    Metrics {
        cluster: ClusterId,
        spec: Box<EndpointSpec>,
        target: Box<PromTarget>,
    },
    /// The SLO poller (reported as the cluster's metrics source if it crashes).
    Slos {
        cluster: ClusterId,
        spec: Box<EndpointSpec>,
        target: Box<SloTarget>,
    },
}

impl Job {
    fn cluster(&self) -> ClusterId {
        match self {
            Job::Pods { cluster, .. }
            | Job::Alerts { cluster, .. }
            | Job::Metrics { cluster, .. }
            | Job::Slos { cluster, .. } => *cluster,
        }
    }

    fn source(&self) -> SourceKind {
        match self {
            Job::Pods { .. } => SourceKind::Pods,
            Job::Alerts { .. } => SourceKind::Alerts,
            Job::Metrics { .. } | Job::Slos { .. } => SourceKind::Metrics,
        }
    }
}

/// The running source tasks. Dropping it aborts them all.
pub struct Sources {
    tasks: JoinSet<()>,
    jobs: HashMap<Id, Job>,
    tx: mpsc::Sender<DataEvent>,
    /// How the Alertmanager pollers pace themselves (shortened when a story plays fast).
    alert_poll: PollConfig,
}

impl Sources {
    /// The (cluster, source) pairs that have a task (running, or waiting to restart).
    pub fn started(&self) -> std::collections::BTreeSet<(ClusterId, SourceKind)> {
        self.jobs
            .values()
            .map(|j| (j.cluster(), j.source()))
            .collect()
    }

    fn spawn(&mut self, job: Job, delay: Duration) {
        let tx = self.tx.clone();
        let run = job.clone();
        let alert_poll = self.alert_poll;
        let handle = self.tasks.spawn(Contained::new(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            match run {
                Job::Pods {
                    cluster,
                    kubeconfig,
                    context,
                    namespaces,
                } => watch_cluster(cluster, *kubeconfig, context, namespaces, tx).await,
                Job::Alerts {
                    cluster,
                    specs,
                    filter,
                } => poll_alerts_filtered(cluster, specs, filter, alert_poll, tx).await,
                Job::Metrics {
                    cluster,
                    spec,
                    target,
                } => poll_metrics(cluster, *spec, *target, tx).await,
                Job::Slos {
                    cluster,
                    spec,
                    target,
                } => poll_slos(cluster, *spec, *target, tx).await,
            }
        }));
        self.jobs.insert(handle.id(), job);
    }
}

/// Starts a pod watcher for every cluster, an Alertmanager poller for every cluster that
/// has Alertmanagers (by URL or service proxy), and a Prometheus poller for every cluster with metrics.
pub fn spawn_sources(targets: &[ClusterTarget], tx: mpsc::Sender<DataEvent>) -> Sources {
    spawn_sources_with_slos(targets, &[], tx)
}

/// [`spawn_sources`], plus an SLO poller for every cluster that has Prometheus and at least
/// one of `slos` applying to it (on the metrics endpoint, at the metrics pace).
pub fn spawn_sources_with_slos(
    targets: &[ClusterTarget],
    slos: &[SloSpec],
    tx: mpsc::Sender<DataEvent>,
) -> Sources {
    spawn_sources_paced(targets, slos, PollConfig::default(), tx)
}

/// [`spawn_sources_with_slos`] with the Alertmanager pollers paced by `alert_poll` (a story
/// played faster than real time polls more often, so virtual time stays finely sampled).
pub fn spawn_sources_paced(
    targets: &[ClusterTarget],
    slos: &[SloSpec],
    alert_poll: PollConfig,
    tx: mpsc::Sender<DataEvent>,
) -> Sources {
    let mut sources = Sources {
        tasks: JoinSet::new(),
        jobs: HashMap::new(),
        tx,
        alert_poll,
    };
    for (cluster, target) in targets.iter().enumerate() {
        let kubeconfig = Box::new(target.kubeconfig.clone());
        sources.spawn(
            Job::Pods {
                cluster,
                kubeconfig,
                context: target.context.clone(),
                namespaces: target.namespaces.clone(),
            },
            Duration::ZERO,
        );
        if !target.alertmanagers.is_empty() {
            sources.spawn(
                Job::Alerts {
                    cluster,
                    specs: target
                        .alertmanagers
                        .iter()
                        .map(|am| target.endpoint_spec(am))
                        .collect(),
                    filter: target.alert_filter.clone(),
                },
                Duration::ZERO,
            );
        }
        if let Some(prometheus) = &target.prometheus {
            sources.spawn(
                Job::Metrics {
                    cluster,
                    spec: Box::new(target.endpoint_spec(&prometheus.endpoint)),
                    target: Box::new(prometheus.clone()),
                },
                Duration::ZERO,
            );
            if let Some(slo_target) =
                SloTarget::for_cluster(slos, &target.name, prometheus.matchers(), prometheus.every)
            {
                sources.spawn(
                    Job::Slos {
                        cluster,
                        spec: Box::new(target.endpoint_spec(&prometheus.endpoint)),
                        target: Box::new(slo_target),
                    },
                    Duration::ZERO,
                );
            }
        }
    }
    sources
}

/// The clusters that get an SLO poller: a Prometheus and at least one SLO applying to them.
pub fn slo_clusters(targets: &[ClusterTarget], slos: &[SloSpec]) -> Vec<ClusterId> {
    targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.prometheus.is_some() && slos.iter().any(|s| s.applies_to(&t.name)))
        .map(|(id, _)| id)
        .collect()
}

/// Waits for a source task to panic, restarts it after [`RESTART_AFTER`] and returns the
/// failure to show. Pending forever when there is nothing to supervise.
pub async fn next_failure(sources: &mut Option<Sources>) -> Option<DataEvent> {
    let Some(sources) = sources.as_mut() else {
        return std::future::pending().await;
    };
    loop {
        let Some(joined) = sources.tasks.join_next_with_id().await else {
            return std::future::pending().await;
        };
        let (id, panicked) = match joined {
            Ok((id, ())) => (id, false),
            Err(err) => (err.id(), err.is_panic()),
        };
        let Some(job) = sources.jobs.remove(&id) else {
            continue;
        };
        if !panicked {
            // Ended because the loop is gone (or was cancelled): nothing to restart.
            continue;
        }
        tracing::error!(
            cluster = job.cluster(),
            source = job.source().label(),
            "source task panicked, restarting"
        );
        let failure = DataEvent {
            cluster: job.cluster(),
            at: Timestamp::now(),
            payload: Payload::Failed {
                source: job.source(),
                reason: Text::new("internal error: source crashed, restarting (see log)"),
            },
        };
        sources.spawn(job, RESTART_AFTER);
        return Some(failure);
    }
}
