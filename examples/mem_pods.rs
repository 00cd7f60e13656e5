//! Resident memory of the console's model with 3 clusters x 10,000 pods watched: each pod
//! arrives as a full API object (JSON with managedFields, spec, status), is reduced by the
//! watcher's reducer to its row, and the rows go through `update` as initial lists. Prints
//! the resident set size (from /proc/self/statm) before and after.
//!
//! `cargo run --release --example mem_pods`

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use serde_json::json;
use watchdeck_core::event::{DataEvent, Msg, Payload, PodsChange};
use watchdeck_core::model::Model;
use watchdeck_core::update::update;
use watchdeck_io::sources::kube::pod_row;

const CLUSTERS: usize = 3;
const PODS: usize = 10_000;

fn resident_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

fn api_object(cluster: usize, i: usize) -> Pod {
    let name = format!("svc-{}-7d9f8c5b4-{:05}", i % 97, i);
    let value = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "namespace": format!("team-{:02}", i % 40),
            "uid": format!("{cluster:02}-{i:032}"), "resourceVersion": i.to_string(),
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"app": format!("svc-{}", i % 97), "pod-template-hash": "7d9f8c5b4"},
            "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                 "name": format!("svc-{}-7d9f8c5b4", i % 97), "uid": "x", "controller": true}],
            "managedFields": [{"manager": "kubelet", "operation": "Update", "apiVersion": "v1",
                               "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:conditions": {}, "f:containerStatuses": {}}}}]
        },
        "spec": {"nodeName": format!("ip-10-0-{}-{}.compute.internal", i % 5, i % 250),
                 "containers": [{"name": "app", "image": "registry.example.com/app:1.4.2",
                                 "ports": [{"containerPort": 8080}],
                                 "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}}]},
        "status": {"phase": "Running", "podIP": format!("10.1.{}.{}", i / 250 % 250, i % 250),
                   "conditions": [
                       {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"},
                       {"type": "Initialized", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"},
                       {"type": "ContainersReady", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"},
                       {"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
                   "containerStatuses": [{"name": "app", "ready": true, "restartCount": i % 3, "image": "app:1.4.2",
                                          "imageID": "sha256:abc", "started": true,
                                          "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}]}
    });
    serde_json::from_value(value).expect("pod object")
}

fn main() {
    let labels = BTreeMap::new();
    let names = ["us-east-1", "eu-west-1", "ap-southeast-1"];
    let mut model = Model::new(names.iter().map(|n| (*n, &labels)));
    let before = resident_mb();
    for cluster in 0..CLUSTERS {
        // As the watcher does: every object is reduced at once, only rows are buffered.
        let rows: Vec<_> = (0..PODS)
            .filter_map(|i| pod_row(&api_object(cluster, i)))
            .collect();
        update(
            &mut model,
            Msg::Data(DataEvent {
                cluster,
                at: jiff::Timestamp::now(),
                payload: Payload::Pods(PodsChange::Reset(rows)),
            }),
        );
    }
    let after = resident_mb();
    println!(
        "pods watched: {} ({} clusters x {PODS})",
        model.pod_count(),
        CLUSTERS
    );
    println!("resident before: {before:.1} MB");
    println!("resident after:  {after:.1} MB");
    println!(
        "model: {:.1} MB ({:.0} bytes per pod)",
        after - before,
        (after - before) * 1024.0 * 1024.0 / (CLUSTERS * PODS) as f64
    );
}
