//! ReplicaSets and StatefulSets keep their pod counts: pods are created (scheduled, or left
//! Pending when the cluster is full), stepped through their lifecycle, deleted unready-first
//! and removed once their termination is over; owners report their pods in status.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::cluster::ClusterState;
use super::pods::{Owner, PodSim, Stage};
use super::workloads::{strip_zero_counts, template_hash};
use crate::clock::Millis;

/// How long a deleted pod shows as Terminating before it is gone.
const TERMINATION_MS: Millis = 6_000;

impl ClusterState {
    pub(super) fn pods_of(&self, owner_uid: &str) -> impl Iterator<Item = &PodSim> {
        self.pods.values().filter(move |p| p.owner.uid == owner_uid)
    }

    pub(super) fn ready_pods_of(&self, owner: &Value, now: Millis) -> i64 {
        let uid = owner["metadata"]["uid"].as_str().unwrap_or("");
        self.pods_of(uid).filter(|p| p.ready(now)).count() as i64
    }

    /// Creates or deletes pods so a ReplicaSet or StatefulSet has `spec.replicas` of them.
    pub(super) fn reconcile_pod_owner(
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
        let version = crate::world::catalog::version_of(&image).to_string();
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

    /// Removes a pod at once, without its grace period (a deletion with
    /// `gracePeriodSeconds=0`); its controller replaces it on the next step.
    pub fn remove_pod(&mut self, namespace: &str, name: &str) {
        self.pods.remove(&(namespace.to_string(), name.to_string()));
        self.store.delete("pods", namespace, name);
    }

    pub(super) fn step_pods(&mut self, now: Millis) {
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
            self.remove_pod(&ns, &name);
        }
    }

    pub(super) fn update_owner_status(&mut self, owner: &Value, now: Millis) {
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
}
