//! kubectl, an independent client, against the simulator's generated kubeconfig: get, watch,
//! scale, rollout history and rollout undo, with their outputs asserted.

mod common;

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

async fn kubectl(sim: &common::Sim, context: &str, args: &[&str]) -> String {
    let output = Command::new(common::require("kubectl", "kubernetes-client"))
        .arg("--kubeconfig")
        .arg(&sim.kubeconfig)
        .args(["--context", context])
        .args(args)
        .env("HOME", sim.dir.path())
        .output()
        .await
        .expect("kubectl runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "kubectl {args:?} failed: {stderr}\n{stdout}"
    );
    stdout
}

fn row<'a>(output: &'a str, name_prefix: &str) -> Vec<&'a str> {
    output
        .lines()
        .find(|line| {
            line.split_whitespace()
                .any(|cell| cell.starts_with(name_prefix))
        })
        .unwrap_or_else(|| panic!("no row for {name_prefix} in:\n{output}"))
        .split_whitespace()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_pods_and_workloads_in_every_cluster() {
    let sim = common::start("steady", common::options(11, common::FIXED_START), None).await;
    sim.advance(30_000).await;
    let pods = kubectl(&sim, "us-east-1", &["get", "pods", "-A"]).await;
    let header: Vec<&str> = pods
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    let payment = row(&pods, "payment-");
    assert_eq!(&payment[..4], ["shop", payment[1], "1/1", "Running"]);
    assert_eq!(
        row(&pods, "orders-db-1")[..4],
        ["database", "orders-db-1", "1/1", "Running"]
    );
    assert_eq!(row(&pods, "prometheus-k8s-0")[0], "monitoring");

    let eu = kubectl(&sim, "eu-west-1", &["get", "pods", "-n", "shop"]).await;
    let crashing = row(&eu, "notification-");
    assert_eq!(crashing[1..3], ["0/1", "CrashLoopBackOff"], "{eu}");
    let ap = kubectl(&sim, "ap-southeast-1", &["get", "pods", "-o", "wide"]).await;
    assert!(
        ap.lines()
            .any(|l| l.starts_with("analytics-") && l.contains("Pending") && l.contains("<none>")),
        "{ap}"
    );

    let workloads = kubectl(&sim, "us-east-1", &["get", "deploy,rs", "-A"]).await;
    let deployment = row(&workloads, "deployment.apps/payment");
    assert_eq!(
        deployment[..5],
        ["shop", "deployment.apps/payment", "3/3", "3", "3"],
        "{workloads}"
    );
    let sets: Vec<&str> = workloads
        .lines()
        .filter(|l| l.contains("replicaset.apps/payment-"))
        .collect();
    assert_eq!(sets.len(), 3, "three revisions of payment: {workloads}");
    assert_eq!(
        sets.iter()
            .filter(|l| l.split_whitespace().nth(2) == Some("3"))
            .count(),
        1,
        "one ReplicaSet runs: {workloads}"
    );

    let cnpg = kubectl(
        &sim,
        "eu-west-1",
        &["get", "clusters.postgresql.cnpg.io", "-n", "database"],
    )
    .await;
    assert!(
        cnpg.contains("orders-db") && cnpg.contains("orders-db-1"),
        "{cnpg}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_scale_history_and_undo() {
    let sim = common::start("bad-deploy", common::options(12, common::FIXED_START), None).await;
    sim.advance(30_000).await;

    let mut watch = Command::new(common::require("kubectl", "kubernetes-client"))
        .arg("--kubeconfig")
        .arg(&sim.kubeconfig)
        .args([
            "--context",
            "us-east-1",
            "get",
            "pods",
            "-w",
            "-l",
            "app.kubernetes.io/name=payment",
        ])
        .env("HOME", sim.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("kubectl -w starts");
    let mut lines = BufReader::new(watch.stdout.take().expect("stdout")).lines();
    let mut initial = Vec::new();
    while initial.len() < 4 {
        let line = tokio::time::timeout(Duration::from_secs(15), lines.next_line())
            .await
            .expect("initial list arrives")
            .expect("read")
            .expect("line");
        initial.push(line);
    }
    assert!(initial[0].starts_with("NAME"), "{initial:?}");

    let scaled = kubectl(
        &sim,
        "us-east-1",
        &["scale", "deploy/payment", "--replicas=5"],
    )
    .await;
    assert_eq!(scaled.trim(), "deployment.apps/payment scaled");
    sim.advance(15_000).await;
    let mut events = Vec::new();
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_secs(3), lines.next_line()).await
    {
        events.push(line);
        if events.len() > 40 {
            break;
        }
    }
    let new_pods: std::collections::BTreeSet<&str> = events
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| !initial.iter().any(|i| i.starts_with(n)))
        .collect();
    assert_eq!(
        new_pods.len(),
        2,
        "two new payment pods show in the watch: {events:?}"
    );
    assert!(
        events
            .iter()
            .any(|l| l.contains("Running") && l.contains("1/1")),
        "{events:?}"
    );
    drop(watch);

    // bad-deploy rolls out payment v1.4.2 two minutes in.
    sim.advance(150_000).await;
    let history = kubectl(&sim, "us-east-1", &["rollout", "history", "deploy/payment"]).await;
    let revisions: Vec<&str> = history
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(revisions.len(), 4, "{history}");
    assert!(
        revisions[3].contains("ci: deploy payment v1.4.2"),
        "{history}"
    );
    let image = kubectl(
        &sim,
        "us-east-1",
        &[
            "get",
            "deploy/payment",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ],
    )
    .await;
    assert_eq!(image, "registry.example.com/shop/payment:v1.4.2");

    let undone = kubectl(&sim, "us-east-1", &["rollout", "undo", "deploy/payment"]).await;
    assert_eq!(undone.trim(), "deployment.apps/payment rolled back");
    sim.advance(60_000).await;
    let image = kubectl(
        &sim,
        "us-east-1",
        &[
            "get",
            "deploy/payment",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ],
    )
    .await;
    assert_eq!(image, "registry.example.com/shop/payment:v1.4.1");
    let history = kubectl(&sim, "us-east-1", &["rollout", "history", "deploy/payment"]).await;
    let revisions: Vec<&str> = history
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| c.chars().all(|ch| ch.is_ascii_digit()))
        .collect();
    assert_eq!(
        revisions,
        ["1", "2", "4", "5"],
        "revision 3 (v1.4.1) became 5: {history}"
    );
    let status = kubectl(
        &sim,
        "us-east-1",
        &["rollout", "status", "deploy/payment", "--timeout=5s"],
    )
    .await;
    assert!(status.contains("successfully rolled out"), "{status}");
}

/// The API calls behind `kubectl cnpg promote`, `kubectl auth can-i` and a pod's own
/// `/metrics` through the API server proxy, made with kubectl itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promote_replica_access_review_and_pod_proxy() {
    let sim = common::start(
        "region-outage",
        common::options(13, common::FIXED_START),
        None,
    )
    .await;
    sim.advance(90_000).await;
    let phase = kubectl(
        &sim,
        "us-east-1",
        &[
            "get",
            "clusters.postgresql.cnpg.io/orders-db",
            "-n",
            "database",
            "-o",
            "jsonpath={.status.phase}",
        ],
    )
    .await;
    assert_eq!(phase, "Failing over");

    let allowed = kubectl(
        &sim,
        "eu-west-1",
        &[
            "auth",
            "can-i",
            "patch",
            "clusters.postgresql.cnpg.io",
            "--subresource=status",
            "-n",
            "database",
        ],
    )
    .await;
    assert_eq!(allowed.trim(), "yes");

    // What `kubectl cnpg promote orders-db orders-db-2` sends: a merge patch of status.targetPrimary.
    let patched = kubectl(
        &sim,
        "eu-west-1",
        &[
            "patch",
            "clusters.postgresql.cnpg.io/orders-db",
            "-n",
            "database",
            "--subresource=status",
            "--type=merge",
            "-p",
            r#"{"status":{"targetPrimary":"orders-db-2"}}"#,
        ],
    )
    .await;
    assert_eq!(
        patched.trim(),
        "cluster.postgresql.cnpg.io/orders-db patched"
    );
    sim.advance(15_000).await;
    let primary = kubectl(
        &sim,
        "eu-west-1",
        &[
            "get",
            "clusters.postgresql.cnpg.io/orders-db",
            "-n",
            "database",
            "-o",
            "jsonpath={.status.currentPrimary}",
        ],
    )
    .await;
    assert_eq!(primary, "orders-db-2");
    let roles = kubectl(
        &sim,
        "eu-west-1",
        &[
            "get",
            "pods",
            "-n",
            "database",
            "-l",
            "cnpg.io/instanceRole=primary",
            "-o",
            "name",
        ],
    )
    .await;
    assert_eq!(roles.trim(), "pod/orders-db-2");

    let pod = kubectl(
        &sim,
        "eu-west-1",
        &[
            "get",
            "pods",
            "-l",
            "app.kubernetes.io/name=payment",
            "-o",
            "jsonpath={.items[0].metadata.name}",
        ],
    )
    .await;
    let metrics = kubectl(
        &sim,
        "eu-west-1",
        &[
            "get",
            "--raw",
            &format!("/api/v1/namespaces/shop/pods/{pod}:8080/proxy/metrics"),
        ],
    )
    .await;
    let parsed = watchdeck_io::sources::exposition::parse_exposition(&metrics);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let own: Vec<_> = parsed
        .samples
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .collect();
    assert!(
        !own.is_empty() && own.iter().all(|s| s.labels.get("pod") == Some(&pod)),
        "only the pod's own series: {metrics}"
    );
}

/// A scenario `[[deny]]` rule: `kubectl auth can-i` says no for exactly that permission, and
/// the write itself is refused with 403 Forbidden, while other verbs and clusters still work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_scale_is_refused_and_can_i_says_no() {
    const DENY_SCALE: &str = r#"
name = "deny-scale"
description = "patch on deployments/scale is denied in us-east-1's shop namespace"

[[deny]]
cluster = "us-east-1"
verb = "patch"
resource = "deployments"
subresource = "scale"
namespace = "shop"
"#;
    let sim = common::start(DENY_SCALE, common::options(14, common::FIXED_START), None).await;
    let run = |context: &'static str, args: &'static [&'static str]| {
        let sim = &sim;
        async move {
            Command::new(common::require("kubectl", "kubernetes-client"))
                .arg("--kubeconfig")
                .arg(&sim.kubeconfig)
                .args(["--context", context])
                .args(args)
                .env("HOME", sim.dir.path())
                .output()
                .await
                .expect("kubectl runs")
        }
    };
    let can_i: &[&str] = &[
        "auth",
        "can-i",
        "patch",
        "deployments",
        "--subresource=scale",
        "-n",
        "shop",
    ];
    let denied = run("us-east-1", can_i).await;
    let answer = String::from_utf8_lossy(&denied.stdout);
    // A real API server's RBAC gives a denial no reason, so kubectl prints a bare "no".
    assert_eq!(answer.trim(), "no");
    assert_eq!(denied.status.code(), Some(1), "can-i exits 1 on no");
    let elsewhere = run("eu-west-1", can_i).await;
    assert_eq!(String::from_utf8_lossy(&elsewhere.stdout).trim(), "yes");
    let get = kubectl(
        &sim,
        "us-east-1",
        &["auth", "can-i", "get", "deployments", "-n", "shop"],
    )
    .await;
    assert_eq!(get.trim(), "yes");

    let scaled = run(
        "us-east-1",
        &["scale", "deployment/payment", "--replicas=5", "-n", "shop"],
    )
    .await;
    assert!(!scaled.status.success());
    let stderr = String::from_utf8_lossy(&scaled.stderr);
    assert!(
        stderr.contains("Forbidden")
            && stderr.contains("cannot patch resource \"deployments/scale\" in API group \"apps\""),
        "{stderr}"
    );
    let replicas = kubectl(
        &sim,
        "us-east-1",
        &[
            "get",
            "deployment/payment",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.replicas}",
        ],
    )
    .await;
    assert_eq!(replicas, "3");

    // The viewer identity (context NAME-view) reads but may not scale anywhere, as the view
    // role of a real cluster; shop-dev (NAME-shop) may scale in shop only.
    let viewer_can_i = run("eu-west-1-view", can_i).await;
    assert_eq!(String::from_utf8_lossy(&viewer_can_i.stdout).trim(), "no");
    let viewer_scale = run(
        "eu-west-1-view",
        &["scale", "deployment/payment", "--replicas=5", "-n", "shop"],
    )
    .await;
    assert_eq!(
        String::from_utf8_lossy(&viewer_scale.stderr).trim(),
        "Error from server (Forbidden): deployments.apps \"payment\" is forbidden: User \"viewer\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"shop\""
    );
    let shop_dev = run("eu-west-1-shop", can_i).await;
    assert_eq!(String::from_utf8_lossy(&shop_dev.stdout).trim(), "yes");
    let shop_dev_database = run(
        "eu-west-1-shop",
        &["auth", "can-i", "list", "pods", "-n", "database"],
    )
    .await;
    assert_eq!(
        String::from_utf8_lossy(&shop_dev_database.stdout).trim(),
        "no"
    );
}
