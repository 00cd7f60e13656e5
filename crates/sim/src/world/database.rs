//! The PostgreSQL cluster of each region, modelled as a CloudNativePG `Cluster`: a primary and
//! two streaming replicas in us-east-1, replica clusters streaming from it elsewhere. Promotion
//! works through the same API calls as `kubectl cnpg promote` (status.targetPrimary) or by
//! turning replica mode off (spec.replica.enabled=false).

use serde_json::json;

use super::catalog::{CLUSTERS, DB_CLUSTER, DB_NAMESPACE};
use super::cluster::ClusterState;
use super::pods::{Owner, Stage};
use crate::clock::{Millis, rfc3339};

pub const HEALTHY: &str = "Cluster in healthy state";
pub const SWITCHOVER: &str = "Switchover in progress";
pub const FAILING_OVER: &str = "Failing over";
const SWITCH_MS: Millis = 8_000;

#[derive(Debug, Clone, Default)]
pub struct Instance {
    pub name: String,
    pub up: bool,
    /// Seconds behind the primary it streams from: now minus `replayed_at`, as
    /// postgres_exporter's `pg_replication_lag_seconds` computes it (it grows while nothing
    /// new arrives, so it is not the data at risk).
    pub lag_seconds: f64,
    /// Commit time of the last transaction this replica replayed (`None` on a primary).
    pub replayed_at: Option<Millis>,
    pub connections: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Database {
    pub uid: String,
    pub instances: Vec<Instance>,
    pub current_primary: String,
    /// The cluster this one streams from; `None` when this region's primary takes writes.
    pub replica_source: Option<String>,
    pub phase: String,
    pub switch_done_at: Option<Millis>,
    pub outage_since: Option<Millis>,
    pub promoted_at: Option<Millis>,
    pub commits: f64,
    /// Commit time of the last write this cluster's primary took (`None` before any).
    pub last_commit_at: Option<Millis>,
}

/// How a region's services can reach the database.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DbAccess {
    /// Reads and writes work.
    Full,
    /// Reads work locally; writes go to another region's primary, which is down.
    ReadOnly,
    /// Nothing answers.
    Down,
}

impl Database {
    pub fn writable(&self) -> bool {
        self.replica_source.is_none() && self.primary_up()
    }

    pub fn primary_up(&self) -> bool {
        self.instances
            .iter()
            .any(|i| i.name == self.current_primary && i.up)
    }
}

impl ClusterState {
    pub(super) fn build_database(&mut self, start: Millis) {
        let created = start - 150 * 86_400_000;
        let primary_region = self.spec.role == "primary";
        self.db = Database {
            uid: self.rng.uuid(),
            instances: (1..=3)
                .map(|i| Instance {
                    name: format!("{DB_CLUSTER}-{i}"),
                    up: true,
                    ..Instance::default()
                })
                .collect(),
            current_primary: format!("{DB_CLUSTER}-1"),
            replica_source: (!primary_region).then(|| "us-east-1".to_string()),
            phase: HEALTHY.to_string(),
            ..Database::default()
        };
        let mut spec = json!({
            "instances": 3,
            "imageName": "ghcr.io/cloudnative-pg/postgresql:16.4",
            "primaryUpdateStrategy": "unsupervised",
            "storage": {"size": "100Gi"},
            "postgresql": {"parameters": {"max_connections": "200"}},
        });
        if !primary_region {
            // CloudNativePG's distributed topology: every region's cluster declares the
            // others as external clusters, so a replica cluster can be re-pointed to follow
            // whichever region is primary by patching `spec.replica.source`.
            spec["replica"] = json!({"enabled": true, "source": "orders-db-us-east-1"});
            spec["externalClusters"] = json!(
                CLUSTERS
                    .iter()
                    .filter(|c| c.name != self.spec.name)
                    .map(|c| json!({"name": format!("{DB_CLUSTER}-{}", c.name), "connectionParameters": {"host": format!("{DB_CLUSTER}-rw.{DB_NAMESPACE}.{}.example.internal", c.name), "user": "streaming_replica", "dbname": "postgres"}}))
                    .collect::<Vec<_>>()
            );
        }
        let object = json!({
            "apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
            "metadata": {"name": DB_CLUSTER, "namespace": DB_NAMESPACE, "uid": self.db.uid, "creationTimestamp": rfc3339(created)},
            "spec": spec,
            "status": {"currentPrimary": self.db.current_primary, "targetPrimary": self.db.current_primary},
        });
        let owner = Owner {
            api_version: "postgresql.cnpg.io/v1",
            kind: "Cluster",
            name: DB_CLUSTER.to_string(),
            uid: self.db.uid.clone(),
        };
        let template = json!({"spec": {"containers": [{"name": "postgres", "image": "ghcr.io/cloudnative-pg/postgresql:16.4", "ports": [{"name": "postgresql", "containerPort": 5432, "protocol": "TCP"}]}]},
            "metadata": {"labels": {"cnpg.io/cluster": DB_CLUSTER}}});
        let holder =
            json!({"metadata": {"namespace": DB_NAMESPACE}, "spec": {"template": template}});
        for i in 1..=3 {
            self.place_running_pod(
                &holder,
                owner.clone(),
                format!("{DB_CLUSTER}-{i}"),
                created,
                start,
            );
        }
        self.store.upsert("clusters", object);
        self.sync_database(start);
    }

    /// Applies what clients changed on the Cluster object, moves switchovers along, and
    /// writes status and pod roles back.
    pub fn step_database(
        &mut self,
        now: Millis,
        source_writable: bool,
        source_outage_since: Option<Millis>,
    ) {
        let Some(stored) = self
            .store
            .get("clusters", DB_NAMESPACE, DB_CLUSTER)
            .map(|s| s.object.clone())
        else {
            return;
        };
        let target = stored["status"]["targetPrimary"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let replica_enabled = stored["spec"]["replica"]["enabled"]
            .as_bool()
            .unwrap_or(false);
        if self.db.replica_source.is_some() && !replica_enabled {
            self.promote(now, None);
        }
        // A replica cluster re-pointed to another region's cluster follows it from now on.
        if replica_enabled
            && let Some(source) = stored["spec"]["replica"]["source"]
                .as_str()
                .and_then(|s| s.strip_prefix(&format!("{DB_CLUSTER}-")))
                .and_then(|name| CLUSTERS.iter().find(|c| c.name == name))
            && self.db.replica_source.as_deref() != Some(source.name)
        {
            let from = self.db.replica_source.replace(source.name.to_string());
            let uid = self.db.uid.clone();
            self.record_event(
                ("Cluster", DB_NAMESPACE, DB_CLUSTER, &uid),
                "Normal",
                "ReplicaSourceChanged",
                &format!(
                    "Replica cluster now streams from {DB_CLUSTER}-{} (was {DB_CLUSTER}-{})",
                    source.name,
                    from.unwrap_or_default()
                ),
                now,
            );
        }
        let target_ready = self.db.instances.iter().any(|i| i.name == target && i.up);
        if target_ready && target != self.db.current_primary && self.db.switch_done_at.is_none() {
            self.db.phase = SWITCHOVER.to_string();
            self.db.switch_done_at = Some(now + SWITCH_MS);
            let message = format!(
                "Switching over from {} to {target}",
                self.db.current_primary
            );
            self.record_event(
                ("Cluster", DB_NAMESPACE, DB_CLUSTER, &self.db.uid.clone()),
                "Normal",
                "SwitchoverStarted",
                &message,
                now,
            );
        }
        if let Some(done) = self.db.switch_done_at
            && done <= now
        {
            self.db.switch_done_at = None;
            self.promote(now, Some(target));
        }
        let rng_lag = self.rng.range(0.02, 0.3);
        let cross_region = self.rng.range(0.4, 1.4);
        let primary = self.db.current_primary.clone();
        let streaming_from_remote = self.db.replica_source.is_some();
        for instance in &mut self.db.instances {
            let designated = instance.name == primary;
            let behind = match (streaming_from_remote, designated) {
                (false, true) => None,
                (false, false) => Some(rng_lag),
                (true, true) => Some(cross_region),
                (true, false) => Some(cross_region + rng_lag),
            };
            instance.replayed_at = match behind {
                None => None,
                // A replica of a source that takes no writes (down, or not yet writable)
                // replays nothing new: its last replayed commit stays where it was.
                Some(_) if streaming_from_remote && !source_writable => {
                    instance.replayed_at.or(source_outage_since)
                }
                Some(seconds) => Some(now - (seconds * 1000.0) as Millis),
            };
            instance.lag_seconds = instance
                .replayed_at
                .map_or(0.0, |at| (now - at) as f64 / 1000.0);
        }
        if self.db.switch_done_at.is_none() {
            self.db.phase = if self.db.outage_since.is_some() {
                FAILING_OVER
            } else {
                HEALTHY
            }
            .to_string();
        }
        self.sync_database(now);
    }

    /// Makes `instance` (or the current designated primary) the writable primary.
    fn promote(&mut self, now: Millis, instance: Option<String>) {
        let from = self.db.current_primary.clone();
        if let Some(instance) = instance {
            self.db.current_primary = instance;
        }
        if self.db.replica_source.is_some() && self.db.outage_since.is_none() {
            // A replica cluster promoted while its source is unreachable takes over writes:
            // the disaster-recovery path. (In CloudNativePG proper this is replica mode off.)
            self.db.replica_source = None;
            self.db.promoted_at = Some(now);
            if let Some(spec) = self
                .store
                .get("clusters", DB_NAMESPACE, DB_CLUSTER)
                .map(|s| (*s.object).clone())
            {
                let mut spec = spec;
                spec["spec"]["replica"]["enabled"] = json!(false);
                self.store.upsert("clusters", spec);
            }
        }
        let uid = self.db.uid.clone();
        let to = self.db.current_primary.clone();
        self.record_event(
            ("Cluster", DB_NAMESPACE, DB_CLUSTER, &uid),
            "Normal",
            "Promoted",
            &format!("Instance {to} is now the primary (was {from})"),
            now,
        );
    }

    /// Takes every instance down, primary first: a regional storage outage.
    pub fn fail_database(&mut self, now: Millis) {
        self.db.outage_since = Some(now);
        self.db.phase = FAILING_OVER.to_string();
        for instance in &mut self.db.instances {
            instance.up = false;
        }
        let uid = self.db.uid.clone();
        let primary = self.db.current_primary.clone();
        self.record_event(
            ("Cluster", DB_NAMESPACE, DB_CLUSTER, &uid),
            "Warning",
            "FailoverFailed",
            &format!(
                "Primary {primary} is unreachable and no replica is healthy enough to promote"
            ),
            now,
        );
    }

    fn sync_database(&mut self, now: Millis) {
        let Some(stored) = self
            .store
            .get("clusters", DB_NAMESPACE, DB_CLUSTER)
            .map(|s| (*s.object).clone())
        else {
            return;
        };
        let ready: Vec<String> = self
            .db
            .instances
            .iter()
            .filter(|i| i.up)
            .map(|i| i.name.clone())
            .collect();
        let failed: Vec<String> = self
            .db
            .instances
            .iter()
            .filter(|i| !i.up)
            .map(|i| i.name.clone())
            .collect();
        let mut object = stored.clone();
        let target = if self.db.switch_done_at.is_some() {
            stored["status"]["targetPrimary"].clone()
        } else {
            json!(self.db.current_primary)
        };
        object["status"] = json!({
            "instances": self.db.instances.len(),
            "readyInstances": ready.len(),
            "phase": self.db.phase,
            "currentPrimary": self.db.current_primary,
            "targetPrimary": target,
            "instanceNames": self.db.instances.iter().map(|i| i.name.clone()).collect::<Vec<_>>(),
            "instancesStatus": {"healthy": ready, "failed": failed},
            "writeService": format!("{DB_CLUSTER}-rw"),
            "readService": format!("{DB_CLUSTER}-r"),
            "latestGeneratedNode": 3,
        });
        if let Some(since) = self.db.promoted_at {
            object["status"]["currentPrimaryTimestamp"] = json!(rfc3339(since));
        }
        self.store.upsert("clusters", object);
        for instance in self.db.instances.clone() {
            let role = if instance.name == self.db.current_primary {
                "primary"
            } else {
                "replica"
            };
            if let Some(pod) = self
                .pods
                .get_mut(&(DB_NAMESPACE.to_string(), instance.name.clone()))
            {
                let before = (
                    pod.labels.get("cnpg.io/instanceRole").cloned(),
                    pod.probe_failing,
                );
                pod.labels
                    .insert("cnpg.io/instanceName".into(), instance.name.clone());
                pod.labels
                    .insert("cnpg.io/instanceRole".into(), role.into());
                pod.labels.insert("role".into(), role.into());
                pod.probe_failing = !instance.up;
                if !instance.up && matches!(pod.stage, Stage::Running { .. }) {
                    pod.crash_looping = true;
                }
                if before != (Some(role.to_string()), pod.probe_failing) {
                    let rendered = pod.render(now);
                    self.store.upsert("pods", rendered);
                }
            }
        }
    }
}
