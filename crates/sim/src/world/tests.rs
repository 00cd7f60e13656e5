//! Scenario tests of the world: what an operator would see happen, and how writes heal it.

use serde_json::json;

use super::catalog::{APP_NAMESPACE, DB_CLUSTER, DB_NAMESPACE};
use super::database::DbAccess;
use super::workloads::{REVISION, revision_of};
use super::*;
use crate::scenario::Scenario;

const START: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn world(scenario: &str) -> World {
    let options = WorldOptions {
        seed: 7,
        start: START,
        watch_history: 10_000,
        extra_pods: 0,
    };
    World::new(
        Scenario::resolve(scenario).expect("built-in scenario"),
        &options,
    )
}

fn run_for(world: &mut World, ms: Millis) {
    for _ in 0..ms / TICK_MS {
        world.step();
    }
}

fn pod_statuses(world: &World, cluster: usize) -> Vec<String> {
    world.clusters[cluster]
        .store
        .list("pods", None)
        .iter()
        .map(|p| {
            let waiting =
                p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"].as_str();
            waiting
                .unwrap_or(p["status"]["phase"].as_str().unwrap_or(""))
                .to_string()
        })
        .collect()
}

fn set_image(world: &mut World, cluster: usize, service: &str, version: &str) {
    let store = &mut world.clusters[cluster].store;
    let mut deployment = (*store
        .get("deployments", APP_NAMESPACE, service)
        .expect("deployment")
        .object)
        .clone();
    deployment["spec"]["template"]["spec"]["containers"][0]["image"] =
        json!(catalog::image(service, version));
    deployment["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/version"] =
        json!(version);
    store.upsert("deployments", deployment);
}

#[test]
fn steady_fleet_has_realistic_pod_states() {
    let mut w = world("steady");
    run_for(&mut w, 60_000);
    assert_eq!(
        w.clusters.iter().map(|c| c.name()).collect::<Vec<_>>(),
        ["us-east-1", "eu-west-1", "ap-southeast-1"]
    );
    assert!(
        pod_statuses(&w, 0).iter().all(|s| s == "Running"),
        "{:?}",
        pod_statuses(&w, 0)
    );
    assert!(
        pod_statuses(&w, 1).iter().any(|s| s == "CrashLoopBackOff"),
        "{:?}",
        pod_statuses(&w, 1)
    );
    assert!(
        pod_statuses(&w, 2).iter().any(|s| s == "Pending"),
        "{:?}",
        pod_statuses(&w, 2)
    );
    for cluster in &w.clusters {
        assert_eq!(cluster.store.count("deployments"), 8, "{}", cluster.name());
        let db = cluster
            .store
            .get("clusters", DB_NAMESPACE, DB_CLUSTER)
            .expect("cnpg cluster");
        assert_eq!(db.object["status"]["currentPrimary"], "orders-db-1");
    }
    let payment = w.clusters[0]
        .store
        .get("deployments", APP_NAMESPACE, "payment")
        .expect("payment");
    assert_eq!(payment.object["metadata"]["annotations"][REVISION], "3");
    assert_eq!(payment.object["status"]["readyReplicas"], 3);
    let load = w.loads[0]["payment"];
    assert!(
        load.error_ratio < 0.01 && load.utilization < 0.6,
        "{load:?}"
    );
}

#[test]
fn bad_deploy_rolls_out_and_rolling_back_heals_it() {
    let mut w = world("bad-deploy");
    run_for(&mut w, 110_000);
    assert!(w.loads[0]["payment"].error_ratio < 0.01);
    run_for(&mut w, 90_000);
    let payment = w.clusters[0]
        .store
        .get("deployments", APP_NAMESPACE, "payment")
        .expect("payment");
    assert_eq!(revision_of(&payment.object), 4, "v1.4.2 is revision 4");
    assert_eq!(
        payment.object["status"]["updatedReplicas"], 3,
        "{}",
        payment.object["status"]
    );
    assert!(
        (w.loads[0]["payment"].error_ratio - 0.08).abs() < 0.01,
        "{:?}",
        w.loads[0]["payment"]
    );
    // Other regions are untouched.
    assert!(w.loads[1]["payment"].error_ratio < 0.01);
    // Roll back as kubectl rollout undo does: the previous revision's template.
    set_image(&mut w, 0, "payment", "v1.4.1");
    run_for(&mut w, 60_000);
    let payment = w.clusters[0]
        .store
        .get("deployments", APP_NAMESPACE, "payment")
        .expect("payment");
    assert_eq!(
        revision_of(&payment.object),
        5,
        "the old ReplicaSet becomes revision 5"
    );
    assert_eq!(
        w.clusters[0]
            .store
            .list("replicasets", Some(APP_NAMESPACE))
            .iter()
            .filter(|rs| rs["metadata"]["name"]
                .as_str()
                .unwrap_or("")
                .starts_with("payment-"))
            .count(),
        4
    );
    assert!(
        w.loads[0]["payment"].error_ratio < 0.01,
        "{:?}",
        w.loads[0]["payment"]
    );
}

#[test]
fn traffic_spike_saturates_order_until_scaled_out() {
    let mut w = world("traffic-spike");
    run_for(&mut w, 50_000);
    let calm = w.loads[0]["order"].latency_ms;
    run_for(&mut w, 30_000);
    let spiked = w.loads[0]["order"];
    assert!(
        spiked.utilization > 2.0 && spiked.latency_ms > 10.0 * calm,
        "{spiked:?} vs {calm}"
    );
    let store = &mut w.clusters[0].store;
    let mut order = (*store
        .get("deployments", APP_NAMESPACE, "order")
        .expect("order")
        .object)
        .clone();
    order["spec"]["replicas"] = json!(30);
    store.upsert("deployments", order);
    run_for(&mut w, 90_000);
    let scaled = w.loads[0]["order"];
    assert_eq!(scaled.ready_pods, 30);
    assert!(
        scaled.utilization < 0.8 && scaled.latency_ms < 3.0 * calm,
        "{scaled:?}"
    );
}

#[test]
fn region_outage_recovers_by_promoting_the_secondary() {
    let mut w = world("region-outage");
    run_for(&mut w, 120_000);
    assert_eq!(w.db_access(0), DbAccess::Down);
    assert_eq!(w.db_access(1), DbAccess::ReadOnly);
    assert_eq!(w.loads[0]["order"].ready_pods, 0);
    let lag_before = w.clusters[1].db.instances[0].lag_seconds;
    assert!(
        lag_before > 30.0,
        "lag grows while the source is down: {lag_before}"
    );
    // kubectl cnpg promote orders-db orders-db-2 (in eu-west-1)
    let store = &mut w.clusters[1].store;
    let mut cluster = (*store
        .get("clusters", DB_NAMESPACE, DB_CLUSTER)
        .expect("cnpg")
        .object)
        .clone();
    cluster["status"]["targetPrimary"] = json!("orders-db-2");
    store.upsert("clusters", cluster);
    run_for(&mut w, 15_000);
    let db = &w.clusters[1].db;
    assert_eq!(db.current_primary, "orders-db-2");
    assert!(db.writable());
    assert_eq!(w.db_access(1), DbAccess::Full);
    let object = w.clusters[1]
        .store
        .get("clusters", DB_NAMESPACE, DB_CLUSTER)
        .expect("cnpg")
        .object
        .clone();
    assert_eq!(object["status"]["currentPrimary"], "orders-db-2");
    let primary_pod = w.clusters[1]
        .store
        .get("pods", DB_NAMESPACE, "orders-db-2")
        .expect("pod")
        .object
        .clone();
    assert_eq!(
        primary_pod["metadata"]["labels"]["cnpg.io/instanceRole"],
        "primary"
    );
    // us-east-1's users now land in eu-west-1, which saturates until scaled up.
    let busy = w.loads[1]["order"];
    assert!(busy.offered_rps > 2.0 * 120.0 * 0.6 * 0.9, "{busy:?}");
    assert!(busy.utilization > 0.9, "{busy:?}");
    for service in [
        "api-gateway",
        "auth",
        "user",
        "order",
        "payment",
        "notification",
        "analytics",
    ] {
        let store = &mut w.clusters[1].store;
        let mut deployment = (*store
            .get("deployments", APP_NAMESPACE, service)
            .expect("deployment")
            .object)
            .clone();
        let replicas = deployment["spec"]["replicas"].as_i64().unwrap_or(1);
        deployment["spec"]["replicas"] = json!(replicas * 3);
        store.upsert("deployments", deployment);
    }
    run_for(&mut w, 90_000);
    let healthy = w.loads[1]["order"];
    assert!(
        healthy.utilization < 0.6 && healthy.error_ratio < 0.01,
        "{healthy:?}"
    );
}

#[test]
fn same_seed_same_world() {
    let mut a = world("bad-deploy");
    let mut b = world("bad-deploy");
    run_for(&mut a, 200_000);
    run_for(&mut b, 200_000);
    for (x, y) in a.clusters.iter().zip(&b.clusters) {
        assert_eq!(x.store.list("pods", None), y.store.list("pods", None));
        assert_eq!(x.metric_families(1.0, 0.0), y.metric_families(1.0, 0.0));
    }
}

/// The 5xx share of each pod of `prefix`'s Deployment in us-east-1, by pod name.
fn pod_error_ratios(w: &World, deployment: &str) -> Vec<(String, f64)> {
    let rs_prefix = format!("{deployment}-");
    w.clusters[0]
        .signals
        .pods
        .iter()
        .filter(|((_, name), _)| {
            name.strip_prefix(&rs_prefix)
                .is_some_and(|rest| rest.split('-').count() == 2)
        })
        .map(|((_, name), c)| {
            let total: f64 = c.by_status.values().sum();
            let errors = c.by_status.get("500").copied().unwrap_or(0.0);
            (name.clone(), errors / total.max(1.0))
        })
        .collect()
}

#[test]
fn bad_canary_runs_its_own_pods_with_its_own_error_ratio_until_scaled_to_zero() {
    let mut w = world("bad-canary");
    run_for(&mut w, 50_000);
    assert!(
        w.clusters[0]
            .store
            .get("deployments", APP_NAMESPACE, "payment-canary")
            .is_none(),
        "not before 1m"
    );
    run_for(&mut w, 130_000);
    let canary = w.clusters[0]
        .store
        .get("deployments", APP_NAMESPACE, "payment-canary")
        .expect("payment-canary");
    assert_eq!(canary.object["spec"]["replicas"], 1);
    assert_eq!(
        canary.object["status"]["readyReplicas"], 1,
        "{}",
        canary.object["status"]
    );
    let canary_pods = pod_error_ratios(&w, "payment-canary");
    assert_eq!(canary_pods.len(), 1, "{canary_pods:?}");
    assert!(
        (canary_pods[0].1 - 0.08).abs() < 0.01,
        "v1.5.0 fails about 8%: {canary_pods:?}"
    );
    let stable_pods = pod_error_ratios(&w, "payment");
    assert_eq!(stable_pods.len(), 3, "{stable_pods:?}");
    assert!(
        stable_pods.iter().all(|(_, r)| *r < 0.005),
        "{stable_pods:?}"
    );
    let payment = w.clusters[0]
        .store
        .get("deployments", APP_NAMESPACE, "payment")
        .expect("payment");
    assert_eq!(
        revision_of(&payment.object),
        3,
        "the stable is not redeployed"
    );
    // Other regions have no canary.
    assert!(
        w.clusters[1]
            .store
            .get("deployments", APP_NAMESPACE, "payment-canary")
            .is_none()
    );
    // Aborted: scaled to 0, its pods go and the service's errors fall back.
    let mut scaled = (*canary.object).clone();
    scaled["spec"]["replicas"] = json!(0);
    w.clusters[0].store.upsert("deployments", scaled);
    run_for(&mut w, 60_000);
    assert!(pod_error_ratios(&w, "payment-canary").is_empty());
    assert!(w.loads[0]["payment"].error_ratio < 0.01);
}

#[test]
fn a_deleted_pod_terminates_and_one_removed_at_once_is_replaced() {
    let mut w = world("steady");
    let analytics = |w: &World| -> Vec<String> {
        let mut names: Vec<String> = w.clusters[0]
            .store
            .list("pods", Some(APP_NAMESPACE))
            .iter()
            .filter(|p| p["metadata"]["labels"]["app.kubernetes.io/name"] == "analytics")
            .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
            .collect();
        names.sort();
        names
    };
    let before = analytics(&w);
    let [graceful, forced, ..] = before.as_slice() else {
        panic!("analytics runs at least two pods: {before:?}");
    };
    let stored = |w: &World, name: &str| {
        w.clusters[0]
            .store
            .get("pods", APP_NAMESPACE, name)
            .map(|s| (*s.object).clone())
    };
    let generation = stored(&w, graceful).expect("pod")["metadata"]["generation"].clone();
    let now = w.now;
    w.clusters[0].delete_pod(APP_NAMESPACE, graceful, now);
    let terminating = stored(&w, graceful).expect("still there during its grace period");
    assert!(terminating["metadata"]["deletionTimestamp"].is_string());
    // As the API server: a graceful deletion bumps the pod's generation.
    assert_eq!(
        terminating["metadata"]["generation"].as_i64(),
        generation.as_i64().map(|g| g + 1)
    );

    w.clusters[0].remove_pod(APP_NAMESPACE, forced);
    assert!(stored(&w, forced).is_none(), "gone at once");
    run_for(&mut w, 2 * TICK_MS);
    let after = analytics(&w);
    assert!(!after.contains(forced), "{after:?}");
    assert!(
        after.len() >= before.len(),
        "the ReplicaSet replaces it: {before:?} -> {after:?}"
    );
}
