//! kube-rs against the simulator: list and watch pods in every cluster, patch scale with a
//! resourceVersion precondition, and see the change arrive through the watch.

mod common;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::runtime::watcher::{self, Event};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_and_watches_pods_in_every_cluster() {
    watchdeck_io::install_tls_provider();
    let sim = common::start("steady", common::options(3, common::FIXED_START), None).await;
    for cluster in ["us-east-1", "eu-west-1", "ap-southeast-1"] {
        let client = sim.kube_client(cluster).await;
        let pods: Api<Pod> = Api::all(client.clone());
        let list = pods.list(&ListParams::default()).await.expect("list pods");
        let names: Vec<String> = list
            .items
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("payment-")),
            "{cluster}: {names:?}"
        );
        assert!(
            names.iter().any(|n| n == "orders-db-1"),
            "{cluster}: {names:?}"
        );
        let with_label: Api<Pod> = Api::namespaced(client.clone(), "shop");
        let payment = with_label
            .list(&ListParams::default().labels("app.kubernetes.io/name=payment"))
            .await
            .expect("list by label");
        assert!(
            !payment.items.is_empty()
                && payment.items.iter().all(|p| p
                    .metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("app.kubernetes.io/name"))
                    .map(String::as_str)
                    == Some("payment"))
        );

        // The watcher's initial list arrives as Init/InitApply/InitDone.
        let mut stream = watcher::watcher(pods, watcher::Config::default()).boxed();
        let mut seen = 0;
        while let Ok(Some(event)) = tokio::time::timeout(Duration::from_secs(10), stream.try_next())
            .await
            .expect("watch does not hang")
        {
            match event {
                Event::InitApply(_) => seen += 1,
                Event::InitDone => break,
                _ => {}
            }
        }
        assert_eq!(
            seen,
            names.len(),
            "{cluster}: the watch's initial list matches the list"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_with_precondition_shows_in_the_watch() {
    watchdeck_io::install_tls_provider();
    let sim = common::start("steady", common::options(5, common::FIXED_START), None).await;
    let client = sim.kube_client("eu-west-1").await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "shop");
    let mut watch = watcher::watcher(
        deployments.clone(),
        watcher::Config::default().fields("metadata.name=payment"),
    )
    .boxed();
    // Drain the initial list.
    loop {
        match tokio::time::timeout(Duration::from_secs(10), watch.try_next())
            .await
            .expect("no hang")
            .expect("watch ok")
        {
            Some(Event::InitDone) => break,
            Some(_) => {}
            None => panic!("watch ended early"),
        }
    }
    let scale = deployments.get_scale("payment").await.expect("get scale");
    assert_eq!(scale.spec.as_ref().and_then(|s| s.replicas), Some(2));
    let rv = scale
        .metadata
        .resource_version
        .clone()
        .expect("scale has a resourceVersion");

    // A stale precondition is refused with 409 Conflict.
    let stale = json!({"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 5}});
    let error = deployments
        .patch_scale("payment", &PatchParams::default(), &Patch::Merge(&stale))
        .await
        .expect_err("stale resourceVersion must conflict");
    match error {
        kube::Error::Api(status) => assert_eq!(status.code, 409, "{status:?}"),
        other => panic!("expected a 409, got {other:?}"),
    }

    let patch = json!({"metadata": {"resourceVersion": rv}, "spec": {"replicas": 5}});
    let scaled = deployments
        .patch_scale("payment", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .expect("patch scale");
    assert_eq!(scaled.spec.and_then(|s| s.replicas), Some(5));
    sim.advance(20_000).await;

    let mut replicas_seen = Vec::new();
    while let Ok(Some(Some(event))) = tokio::time::timeout(Duration::from_secs(5), watch.try_next())
        .await
        .map(Result::ok)
    {
        if let Event::Apply(deployment) = event {
            let spec = deployment.spec.as_ref().and_then(|s| s.replicas);
            let ready = deployment.status.as_ref().and_then(|s| s.ready_replicas);
            replicas_seen.push((spec, ready));
            if ready == Some(5) {
                break;
            }
        }
    }
    assert_eq!(
        replicas_seen.first().map(|r| r.0),
        Some(Some(5)),
        "{replicas_seen:?}"
    );
    assert_eq!(
        replicas_seen.last(),
        Some(&(Some(5), Some(5))),
        "the rollout completes: {replicas_seen:?}"
    );

    // Dry run changes nothing.
    let dry = json!({"spec": {"replicas": 9}});
    let preview = deployments
        .patch_scale(
            "payment",
            &PatchParams {
                dry_run: true,
                ..Default::default()
            },
            &Patch::Merge(&dry),
        )
        .await
        .expect("dry run");
    assert_eq!(preview.spec.and_then(|s| s.replicas), Some(9));
    let after = deployments.get("payment").await.expect("get");
    assert_eq!(after.spec.and_then(|s| s.replicas), Some(5));
}
