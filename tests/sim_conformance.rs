//! The simulator against a real API server (a control plane built by scripts/k8s-build):
//! both serve the same fleet, read back with the same kubectl. The fixture fleet of
//! fixtures/k8s is written from the simulator's catalog; this keeps the two from drifting.

mod common;

use std::collections::BTreeMap;

use common::k8s::{ControlPlane, get_json};
use serde_json::{Value, json};
use tokio::task::block_in_place;

/// What watchdeck and kubectl read of a Deployment, a StatefulSet or a ReplicaSet.
fn workload(object: &Value) -> Value {
    let containers: Vec<Value> = object["spec"]["template"]["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| {
            json!({"name": c["name"], "image": c["image"], "ports": c["ports"],
                   "resources": c["resources"]})
        })
        .collect();
    let mut template_labels = object["spec"]["template"]["metadata"]["labels"].clone();
    if let Some(labels) = template_labels.as_object_mut() {
        // Set by the controllers, different on every server.
        labels.remove("pod-template-hash");
        labels.remove("controller-revision-hash");
    }
    json!({
        "replicas": object["spec"]["replicas"],
        "selector": object["spec"]["selector"],
        "template_labels": template_labels,
        "containers": containers,
    })
}

/// name -> reduced object, for every item of `kubectl get ARGS -o json`.
fn by_name(list: &Value, reduce: fn(&Value) -> Value) -> BTreeMap<String, Value> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            (
                format!(
                    "{}/{}",
                    item["metadata"]["namespace"].as_str().unwrap_or_default(),
                    item["metadata"]["name"].as_str().unwrap_or_default()
                ),
                reduce(item),
            )
        })
        .collect()
}

/// Deployment name -> (revision -> image), from its ReplicaSets.
fn revisions(list: &Value) -> BTreeMap<String, BTreeMap<u32, String>> {
    let mut out: BTreeMap<String, BTreeMap<u32, String>> = BTreeMap::new();
    for rs in list["items"].as_array().expect("items") {
        let Some(owner) = rs["metadata"]["ownerReferences"][0]["name"].as_str() else {
            continue;
        };
        let revision = rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
            .as_str()
            .and_then(|r| r.parse().ok())
            .expect("every ReplicaSet of a Deployment has a revision");
        let image = rs["spec"]["template"]["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        out.entry(owner.to_string())
            .or_default()
            .insert(revision, image);
    }
    out
}

/// Panics with only the entries that differ, simulator first.
fn same(what: &str, sim: BTreeMap<String, Value>, real: BTreeMap<String, Value>) {
    let keys: std::collections::BTreeSet<&String> = sim.keys().chain(real.keys()).collect();
    let differ: Vec<String> = keys
        .into_iter()
        .filter(|k| sim.get(*k) != real.get(*k))
        .map(|k| {
            format!(
                "{k}:\n  simulator: {}\n  real:      {}",
                json!(sim.get(k)),
                json!(real.get(k))
            )
        })
        .collect();
    assert!(differ.is_empty(), "{what} differ:\n{}", differ.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_and_a_real_api_server_serve_the_same_fleet() {
    let sim = common::start("steady", common::options(3, common::FIXED_START), None).await;
    let plane = block_in_place(|| ControlPlane::start(&["us-east-1"], &[]));
    let cluster = "us-east-1";
    let both = |args: &[&str]| -> (Value, Value) {
        block_in_place(|| {
            (
                get_json(&sim.kubeconfig, cluster, args),
                get_json(&plane.kubeconfig, cluster, args),
            )
        })
    };

    let (sim_ns, real_ns) = both(&["namespaces"]);
    let names = |list: &Value| -> Vec<String> {
        let mut names: Vec<String> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|n| n["metadata"]["name"].as_str().map(str::to_string))
            .filter(|n| !n.starts_with("kube-") || n == "kube-system")
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(&sim_ns), names(&real_ns), "namespaces");

    for kind in ["deployments", "statefulsets"] {
        let (sim_list, real_list) = both(&[kind, "-A"]);
        same(
            kind,
            by_name(&sim_list, workload),
            by_name(&real_list, workload),
        );
    }

    let (sim_rs, real_rs) = both(&["replicasets", "-n", "shop"]);
    assert_eq!(
        revisions(&sim_rs),
        revisions(&real_rs),
        "each Deployment's revisions and their images"
    );

    let cnpg = |object: &Value| {
        json!({"instances": object["spec"]["instances"], "image": object["spec"]["imageName"],
               "primary": object["status"]["currentPrimary"],
               "ready": object["status"]["readyInstances"], "phase": object["status"]["phase"]})
    };
    let (sim_db, real_db) = both(&["clusters.postgresql.cnpg.io", "-A"]);
    assert_eq!(
        by_name(&sim_db, cnpg),
        by_name(&real_db, cnpg),
        "CNPG clusters"
    );

    let pyrra =
        |object: &Value| json!({"labels": object["metadata"]["labels"], "spec": object["spec"]});
    let (sim_slo, real_slo) = both(&["servicelevelobjectives.pyrra.dev", "-A"]);
    assert_eq!(
        by_name(&sim_slo, pyrra),
        by_name(&real_slo, pyrra),
        "Pyrra SLOs"
    );

    let pods = |list: &Value| -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for pod in list["items"].as_array().expect("items") {
            *counts
                .entry(
                    pod["metadata"]["namespace"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
                .or_default() += 1;
        }
        counts
    };
    let (sim_pods, real_pods) = both(&["pods", "-A"]);
    assert_eq!(pods(&sim_pods), pods(&real_pods), "pods per namespace");
}
