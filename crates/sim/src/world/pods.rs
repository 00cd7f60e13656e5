//! Simulated pods: their lifecycle (scheduling, start, readiness, crash loops, termination)
//! and their rendering as core/v1 Pod objects.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::clock::{Millis, rfc3339};

/// Who owns a pod, for its ownerReferences.
#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub name: String,
    pub uid: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    /// No node has room; stays Pending with an Unschedulable condition.
    Unschedulable,
    Scheduling {
        until: Millis,
    },
    Creating {
        until: Millis,
    },
    /// Containers run; readiness turns true at `ready_at` if nothing fails it.
    Running {
        ready_at: Millis,
    },
    /// The container runs until `crash_at`, then exits with an error.
    CrashRunning {
        crash_at: Millis,
    },
    /// Back-off between restarts of a crashing container.
    BackOff {
        restart_at: Millis,
    },
}

#[derive(Debug, Clone)]
pub struct PodSim {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub owner: Owner,
    /// The application service this pod serves traffic for.
    pub service: Option<String>,
    pub version: String,
    pub container: String,
    pub image: String,
    pub port: i32,
    pub node: Option<String>,
    pub ip: String,
    pub created: Millis,
    pub started: Option<Millis>,
    pub stage: Stage,
    pub restarts: i32,
    pub last_exit: Option<Millis>,
    pub crash_looping: bool,
    /// The readiness probe fails (for example, its database is down).
    pub probe_failing: bool,
    pub deleting_since: Option<Millis>,
    pub grace_ms: Millis,
    /// Readiness as last rendered, so a pod that turns ready with time alone is re-rendered.
    pub shown_ready: bool,
}

impl PodSim {
    pub fn ready(&self, now: Millis) -> bool {
        self.deleting_since.is_none()
            && !self.probe_failing
            && matches!(self.stage, Stage::Running { ready_at } if ready_at <= now)
    }

    pub fn terminating(&self) -> bool {
        self.deleting_since.is_some()
    }

    /// Moves the pod along its lifecycle. Returns true when its rendered object changed.
    pub fn step(&mut self, now: Millis, nodes: &[String]) -> bool {
        let before = (
            self.stage,
            self.restarts,
            self.node.clone(),
            self.shown_ready,
        );
        self.stage = match self.stage {
            Stage::Scheduling { until } if until <= now && !nodes.is_empty() => {
                self.node = Some(nodes[(fnv(&self.name) % nodes.len() as u64) as usize].clone());
                Stage::Creating { until: now + 2_000 }
            }
            Stage::Creating { until } if until <= now => {
                self.started = Some(now);
                self.start_container(now)
            }
            Stage::CrashRunning { crash_at } if crash_at <= now => {
                self.last_exit = Some(now);
                let backoff = (10_000i64 << self.restarts.clamp(0, 5)).min(300_000);
                Stage::BackOff {
                    restart_at: now + backoff,
                }
            }
            Stage::BackOff { restart_at } if restart_at <= now => {
                self.restarts += 1;
                self.start_container(now)
            }
            other => other,
        };
        self.shown_ready = self.ready(now);
        before
            != (
                self.stage,
                self.restarts,
                self.node.clone(),
                self.shown_ready,
            )
    }

    fn start_container(&self, now: Millis) -> Stage {
        if self.crash_looping {
            Stage::CrashRunning {
                crash_at: now + 6_000,
            }
        } else {
            Stage::Running {
                ready_at: now + 4_000,
            }
        }
    }

    pub fn render(&self, now: Millis) -> Value {
        let ready = self.ready(now);
        let scheduled = self.node.is_some();
        let running = matches!(
            self.stage,
            Stage::Running { .. } | Stage::CrashRunning { .. }
        );
        let phase = if scheduled && !matches!(self.stage, Stage::Creating { .. }) {
            "Running"
        } else {
            "Pending"
        };
        let state = match self.stage {
            Stage::Unschedulable | Stage::Scheduling { .. } => {
                json!({"waiting": {"reason": "ContainerCreating"}})
            }
            Stage::Creating { .. } => json!({"waiting": {"reason": "ContainerCreating"}}),
            Stage::Running { .. } | Stage::CrashRunning { .. } => {
                json!({"running": {"startedAt": rfc3339(self.started.unwrap_or(self.created))}})
            }
            Stage::BackOff { .. } => json!({"waiting": {
                "reason": "CrashLoopBackOff",
                "message": format!("back-off restarting failed container {} in pod {}_{}({})", self.container, self.name, self.namespace, self.uid),
            }}),
        };
        let mut container_status = json!({
            "name": self.container,
            "image": self.image,
            "imageID": format!("{}@sha256:{:064x}", self.image.split(':').next().unwrap_or(""), u128::from(fnv(&self.image))),
            "ready": ready,
            "started": running,
            "restartCount": self.restarts,
            "state": state,
        });
        if let Some(exit) = self.last_exit {
            container_status["lastState"] = json!({"terminated": {
                "exitCode": 1, "reason": "Error",
                "startedAt": rfc3339(exit - 6_000), "finishedAt": rfc3339(exit),
            }});
        }
        let transition = rfc3339(self.started.unwrap_or(self.created));
        let mut conditions = vec![json!({
            "type": "PodScheduled",
            "status": if scheduled { "True" } else { "False" },
            "lastTransitionTime": rfc3339(self.created),
        })];
        if !scheduled && self.stage == Stage::Unschedulable {
            conditions[0]["reason"] = json!("Unschedulable");
            conditions[0]["message"] = json!(
                "0/5 nodes are available: 5 Insufficient memory. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod."
            );
        }
        if scheduled {
            for kind in ["Initialized", "PodReadyToStartContainers"] {
                conditions.push(
                    json!({"type": kind, "status": "True", "lastTransitionTime": transition}),
                );
            }
            let status = if ready { "True" } else { "False" };
            for kind in ["ContainersReady", "Ready"] {
                let mut condition =
                    json!({"type": kind, "status": status, "lastTransitionTime": transition});
                if !ready {
                    condition["reason"] = json!("ContainersNotReady");
                    condition["message"] = json!(format!(
                        "containers with unready status: [{}]",
                        self.container
                    ));
                }
                conditions.push(condition);
            }
        }
        let mut metadata = json!({
            "name": self.name,
            "namespace": self.namespace,
            "uid": self.uid,
            "creationTimestamp": rfc3339(self.created),
            "labels": self.labels,
            "ownerReferences": [{
                "apiVersion": self.owner.api_version, "kind": self.owner.kind, "name": self.owner.name,
                "uid": self.owner.uid, "controller": true, "blockOwnerDeletion": true,
            }],
        });
        if !self.annotations.is_empty() {
            metadata["annotations"] = json!(self.annotations);
        }
        if let Some(since) = self.deleting_since {
            metadata["deletionTimestamp"] = json!(rfc3339(since + self.grace_ms));
            metadata["deletionGracePeriodSeconds"] = json!(self.grace_ms / 1000);
        }
        let mut status = json!({
            "phase": phase,
            "conditions": conditions,
            "qosClass": "Burstable",
        });
        if scheduled {
            status["hostIP"] = json!(host_ip(self.node.as_deref().unwrap_or("")));
            status["podIP"] = json!(self.ip);
            status["podIPs"] = json!([{"ip": self.ip}]);
            status["startTime"] = json!(rfc3339(self.created));
            status["containerStatuses"] = json!([container_status]);
        }
        let mut spec = json!({
            "containers": [{
                "name": self.container,
                "image": self.image,
                "ports": [{"name": "http", "containerPort": self.port, "protocol": "TCP"}],
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": self.port, "scheme": "HTTP"}, "periodSeconds": 5, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent",
            }],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": self.grace_ms / 1000,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "schedulerName": "default-scheduler",
            "priority": 0,
            "enableServiceLinks": true,
        });
        if let Some(node) = &self.node {
            spec["nodeName"] = json!(node);
        }
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status})
    }
}

fn host_ip(node: &str) -> String {
    // ip-10-0-16-40.us-east-1.compute.internal -> 10.0.16.40
    node.strip_prefix("ip-")
        .and_then(|rest| rest.split('.').next())
        .map(|dashed| dashed.replace('-', "."))
        .unwrap_or_default()
}

/// FNV-1a 32, widened: a stable hash for names (Kubernetes uses FNV for pod-template-hash).
pub fn fnv(text: &str) -> u64 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    u64::from(hash)
}

/// Kubernetes' SafeEncodeString alphabet, used for pod-template-hash values.
pub fn safe_encode(mut value: u64) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut out = Vec::new();
    while value > 0 {
        out.push(ALPHABET[(value % ALPHABET.len() as u64) as usize]);
        value /= ALPHABET.len() as u64;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(crash: bool) -> PodSim {
        PodSim {
            namespace: "shop".into(),
            name: "payment-abc-x1".into(),
            uid: "u".into(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            owner: Owner {
                api_version: "apps/v1",
                kind: "ReplicaSet",
                name: "payment-abc".into(),
                uid: "r".into(),
            },
            service: Some("payment".into()),
            version: "v1".into(),
            container: "payment".into(),
            image: "img:v1".into(),
            port: 8080,
            node: None,
            ip: "10.0.0.9".into(),
            created: 0,
            started: None,
            stage: Stage::Scheduling { until: 1_000 },
            restarts: 0,
            last_exit: None,
            crash_looping: crash,
            probe_failing: false,
            deleting_since: None,
            grace_ms: 30_000,
            shown_ready: false,
        }
    }

    #[test]
    fn healthy_pod_becomes_ready() {
        let nodes = vec!["ip-10-0-16-40.us-east-1.compute.internal".to_string()];
        let mut p = pod(false);
        for t in (0..=10_000).step_by(1_000) {
            p.step(t, &nodes);
        }
        assert!(p.ready(10_000));
        let rendered = p.render(10_000);
        assert_eq!(rendered["status"]["phase"], "Running");
        assert_eq!(rendered["status"]["hostIP"], "10.0.16.40");
        assert_eq!(rendered["status"]["containerStatuses"][0]["ready"], true);
    }

    #[test]
    fn crashing_pod_backs_off_and_counts_restarts() {
        let nodes = vec!["n".to_string()];
        let mut p = pod(true);
        let mut saw_backoff = false;
        for t in (0..=120_000).step_by(1_000) {
            p.step(t, &nodes);
            let rendered = p.render(t);
            saw_backoff |= rendered["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                == "CrashLoopBackOff";
            assert!(!p.ready(t));
        }
        assert!(saw_backoff);
        assert!(p.restarts >= 2, "restarts {}", p.restarts);
    }

    #[test]
    fn pod_template_hash_alphabet() {
        assert_eq!(safe_encode(0), "");
        assert_eq!(safe_encode(26), "9");
        assert_eq!(safe_encode(27), "cb");
    }
}
