//! Pod rows from API objects: kubectl's status text, ready and restart counts, sanitizing.

use serde_json::{Value, json};

use super::errors::is_expired;
use super::*;
use futures::StreamExt;
use kube::runtime::watcher;
use watchdeck_core::event::PodsChange;
use watchdeck_core::model::pod::{PodKey, PodRow};

fn pod(value: Value) -> Pod {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("fixture pod: {e}"))
}

fn running(name: &str, ready: bool, restarts: i32) -> Value {
    json!({"name": name, "ready": ready, "restartCount": restarts, "image": "x", "imageID": "",
           "state": {"running": {"startedAt": "2025-06-01T10:00:00Z"}}})
}

fn waiting(name: &str, reason: &str, restarts: i32) -> Value {
    json!({"name": name, "ready": false, "restartCount": restarts, "image": "x", "imageID": "",
           "state": {"waiting": {"reason": reason}}})
}

fn base(name: &str, containers: &[&str], status: Value) -> Value {
    let containers: Vec<Value> = containers
        .iter()
        .map(|c| json!({"name": c, "image": "x"}))
        .collect();
    json!({
        "metadata": {"name": name, "namespace": "shop", "creationTimestamp": "2025-06-01T11:00:00Z",
                     "managedFields": [{"manager": "kubelet", "operation": "Update", "fieldsV1": {"f:status": {}}}]},
        "spec": {"nodeName": "node-a", "containers": containers},
        "status": status,
    })
}

fn row(value: Value) -> PodRow {
    pod_row(&pod(value)).unwrap_or_else(|| panic!("no row"))
}

#[test]
fn pod_row_running_ready_with_restarts() {
    let r = row(base(
        "web-1",
        &["app", "proxy"],
        json!({"phase": "Running",
        "containerStatuses": [running("app", true, 2), running("proxy", true, 1)]}),
    ));
    assert_eq!(
        (r.status.as_str(), r.ready, r.total, r.restarts),
        ("Running", 2, 2, 3)
    );
    assert_eq!(
        (
            r.key.namespace.as_str(),
            r.key.name.as_str(),
            r.node.as_str()
        ),
        ("shop", "web-1", "node-a")
    );
    assert_eq!(r.created, Some("2025-06-01T11:00:00Z".parse().unwrap()));
    assert!(!r.crash_looping);
}

#[test]
fn pod_row_crash_loop_and_container_creating() {
    let r = row(base(
        "api",
        &["app"],
        json!({"phase": "Running",
        "containerStatuses": [waiting("app", "CrashLoopBackOff", 14)]}),
    ));
    assert_eq!(
        (r.status.as_str(), r.ready, r.total, r.restarts),
        ("CrashLoopBackOff", 0, 1, 14)
    );
    assert!(r.crash_looping);
    let r = row(base(
        "new",
        &["app"],
        json!({"phase": "Pending",
        "containerStatuses": [waiting("app", "ContainerCreating", 0)]}),
    ));
    assert_eq!(r.status.as_str(), "ContainerCreating");
    let r = row(base("unscheduled", &["app"], json!({"phase": "Pending"})));
    assert_eq!((r.status.as_str(), r.ready, r.total), ("Pending", 0, 1));
}

#[test]
fn pod_row_terminating_completed_and_node_lost() {
    let mut value = base(
        "old",
        &["app"],
        json!({"phase": "Running", "containerStatuses": [running("app", true, 0)]}),
    );
    value["metadata"]["deletionTimestamp"] = json!("2025-06-01T11:59:00Z");
    assert_eq!(row(value.clone()).status.as_str(), "Terminating");
    value["status"]["reason"] = json!("NodeLost");
    assert_eq!(row(value).status.as_str(), "Unknown");
    let done = json!({"name": "app", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
                      "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}});
    let r = row(base(
        "job",
        &["app"],
        json!({"phase": "Succeeded", "containerStatuses": [done]}),
    ));
    assert_eq!((r.status.as_str(), r.ready, r.total), ("Completed", 0, 1));
    let killed = json!({"name": "app", "ready": false, "restartCount": 1, "image": "x", "imageID": "",
                        "state": {"terminated": {"exitCode": 137, "signal": 9}}});
    let r = row(base(
        "k",
        &["app"],
        json!({"phase": "Running", "containerStatuses": [killed]}),
    ));
    assert_eq!(r.status.as_str(), "Signal:9");
}

#[test]
fn pod_row_init_containers_and_sidecars() {
    let mut value = base(
        "init",
        &["app"],
        json!({"phase": "Pending",
        "initContainerStatuses": [waiting("migrate", "PodInitializing", 0)],
        "containerStatuses": [waiting("app", "PodInitializing", 0)]}),
    );
    value["spec"]["initContainers"] =
        json!([{"name": "migrate", "image": "x"}, {"name": "seed", "image": "x"}]);
    assert_eq!(row(value.clone()).status.as_str(), "Init:0/2");
    value["status"]["initContainerStatuses"] = json!([waiting("migrate", "CrashLoopBackOff", 5)]);
    let r = row(value);
    assert_eq!(
        (r.status.as_str(), r.restarts),
        ("Init:CrashLoopBackOff", 5)
    );
    assert!(r.crash_looping);

    let mut sidecar = base(
        "mesh",
        &["app"],
        json!({"phase": "Running",
        "initContainerStatuses": [{"name": "envoy", "ready": true, "started": true, "restartCount": 1, "image": "x",
                                   "imageID": "", "state": {"running": {}}}],
        "containerStatuses": [running("app", true, 0)],
        "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}]}),
    );
    sidecar["spec"]["initContainers"] =
        json!([{"name": "envoy", "image": "x", "restartPolicy": "Always"}]);
    let r = row(sidecar);
    assert_eq!(
        (r.status.as_str(), r.ready, r.total, r.restarts),
        ("Running", 2, 2, 1)
    );
}

#[test]
fn pod_row_sanitizes_hostile_names_and_skips_nameless() {
    let mut value = base(
        "x",
        &["app"],
        json!({"phase": "Running", "reason": "\u{1b}]0;pwned\u{7}"}),
    );
    value["metadata"]["name"] = json!("evil\u{1b}[2J\u{202e}");
    value["spec"]["nodeName"] = json!("node\r\u{9b}31m");
    let r = row(value);
    assert_eq!(r.key.name.as_str(), "evil␛[2J\\u{202e}");
    assert_eq!(r.status.as_str(), "␛]0;pwned␇");
    assert_eq!(r.node.as_str(), "node␍\\u{9b}31m");
    let mut nameless = base("x", &["app"], json!({}));
    nameless["metadata"]["name"] = Value::Null;
    assert!(pod_row(&pod(nameless)).is_none());
}

#[test]
fn reasons_for_api_errors() {
    let status = kube::core::Status::failure("pods is forbidden", "Forbidden").with_code(403);
    let err = watcher::Error::InitialListFailed(kube::Error::Api(Box::new(status)));
    assert_eq!(
        reason(KubeResource::Pods, &err),
        "forbidden: list pods at cluster scope"
    );
    let gone = kube::core::Status::failure("too old resource version", "Expired").with_code(410);
    assert!(is_expired(&watcher::Error::WatchError(Box::new(gone))));
    let bad_json = serde_json::from_str::<Pod>("{").unwrap_err();
    let err = watcher::Error::InitialListFailed(kube::Error::SerdeError(bad_json));
    let text = reason(KubeResource::Pods, &err);
    assert!(text.starts_with("bad JSON: "), "{text}");
}

fn kubeconfig_for(server: &str) -> Kubeconfig {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Config", "current-context": "other",
        "clusters": [{"name": "c", "cluster": {"server": server}}],
        "users": [{"name": "u", "user": {}}],
        "contexts": [{"name": "ctx", "context": {"cluster": "c", "user": "u"}},
                     {"name": "other", "context": {"cluster": "missing", "user": "u"}}],
    }))
    .unwrap_or_else(|e| panic!("kubeconfig: {e}"))
}

fn listed(name: &str, rv: &str) -> Value {
    let mut value = base(
        name,
        &["app"],
        json!({"phase": "Running", "containerStatuses": [running("app", true, 0)]}),
    );
    value["metadata"]["resourceVersion"] = json!(rv);
    value
}

async fn fake_api_server() -> String {
    use axum::body::Body;
    use axum::extract::Query;
    use std::collections::HashMap;
    let handler = |Query(query): Query<HashMap<String, String>>| async move {
        if query.get("watch").map(String::as_str) == Some("true") {
            let lines = [
                json!({"type": "ADDED", "object": listed("c", "11")}),
                json!({"type": "DELETED", "object": listed("a", "12")}),
            ];
            let chunks: Vec<Result<String, std::io::Error>> =
                lines.iter().map(|l| Ok(format!("{l}\n"))).collect();
            Body::from_stream(futures::stream::iter(chunks).chain(futures::stream::pending()))
        } else {
            let list = json!({"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "10"},
                              "items": [listed("a", "5"), listed("b", "6")]});
            Body::from(list.to_string())
        }
    };
    let router = axum::Router::new().route("/api/v1/pods", axum::routing::get(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

/// The next pod message (other resources' messages are skipped).
async fn next(rx: &mut mpsc::Receiver<DataEvent>) -> Option<(ClusterId, Payload)> {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .ok()
            .flatten()?;
        if !matches!(event.payload, Payload::Kube(_)) {
            return Some((event.cluster, event.payload));
        }
    }
}

#[tokio::test]
async fn watch_pods_lists_then_streams_changes() {
    let server = fake_api_server().await;
    let (tx, mut rx) = mpsc::channel(16);
    let task = tokio::spawn(watch_cluster(
        4,
        kubeconfig_for(&server),
        "ctx".to_string(),
        Vec::new(),
        tx,
    ));
    let Some((4, Payload::Pods(PodsChange::Reset(rows)))) = next(&mut rx).await else {
        panic!("no reset")
    };
    let names: Vec<&str> = rows.iter().map(|r| r.key.name.as_str()).collect();
    assert_eq!(names, vec!["a", "b"]);
    let Some((4, Payload::Pods(PodsChange::Upsert(row)))) = next(&mut rx).await else {
        panic!("no upsert")
    };
    assert_eq!(row.key, PodKey::new("shop", "c"));
    let Some((4, Payload::Pods(PodsChange::Deleted(key)))) = next(&mut rx).await else {
        panic!("no delete")
    };
    assert_eq!(key, PodKey::new("shop", "a"));
    drop(rx);
    task.abort();
}

#[tokio::test]
async fn watch_pods_reports_refused_connection() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (tx, mut rx) = mpsc::channel(16);
    let task = tokio::spawn(watch_cluster(
        1,
        kubeconfig_for(&server),
        "ctx".to_string(),
        Vec::new(),
        tx,
    ));
    let event = next(&mut rx).await;
    let Some((
        1,
        Payload::Failed {
            source: SourceKind::Pods,
            reason,
        },
    )) = event
    else {
        panic!("no failure: {event:?}")
    };
    assert_eq!(reason.as_str(), "connection refused");
    task.abort();
    // An unknown context is a configuration failure, reported the same way.
    let (tx, mut rx) = mpsc::channel(16);
    let task = tokio::spawn(watch_cluster(
        2,
        kubeconfig_for(&server),
        "nope".to_string(),
        Vec::new(),
        tx,
    ));
    let event = next(&mut rx).await;
    let Some((2, Payload::Failed { reason, .. })) = event else {
        panic!("{event:?}")
    };
    assert!(reason.as_str().starts_with("kubeconfig: "), "{reason}");
    task.abort();
}

#[test]
fn pod_detail_keeps_conditions_containers_and_owner_only() {
    let mut value = base(
        "payment-7d9f8c-x1",
        &["app"],
        json!({"phase": "Running", "podIP": "10.0.0.9",
        "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady",
                        "message": "containers with unready status: [app]\u{1b}[31m",
                        "lastTransitionTime": "2025-06-01T11:58:00Z"}],
        "containerStatuses": [{"name": "app", "ready": false, "restartCount": 14, "image": "x", "imageID": "",
                               "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                               "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                             "finishedAt": "2025-06-01T11:59:30Z"}}}]}),
    );
    value["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "name": "payment-7d9f8c", "uid": "u", "controller": true}]);
    value["metadata"]["annotations"] =
        json!({"kubectl.kubernetes.io/last-applied-configuration": "{huge}"});
    value["spec"]["containers"][0]["ports"] = json!([{"containerPort": 9102}]);
    let r = row(value);
    let d = &r.detail;
    let owner = d.owner.as_ref().unwrap();
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("ReplicaSet", "payment-7d9f8c")
    );
    assert_eq!((d.ip.as_str(), d.metrics_port), ("10.0.0.9", Some(9102)));
    assert_eq!(d.conditions.len(), 1);
    assert!(!d.conditions[0].is_true());
    assert_eq!(
        d.conditions[0].message.as_str(),
        "containers with unready status: [app]␛[31m"
    );
    let c = &d.containers[0];
    assert_eq!(
        (c.state.as_str(), c.reason.as_str(), c.restarts, c.ready),
        ("waiting", "CrashLoopBackOff", 14, false)
    );
    let last = c.last.as_ref().unwrap();
    assert_eq!((last.reason.as_str(), last.exit_code), ("Error", 1));
    // Nothing else of the object is kept: no managedFields, annotations or spec.
    let kept = format!("{r:?}");
    for dropped in [
        "managedFields",
        "kubelet",
        "f:status",
        "last-applied",
        "{huge}",
        "image",
    ] {
        assert!(!kept.contains(dropped), "{dropped} kept in {kept}");
    }
}

#[test]
fn cnpg_cluster_row_from_dynamic_object() {
    let object: kube::api::DynamicObject = serde_json::from_value(json!({
        "apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
        "metadata": {"name": "orders-db", "namespace": "database",
                     "managedFields": [{"manager": "cnpg"}]},
        "spec": {"instances": 3, "replica": {"enabled": true, "source": "orders-db-us-east-1"}},
        "status": {"instances": 3, "readyInstances": 2, "phase": "Cluster in healthy state\u{202e}",
                   "currentPrimary": "orders-db-1", "targetPrimary": "orders-db-2"}}))
    .unwrap();
    let r = super::cnpg::cluster_row(&object).unwrap();
    assert_eq!(
        (
            r.primary.as_str(),
            r.target_primary.as_str(),
            r.instances,
            r.ready,
            r.replica
        ),
        ("orders-db-1", "orders-db-2", 3, 2, true)
    );
    assert_eq!(r.phase.as_str(), "Cluster in healthy state\\u{202e}");
    assert_eq!(r.source.as_str(), "orders-db-us-east-1");
}

#[test]
fn replicaset_row_keeps_images_change_cause_and_age_for_the_revision_history() {
    let rs: k8s_openapi::api::apps::v1::ReplicaSet = serde_json::from_value(json!({
        "metadata": {"name": "payment-6d4f", "namespace": "shop",
                     "creationTimestamp": "2026-01-02T03:04:05Z",
                     "annotations": {"deployment.kubernetes.io/revision": "4",
                                     "kubernetes.io/change-cause": "image v2.4.1\u{1b}[2J"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": "payment", "uid": "u", "controller": true}]},
        "spec": {"selector": {}, "template": {"spec": {"containers": [
            {"name": "app", "image": "registry/payment:v2.4.1"},
            {"name": "proxy", "image": "envoy:1.30"}]}}}}))
    .unwrap();
    let r = super::workloads::replicaset_row(&rs).unwrap();
    assert_eq!(r.revision.as_str(), "4");
    assert_eq!(r.owner.as_ref().map(|o| o.as_str()), Some("payment"));
    let images: Vec<&str> = r.images.iter().map(|i| i.as_str()).collect();
    assert_eq!(images, ["registry/payment:v2.4.1", "envoy:1.30"]);
    assert!(!r.change_cause.as_str().contains('\u{1b}'), "sanitized");
    assert!(r.change_cause.as_str().starts_with("image v2.4.1"));
    assert_eq!(r.created.map(|t| t.as_second()), Some(1_767_323_045));
}
