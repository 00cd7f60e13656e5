//! The controllers the simulated API server runs: Deployments roll out through ReplicaSets
//! (revisions, pod-template-hash, surge and unavailability limits), ReplicaSets and
//! StatefulSets keep their pod counts, and terminating pods go away after their grace.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::cluster::ClusterState;
use super::pods::{Owner, PodSim, Stage, fnv, safe_encode};
use crate::sim::clock::{Millis, rfc3339};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
pub const TEMPLATE_HASH: &str = "pod-template-hash";
/// How long a deleted pod shows as Terminating before it is gone.
const TERMINATION_MS: Millis = 6_000;

pub fn revision_of(object: &Value) -> i64 {
    object["metadata"]["annotations"][REVISION]
        .as_str()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// The pod-template-hash Kubernetes would give this template (hash label left out).
/// Clients that decode and re-encode a template (kubectl rollout undo does) add nulls and
/// empty objects, so those are dropped before hashing, as API server defaulting would.
pub fn template_hash(template: &Value) -> String {
    let mut template = template.clone();
    if let Some(labels) = template["metadata"]["labels"].as_object_mut() {
        labels.remove(TEMPLATE_HASH);
    }
    prune_empty(&mut template);
    safe_encode(fnv(&template.to_string()))
}

fn prune_empty(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(prune_empty);
            map.retain(|_, v| !is_empty(v));
        }
        Value::Array(items) => items.iter_mut().for_each(prune_empty),
        _ => {}
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn owned_by(object: &Value, uid: &str) -> bool {
    object["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|refs| {
            refs.iter()
                .any(|r| r["uid"] == uid && r["controller"] == true)
        })
}

impl ClusterState {
    pub fn run_controllers(&mut self, now: Millis) {
        for deployment in self.store.list("deployments", None) {
            self.reconcile_deployment(&deployment, now);
        }
        for rs in self.store.list("replicasets", None) {
            self.reconcile_pod_owner(&rs, "apps/v1", "ReplicaSet", now);
        }
        for sts in self.store.list("statefulsets", None) {
            self.reconcile_pod_owner(&sts, "apps/v1", "StatefulSet", now);
        }
        self.step_pods(now);
        for rs in self.store.list("replicasets", None) {
            self.update_owner_status(&rs, now);
        }
        for sts in self.store.list("statefulsets", None) {
            self.update_owner_status(&sts, now);
        }
        for deployment in self.store.list("deployments", None) {
            self.update_deployment_status(&deployment, now);
        }
    }

    fn replicasets_of(&self, deployment: &Value) -> Vec<Value> {
        let ns = deployment["metadata"]["namespace"].as_str().unwrap_or("");
        let uid = deployment["metadata"]["uid"].as_str().unwrap_or("");
        self.store
            .list("replicasets", Some(ns))
            .into_iter()
            .filter(|rs| owned_by(rs, uid))
            .map(|rs| (*rs).clone())
            .collect()
    }

    fn reconcile_deployment(&mut self, deployment: &Value, now: Millis) {
        let name = deployment["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let desired = deployment["spec"]["replicas"].as_i64().unwrap_or(1).max(0);
        let paused = deployment["spec"]["paused"].as_bool().unwrap_or(false);
        let template = &deployment["spec"]["template"];
        let hash = template_hash(template);
        let mut sets = self.replicasets_of(deployment);
        let max_revision = sets.iter().map(revision_of).max().unwrap_or(0);
        let new_index = sets
            .iter()
            .position(|rs| rs["metadata"]["labels"][TEMPLATE_HASH] == hash.as_str());
        let new_index = match new_index {
            Some(i) => {
                if revision_of(&sets[i]) < max_revision && !paused {
                    // A rollback: the old ReplicaSet becomes the newest revision again.
                    let old = revision_of(&sets[i]);
                    let annotations = &mut sets[i]["metadata"]["annotations"];
                    let history = annotations[REVISION_HISTORY].as_str().map(str::to_string);
                    annotations[REVISION] = json!((max_revision + 1).to_string());
                    annotations[REVISION_HISTORY] = json!(match history {
                        Some(h) if !h.is_empty() => format!("{h},{old}"),
                        _ => old.to_string(),
                    });
                    if let Some(cause) =
                        deployment["metadata"]["annotations"][CHANGE_CAUSE].as_str()
                    {
                        annotations[CHANGE_CAUSE] = json!(cause);
                    }
                    let ns = deployment["metadata"]["namespace"]
                        .as_str()
                        .unwrap_or("")
                        .to_string();
                    self.record_event(
                        ("Deployment", &ns, &name, ""),
                        "Normal",
                        "DeploymentRollback",
                        &format!("Rolled back deployment {name} to revision {old}"),
                        now,
                    );
                }
                i
            }
            None if paused => return,
            None => {
                sets.push(self.new_replicaset(deployment, &hash, max_revision + 1, now));
                sets.len() - 1
            }
        };
        let revision = revision_of(&sets[new_index]);
        if !paused {
            self.roll(&mut sets, new_index, desired, deployment, now);
        }
        for rs in sets {
            self.store.upsert("replicasets", rs);
        }
        if revision_of(deployment) != revision {
            let mut updated = deployment.clone();
            updated["metadata"]["annotations"][REVISION] = json!(revision.to_string());
            self.store.upsert("deployments", updated);
        }
    }

    fn new_replicaset(
        &mut self,
        deployment: &Value,
        hash: &str,
        revision: i64,
        now: Millis,
    ) -> Value {
        let name = deployment["metadata"]["name"].as_str().unwrap_or("");
        let ns = deployment["metadata"]["namespace"].as_str().unwrap_or("");
        let mut template = deployment["spec"]["template"].clone();
        template["metadata"]["labels"][TEMPLATE_HASH] = json!(hash);
        let mut selector = deployment["spec"]["selector"].clone();
        selector["matchLabels"][TEMPLATE_HASH] = json!(hash);
        let mut annotations = json!({
            REVISION: revision.to_string(),
            "deployment.kubernetes.io/desired-replicas": deployment["spec"]["replicas"].as_i64().unwrap_or(1).to_string(),
            "deployment.kubernetes.io/max-replicas": (deployment["spec"]["replicas"].as_i64().unwrap_or(1) + 1).to_string(),
        });
        if let Some(cause) = deployment["metadata"]["annotations"][CHANGE_CAUSE].as_str() {
            annotations[CHANGE_CAUSE] = json!(cause);
        }
        let rs_name = format!("{name}-{hash}");
        self.record_event(
            (
                "Deployment",
                ns,
                name,
                deployment["metadata"]["uid"].as_str().unwrap_or(""),
            ),
            "Normal",
            "ScalingReplicaSet",
            &format!("Scaled up replica set {rs_name} from 0 to 1"),
            now,
        );
        json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": rs_name,
                "namespace": ns,
                "uid": self.rng.uuid(),
                "creationTimestamp": rfc3339(now),
                "labels": template["metadata"]["labels"],
                "annotations": annotations,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": deployment["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}],
            },
            "spec": {"replicas": 0, "selector": selector, "template": template},
            "status": {"replicas": 0, "observedGeneration": 1},
        })
    }

    /// One step of a rolling update with the default 25% surge and 25% unavailability.
    fn roll(
        &mut self,
        sets: &mut [Value],
        new_index: usize,
        desired: i64,
        deployment: &Value,
        now: Millis,
    ) {
        let surge = ((desired as f64) * 0.25).ceil().max(1.0) as i64;
        let max_unavailable = ((desired as f64) * 0.25).floor() as i64;
        let replicas = |rs: &Value| rs["spec"]["replicas"].as_i64().unwrap_or(0);
        let total: i64 = sets.iter().map(replicas).sum();
        let new_replicas = replicas(&sets[new_index]);
        let mut target_new = new_replicas;
        if new_replicas > desired {
            target_new = desired;
        } else if new_replicas < desired && total < desired + surge {
            target_new = new_replicas + (desired - new_replicas).min(desired + surge - total);
        }
        let ready_total: i64 = sets.iter().map(|rs| self.ready_pods_of(rs, now)).sum();
        let mut removable = (ready_total - (desired - max_unavailable)).max(0);
        let old_total: i64 = total - new_replicas;
        // Old pods that are not ready can always go; ready ones only within the budget.
        let new_ready = self.ready_pods_of(&sets[new_index], now);
        if new_ready >= desired {
            removable = old_total;
        }
        let name = deployment["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let ns = deployment["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let uid = deployment["metadata"]["uid"]
            .as_str()
            .unwrap_or("")
            .to_string();
        for (i, rs) in sets.iter_mut().enumerate() {
            let current = replicas(rs);
            let target = if i == new_index {
                target_new
            } else {
                let unready = current - self.ready_pods_of(rs, now);
                let cut = (unready + removable).min(current);
                removable -= (cut - unready).max(0);
                current - cut
            };
            if target != current {
                let rs_name = rs["metadata"]["name"].as_str().unwrap_or("").to_string();
                let verb = if target > current { "up" } else { "down" };
                self.record_event(
                    ("Deployment", &ns, &name, &uid),
                    "Normal",
                    "ScalingReplicaSet",
                    &format!("Scaled {verb} replica set {rs_name} from {current} to {target}"),
                    now,
                );
                rs["spec"]["replicas"] = json!(target);
            }
        }
    }

    fn pods_of(&self, owner_uid: &str) -> impl Iterator<Item = &PodSim> {
        self.pods.values().filter(move |p| p.owner.uid == owner_uid)
    }

    fn ready_pods_of(&self, owner: &Value, now: Millis) -> i64 {
        let uid = owner["metadata"]["uid"].as_str().unwrap_or("");
        self.pods_of(uid).filter(|p| p.ready(now)).count() as i64
    }

    /// Creates or deletes pods so a ReplicaSet or StatefulSet has `spec.replicas` of them.
    fn reconcile_pod_owner(
        &mut self,
        owner: &Value,
        api_version: &'static str,
        kind: &'static str,
        now: Millis,
    ) {
        let uid = owner["metadata"]["uid"].as_str().unwrap_or("").to_string();
        let desired = owner["spec"]["replicas"].as_i64().unwrap_or(1).max(0) as usize;
        let mut live: Vec<(String, String, bool, Millis, String)> = self
            .pods_of(&uid)
            .filter(|p| !p.terminating())
            .map(|p| {
                (
                    p.namespace.clone(),
                    p.name.clone(),
                    p.ready(now),
                    p.created,
                    p.name.clone(),
                )
            })
            .collect();
        if live.len() > desired {
            // Delete unready pods first, then the newest (StatefulSets: highest ordinal).
            live.sort_by(|a, b| a.2.cmp(&b.2).then(b.3.cmp(&a.3)).then(b.4.cmp(&a.4)));
            for (ns, name, ..) in live.iter().take(live.len() - desired) {
                self.delete_pod(ns, name, now);
            }
        } else if live.len() < desired {
            let existing: Vec<String> = self.pods_of(&uid).map(|p| p.name.clone()).collect();
            for _ in live.len()..desired {
                let owner_ref = Owner {
                    api_version,
                    kind,
                    name: owner["metadata"]["name"].as_str().unwrap_or("").to_string(),
                    uid: uid.clone(),
                };
                let name = if kind == "StatefulSet" {
                    (0..)
                        .map(|i| format!("{}-{i}", owner_ref.name))
                        .find(|n| {
                            !existing.contains(n)
                                && !self.pods.contains_key(&(
                                    owner["metadata"]["namespace"]
                                        .as_str()
                                        .unwrap_or("")
                                        .to_string(),
                                    n.clone(),
                                ))
                        })
                        .unwrap_or_default()
                } else {
                    format!("{}-{}", owner_ref.name, self.rng.suffix(5))
                };
                let pod = self.new_pod(owner, owner_ref, name, now);
                self.record_event(
                    ("Pod", &pod.namespace, &pod.name, &pod.uid),
                    "Normal",
                    "Scheduled",
                    &format!(
                        "Successfully assigned {}/{} to a node",
                        pod.namespace, pod.name
                    ),
                    now,
                );
                self.insert_pod(pod, now);
            }
        }
    }

    fn new_pod(&mut self, owner: &Value, owner_ref: Owner, name: String, now: Millis) -> PodSim {
        let template = &owner["spec"]["template"];
        let container = &template["spec"]["containers"][0];
        let image = container["image"].as_str().unwrap_or("").to_string();
        let labels: BTreeMap<String, String> =
            serde_json::from_value(template["metadata"]["labels"].clone()).unwrap_or_default();
        let service = labels.get("app.kubernetes.io/name").cloned();
        let version = crate::sim::world::catalog::version_of(&image).to_string();
        let unschedulable = service
            .as_deref()
            .is_some_and(|s| self.is_full(s, &owner_ref.uid));
        let crash_looping = service
            .as_deref()
            .is_some_and(|s| self.version_crashes(s, &version));
        self.ip_counter += 1;
        PodSim {
            namespace: owner["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            uid: self.rng.uuid(),
            labels,
            annotations: BTreeMap::new(),
            owner: owner_ref,
            service,
            version,
            container: container["name"].as_str().unwrap_or("app").to_string(),
            image,
            port: container["ports"][0]["containerPort"]
                .as_i64()
                .unwrap_or(8080) as i32,
            node: None,
            ip: format!(
                "10.{}.{}.{}",
                100 + self.index,
                1 + self.ip_counter / 250,
                2 + self.ip_counter % 250
            ),
            created: now,
            started: None,
            stage: if unschedulable {
                Stage::Unschedulable
            } else {
                Stage::Scheduling { until: now + 1_000 }
            },
            restarts: 0,
            last_exit: None,
            crash_looping,
            probe_failing: false,
            deleting_since: None,
            grace_ms: 30_000,
            shown_ready: false,
            name,
        }
    }

    pub fn insert_pod(&mut self, pod: PodSim, now: Millis) {
        self.store.upsert("pods", pod.render(now));
        self.pods
            .insert((pod.namespace.clone(), pod.name.clone()), pod);
    }

    pub fn delete_pod(&mut self, namespace: &str, name: &str, now: Millis) {
        if let Some(pod) = self
            .pods
            .get_mut(&(namespace.to_string(), name.to_string()))
            && pod.deleting_since.is_none()
        {
            pod.deleting_since = Some(now);
            let rendered = pod.render(now);
            let (kind_ns, pod_name, uid) =
                (pod.namespace.clone(), pod.name.clone(), pod.uid.clone());
            self.store.upsert("pods", rendered);
            self.record_event(
                ("Pod", &kind_ns, &pod_name, &uid),
                "Normal",
                "Killing",
                &format!(
                    "Stopping container {}",
                    pod_name.rsplitn(3, '-').last().unwrap_or("app")
                ),
                now,
            );
        }
    }

    fn step_pods(&mut self, now: Millis) {
        let mut gone = Vec::new();
        let mut changed = Vec::new();
        let mut crashed = Vec::new();
        for (key, pod) in self.pods.iter_mut() {
            if let Some(since) = pod.deleting_since {
                if now - since >= TERMINATION_MS {
                    gone.push(key.clone());
                }
                continue;
            }
            let restarts = pod.restarts;
            let was_backoff = matches!(pod.stage, Stage::BackOff { .. });
            if pod.step(now, &self.nodes) {
                changed.push(key.clone());
            }
            if !was_backoff && matches!(pod.stage, Stage::BackOff { .. })
                || pod.restarts != restarts
            {
                crashed.push((
                    pod.namespace.clone(),
                    pod.name.clone(),
                    pod.uid.clone(),
                    pod.container.clone(),
                ));
            }
        }
        for key in changed {
            if let Some(pod) = self.pods.get(&key) {
                let rendered = pod.render(now);
                self.store.upsert("pods", rendered);
            }
        }
        for (ns, name, uid, container) in crashed {
            self.record_event(
                ("Pod", &ns, &name, &uid),
                "Warning",
                "BackOff",
                &format!(
                    "Back-off restarting failed container {container} in pod {name}_{ns}({uid})"
                ),
                now,
            );
        }
        for (ns, name) in gone {
            self.pods.remove(&(ns.clone(), name.clone()));
            self.store.delete("pods", &ns, &name);
        }
    }

    fn update_owner_status(&mut self, owner: &Value, now: Millis) {
        let uid = owner["metadata"]["uid"].as_str().unwrap_or("");
        let pods: Vec<&PodSim> = self.pods_of(uid).filter(|p| !p.terminating()).collect();
        let ready = pods.iter().filter(|p| p.ready(now)).count();
        let mut updated = owner.clone();
        let status = &mut updated["status"];
        status["replicas"] = json!(pods.len());
        status["readyReplicas"] = json!(ready);
        status["availableReplicas"] = json!(ready);
        status["observedGeneration"] = owner["metadata"]["generation"].clone();
        if owner["kind"] == "ReplicaSet" {
            status["fullyLabeledReplicas"] = json!(pods.len());
        } else {
            status["currentReplicas"] = json!(pods.len());
            status["updatedReplicas"] = json!(pods.len());
            status["currentRevision"] = json!(format!(
                "{}-{}",
                owner["metadata"]["name"].as_str().unwrap_or(""),
                template_hash(&owner["spec"]["template"])
            ));
            status["updateRevision"] = status["currentRevision"].clone();
            status["collisionCount"] = json!(0);
        }
        strip_zero_counts(status);
        self.store.upsert(
            if owner["kind"] == "ReplicaSet" {
                "replicasets"
            } else {
                "statefulsets"
            },
            updated,
        );
    }

    fn update_deployment_status(&mut self, deployment: &Value, now: Millis) {
        let desired = deployment["spec"]["replicas"].as_i64().unwrap_or(1);
        let hash = template_hash(&deployment["spec"]["template"]);
        let sets = self.replicasets_of(deployment);
        let count = |field: &str, only_new: bool| -> i64 {
            sets.iter()
                .filter(|rs| !only_new || rs["metadata"]["labels"][TEMPLATE_HASH] == hash.as_str())
                .map(|rs| rs["status"][field].as_i64().unwrap_or(0))
                .sum()
        };
        let (replicas, updated, ready, available) = (
            count("replicas", false),
            count("replicas", true),
            count("readyReplicas", false),
            count("availableReplicas", false),
        );
        let mut next = deployment.clone();
        let old_conditions = deployment["status"]["conditions"].clone();
        let complete = updated == desired && replicas == desired && available == desired;
        let progressing_reason = if complete {
            "NewReplicaSetAvailable"
        } else {
            "ReplicaSetUpdated"
        };
        let new_rs = format!(
            "{}-{hash}",
            deployment["metadata"]["name"].as_str().unwrap_or("")
        );
        let available_ok = available >= desired - ((desired as f64) * 0.25).floor() as i64;
        let keep_time = |kind: &str, status: &str| -> Value {
            old_conditions
                .as_array()
                .and_then(|all| {
                    all.iter()
                        .find(|c| c["type"] == kind && c["status"] == status)
                })
                .map_or(Value::Null, |c| c["lastTransitionTime"].clone())
        };
        let stamp = |v: Value| if v.is_null() { json!(rfc3339(now)) } else { v };
        next["status"] = json!({
            "observedGeneration": deployment["metadata"]["generation"],
            "replicas": replicas,
            "updatedReplicas": updated,
            "readyReplicas": ready,
            "availableReplicas": available,
            "unavailableReplicas": (replicas - available).max(0),
            "conditions": [
                {"type": "Available", "status": if available_ok { "True" } else { "False" },
                 "reason": if available_ok { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" },
                 "message": if available_ok { "Deployment has minimum availability.".to_string() } else { "Deployment does not have minimum availability.".to_string() },
                 "lastUpdateTime": stamp(keep_time("Available", if available_ok { "True" } else { "False" })),
                 "lastTransitionTime": stamp(keep_time("Available", if available_ok { "True" } else { "False" }))},
                {"type": "Progressing", "status": "True", "reason": progressing_reason,
                 "message": if complete { format!("ReplicaSet \"{new_rs}\" has successfully progressed.") } else { format!("ReplicaSet \"{new_rs}\" is progressing.") },
                 "lastUpdateTime": stamp(keep_time("Progressing", "True")),
                 "lastTransitionTime": stamp(keep_time("Progressing", "True"))},
            ],
        });
        strip_zero_counts(&mut next["status"]);
        self.store.upsert("deployments", next);
    }
}

/// The API server omits zero counts (omitempty), and kubectl prints them as 0 either way.
fn strip_zero_counts(status: &mut Value) {
    if let Some(map) = status.as_object_mut() {
        map.retain(|key, value| {
            !(value == &json!(0)
                && key != "replicas"
                && key != "observedGeneration"
                && key != "collisionCount")
        });
    }
}
