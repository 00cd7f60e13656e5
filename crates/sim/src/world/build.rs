//! Builds the fleet as it stands when a scenario starts: namespaces, Deployments with their
//! revision history, running pods of various ages, StatefulSets and the database.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::catalog::{self, APP_NAMESPACE, SERVICES};
use super::cluster::ClusterState;
use super::pods::{Owner, PodSim, Stage};
use super::workloads::{REVISION, TEMPLATE_HASH, template_hash};
use crate::clock::{Millis, rfc3339};

const DAY: Millis = 86_400_000;

/// What a Deployment or StatefulSet is made of when the fleet is built.
struct Workload<'a> {
    namespace: &'a str,
    name: &'a str,
    /// Image repository; versions are its tags.
    image: &'a str,
    replicas: i32,
    port: i32,
    created: Millis,
}

impl ClusterState {
    pub fn build(&mut self, start: Millis) {
        let cluster_created = start - 212 * DAY;
        for ns in [
            "default",
            "kube-system",
            "monitoring",
            catalog::DB_NAMESPACE,
            APP_NAMESPACE,
        ] {
            let uid = self.rng.uuid();
            self.store.upsert("namespaces", json!({
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": ns, "uid": uid, "creationTimestamp": rfc3339(cluster_created), "labels": {"kubernetes.io/metadata.name": ns}},
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"},
            }));
        }
        let coredns = Workload {
            namespace: "kube-system",
            name: "coredns",
            image: "registry.k8s.io/coredns/coredns",
            replicas: 2,
            port: 53,
            created: cluster_created,
        };
        self.add_deployment(&coredns, &["v1.11.1"], start);
        for (i, service) in SERVICES.iter().enumerate() {
            let mut replicas = self.replicas_for(service.replicas);
            if self.spec.name == "ap-southeast-1" && service.name == "analytics" {
                // The region is short of memory: one analytics pod stays Pending.
                self.room
                    .insert(service.name.to_string(), replicas as usize);
                replicas += 1;
            }
            let age = (3 + i as Millis * 5 + self.index as Millis) * DAY / 3;
            let image = format!("registry.example.com/shop/{}", service.name);
            let workload = Workload {
                namespace: APP_NAMESPACE,
                name: service.name,
                image: &image,
                replicas,
                port: service.port,
                created: start - age,
            };
            self.add_deployment(&workload, service.versions, start);
        }
        if self.spec.name == "eu-west-1" {
            // A bad node: one notification pod keeps crashing on it.
            if let Some(pod) = self
                .pods
                .values_mut()
                .find(|p| p.service.as_deref() == Some("notification"))
            {
                pod.crash_looping = true;
                pod.restarts = 14;
                pod.stage = Stage::BackOff {
                    restart_at: start + 40_000,
                };
                pod.last_exit = Some(start - 260_000);
            }
        }
        for (name, image, replicas, port) in [
            (
                "prometheus-k8s",
                "quay.io/prometheus/prometheus:v2.53.0",
                2,
                9090,
            ),
            (
                "alertmanager-main",
                "quay.io/prometheus/alertmanager:v0.27.0",
                2,
                9093,
            ),
        ] {
            let workload = Workload {
                namespace: "monitoring",
                name,
                image,
                replicas,
                port,
                created: cluster_created + 30 * DAY,
            };
            self.add_statefulset(&workload, start);
        }
        self.build_database(start);
        for (i, service) in [
            crate::kube::service_proxy::PROMETHEUS,
            crate::kube::service_proxy::ALERTMANAGER,
        ]
        .into_iter()
        .enumerate()
        {
            let ip = format!("10.96.{}.{}", 100 + self.index, 10 + i);
            let object = crate::kube::service_proxy::service_object(
                service,
                &ip,
                cluster_created + 30 * DAY,
            );
            self.store.upsert("services", object);
        }
        let now = start;
        let keys: Vec<_> = self.pods.keys().cloned().collect();
        for key in keys {
            if let Some(pod) = self.pods.get(&key) {
                let rendered = pod.render(now);
                self.store.upsert("pods", rendered);
            }
        }
        if crate::kube::pyrra::installed(self.spec.name) {
            for object in crate::kube::pyrra::objects(&rfc3339(cluster_created)) {
                self.store.upsert(crate::kube::pyrra::PLURAL, object);
            }
        }
    }

    /// Regions run replicas in proportion to the traffic they normally serve.
    fn replicas_for(&self, primary_region_replicas: i32) -> i32 {
        ((f64::from(primary_region_replicas) * self.spec.traffic_weight).ceil() as i32).max(2)
    }

    fn template(name: &str, image: &str, version: &str, port: i32) -> Value {
        json!({
            "metadata": {"labels": {"app.kubernetes.io/name": name, "app.kubernetes.io/version": version}},
            "spec": {
                "containers": [{
                    "name": name,
                    "image": format!("{image}:{version}"),
                    "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
                    "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                }],
            },
        })
    }

    /// A Deployment whose ReplicaSets are its revisions, one per version, the last running.
    fn add_deployment(&mut self, workload: &Workload, versions: &[&str], start: Millis) {
        let Workload {
            namespace: ns,
            name,
            image,
            replicas,
            port,
            created,
        } = *workload;
        let uid = self.rng.uuid();
        let selector = json!({"matchLabels": {"app.kubernetes.io/name": name}});
        let Some(current) = versions.last() else {
            return;
        };
        let template = Self::template(name, image, current, port);
        let revisions = versions.len() as Millis;
        let deployment = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {
                "name": name, "namespace": ns, "uid": uid, "creationTimestamp": rfc3339(created),
                "labels": {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": ns},
                "annotations": {REVISION: versions.len().to_string()},
            },
            "spec": {
                "replicas": replicas, "selector": selector, "template": template,
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
            },
            "status": {},
        });
        for (i, version) in versions.iter().enumerate() {
            let mut template = Self::template(name, image, version, port);
            let hash = template_hash(&template);
            template["metadata"]["labels"][TEMPLATE_HASH] = json!(hash);
            let mut rs_selector = selector.clone();
            rs_selector["matchLabels"][TEMPLATE_HASH] = json!(hash);
            let is_current = i + 1 == versions.len();
            let rs_created = created + (start - created) * (i as Millis) / revisions;
            let rs_name = format!("{name}-{hash}");
            let rs_uid = self.rng.uuid();
            let rs = json!({
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {
                    "name": rs_name, "namespace": ns, "uid": rs_uid, "creationTimestamp": rfc3339(rs_created),
                    "labels": template["metadata"]["labels"],
                    "annotations": {REVISION: (i + 1).to_string(), "deployment.kubernetes.io/desired-replicas": replicas.to_string(), "deployment.kubernetes.io/max-replicas": (replicas + 1).to_string()},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": uid, "controller": true, "blockOwnerDeletion": true}],
                },
                "spec": {"replicas": if is_current { replicas } else { 0 }, "selector": rs_selector, "template": template},
                "status": {"replicas": 0, "observedGeneration": 1},
            });
            if is_current {
                let owner = Owner {
                    api_version: "apps/v1",
                    kind: "ReplicaSet",
                    name: rs_name.clone(),
                    uid: rs_uid,
                };
                for _ in 0..replicas {
                    let pod_name = format!("{rs_name}-{}", self.rng.suffix(5));
                    self.place_running_pod(&rs, owner.clone(), pod_name, rs_created, start);
                }
            }
            self.store.upsert("replicasets", rs);
        }
        self.store.upsert("deployments", deployment);
    }

    fn add_statefulset(&mut self, workload: &Workload, start: Millis) {
        let Workload {
            namespace: ns,
            name,
            image,
            replicas,
            port,
            created,
        } = *workload;
        let (repo, version) = image.rsplit_once(':').unwrap_or((image, "latest"));
        let mut template = Self::template(name, repo, version, port);
        template["metadata"]["labels"]["app.kubernetes.io/name"] = json!(name);
        let uid = self.rng.uuid();
        let sts = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": ns, "uid": uid, "creationTimestamp": rfc3339(created), "labels": {"app.kubernetes.io/name": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app.kubernetes.io/name": name}}, "serviceName": name, "template": template, "podManagementPolicy": "Parallel", "updateStrategy": {"type": "RollingUpdate"}},
            "status": {"replicas": 0},
        });
        let owner = Owner {
            api_version: "apps/v1",
            kind: "StatefulSet",
            name: name.to_string(),
            uid,
        };
        for i in 0..replicas {
            self.place_running_pod(&sts, owner.clone(), format!("{name}-{i}"), created, start);
        }
        self.store.upsert("statefulsets", sts);
    }

    /// A pod that has been running since some time between `created` and `start`.
    pub(super) fn place_running_pod(
        &mut self,
        owner_object: &Value,
        owner: Owner,
        name: String,
        created: Millis,
        start: Millis,
    ) {
        let template = &owner_object["spec"]["template"];
        let container = &template["spec"]["containers"][0];
        let labels: BTreeMap<String, String> =
            serde_json::from_value(template["metadata"]["labels"].clone()).unwrap_or_default();
        let image = container["image"].as_str().unwrap_or("").to_string();
        let span = (start - created).max(60_000) as u64;
        let pod_created = start - 60_000 - self.rng.below(span) as Millis;
        let service = labels
            .get("app.kubernetes.io/name")
            .filter(|n| catalog::service(n).is_some())
            .cloned();
        let unschedulable = service
            .as_deref()
            .is_some_and(|s| self.is_full(s, &owner.uid));
        self.ip_counter += 1;
        let node_index = self.rng.below(self.nodes.len() as u64) as usize;
        let restarts = if self.rng.unit() < 0.15 {
            1 + self.rng.below(2) as i32
        } else {
            0
        };
        let pod = PodSim {
            namespace: owner_object["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            name,
            uid: self.rng.uuid(),
            version: catalog::version_of(&image).to_string(),
            service,
            labels,
            annotations: BTreeMap::new(),
            owner,
            container: container["name"].as_str().unwrap_or("app").to_string(),
            image,
            port: container["ports"][0]["containerPort"]
                .as_i64()
                .unwrap_or(8080) as i32,
            node: (!unschedulable).then(|| self.nodes[node_index].clone()),
            ip: format!(
                "10.{}.{}.{}",
                100 + self.index,
                1 + self.ip_counter / 250,
                2 + self.ip_counter % 250
            ),
            created: pod_created,
            started: Some(pod_created + 3_000),
            stage: if unschedulable {
                Stage::Unschedulable
            } else {
                Stage::Running {
                    ready_at: pod_created + 8_000,
                }
            },
            restarts,
            last_exit: (restarts > 0).then_some((pod_created + 3_600_000).min(start - 30_000)),
            crash_looping: false,
            probe_failing: false,
            deleting_since: None,
            grace_ms: 30_000,
            shown_ready: false,
        };
        self.pods
            .insert((pod.namespace.clone(), pod.name.clone()), pod);
    }
}
