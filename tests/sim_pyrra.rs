//! Pyrra SLOs from a cluster: the simulator serves the CRD in us-east-1 only; kube-rs
//! discovery finds and converts its objects there and reports "not installed" elsewhere,
//! and kubectl, an independent client, lists the same objects.

mod common;

use tokio::process::Command;
use watchdeck_core::slo::{Period, SloData, WindowPolicy};
use watchdeck_io::sources::kube::pyrra::discover_pyrra_slos;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pyrra_slos_are_found_where_the_crd_is_installed() {
    watchdeck_io::install_tls_provider();
    let sim = common::start("steady", common::options(3, common::FIXED_START), None).await;
    let us = discover_pyrra_slos(&sim.kube_client("us-east-1").await, "us-east-1")
        .await
        .expect("discovery works")
        .expect("us-east-1 has the Pyrra CRD");
    let names: Vec<&str> = us.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["api-gateway-latency", "order-availability"]);
    let order = &us[1];
    assert_eq!(
        order.origin.as_str(),
        "cluster us-east-1: Pyrra monitoring/order-availability"
    );
    assert_eq!(order.clusters, ["us-east-1"]);
    assert_eq!(order.service.as_str(), "order");
    assert_eq!(order.target.ppm(), 995_000);
    assert_eq!(order.period, Period::DAYS_28);
    assert_eq!(order.windows, WindowPolicy::Pyrra);
    assert_eq!(
        order.data,
        SloData::PyrraRules {
            slo: "order-availability".into(),
            metric: "http_requests".into()
        }
    );
    assert_eq!(us[0].service.as_str(), "api-gateway");
    for cluster in ["eu-west-1", "ap-southeast-1"] {
        let found = discover_pyrra_slos(&sim.kube_client(cluster).await, cluster)
            .await
            .expect("discovery works");
        assert_eq!(found, None, "{cluster} has no Pyrra CRD");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_lists_pyrra_slos_in_us_east_1_only() {
    let sim = common::start("steady", common::options(3, common::FIXED_START), None).await;
    let kubectl = |context: &'static str| {
        let mut command = Command::new(common::require("kubectl", "kubernetes-client"));
        command
            .arg("--kubeconfig")
            .arg(&sim.kubeconfig)
            .args(["--context", context])
            .args(["get", "servicelevelobjectives.pyrra.dev", "-A"])
            .env("HOME", sim.dir.path());
        command
    };
    let output = kubectl("us-east-1").output().await.expect("kubectl runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().take(2).collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["monitoring", "api-gateway-latency"],
            ["monitoring", "order-availability"]
        ],
        "{stdout}"
    );
    let output = kubectl("eu-west-1").output().await.expect("kubectl runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("doesn't have a resource type \"servicelevelobjectives\""),
        "{stderr}"
    );
}
