//! One simulated cluster's state: its API objects, pods, database, traffic and signals.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;

use super::catalog::ClusterSpec;
use super::database::Database;
use super::pods::PodSim;
use super::signals::Signals;
use crate::clock::{Millis, rfc3339};
use crate::kube::store::KubeStore;
use crate::rng::SimRng;
use crate::scenario::VersionBehaviour;

/// Events kept per cluster; older ones are deleted, as the API server's TTL does.
const MAX_EVENTS: usize = 400;

pub type Versions = Arc<BTreeMap<(String, String), VersionBehaviour>>;

#[derive(Debug)]
pub struct ClusterState {
    pub spec: &'static ClusterSpec,
    pub index: usize,
    pub store: KubeStore,
    pub pods: BTreeMap<(String, String), PodSim>,
    pub nodes: Vec<String>,
    /// Scenario multipliers of offered traffic, by service.
    pub traffic_factor: BTreeMap<String, f64>,
    /// Most pods of a service the cluster has room for; more stay Pending.
    pub room: BTreeMap<String, usize>,
    pub db: Database,
    pub signals: Signals,
    pub versions: Versions,
    pub rng: SimRng,
    pub ip_counter: u32,
    event_counter: u64,
    event_names: std::collections::VecDeque<(String, String)>,
}

impl ClusterState {
    pub fn new(
        spec: &'static ClusterSpec,
        index: usize,
        rng: SimRng,
        versions: Versions,
        history: usize,
    ) -> Self {
        Self {
            spec,
            index,
            store: KubeStore::new(history),
            pods: BTreeMap::new(),
            nodes: super::catalog::nodes(index, spec.region),
            traffic_factor: BTreeMap::new(),
            room: BTreeMap::new(),
            db: Database::default(),
            signals: Signals::default(),
            versions,
            rng,
            ip_counter: 0,
            event_counter: 0,
            event_names: std::collections::VecDeque::new(),
        }
    }

    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    pub fn version_behaviour(&self, service: &str, version: &str) -> Option<&VersionBehaviour> {
        self.versions
            .get(&(service.to_string(), version.to_string()))
    }

    pub fn version_crashes(&self, service: &str, version: &str) -> bool {
        self.version_behaviour(service, version)
            .is_some_and(|v| v.crash_looping)
    }

    /// True when the cluster has no room for one more pod of this service.
    pub fn is_full(&self, service: &str, _owner_uid: &str) -> bool {
        let Some(room) = self.room.get(service) else {
            return false;
        };
        let placed = self
            .pods
            .values()
            .filter(|p| {
                p.service.as_deref() == Some(service)
                    && !p.terminating()
                    && p.stage != super::pods::Stage::Unschedulable
            })
            .count();
        placed >= *room
    }

    /// Records a core/v1 Event about an object, as its controller would.
    pub fn record_event(
        &mut self,
        (kind, namespace, name, uid): (&str, &str, &str, &str),
        event_type: &str,
        reason: &str,
        message: &str,
        now: Millis,
    ) {
        self.event_counter += 1;
        let event_name = format!(
            "{name}.{:016x}",
            (now as u64).wrapping_mul(1_000_003) ^ self.event_counter
        );
        let api_version = match kind {
            "Pod" => "v1",
            "Cluster" => "postgresql.cnpg.io/v1",
            _ => "apps/v1",
        };
        let component = match kind {
            "Pod" if reason == "Scheduled" => "default-scheduler",
            "Pod" => "kubelet",
            "Cluster" => "cloudnative-pg",
            _ => "deployment-controller",
        };
        let event = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": event_name, "namespace": namespace, "uid": self.rng.uuid(), "creationTimestamp": rfc3339(now)},
            "involvedObject": {"apiVersion": api_version, "kind": kind, "name": name, "namespace": namespace, "uid": uid},
            "reason": reason,
            "message": message,
            "source": {"component": component},
            "firstTimestamp": rfc3339(now),
            "lastTimestamp": rfc3339(now),
            "count": 1,
            "type": event_type,
            "eventTime": null,
            "reportingComponent": component,
            "reportingInstance": "",
        });
        self.store.upsert("events", event);
        self.event_names
            .push_back((namespace.to_string(), event_name));
        while self.event_names.len() > MAX_EVENTS {
            if let Some((ns, old)) = self.event_names.pop_front() {
                self.store.delete("events", &ns, &old);
            }
        }
    }

    /// The first live pod of a service, for scenario actions aimed at "a pod of X".
    pub fn first_pod_of(&self, service: &str) -> Option<(String, String)> {
        self.pods
            .values()
            .find(|p| p.service.as_deref() == Some(service) && !p.terminating())
            .map(|p| (p.namespace.clone(), p.name.clone()))
    }
}
