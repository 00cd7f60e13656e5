//! The cluster's watchers against a fake API server: every resource arrives on its own, a 403
//! on one resource fails that resource only, CNPG is reported absent when its API is missing,
//! and a relist after 410 Gone replaces the rows only once the new list is complete. Exec
//! credential plugins: no terminal stdin, a time limit, and login hints.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::HashMap;
use tokio::sync::mpsc;

use super::client::client_with;
use super::watch_cluster;
use watchdeck_core::event::{DataEvent, Payload, PodsChange};
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::model::kube::{Change, KubeData, KubeResource};
use watchdeck_core::model::workload::WorkloadKind;

fn pod(name: &str, rv: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": "shop", "resourceVersion": rv,
                        "managedFields": [{"manager": "kubelet", "fieldsV1": {"f:status": {}}}]},
           "spec": {"containers": [{"name": "app", "image": "x", "ports": [{"containerPort": 8080}]}]},
           "status": {"phase": "Running"}})
}

fn list(kind: &str, rv: &str, items: Vec<Value>) -> Response {
    let body = json!({"apiVersion": "v1", "kind": format!("{kind}List"),
                      "metadata": {"resourceVersion": rv}, "items": items});
    ([("content-type", "application/json")], body.to_string()).into_response()
}

fn watch(lines: Vec<Value>) -> Response {
    let chunks: Vec<Result<String, std::io::Error>> =
        lines.iter().map(|l| Ok(format!("{l}\n"))).collect();
    Body::from_stream(futures::stream::iter(chunks).chain(futures::stream::pending()))
        .into_response()
}

fn is_watch(query: &HashMap<String, String>) -> bool {
    query.get("watch").map(String::as_str) == Some("true")
}

fn status(code: u16, reason: &str, message: &str) -> Response {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": message, "reason": reason, "code": code});
    (
        StatusCode::from_u16(code).unwrap(),
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Pods: first list a, b; the first watch answers 410 Gone; the relist has x only.
/// Deployments: one. ReplicaSets: 403. StatefulSets: none. Events: one hostile. No CNPG.
async fn fake_api_server() -> String {
    let lists = Arc::new(AtomicUsize::new(0));
    let pods = move |Query(query): Query<HashMap<String, String>>| {
        let lists = Arc::clone(&lists);
        async move {
            if is_watch(&query) {
                if query.get("resourceVersion").map(String::as_str) == Some("10") {
                    return watch(vec![json!({"type": "ERROR", "object": {
                        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                        "message": "too old resource version: 10 (15)", "reason": "Expired", "code": 410}})]);
                }
                return watch(vec![]);
            }
            if lists.fetch_add(1, Ordering::SeqCst) == 0 {
                list("Pod", "10", vec![pod("a", "5"), pod("b", "6")])
            } else {
                list("Pod", "20", vec![pod("x", "19")])
            }
        }
    };
    let deployments = |Query(query): Query<HashMap<String, String>>| async move {
        if is_watch(&query) {
            return watch(vec![]);
        }
        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "payment", "namespace": "shop", "resourceVersion": "7",
                         "annotations": {"deployment.kubernetes.io/revision": "4"},
                         "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:spec": {}}}]},
            "spec": {"replicas": 3, "selector": {}, "template": {}},
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2,
                       "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
                                       "message": "Deployment does not have minimum availability.\u{1b}[2J"}]}});
        list("Deployment", "8", vec![deployment])
    };
    let replicasets = || async {
        status(
            403,
            "Forbidden",
            "replicasets.apps is forbidden: User \"bob\" cannot list resource \"replicasets\" in API group \"apps\" at the cluster scope",
        )
    };
    let statefulsets = |Query(query): Query<HashMap<String, String>>| async move {
        if is_watch(&query) {
            watch(vec![])
        } else {
            list("StatefulSet", "3", vec![])
        }
    };
    let events = |Query(query): Query<HashMap<String, String>>| async move {
        if is_watch(&query) {
            return watch(vec![]);
        }
        let event = json!({"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "a.1", "namespace": "shop", "resourceVersion": "4"},
            "involvedObject": {"kind": "Pod", "name": "a", "namespace": "shop"},
            "reason": "BackOff", "message": "\u{1b}]52;c;cm0gLXJm\u{7}restarting\r", "type": "Warning",
            "count": 2, "lastTimestamp": "2025-06-01T11:59:00Z"});
        list("Event", "5", vec![event])
    };
    let router = axum::Router::new()
        .route("/api/v1/pods", axum::routing::get(pods))
        .route("/apis/apps/v1/deployments", axum::routing::get(deployments))
        .route("/apis/apps/v1/replicasets", axum::routing::get(replicasets))
        .route(
            "/apis/apps/v1/statefulsets",
            axum::routing::get(statefulsets),
        )
        .route("/api/v1/events", axum::routing::get(events))
        .fallback(|| async {
            status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

fn kubeconfig(server: &str, user: Value) -> kube::config::Kubeconfig {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Config", "current-context": "ctx",
        "clusters": [{"name": "c", "cluster": {"server": server}}],
        "users": [{"name": "u", "user": user}],
        "contexts": [{"name": "ctx", "context": {"cluster": "c", "user": "u"}}],
    }))
    .unwrap()
}

async fn recv(rx: &mut mpsc::Receiver<DataEvent>) -> Payload {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("a message within 20 s")
        .expect("channel open")
        .payload
}

#[tokio::test]
async fn every_resource_arrives_and_a_403_fails_only_its_own() {
    let server = fake_api_server().await;
    let (tx, mut rx) = mpsc::channel(64);
    let task = tokio::spawn(watch_cluster(
        3,
        kubeconfig(&server, json!({})),
        "ctx".into(),
        Vec::new(),
        tx,
    ));
    let mut pod_changes = Vec::new();
    let (mut deployment, mut forbidden, mut absent, mut event) = (None, None, false, None);
    while pod_changes.len() < 2
        || deployment.is_none()
        || forbidden.is_none()
        || !absent
        || event.is_none()
    {
        match recv(&mut rx).await {
            Payload::Pods(change) => pod_changes.push(change),
            Payload::Failed { source, reason } => panic!("{source:?} failed: {reason}"),
            Payload::Kube(data) => match *data {
                KubeData::Workloads(WorkloadKind::Deployment, Change::Reset(rows)) => {
                    deployment = rows.into_iter().next()
                }
                KubeData::Failed(resource, reason) => forbidden = Some((resource, reason)),
                KubeData::Absent(KubeResource::CnpgClusters) => absent = true,
                KubeData::Events(Change::Reset(rows)) => event = rows.into_iter().next(),
                _ => {}
            },
            _ => {}
        }
    }
    task.abort();

    // Relist after 410: the old rows are replaced in one step by the complete new list; no
    // empty list, no deletions in between.
    let names = |change: &PodsChange| -> Vec<String> {
        match change {
            PodsChange::Reset(rows) => rows.iter().map(|r| r.key.name.to_string()).collect(),
            other => panic!("only complete lists expected, got {other:?}"),
        }
    };
    assert_eq!(names(&pod_changes[0]), ["a", "b"]);
    assert_eq!(names(&pod_changes[1]), ["x"]);
    let PodsChange::Reset(rows) = &pod_changes[1] else {
        unreachable!()
    };
    assert_eq!(rows[0].detail.metrics_port, Some(8080));

    let (resource, reason) = forbidden.unwrap();
    assert_eq!(resource, KubeResource::ReplicaSets);
    assert_eq!(
        reason.as_str(),
        "forbidden: list replicasets at cluster scope"
    );

    let deployment = deployment.unwrap();
    assert_eq!(
        (
            deployment.desired,
            deployment.ready,
            deployment.updated,
            deployment.revision.as_str()
        ),
        (3, 2, 3, "4")
    );
    assert_eq!(
        deployment.conditions[0].message.as_str(),
        "Deployment does not have minimum availability.␛[2J"
    );
    let event = event.unwrap();
    assert_eq!(event.message.as_str(), "␛]52;c;cm0gLXJm␇restarting␍");
    assert_eq!((event.count, event.key.object.name.as_str()), (2, "a"));
}

fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

fn exec_user(command: &str) -> Value {
    json!({"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": command}})
}

#[tokio::test]
async fn exec_plugin_needing_a_login_says_which_command_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("stdin");
    let plugin = script(
        dir.path(),
        "aws-token",
        &format!(
            "readlink /proc/self/fd/0 > '{}'\necho \"Error loading SSO Token: Token for prod does not exist\" >&2\necho \"To refresh, run 'aws sso login --profile prod'.\" >&2\nexit 255",
            seen.display()
        ),
    );
    let result = client_with(
        kubeconfig("http://127.0.0.1:1", exec_user(&plugin)),
        "ctx",
        Duration::from_secs(10),
    )
    .await;
    let Err(reason) = result else {
        panic!("the plugin failed, the client must not build")
    };
    assert_eq!(
        reason,
        "credentials expired: run: aws sso login --profile prod"
    );
    let stdin = std::fs::read_to_string(&seen).unwrap();
    assert_eq!(
        stdin.trim(),
        "/dev/null",
        "the plugin must not get the terminal"
    );
}

#[tokio::test]
async fn exec_plugin_that_hangs_times_out() {
    let dir = tempfile::tempdir().unwrap();
    // Waits for a line on stdin (there is none: it is closed), then hangs anyway.
    let plugin = script(dir.path(), "hang", "read line\nexec sleep 30");
    let result = client_with(
        kubeconfig("http://127.0.0.1:1", exec_user(&plugin)),
        "ctx",
        Duration::from_secs(1),
    )
    .await;
    let Err(reason) = result else {
        panic!("a hanging plugin must not yield a client")
    };
    assert!(reason.contains("gave no credential within 1 s"), "{reason}");
}

#[tokio::test]
async fn exec_plugin_failure_reaches_the_pods_health() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = script(
        dir.path(),
        "gcloud-token",
        "echo 'ERROR: Reauthentication required. Please run:' >&2\necho '  $ gcloud auth login' >&2\nexit 1",
    );
    let (tx, mut rx) = mpsc::channel(8);
    let task = tokio::spawn(watch_cluster(
        0,
        kubeconfig("http://127.0.0.1:1", exec_user(&plugin)),
        "ctx".into(),
        Vec::new(),
        tx,
    ));
    let payload = recv(&mut rx).await;
    task.abort();
    let Payload::Failed {
        source: SourceKind::Pods,
        reason,
    } = payload
    else {
        panic!("{payload:?}")
    };
    assert_eq!(
        reason.as_str(),
        "credentials expired: run: gcloud auth login"
    );
}

/// An API server that answers every pod list with 429 Too Many Requests asking for 3 s
/// (in the Retry-After header and the Status details, as kube-apiserver does), and records
/// when each list came.
async fn throttling_api_server() -> (String, Arc<std::sync::Mutex<Vec<tokio::time::Instant>>>) {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let pods = move || {
        let record = Arc::clone(&record);
        async move {
            record.lock().unwrap().push(tokio::time::Instant::now());
            let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
                "status": "Failure", "message": "Too many requests, please try again later.",
                "reason": "TooManyRequests", "details": {"retryAfterSeconds": 3}, "code": 429});
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("content-type", "application/json"), ("retry-after", "3")],
                body.to_string(),
            )
                .into_response()
        }
    };
    let router = axum::Router::new()
        .route("/api/v1/pods", axum::routing::get(pods))
        .fallback(|| async { status(404, "NotFound", "not here") });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn a_429_is_shown_and_retried_no_sooner_than_the_api_server_asked() {
    let (server, seen) = throttling_api_server().await;
    let (tx, mut rx) = mpsc::channel(64);
    let task = tokio::spawn(watch_cluster(
        0,
        kubeconfig(&server, json!({})),
        "ctx".into(),
        Vec::new(),
        tx,
    ));
    let reason = loop {
        if let Payload::Failed {
            source: SourceKind::Pods,
            reason,
        } = recv(&mut rx).await
        {
            break reason;
        }
    };
    assert!(
        reason.as_str().contains("429"),
        "the panel says why: {reason}"
    );
    while seen.lock().unwrap().len() < 3 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    task.abort();
    let times = seen.lock().unwrap().clone();
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_secs(3),
            "listed again {gap:?} after a 429 that asked for 3 s"
        );
    }
}
