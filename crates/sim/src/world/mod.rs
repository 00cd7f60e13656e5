//! The simulated fleet: every cluster's objects, pods, database and traffic, advanced one
//! virtual second at a time by `World::step`. Pure and synchronous, so the same seed and
//! scenario always give the same world at the same virtual time.

pub mod build;
pub mod catalog;
pub mod cluster;
pub mod database;
pub mod pods;
pub mod podsets;
pub mod signals;
pub mod workloads;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;

use self::catalog::{APP_NAMESPACE, CLUSTERS, SERVICES};
use self::cluster::ClusterState;
use self::database::DbAccess;
use self::signals::ServiceLoad;
use crate::clock::Millis;
use crate::rng::SimRng;
use crate::scenario::{Scenario, ScenarioEvent, parse_duration};

/// One virtual step.
pub const TICK_MS: Millis = 1_000;

/// An alert a scenario sends straight to a cluster's Alertmanager.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectAlert {
    pub cluster: usize,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Millis,
    pub ends_at: Millis,
}

#[derive(Debug)]
pub struct World {
    /// Virtual time of the last step.
    pub now: Millis,
    /// Time zero of the scenario's timeline.
    pub start: Millis,
    pub clusters: Vec<ClusterState>,
    pub scenario: Scenario,
    next_event: usize,
    /// What each service experienced in the last step, per cluster.
    pub loads: Vec<BTreeMap<&'static str, ServiceLoad>>,
    pub outbox: Vec<DirectAlert>,
    /// Database requests per second served in each cluster in the last step.
    db_rps: Vec<f64>,
    /// Permissions the API servers refuse: the scenario's `[[deny]]` and `Fleet::deny`.
    pub deny: Vec<crate::rbac::DenyRule>,
}

/// Knobs of a world beyond the scenario.
#[derive(Debug, Clone)]
pub struct WorldOptions {
    pub seed: u64,
    /// Scenario time zero, in Unix milliseconds.
    pub start: Millis,
    /// Watch history kept per cluster (older resourceVersions get 410 Gone).
    pub watch_history: usize,
    /// Extra idle pods per cluster, for load tests of the API.
    pub extra_pods: usize,
}

impl World {
    pub fn new(scenario: Scenario, options: &WorldOptions) -> Self {
        let rng = SimRng::new(options.seed);
        let versions: cluster::Versions = Arc::new(
            scenario
                .versions
                .iter()
                .map(|v| ((v.service.clone(), v.version.clone()), v.clone()))
                .collect(),
        );
        let clusters = CLUSTERS
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let mut cluster = ClusterState::new(
                    spec,
                    index,
                    rng.fork(spec.name),
                    Arc::clone(&versions),
                    options.watch_history,
                );
                cluster.build(options.start);
                if options.extra_pods > 0 {
                    cluster.add_batch_workers(options.extra_pods, options.start);
                }
                cluster
            })
            .collect::<Vec<_>>();
        let count = clusters.len();
        let deny = scenario.deny.clone();
        Self {
            now: options.start,
            start: options.start,
            clusters,
            scenario,
            next_event: 0,
            loads: vec![BTreeMap::new(); count],
            outbox: Vec::new(),
            db_rps: vec![0.0; count],
            deny,
        }
    }

    pub fn cluster_index(&self, name: &str) -> Option<usize> {
        self.clusters.iter().position(|c| c.name() == name)
    }

    /// Advances the world by one tick.
    pub fn step(&mut self) {
        self.now += TICK_MS;
        let now = self.now;
        self.apply_due_events();
        for cluster in &mut self.clusters {
            cluster.run_controllers(now);
        }
        self.step_databases();
        let access: Vec<DbAccess> = (0..self.clusters.len())
            .map(|i| self.db_access(i))
            .collect();
        for (cluster, access) in self.clusters.iter_mut().zip(&access) {
            cluster.set_database_probes(*access == DbAccess::Down, now);
        }
        self.serve(&access);
    }

    fn step_databases(&mut self) {
        let sources: Vec<(bool, Option<Millis>)> = self
            .clusters
            .iter()
            .map(|c| {
                let source =
                    c.db.replica_source
                        .as_deref()
                        .and_then(|name| self.clusters.iter().find(|o| o.name() == name));
                source.map_or((true, None), |s| (s.db.writable(), s.db.outage_since))
            })
            .collect();
        let now = self.now;
        for (cluster, (writable, since)) in self.clusters.iter_mut().zip(sources) {
            cluster.step_database(now, writable, since);
        }
    }

    /// How services in cluster `i` reach their database.
    pub fn db_access(&self, i: usize) -> DbAccess {
        let db = &self.clusters[i].db;
        if !db.primary_up() && db.instances.iter().all(|inst| !inst.up) {
            return DbAccess::Down;
        }
        if db.writable() || self.clusters.iter().any(|c| c.db.writable()) {
            DbAccess::Full
        } else {
            DbAccess::ReadOnly
        }
    }

    /// Where a cluster's users are sent: to itself, or, when its database is down and another
    /// region has taken over writes, to that region (DNS failover).
    fn traffic_target(&self, i: usize, access: &[DbAccess]) -> usize {
        if access[i] == DbAccess::Down
            && let Some(writable) = self.clusters.iter().position(|c| c.db.writable())
        {
            return writable;
        }
        i
    }

    fn serve(&mut self, access: &[DbAccess]) {
        let count = self.clusters.len();
        let mut offered: Vec<BTreeMap<&'static str, f64>> = vec![BTreeMap::new(); count];
        for i in 0..count {
            let target = self.traffic_target(i, access);
            let cluster = &self.clusters[i];
            for service in SERVICES {
                let factor = cluster
                    .traffic_factor
                    .get(service.name)
                    .copied()
                    .unwrap_or(1.0);
                let diurnal = signals::diurnal(self.now);
                *offered[target].entry(service.name).or_default() +=
                    service.base_rps * cluster.spec.traffic_weight * factor * diurnal;
            }
        }
        let now = self.now;
        let mut db_rps = vec![0.0; count];
        for (i, cluster) in self.clusters.iter_mut().enumerate() {
            let loads = cluster.serve_traffic(now, TICK_MS, &offered[i], access[i]);
            db_rps[i] = SERVICES
                .iter()
                .filter(|s| s.needs_database)
                .filter_map(|s| loads.get(s.name))
                .filter(|l| l.ready_pods > 0)
                .map(|l| l.offered_rps)
                .sum();
            self.loads[i] = loads;
        }
        // Writes from replica regions land on the writable primary.
        if let Some(primary) = self.clusters.iter().position(|c| c.db.writable()) {
            let writes: f64 = db_rps.iter().sum::<f64>() * 0.3;
            self.clusters[primary].db.commits += writes * TICK_MS as f64 / 1000.0;
            if writes > 0.0 {
                self.clusters[primary].db.last_commit_at = Some(now);
            }
        }
        self.db_rps = db_rps;
    }

    /// Database requests per second served locally, and writes arriving from other regions.
    pub fn db_load(&self, i: usize) -> (f64, f64) {
        let local = self.db_rps.get(i).copied().unwrap_or(0.0);
        let remote = if self.clusters[i].db.writable() {
            (self.db_rps.iter().sum::<f64>() - local) * 0.3
        } else {
            0.0
        };
        (local, remote)
    }

    /// Every series cluster `i` exposes now, plus `watchdeck_sim_info` naming the scenario.
    pub fn metric_families(&self, i: usize) -> Vec<crate::exposition::MetricFamily> {
        let Some(cluster) = self.clusters.get(i) else {
            return Vec::new();
        };
        let (local, remote) = self.db_load(i);
        let mut families = cluster.metric_families(local, remote);
        let info = crate::labels::Labels::from_pairs([
            ("__name__", "watchdeck_sim_info"),
            ("cluster", cluster.name()),
            ("scenario", self.scenario.name.as_str()),
            ("description", self.scenario.description.as_str()),
        ]);
        families.push(crate::exposition::MetricFamily {
            name: "watchdeck_sim_info".to_string(),
            help: "The simulator's scenario; always 1.".to_string(),
            kind: crate::exposition::MetricKind::Gauge,
            samples: vec![(info, 1.0)],
        });
        families
    }

    fn apply_due_events(&mut self) {
        while let Some(event) = self.scenario.events.get(self.next_event) {
            if self.start + event.at > self.now {
                break;
            }
            let due = event.action.clone();
            self.next_event += 1;
            self.apply(due);
        }
    }

    fn apply(&mut self, event: ScenarioEvent) {
        let now = self.now;
        let cluster_name = match &event {
            ScenarioEvent::Deploy { cluster, .. }
            | ScenarioEvent::Canary { cluster, .. }
            | ScenarioEvent::Traffic { cluster, .. }
            | ScenarioEvent::DatabaseOutage { cluster }
            | ScenarioEvent::AnnotatePod { cluster, .. }
            | ScenarioEvent::RecordEvent { cluster, .. }
            | ScenarioEvent::Alert { cluster, .. } => cluster.clone(),
        };
        let Some(index) = self.cluster_index(&cluster_name) else {
            tracing::warn!(cluster = %cluster_name, "scenario names an unknown cluster; action skipped");
            return;
        };
        let cluster = &mut self.clusters[index];
        match event {
            ScenarioEvent::Deploy {
                service,
                version,
                change_cause,
                ..
            } => {
                let Some(stored) = cluster.store.get("deployments", APP_NAMESPACE, &service) else {
                    return;
                };
                let mut deployment = (*stored.object).clone();
                deployment["spec"]["template"]["spec"]["containers"][0]["image"] =
                    json!(catalog::image(&service, &version));
                deployment["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/version"] =
                    json!(version);
                if let Some(cause) = change_cause {
                    deployment["metadata"]["annotations"][workloads::CHANGE_CAUSE] = json!(cause);
                }
                cluster.store.upsert("deployments", deployment);
            }
            ScenarioEvent::Canary {
                service,
                version,
                replicas,
                change_cause,
                ..
            } => {
                let Some(stored) = cluster.store.get("deployments", APP_NAMESPACE, &service) else {
                    tracing::warn!(%service, "scenario canary of an unknown service; skipped");
                    return;
                };
                let canary = workloads::canary_of(
                    &stored.object,
                    &catalog::image(&service, &version),
                    &version,
                    replicas,
                    change_cause.as_deref(),
                    &cluster.rng.uuid(),
                    now,
                );
                cluster.store.upsert("deployments", canary);
            }
            ScenarioEvent::Traffic {
                service, factor, ..
            } => {
                cluster.traffic_factor.insert(service, factor);
            }
            ScenarioEvent::DatabaseOutage { .. } => cluster.fail_database(now),
            ScenarioEvent::AnnotatePod {
                service,
                key,
                value,
                ..
            } => {
                if let Some(key_of_pod) = cluster.first_pod_of(&service)
                    && let Some(pod) = cluster.pods.get_mut(&key_of_pod)
                {
                    pod.annotations.insert(key, value);
                    let rendered = pod.render(now);
                    cluster.store.upsert("pods", rendered);
                }
            }
            ScenarioEvent::RecordEvent {
                service,
                reason,
                message,
                event_type,
                ..
            } => {
                if let Some((ns, name)) = cluster.first_pod_of(&service) {
                    let uid = cluster
                        .pods
                        .get(&(ns.clone(), name.clone()))
                        .map(|p| p.uid.clone())
                        .unwrap_or_default();
                    cluster.record_event(
                        ("Pod", &ns, &name, &uid),
                        &event_type,
                        &reason,
                        &message,
                        now,
                    );
                }
            }
            ScenarioEvent::Alert {
                labels,
                annotations,
                duration,
                ..
            } => {
                let ends_at = now + parse_duration(&duration).unwrap_or(600_000);
                self.outbox.push(DirectAlert {
                    cluster: index,
                    labels,
                    annotations,
                    starts_at: now,
                    ends_at,
                });
            }
        }
    }
}

impl ClusterState {
    /// Database-backed pods fail their readiness probe while the database is down.
    fn set_database_probes(&mut self, failing: bool, now: Millis) {
        let mut changed = Vec::new();
        for (key, pod) in self.pods.iter_mut() {
            let needs_db = pod
                .service
                .as_deref()
                .and_then(catalog::service)
                .is_some_and(|s| s.needs_database);
            if needs_db && pod.probe_failing != failing {
                pod.probe_failing = failing;
                changed.push(key.clone());
            }
        }
        for key in changed {
            if let Some(pod) = self.pods.get(&key) {
                let rendered = pod.render(now);
                self.store.upsert("pods", rendered);
                if failing {
                    let (ns, name, uid) =
                        (pod.namespace.clone(), pod.name.clone(), pod.uid.clone());
                    self.record_event(
                        ("Pod", &ns, &name, &uid),
                        "Warning",
                        "Unhealthy",
                        "Readiness probe failed: HTTP probe failed with statuscode: 503",
                        now,
                    );
                }
            }
        }
    }

    /// Idle pods in a `batch` namespace, so API load tests can list thousands of pods.
    fn add_batch_workers(&mut self, count: usize, start: Millis) {
        let uid = self.rng.uuid();
        let holder = json!({"metadata": {"namespace": "batch", "name": "batch-worker"},
            "spec": {"template": {"metadata": {"labels": {"app.kubernetes.io/name": "batch-worker"}},
                "spec": {"containers": [{"name": "worker", "image": "registry.example.com/batch/worker:v1", "ports": [{"containerPort": 9000}]}]}}}});
        self.store.upsert("namespaces", json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "batch", "uid": self.rng.uuid()}, "spec": {}, "status": {"phase": "Active"}}));
        let owner = pods::Owner {
            api_version: "batch/v1",
            kind: "Job",
            name: "batch-worker".into(),
            uid,
        };
        for i in 0..count {
            self.place_running_pod(
                &holder,
                owner.clone(),
                format!("batch-worker-{i:05}"),
                start - 3_600_000,
                start,
            );
        }
        let keys: Vec<_> = self
            .pods
            .keys()
            .filter(|(ns, _)| ns == "batch")
            .cloned()
            .collect();
        for key in keys {
            if let Some(pod) = self.pods.get(&key) {
                let rendered = pod.render(start);
                self.store.upsert("pods", rendered);
            }
        }
    }
}
