//! watchdeck against real Kubernetes: three control planes built from the Kubernetes
//! project's Go modules (scripts/k8s-build), started on loopback by k8s-up with the shop fleet
//! applied. Every assertion reads the clusters' state back with kubectl, never only
//! watchdeck's own report. One control plane set is shared by the tests of this file; each
//! test changes a different object so they can run at once.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::k8s::{CLUSTERS, ControlPlane};
use kube::config::Kubeconfig;
use tokio::sync::mpsc;
use watchdeck_core::event::Msg;
use watchdeck_core::model::Model;
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::model::kube::KubeResource;
use watchdeck_core::model::workload::WorkloadKind;
use watchdeck_core::update::update;
use watchdeck_io::sources::kube::client::client;
use watchdeck_io::sources::kube::pyrra::discover_pyrra_slos;
use watchdeck_io::sources::kube::watch_cluster;

fn plane() -> &'static Mutex<ControlPlane> {
    static PLANE: OnceLock<Mutex<ControlPlane>> = OnceLock::new();
    PLANE.get_or_init(|| Mutex::new(ControlPlane::start(&CLUSTERS, &[])))
}

/// Paths of the shared control plane (the lock is not held while a test runs).
struct Paths {
    kubeconfig: PathBuf,
    config: PathBuf,
    dir: PathBuf,
}

fn paths() -> Paths {
    let plane = plane().lock().unwrap_or_else(|e| e.into_inner());
    Paths {
        kubeconfig: plane.kubeconfig.clone(),
        config: plane.config.clone(),
        dir: plane.dir.path().to_path_buf(),
    }
}

fn kubectl(paths: &Paths, context: &str, args: &[&str]) -> String {
    common::k8s::kubectl(&paths.kubeconfig, context, args)
}

fn get_json(paths: &Paths, context: &str, args: &[&str]) -> serde_json::Value {
    common::k8s::get_json(&paths.kubeconfig, context, args)
}

/// Polls `check` every 500 ms until it returns Some, or panics with `what` after `limit`.
fn wait_for<T>(limit: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// (namespace/name, phase, ready containers/containers) of every pod kubectl lists.
fn kubectl_pods(paths: &Paths, cluster: &str) -> BTreeSet<(String, String, String)> {
    let list = get_json(paths, cluster, &["pods", "-A"]);
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|pod| pod["metadata"]["deletionTimestamp"].is_null())
        .map(|pod| {
            let statuses = pod["status"]["containerStatuses"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let ready = statuses.iter().filter(|s| s["ready"] == true).count();
            let total = pod["spec"]["containers"].as_array().map_or(0, Vec::len);
            (
                format!(
                    "{}/{}",
                    pod["metadata"]["namespace"].as_str().unwrap_or_default(),
                    pod["metadata"]["name"].as_str().unwrap_or_default()
                ),
                pod["status"]["phase"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                format!("{ready}/{total}"),
            )
        })
        .collect()
}

fn console_pods(model: &Model, cluster: &str) -> BTreeSet<(String, String, String)> {
    let cluster = model
        .clusters
        .iter()
        .find(|c| c.name.as_str() == cluster)
        .expect("cluster in the model");
    cluster
        .pods
        .values()
        .map(|pod| {
            (
                format!("{}/{}", pod.key.namespace, pod.key.name),
                pod.status.to_string(),
                format!("{}/{}", pod.ready, pod.total),
            )
        })
        .collect()
}

fn watchdeck(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_watchdeck"))
        .args(args)
        .arg("--log-file")
        .arg(dir.join("watchdeck.log"))
        .env_remove("WATCHDECK_CONFIG")
        .env("NO_COLOR", "1")
        .output()
        .expect("watchdeck runs")
}

/// Writes a runbook of one step to a fresh directory and runs it headless with `--yes`.
fn run_step(
    paths: &Paths,
    name: &str,
    config: &Path,
    step: &str,
) -> (std::process::Output, PathBuf) {
    run_step_with(paths, name, config, step, "--yes")
}

/// [`run_step`] with `mode` instead of `--yes` (`--dry-run`: plan everything, change nothing).
fn run_step_with(
    paths: &Paths,
    name: &str,
    config: &Path,
    step: &str,
    mode: &str,
) -> (std::process::Output, PathBuf) {
    let dir = paths.dir.join(name);
    std::fs::create_dir_all(&dir).expect("run directory");
    let runbook = dir.join(format!("{name}.md"));
    std::fs::write(
        &runbook,
        format!(
            "---\ntitle: {name}\ndescription: one step against real Kubernetes\n---\n# {name}\n\n```step\n{step}```\n"
        ),
    )
    .expect("runbook written");
    let audit = dir.join("audit.jsonl");
    let output = watchdeck(
        &[
            "run",
            runbook.to_str().expect("utf-8 path"),
            "--config",
            config.to_str().expect("utf-8 path"),
            mode,
            "--audit-file",
            audit.to_str().expect("utf-8 path"),
        ],
        &dir,
    );
    (output, audit)
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn audit_records(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("audit lines are JSON"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_show_every_clusters_objects_as_kubectl_does_and_follow_changes() {
    let paths = tokio::task::spawn_blocking(paths)
        .await
        .expect("control plane");
    watchdeck_io::install_tls_provider();
    let kubeconfig = Kubeconfig::read_from(&paths.kubeconfig).expect("kubeconfig parses");
    let labels = BTreeMap::new();
    let mut model = Model::new(CLUSTERS.iter().map(|name| (*name, &labels)));
    let (tx, mut rx) = mpsc::channel(4096);
    let watchers: Vec<_> = CLUSTERS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            tokio::spawn(watch_cluster(
                i,
                kubeconfig.clone(),
                name.to_string(),
                Vec::new(),
                tx.clone(),
            ))
        })
        .collect();

    // Every kind of object arrives for every cluster.
    let complete = |model: &Model| {
        model.clusters.iter().all(|c| {
            let kinds = |kind| c.kube.workloads.keys().any(|k| k.kind == kind);
            c.pods.len() >= 32
                && kinds(WorkloadKind::Deployment)
                && kinds(WorkloadKind::ReplicaSet)
                && kinds(WorkloadKind::StatefulSet)
                && !c.kube.events.is_empty()
                && !c.kube.databases.is_empty()
        })
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !complete(&model) {
        let Ok(Some(event)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            panic!(
                "not every resource arrived: {:?}",
                model
                    .clusters
                    .iter()
                    .map(|c| (
                        c.name.to_string(),
                        c.pods.len(),
                        c.kube.workloads.len(),
                        c.kube.events.len(),
                        c.kube.databases.len()
                    ))
                    .collect::<Vec<_>>()
            );
        };
        update(&mut model, Msg::Data(event));
    }
    for cluster in CLUSTERS {
        let c = model
            .clusters
            .iter()
            .find(|c| c.name.as_str() == cluster)
            .expect("cluster");
        let deployments: BTreeSet<String> = c
            .kube
            .workloads
            .keys()
            .filter(|k| k.kind == WorkloadKind::Deployment)
            .map(|k| format!("{}/{}", k.namespace, k.name))
            .collect();
        let listed = get_json(&paths, cluster, &["deployments", "-A"]);
        let expected: BTreeSet<String> = listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|d| {
                format!(
                    "{}/{}",
                    d["metadata"]["namespace"].as_str().unwrap_or_default(),
                    d["metadata"]["name"].as_str().unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(deployments, expected, "{cluster}: Deployments");
        let db = c.kube.databases.values().next().expect("orders-db");
        assert_eq!(
            (db.instances, db.ready),
            (3, 3),
            "{cluster}: CNPG instances"
        );
    }

    // Pod by pod, the console shows what kubectl shows (once both have settled).
    let settle = Instant::now() + Duration::from_secs(30);
    for cluster in CLUSTERS {
        loop {
            while let Ok(event) = rx.try_recv() {
                update(&mut model, Msg::Data(event));
            }
            let (want, primary) = tokio::task::block_in_place(|| {
                let db = get_json(
                    &paths,
                    cluster,
                    &["clusters.postgresql.cnpg.io", "orders-db", "-n", "database"],
                );
                (
                    kubectl_pods(&paths, cluster),
                    db["status"]["currentPrimary"].as_str().map(str::to_string),
                )
            });
            let have = console_pods(&model, cluster);
            let shown_primary = model
                .clusters
                .iter()
                .find(|c| c.name.as_str() == cluster)
                .and_then(|c| c.kube.databases.values().next())
                .map(|db| db.primary.to_string());
            if want == have && primary == shown_primary {
                break;
            }
            assert!(
                Instant::now() < settle,
                "{cluster}: kubectl and the console disagree:\nonly kubectl: {:?}\nonly console: {:?}\nCNPG primary: kubectl {primary:?}, console {shown_primary:?}",
                want.difference(&have).collect::<Vec<_>>(),
                have.difference(&want).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    // The watch follows a change made by someone else: kubectl scales analytics in
    // ap-southeast-1 and the new pods appear, Running, as kwok starts them.
    tokio::task::block_in_place(|| {
        kubectl(
            &paths,
            "ap-southeast-1",
            &[
                "scale",
                "deployment/analytics",
                "-n",
                "shop",
                "--replicas=5",
            ],
        )
    });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let running = model
            .clusters
            .iter()
            .find(|c| c.name.as_str() == "ap-southeast-1")
            .map(|c| {
                c.pods
                    .values()
                    .filter(|p| {
                        p.key.name.as_str().starts_with("analytics-")
                            && p.status.as_str() == "Running"
                    })
                    .count()
            })
            .unwrap_or(0);
        if running == 5 {
            break;
        }
        let Ok(Some(event)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            panic!("ap-southeast-1: {running} analytics pods running, not 5");
        };
        update(&mut model, Msg::Data(event));
    }
    for watcher in watchers {
        watcher.abort();
    }
}

/// (namespace/name, phase, ready/total) of the pods kubectl lists in `namespace` (as admin).
fn kubectl_pods_in(
    paths: &Paths,
    cluster: &str,
    namespace: &str,
) -> BTreeSet<(String, String, String)> {
    kubectl_pods(paths, cluster)
        .into_iter()
        .filter(|(key, _, _)| key.starts_with(&format!("{namespace}/")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shop_only_identity_watches_shop_and_is_told_the_rest_is_forbidden() {
    let paths = tokio::task::spawn_blocking(paths)
        .await
        .expect("control plane");
    // kubectl, as the same identity, agrees on what it may and may not see.
    let (everywhere, elsewhere, shop) = tokio::task::block_in_place(|| {
        (
            common::k8s::try_kubectl(&paths.kubeconfig, "us-east-1-shop", &["get", "pods", "-A"]),
            common::k8s::try_kubectl(
                &paths.kubeconfig,
                "us-east-1-shop",
                &["get", "pods", "-n", "monitoring"],
            ),
            common::k8s::try_kubectl(&paths.kubeconfig, "us-east-1-shop", &["get", "pods"]),
        )
    });
    assert!(
        everywhere.as_ref().is_err_and(|e| e.contains("forbidden")),
        "kubectl as shop-dev may not list pods cluster-wide: {everywhere:?}"
    );
    assert!(
        elsewhere.as_ref().is_err_and(|e| e.contains("forbidden")),
        "kubectl as shop-dev may not list pods in monitoring: {elsewhere:?}"
    );
    assert!(shop.is_ok(), "kubectl as shop-dev lists shop: {shop:?}");

    watchdeck_io::install_tls_provider();
    let kubeconfig = Kubeconfig::read_from(&paths.kubeconfig).expect("kubeconfig parses");
    let labels = BTreeMap::new();
    let mut model = Model::new(std::iter::once(("us-east-1", &labels)));
    let (tx, mut rx) = mpsc::channel(4096);
    let watcher = tokio::spawn(watch_cluster(
        0,
        kubeconfig,
        "us-east-1-shop".to_string(),
        Vec::new(),
        tx,
    ));
    let settle = Instant::now() + Duration::from_secs(60);
    loop {
        while let Ok(event) = rx.try_recv() {
            update(&mut model, Msg::Data(event));
        }
        let want = tokio::task::block_in_place(|| kubectl_pods_in(&paths, "us-east-1", "shop"));
        let have = console_pods(&model, "us-east-1");
        let cluster = &model.clusters[0];
        let deployments = cluster
            .kube
            .workloads
            .keys()
            .filter(|k| k.kind == WorkloadKind::Deployment)
            .count();
        if want == have && deployments == 7 && cluster.health(SourceKind::Pods).is_ok() {
            break;
        }
        assert!(
            Instant::now() < settle,
            "the shop-only console never showed shop as kubectl does:\nonly kubectl: {:?}\nonly console: {:?}\ndeployments: {deployments}\npods health: {:?}\nscope: {:?}",
            want.difference(&have).collect::<Vec<_>>(),
            have.difference(&want).collect::<Vec<_>>(),
            cluster.health(SourceKind::Pods),
            cluster.kube.scope,
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let cluster = &model.clusters[0];
    assert!(
        cluster.pods.keys().all(|k| k.namespace.as_str() == "shop")
            && cluster
                .kube
                .workloads
                .keys()
                .all(|k| k.namespace.as_str() == "shop"),
        "nothing outside shop is shown"
    );
    assert_eq!(
        cluster.kube.scope.describe(),
        "namespace shop only (forbidden at cluster scope: list pods)",
        "the console says what it watches and why"
    );
    // The Role covers no CNPG clusters: that resource alone says forbidden, for shop.
    let cnpg = wait_health(&mut model, &mut rx, |m| {
        m.clusters[0]
            .kube
            .health(KubeResource::CnpgClusters)
            .reason()
            .map(ToString::to_string)
    })
    .await;
    assert_eq!(
        cnpg,
        "forbidden: list clusters.postgresql.cnpg.io in namespace shop"
    );
    watcher.abort();
}

/// Applies events until `check` finds something, for at most 30 s.
async fn wait_health(
    model: &mut Model,
    rx: &mut mpsc::Receiver<watchdeck_core::event::DataEvent>,
    check: impl Fn(&Model) -> Option<String>,
) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = check(model) {
            return found;
        }
        let Ok(Some(event)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            panic!("not within 30 s");
        };
        update(model, Msg::Data(event));
    }
}

#[test]
fn a_shop_only_identity_acts_in_shop_and_is_refused_elsewhere() {
    let paths = paths();
    let config = {
        let plane = plane().lock().unwrap_or_else(|e| e.into_inner());
        plane.config_with("-shop", |_| String::new())
    };
    // `check` as shop-dev: each cluster's figures are shop's, and say so.
    let output = watchdeck(
        &[
            "check",
            "--config",
            config.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
        &paths.dir,
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("check prints JSON ({e}):\n{}", text(&output)));
    for entry in report["clusters"].as_array().expect("clusters") {
        let name = entry["name"].as_str().expect("name");
        assert_eq!(
            entry["scope"]["namespaces"],
            serde_json::json!(["shop"]),
            "{name}: {entry}"
        );
        assert_eq!(
            entry["scope"]["reason"], "forbidden at cluster scope: list pods",
            "{name}"
        );
        let k8s = entry["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .find(|s| s["source"] == "k8s")
            .expect("a k8s source");
        assert_eq!(k8s["state"], "ok", "{name}: shop is readable: {k8s}");
    }
    let table = watchdeck(
        &["check", "--config", config.to_str().expect("utf-8")],
        &paths.dir,
    );
    assert!(
        text(&table).contains("in namespace shop only (forbidden at cluster scope: list pods)"),
        "the table says what the counts cover:\n{}",
        text(&table)
    );

    // A scale in shop goes through; one in kube-system is refused by the access review.
    let (output, _) = run_step(
        &paths,
        "scale-as-shop-dev",
        &config,
        "id: scale\nkind: scale\ntarget: { cluster: ap-southeast-1, namespace: shop, name: auth }\nreplicas: 4\nverify_timeout: 2m\n",
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let auth = get_json(
        &paths,
        "ap-southeast-1",
        &["deployment", "auth", "-n", "shop"],
    );
    assert_eq!(
        auth["spec"]["replicas"], 4,
        "the scale reached the apiserver"
    );

    refused_before_sending(
        &paths,
        &config,
        ("ap-southeast-1", "kube-system", "coredns"),
        "shop-dev",
    );
}

/// A scale of `(cluster, namespace, deployment)` to 5 as `who` is refused by the access
/// review before anything is sent: exit 2, who and what on screen, the Deployment's
/// generation unchanged, the refusal audited.
fn refused_before_sending(
    paths: &Paths,
    config: &Path,
    (cluster, namespace, name): (&str, &str, &str),
    who: &str,
) {
    let read = || get_json(paths, cluster, &["deployment", name, "-n", namespace]);
    let before = read();
    let (output, audit) = run_step(
        paths,
        &format!("scale-{name}-as-{who}"),
        config,
        &format!(
            "id: scale\nkind: scale\ntarget: {{ cluster: {cluster}, namespace: {namespace}, name: {name} }}\nreplicas: 5\n"
        ),
    );
    let shown = text(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a refused step fails the run:\n{shown}"
    );
    let denial = format!(
        "permission denied: cannot patch deployments.apps/scale {name} in namespace {namespace}"
    );
    assert!(
        shown.contains(&format!("acting on {cluster} as {who}")) && shown.contains(&denial),
        "the access review's answer names who and what:\n{shown}"
    );
    let after = read();
    assert_eq!(after["spec"]["replicas"], before["spec"]["replicas"]);
    assert_eq!(
        after["metadata"]["generation"], before["metadata"]["generation"],
        "no change reached the apiserver"
    );
    let records = audit_records(&audit);
    assert!(
        records
            .iter()
            .any(|r| r.to_string().contains("refused") || r.to_string().contains("denied")),
        "the refusal is audited: {records:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pyrra_slos_are_found_where_the_objects_are() {
    let paths = tokio::task::spawn_blocking(paths)
        .await
        .expect("control plane");
    watchdeck_io::install_tls_provider();
    let kubeconfig = Kubeconfig::read_from(&paths.kubeconfig).expect("kubeconfig parses");
    for cluster in CLUSTERS {
        let client = client(kubeconfig.clone(), cluster).await.expect("client");
        let found = discover_pyrra_slos(&client, cluster)
            .await
            .expect("discovery works")
            .unwrap_or_default();
        let mut names: Vec<String> = found.iter().map(|slo| slo.name.to_string()).collect();
        names.sort();
        let listed = tokio::task::block_in_place(|| {
            get_json(&paths, cluster, &["servicelevelobjectives.pyrra.dev", "-A"])
        });
        let mut expected: Vec<String> = listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|o| {
                o["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        expected.sort();
        assert_eq!(
            names.len(),
            expected.len(),
            "{cluster}: {names:?} vs kubectl's {expected:?}"
        );
        for name in &expected {
            assert!(
                names.iter().any(|n| n.contains(name.as_str())),
                "{cluster}: Pyrra SLO {name} not found among {names:?}"
            );
        }
        if cluster == "us-east-1" {
            assert_eq!(
                expected.len(),
                2,
                "the fixture puts two Pyrra SLOs in us-east-1"
            );
        }
    }
}

#[test]
fn scale_runs_access_review_dry_run_diff_and_waits_for_real_pods() {
    let paths = paths();
    let before = get_json(
        &paths,
        "eu-west-1",
        &["deployment", "api-gateway", "-n", "shop"],
    );
    assert_eq!(before["spec"]["replicas"], 4);
    let (output, audit) = run_step(
        &paths,
        "scale",
        &paths.config,
        "id: scale\nkind: scale\ntarget: { cluster: eu-west-1, namespace: shop, name: api-gateway }\nreplicas: 6\nverify_timeout: 2m\n",
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "the run completes:\n{shown}");
    assert!(
        shown.contains("allowed: patch"),
        "the access review is shown:\n{shown}"
    );
    assert!(
        shown.contains("replicas: 4") && shown.contains("replicas: 6"),
        "the diff is shown:\n{shown}"
    );
    let after = get_json(
        &paths,
        "eu-west-1",
        &["deployment", "api-gateway", "-n", "shop"],
    );
    assert_eq!(
        after["spec"]["replicas"], 6,
        "the apiserver holds the new count"
    );
    assert_eq!(
        after["status"]["readyReplicas"], 6,
        "verified only once the real controllers ran 6 ready pods"
    );
    let records = audit_records(&audit);
    assert!(
        records
            .iter()
            .any(|r| r.to_string().contains("api-gateway")),
        "the scale is in the audit log: {records:?}"
    );
    // A dry run alone changes nothing on the server.
    let (dry, _) = run_step_with(
        &paths,
        "scale-dry",
        &paths.config,
        "id: scale\nkind: scale\ntarget: { cluster: eu-west-1, namespace: shop, name: api-gateway }\nreplicas: 9\n",
        "--dry-run",
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let unchanged = get_json(
        &paths,
        "eu-west-1",
        &["deployment", "api-gateway", "-n", "shop"],
    );
    assert_eq!(
        unchanged["spec"]["replicas"], 6,
        "--dry-run leaves the count alone"
    );
}

#[test]
fn rollback_restores_the_previous_template_and_adds_a_revision() {
    let paths = paths();
    let replicasets = get_json(
        &paths,
        "us-east-1",
        &[
            "replicasets",
            "-n",
            "shop",
            "-l",
            "app.kubernetes.io/name=payment",
        ],
    );
    let previous = replicasets["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|rs| rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2")
        .expect("revision 2 of payment")
        .clone();
    let (output, _) = run_step(
        &paths,
        "rollback",
        &paths.config,
        "id: rollback\nkind: rollback\ntarget: { cluster: us-east-1, namespace: shop, kind: deployment, name: payment }\nverify_timeout: 2m\n",
    );
    let shown = text(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "the rollback completes:\n{shown}"
    );
    assert!(
        shown.contains("payment:v1.4.1") && shown.contains("payment:v1.4.0"),
        "the image diff is shown:\n{shown}"
    );
    let deployment = get_json(
        &paths,
        "us-east-1",
        &["deployment", "payment", "-n", "shop"],
    );
    let mut want = previous["spec"]["template"].clone();
    let mut have = deployment["spec"]["template"].clone();
    for template in [&mut want, &mut have] {
        if let Some(labels) = template["metadata"]["labels"].as_object_mut() {
            labels.remove("pod-template-hash");
        }
    }
    assert_eq!(
        have, want,
        "the Deployment's template is revision 2's again"
    );
    let history = kubectl(
        &paths,
        "us-east-1",
        &["rollout", "history", "deployment/payment", "-n", "shop"],
    );
    let revisions: Vec<&str> = history
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(
        revisions,
        ["1", "3", "4"],
        "revision 2 became revision 4:\n{history}"
    );
}

#[test]
fn cnpg_promote_patches_the_status_subresource_and_verifies_with_the_operator() {
    let paths = paths();
    // The operator's part: once targetPrimary names a new instance, make it the primary.
    let operator_paths = Paths {
        kubeconfig: paths.kubeconfig.clone(),
        config: paths.config.clone(),
        dir: paths.dir.clone(),
    };
    let operator = std::thread::spawn(move || {
        wait_for(Duration::from_secs(90), "targetPrimary changes", || {
            let cluster = get_json(
                &operator_paths,
                "ap-southeast-1",
                &["clusters.postgresql.cnpg.io", "orders-db", "-n", "database"],
            );
            (cluster["status"]["targetPrimary"] == "orders-db-2").then_some(())
        });
        kubectl(
            &operator_paths,
            "ap-southeast-1",
            &[
                "patch",
                "clusters.postgresql.cnpg.io",
                "orders-db",
                "-n",
                "database",
                "--subresource=status",
                "--type=merge",
                "-p",
                r#"{"status":{"currentPrimary":"orders-db-2","phase":"Cluster in healthy state"}}"#,
            ],
        );
    });
    let (output, _) = run_step(
        &paths,
        "promote",
        &paths.config,
        "id: promote\nkind: promote\nvia: cnpg\ntarget: { cluster: ap-southeast-1, namespace: database, kind: cnpg-cluster, name: orders-db }\ninstance: orders-db-2\nverify_timeout: 2m\n",
    );
    operator.join().expect("the operator's part ran");
    let shown = text(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "the promotion completes:\n{shown}"
    );
    let cluster = get_json(
        &paths,
        "ap-southeast-1",
        &["clusters.postgresql.cnpg.io", "orders-db", "-n", "database"],
    );
    assert_eq!(
        cluster["status"]["targetPrimary"], "orders-db-2",
        "the status patch reads back"
    );
    assert_eq!(cluster["status"]["currentPrimary"], "orders-db-2");
}

#[test]
fn a_read_only_identity_is_refused_before_anything_is_sent() {
    let paths = paths();
    let config = {
        let plane = plane().lock().unwrap_or_else(|e| e.into_inner());
        plane.config_with("-view", |_| String::new())
    };
    refused_before_sending(
        &paths,
        &config,
        ("eu-west-1", "shop", "notification"),
        "viewer",
    );
}

#[test]
fn check_reports_each_clusters_pods_as_kubectl_counts_them() {
    let paths = paths();
    // Other tests of this file scale Deployments meanwhile: a report counts only when kubectl
    // counted the same pods just before and just after it.
    for _attempt in 0..10 {
        let before: Vec<usize> = CLUSTERS
            .iter()
            .map(|c| kubectl_pods(&paths, c).len())
            .collect();
        let output = watchdeck(
            &[
                "check",
                "--config",
                paths.config.to_str().expect("utf-8"),
                "--format",
                "json",
            ],
            &paths.dir,
        );
        let after: Vec<usize> = CLUSTERS
            .iter()
            .map(|c| kubectl_pods(&paths, c).len())
            .collect();
        if before != after {
            std::thread::sleep(Duration::from_secs(2));
            continue;
        }
        let report: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("check prints JSON ({e}):\n{}", text(&output)));
        let clusters = report["clusters"].as_array().expect("clusters");
        assert_eq!(clusters.len(), 3, "one entry per control plane");
        for entry in clusters {
            let name = entry["name"].as_str().expect("name");
            let kubectl_count = after[CLUSTERS
                .iter()
                .position(|c| *c == name)
                .expect("a known cluster")];
            let k8s = entry["sources"]
                .as_array()
                .expect("sources")
                .iter()
                .find(|s| s["source"] == "k8s")
                .expect("a k8s source");
            assert_eq!(k8s["state"], "ok", "{name}: the API server answered: {k8s}");
            assert_eq!(
                entry["pods"]["total"].as_u64(),
                Some(kubectl_count as u64),
                "{name}: the report counts the pods kubectl lists"
            );
        }
        // Nothing can fire (no Alertmanager configured): 0 when every pod is up, 1 while a
        // concurrent scale still starts some; never 3, "cannot see".
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "check against healthy real clusters:\n{}",
            text(&output)
        );
        return;
    }
    panic!("the clusters never held still for one check");
}

/// The API server URL and admin token of `cluster` in the control planes' kubeconfig.
fn server_and_token(paths: &Paths, cluster: &str) -> (String, String) {
    let kubeconfig = Kubeconfig::read_from(&paths.kubeconfig).expect("kubeconfig parses");
    let server = kubeconfig
        .clusters
        .iter()
        .find(|c| c.name == cluster)
        .and_then(|c| c.cluster.as_ref()?.server.clone())
        .expect("the cluster's server");
    // k8s-up's token file: token,user,uid[,groups]
    let tokens = std::fs::read_to_string(
        paths
            .kubeconfig
            .parent()
            .expect("state dir")
            .join("pki/tokens.csv"),
    )
    .expect("token file");
    let token = tokens
        .lines()
        .find_map(|line| {
            let mut fields = line.split(',');
            let token = fields.next()?;
            (fields.next() == Some("admin")).then(|| token.to_string())
        })
        .expect("the admin token");
    (server, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_slo_on_the_api_servers_own_metrics_and_a_silence_on_a_real_alertmanager() {
    let paths = tokio::task::spawn_blocking(paths)
        .await
        .expect("control plane");
    watchdeck_io::install_tls_provider();
    let dir = paths.dir.join("slo-silence");
    std::fs::create_dir_all(&dir).expect("dir");
    let (server, token) = server_and_token(&paths, "us-east-1");
    let state = paths.kubeconfig.parent().expect("state dir").to_path_buf();

    // Debian's Prometheus scrapes us-east-1's API server (its own request metrics).
    let token_file = dir.join("token");
    std::fs::write(&token_file, &token).expect("token file");
    let prometheus_config = dir.join("prometheus.yml");
    std::fs::write(
        &prometheus_config,
        serde_json::json!({
            "global": {"scrape_interval": "1s"},
            "scrape_configs": [{
                "job_name": "apiserver", "scheme": "https",
                "tls_config": {"ca_file": state.join("pki/ca.crt")},
                "authorization": {"credentials_file": token_file},
                "static_configs": [{"targets": [server.trim_start_matches("https://")],
                                    "labels": {"cluster": "us-east-1"}}],
            }],
        })
        .to_string(),
    )
    .expect("prometheus config");
    let prom_port = common::free_port();
    let prom_log = dir.join("prometheus.log");
    let _prometheus = common::daemon::spawn_logged(
        &common::require("prometheus", "prometheus"),
        &[
            format!("--config.file={}", prometheus_config.display()),
            format!("--storage.tsdb.path={}", dir.join("prom-data").display()),
            format!("--web.listen-address=127.0.0.1:{prom_port}"),
        ],
        &prom_log,
    );
    let prom_url = format!("http://127.0.0.1:{prom_port}");
    common::daemon::wait_ready(&prom_url, "prometheus", &prom_log).await;

    // Debian's Alertmanager, alone.
    let am_config = dir.join("alertmanager.yml");
    std::fs::write(
        &am_config,
        serde_json::json!({"route": {"receiver": "default"}, "receivers": [{"name": "default"}]})
            .to_string(),
    )
    .expect("alertmanager config");
    let am_port = common::free_port();
    let am_log = dir.join("alertmanager.log");
    let _alertmanager = common::daemon::spawn_logged(
        &common::require_any(
            &["prometheus-alertmanager", "alertmanager"],
            "prometheus-alertmanager",
        ),
        &[
            format!("--config.file={}", am_config.display()),
            format!("--web.listen-address=127.0.0.1:{am_port}"),
            "--cluster.listen-address=".to_string(),
            format!("--storage.path={}", dir.join("am-data").display()),
        ],
        &am_log,
    );
    let am_url = format!("http://127.0.0.1:{am_port}");
    common::daemon::wait_ready(&am_url, "alertmanager", &am_log).await;

    let config = {
        let plane = plane().lock().unwrap_or_else(|e| e.into_inner());
        plane.config_with("", |name| {
            if name == "us-east-1" {
                format!("[clusters.prometheus]\nurl = \"{prom_url}\"\n[[clusters.alertmanagers]]\nurl = \"{am_url}\"\n")
            } else {
                String::new()
            }
        })
    };
    let mut text_config = std::fs::read_to_string(&config).expect("config");
    text_config.push_str(
        r#"
[[slos]]
name = "apiserver-availability"
service = "kube-apiserver"
description = "API requests answered without a 5xx"
target = "99"
clusters = ["us-east-1"]
errors = 'sum(rate(apiserver_request_total{code=~"5..",$selector}[$window]))'
total = 'sum(rate(apiserver_request_total{$selector}[$window]))'
"#,
    );
    std::fs::write(&config, text_config).expect("config with the SLO");

    // Two scrapes make a rate.
    let client = reqwest::Client::new();
    let scraped = Instant::now() + Duration::from_secs(60);
    loop {
        let answer: serde_json::Value = client
            .get(format!("{prom_url}/api/v1/query"))
            .query(&[(
                "query",
                "count(count_over_time(up{job=\"apiserver\"}[1m]) >= 3)",
            )])
            .send()
            .await
            .expect("prometheus answers")
            .json()
            .await
            .expect("json");
        if answer["data"]["result"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
        {
            break;
        }
        assert!(
            Instant::now() < scraped,
            "Prometheus never scraped the API server: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let output = tokio::task::block_in_place(|| {
        watchdeck(
            &[
                "slo",
                "--config",
                config.to_str().expect("utf-8"),
                "--format",
                "json",
            ],
            &dir,
        )
    });
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("slo prints JSON ({e}):\n{}", text(&output)));
    let slo = report["slos"]
        .as_array()
        .and_then(|slos| slos.iter().find(|s| s["name"] == "apiserver-availability"))
        .unwrap_or_else(|| panic!("the SLO is reported:\n{}", text(&output)));
    assert_eq!(
        slo["state"], "ok",
        "judged from the real API server's metrics: {slo}"
    );
    let sli = slo["sli"].as_f64().expect("an SLI");
    assert!(
        (0.99..=1.0).contains(&sli),
        "a healthy API server answers without 5xx: {sli}"
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "no tier fires:\n{}",
        text(&output)
    );

    // A silence through the runbook engine, read back from Alertmanager's own API.
    let (output, audit) = tokio::task::block_in_place(|| {
        run_step(
            &paths,
            "silence",
            &config,
            "id: quiet\nkind: silence\ncluster: us-east-1\nmatchers: 'alertname=\"KubeAPIErrorBudgetBurn\",cluster=\"us-east-1\"'\nduration: 1h\ncomment: testing watchdeck against real Kubernetes\n",
        )
    });
    assert_eq!(
        output.status.code(),
        Some(0),
        "the silence is created:\n{}",
        text(&output)
    );
    let silences: serde_json::Value = client
        .get(format!("{am_url}/api/v2/silences"))
        .send()
        .await
        .expect("alertmanager answers")
        .json()
        .await
        .expect("json");
    let ours = silences
        .as_array()
        .expect("silences")
        .iter()
        .find(|s| s["comment"] == "testing watchdeck against real Kubernetes")
        .unwrap_or_else(|| panic!("the silence is in Alertmanager: {silences}"));
    assert_eq!(ours["status"]["state"], "active");
    let matchers: BTreeSet<(String, String)> = ours["matchers"]
        .as_array()
        .expect("matchers")
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap_or_default().to_string(),
                m["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        matchers,
        BTreeSet::from([
            (
                "alertname".to_string(),
                "KubeAPIErrorBudgetBurn".to_string()
            ),
            ("cluster".to_string(), "us-east-1".to_string())
        ])
    );
    // The audit log's result record names the silence Alertmanager holds.
    let records = audit_records(&audit);
    assert!(
        records.iter().any(|r| r["phase"] == "result"
            && r["verb"] == "silence"
            && r["result"] == "ok"
            && r["resource_version_after"] == ours["id"]),
        "the silence is audited with its id: {records:?}"
    );
}
