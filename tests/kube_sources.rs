//! The console's Kubernetes sources against the simulator: pods, deployments, replicasets,
//! statefulsets, events and CNPG clusters arrive for all three clusters through `update`,
//! and a pod's own /metrics read through the API server's pod proxy (by the executor)
//! comes back parsed.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use kube::config::Kubeconfig;
use tokio::sync::mpsc;
use watchdeck_core::effect::IoRequest;
use watchdeck_core::event::{Msg, Payload};
use watchdeck_core::model::Model;
use watchdeck_core::model::kube::KubeResource;
use watchdeck_core::model::workload::WorkloadKind;
use watchdeck_core::update::update;
use watchdeck_io::executor::Executor;
use watchdeck_io::sources::kube::watch_cluster;
use watchdeck_io::sources::target::ClusterTarget;

const CLUSTERS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-1"];

/// A steady fleet where every cluster records a warning event (with hostile text) about a
/// payment pod.
const SCENARIO: &str = r#"
name = "events-everywhere"
description = "one event per cluster"

[[events]]
at = "0s"
action = "record-event"
cluster = "us-east-1"
service = "payment"
reason = "Hostile"
message = "\u001b[2J\u001b]0;pwned\u0007 \r overwritten \u202e bidi"

[[events]]
at = "0s"
action = "record-event"
cluster = "eu-west-1"
service = "payment"
reason = "BackOff"
message = "Back-off restarting failed container"

[[events]]
at = "0s"
action = "record-event"
cluster = "ap-southeast-1"
service = "payment"
reason = "BackOff"
message = "Back-off restarting failed container"
"#;

fn targets(sim: &common::Sim) -> Vec<ClusterTarget> {
    let kubeconfig = Kubeconfig::read_from(&sim.kubeconfig).expect("kubeconfig parses");
    CLUSTERS
        .iter()
        .map(|name| ClusterTarget {
            read_only: false,
            production: false,
            name: name.to_string(),
            labels: BTreeMap::new(),
            kubeconfig: kubeconfig.clone(),
            context: name.to_string(),
            namespaces: Vec::new(),
            alertmanagers: Vec::new(),
            alert_filter: Vec::new(),
            prometheus: None,
        })
        .collect()
}

fn complete(model: &Model) -> bool {
    model.clusters.iter().all(|c| {
        let kinds = |kind| c.kube.workloads.keys().any(|k| k.kind == kind);
        !c.pods.is_empty()
            && kinds(WorkloadKind::Deployment)
            && kinds(WorkloadKind::ReplicaSet)
            && kinds(WorkloadKind::StatefulSet)
            && !c.kube.events.is_empty()
            && !c.kube.databases.is_empty()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_resource_arrives_for_three_clusters_and_pod_metrics_through_the_proxy() {
    let sim = common::start(SCENARIO, common::options(5, common::FIXED_START), None).await;
    let targets = targets(&sim);
    let labels = BTreeMap::new();
    let mut model = Model::new(CLUSTERS.iter().map(|name| (*name, &labels)));
    let (tx, mut rx) = mpsc::channel(1024);
    let watchers: Vec<_> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            tokio::spawn(watch_cluster(
                i,
                t.kubeconfig.clone(),
                t.context.clone(),
                Vec::new(),
                tx.clone(),
            ))
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !complete(&model) {
        let Ok(event) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            let state: Vec<String> = model
                .clusters
                .iter()
                .map(|c| {
                    format!(
                        "{}: {} pods, {} workloads, {} events, {} databases, health {:?}",
                        c.name,
                        c.pods.len(),
                        c.kube.workloads.len(),
                        c.kube.events.len(),
                        c.kube.databases.len(),
                        c.kube.health
                    )
                })
                .collect();
            panic!("not every resource within 60 s: {state:#?}");
        };
        let event = event.expect("channel open");
        if let Payload::Failed { reason, .. } = &event.payload {
            panic!("cluster {} failed: {reason}", event.cluster);
        }
        update(&mut model, Msg::Data(event));
    }
    for cluster in &model.clusters {
        let kube = &cluster.kube;
        for resource in [
            KubeResource::Deployments,
            KubeResource::ReplicaSets,
            KubeResource::StatefulSets,
            KubeResource::Events,
            KubeResource::CnpgClusters,
        ] {
            assert!(
                kube.health(resource).is_ok(),
                "{}: {resource:?} {:?}",
                cluster.name,
                kube.health(resource)
            );
        }
        let payment = kube
            .workloads
            .values()
            .find(|w| w.key.kind == WorkloadKind::Deployment && w.key.name.as_str() == "payment")
            .expect("payment deployment");
        assert!(
            payment.desired > 0 && !payment.revision.is_empty(),
            "{payment:?}"
        );
        let db = kube.databases.values().next().expect("orders-db");
        assert_eq!(db.key.name.as_str(), "orders-db");
        assert!(db.primary.as_str().starts_with("orders-db-"), "{db:?}");
        assert_eq!(db.replica, cluster.name.as_str() != "us-east-1", "{db:?}");
        // Pods carry what the describe panel needs.
        let pod = cluster
            .pods
            .values()
            .find(|p| p.key.name.as_str().starts_with("payment-") && p.status.as_str() == "Running")
            .expect("a running payment pod");
        assert!(
            pod.detail.owner.is_some() && !pod.detail.conditions.is_empty(),
            "{pod:?}"
        );
        assert!(pod.detail.metrics_port.is_some(), "{pod:?}");
    }
    // The hostile event message arrived inert.
    let hostile = model.clusters[0]
        .kube
        .events
        .values()
        .find(|e| e.reason.as_str() == "Hostile")
        .expect("the planted event");
    assert_eq!(hostile.key.object.kind.as_str(), "Pod");
    assert_eq!(
        hostile.message.as_str(),
        "␛[2J␛]0;pwned␇ ␍ overwritten \\u{202e} bidi"
    );
    // The pods counts feed the bands.
    assert!(model.clusters.iter().all(|c| c.summary().pods_total > 0));

    // The metrics panel's read, through the executor and the pod proxy.
    let pod = model.clusters[1]
        .pods
        .values()
        .find(|p| p.key.name.as_str().starts_with("payment-") && p.ready == p.total && p.total > 0)
        .expect("a ready payment pod")
        .clone();
    let (result_tx, mut results) = mpsc::channel(4);
    let mut executor = Executor::new(targets, result_tx);
    executor.run(
        1,
        IoRequest::PodMetrics {
            namespace: pod.key.namespace.to_string(),
            pod: pod.key.name.to_string(),
            port: pod.detail.metrics_port,
        },
    );
    let event = tokio::time::timeout(Duration::from_secs(30), results.recv())
        .await
        .expect("an answer within 30 s")
        .expect("channel open");
    assert_eq!(event.cluster, 1);
    let Payload::PodMetrics(result) = event.payload else {
        panic!("{:?}", event.payload)
    };
    let samples = result.samples.expect("samples");
    let requests: Vec<_> = samples
        .iter()
        .filter(|s| s.name.as_str() == "http_requests_total")
        .collect();
    assert!(!requests.is_empty(), "{samples:?}");
    assert!(requests.iter().all(|s| {
        s.labels
            .iter()
            .any(|(k, v)| k.as_str() == "pod" && v == &pod.key.name)
    }));
    assert!(
        requests
            .iter()
            .all(|s| s.value.as_str().parse::<f64>().is_ok())
    );
    for watcher in watchers {
        watcher.abort();
    }
}

/// The simulator's shop-dev identity (context `NAME-shop`, a Role in `shop`) may not list
/// pods cluster-wide: the console watches `shop` only and says so, as against a real API
/// server (tests/real_k8s.rs); a configured `namespaces` list wins over the context.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shop_only_identity_is_watched_in_its_namespace_on_the_simulator() {
    use watchdeck_core::model::kube::KubeScope;
    let sim = common::start(SCENARIO, common::options(5, common::FIXED_START), None).await;
    let kubeconfig = Kubeconfig::read_from(&sim.kubeconfig).expect("kubeconfig parses");
    let labels = BTreeMap::new();
    let mut model = Model::new(["us-east-1", "eu-west-1"].map(|n| (n, &labels)).into_iter());
    let (tx, mut rx) = mpsc::channel(1024);
    let shop = tokio::spawn(watch_cluster(
        0,
        kubeconfig.clone(),
        "us-east-1-shop".to_string(),
        Vec::new(),
        tx.clone(),
    ));
    // Admin with an explicit list: only those namespaces, "configured".
    let configured = tokio::spawn(watch_cluster(
        1,
        kubeconfig,
        "eu-west-1".to_string(),
        vec!["database".to_string()],
        tx,
    ));
    let ready = |m: &Model| {
        m.clusters.iter().all(|c| {
            !c.pods.is_empty()
                && c.kube.health(KubeResource::Deployments).is_ok()
                && c.health(watchdeck_core::model::health::SourceKind::Pods)
                    .is_ok()
        }) && m.clusters[0]
            .kube
            .health(KubeResource::CnpgClusters)
            .reason()
            .is_some()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !ready(&model) {
        let Ok(Some(event)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            panic!(
                "not within 60 s: {:#?}",
                model
                    .clusters
                    .iter()
                    .map(|c| (
                        c.name.to_string(),
                        c.pods.len(),
                        c.kube.scope.clone(),
                        c.kube.health.clone()
                    ))
                    .collect::<Vec<_>>()
            );
        };
        update(&mut model, Msg::Data(event));
    }
    let (us, eu) = (&model.clusters[0], &model.clusters[1]);
    assert_eq!(
        us.kube.scope.describe(),
        "namespace shop only (forbidden at cluster scope: list pods)"
    );
    assert!(us.pods.keys().all(|k| k.namespace.as_str() == "shop"));
    assert!(
        us.kube
            .workloads
            .keys()
            .any(|k| k.name.as_str() == "payment")
    );
    assert_eq!(
        us.kube
            .health(KubeResource::CnpgClusters)
            .reason()
            .map(|r| r.to_string()),
        Some("forbidden: list clusters.postgresql.cnpg.io in namespace shop".to_string()),
        "the Role does not cover CNPG: forbidden, not empty"
    );
    assert_eq!(
        eu.kube.scope,
        KubeScope::Namespaces {
            names: vec![watchdeck_core::text::Text::new("database")],
            reason: watchdeck_core::text::Text::new("configured"),
        }
    );
    assert!(
        eu.pods.keys().all(|k| k.namespace.as_str() == "database")
            && eu
                .pods
                .keys()
                .any(|k| k.name.as_str().starts_with("orders-db")),
        "{:?}",
        eu.pods.keys().collect::<Vec<_>>()
    );
    shop.abort();
    configured.abort();
}
