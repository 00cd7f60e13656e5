//! The Deployment controller the simulated API server runs: rollouts through ReplicaSets
//! (revisions, pod-template-hash, surge and unavailability limits), rollbacks to an earlier
//! revision, and Deployment status. Pod-owning controllers live in `podsets`.

use serde_json::{Value, json};

use super::cluster::ClusterState;
use super::pods::{fnv, safe_encode};
use crate::clock::{Millis, rfc3339};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
pub const TEMPLATE_HASH: &str = "pod-template-hash";

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

/// A canary of the stable Deployment `stable`: `<name>-canary` running `image`, its pods
/// labelled `track: canary` (and still `app.kubernetes.io/name` of the service, so they serve
/// its traffic), `replicas` of them, created at `now`.
pub fn canary_of(
    stable: &Value,
    image: &str,
    version: &str,
    replicas: i64,
    change_cause: Option<&str>,
    uid: &str,
    now: Millis,
) -> Value {
    let name = stable["metadata"]["name"].as_str().unwrap_or("");
    let mut spec = stable["spec"].clone();
    spec["replicas"] = json!(replicas.max(0));
    spec["selector"]["matchLabels"]["track"] = json!("canary");
    let labels = &mut spec["template"]["metadata"]["labels"];
    labels["track"] = json!("canary");
    labels["app.kubernetes.io/version"] = json!(version);
    spec["template"]["spec"]["containers"][0]["image"] = json!(image);
    let mut labels = stable["metadata"]["labels"].clone();
    labels["track"] = json!("canary");
    let mut annotations = json!({});
    if let Some(cause) = change_cause {
        annotations[CHANGE_CAUSE] = json!(cause);
    }
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {
            "name": format!("{name}-canary"),
            "namespace": stable["metadata"]["namespace"],
            "uid": uid,
            "creationTimestamp": rfc3339(now),
            "labels": labels,
            "annotations": annotations,
        },
        "spec": spec,
        "status": {},
    })
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
pub(super) fn strip_zero_counts(status: &mut Value) {
    if let Some(map) = status.as_object_mut() {
        map.retain(|key, value| {
            !(value == &json!(0)
                && key != "replicas"
                && key != "observedGeneration"
                && key != "collisionCount")
        });
    }
}
