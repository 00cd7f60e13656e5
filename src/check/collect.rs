//! Runs the console's sources without a terminal and feeds their events through `update`
//! into a `Model`, until every started (cluster, source) has answered once or a deadline
//! passes. Also the headless driver of the fault tests.

use std::collections::BTreeSet;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::app;
use crate::app::CHANNEL_CAPACITY;
use watchdeck_core::clock::Clock;
use watchdeck_core::cluster::ClusterId;
use watchdeck_core::event::{DataEvent, Msg};
use watchdeck_core::model::Model;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::slo::SloSpec;
use watchdeck_core::update::update;
use watchdeck_io::sources::target::ClusterTarget;
use watchdeck_io::supervise::Sources;

/// The sources of a set of clusters, and the model they fill.
pub struct Collector {
    pub model: Model,
    clock: Clock,
    rx: mpsc::Receiver<DataEvent>,
    sources: Option<Sources>,
    started: BTreeSet<(ClusterId, SourceKind)>,
    /// Clusters with an SLO poller.
    slo_clusters: Vec<ClusterId>,
}

impl Collector {
    /// Starts one task per (cluster, source), as the console does. Sources that have no task
    /// (not configured, or not implemented yet) are marked disabled, so nobody waits for them.
    pub fn start(targets: &[ClusterTarget], clock: Clock) -> Self {
        Self::start_with_slos(targets, Vec::new(), clock)
    }

    /// [`Collector::start`], also evaluating `slos` in the clusters they apply to.
    pub fn start_with_slos(targets: &[ClusterTarget], slos: Vec<SloSpec>, clock: Clock) -> Self {
        watchdeck_io::install_tls_provider();
        let mut model = app::initial_model(targets);
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let sources = watchdeck_io::supervise::spawn_sources_with_slos(targets, &slos, tx);
        let slo_clusters = watchdeck_io::supervise::slo_clusters(targets, &slos);
        model.slos = app::slo_board(targets, slos);
        let started = sources.started();
        for (id, cluster) in model.clusters.iter_mut().enumerate() {
            for kind in SourceKind::ALL {
                if !started.contains(&(id, kind)) {
                    cluster.health.insert(kind, Health::Disabled);
                }
            }
        }
        Collector {
            model,
            clock,
            rx,
            sources: Some(sources),
            started,
            slo_clusters,
        }
    }

    /// The clusters whose SLOs are read (a Prometheus and at least one SLO applying).
    pub fn slo_clusters(&self) -> &[ClusterId] {
        &self.slo_clusters
    }

    /// True once every SLO cluster has sent readings (or failures) once.
    pub fn slos_answered(&self) -> bool {
        let answered: BTreeSet<ClusterId> =
            self.model.slos.entries.keys().map(|(_, c)| *c).collect();
        self.slo_clusters.iter().all(|c| answered.contains(c))
    }

    /// Applies events until every SLO cluster has answered once, or `deadline`.
    pub async fn first_slo_answers(&mut self, deadline: Instant) -> bool {
        while !self.slos_answered() {
            if self.next(deadline).await.is_none() {
                return self.slos_answered();
            }
        }
        true
    }

    /// The (cluster, source) pairs that have a running task.
    pub fn started(&self) -> &BTreeSet<(ClusterId, SourceKind)> {
        &self.started
    }

    /// Now, on the collector's clock (the simulator's virtual time in demo mode).
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// True once every started source has sent data or a failure.
    pub fn all_answered(&self) -> bool {
        self.started.iter().all(|(cluster, kind)| {
            self.model
                .clusters
                .get(*cluster)
                .is_some_and(|c| !matches!(c.health(*kind), Health::Connecting))
        })
    }

    /// Waits for the next event (data, or a crashed source), stamps it with the clock,
    /// applies it and returns it; `None` at `deadline` or when every source has stopped.
    pub async fn next(&mut self, deadline: Instant) -> Option<DataEvent> {
        let mut event = tokio::select! {
            event = self.rx.recv() => event?,
            Some(failure) = watchdeck_io::supervise::next_failure(&mut self.sources) => failure,
            () = tokio::time::sleep_until(deadline) => return None,
        };
        event.at = self.clock.now();
        update(&mut self.model, Msg::Data(event.clone()));
        Some(event)
    }

    /// Applies events until `done` holds (true) or `deadline` passes (false).
    pub async fn until(&mut self, deadline: Instant, done: impl Fn(&Model) -> bool) -> bool {
        while !done(&self.model) {
            if self.next(deadline).await.is_none() {
                return done(&self.model);
            }
        }
        true
    }

    /// Applies events until every started source has answered once, or `deadline`.
    pub async fn first_answers(&mut self, deadline: Instant) -> bool {
        while !self.all_answered() {
            if self.next(deadline).await.is_none() {
                return self.all_answered();
            }
        }
        true
    }
}
