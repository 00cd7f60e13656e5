//! The simulator against a real API server (a control plane built by scripts/k8s-build):
//! both serve the same fleet, read back with the same kubectl. The fixture fleet of
//! fixtures/k8s is written from the simulator's catalog; this keeps the two from drifting.
//! Then one table of raw HTTP requests goes to both, and their answers must agree in what
//! watchdeck and kubectl read of them, except the differences README lists.

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
    let _serial = SERIAL.lock().await;
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

// ---------------------------------------------------------------------------------------
// The same raw HTTP requests to both servers.
// ---------------------------------------------------------------------------------------

/// Who sends a request: the kubeconfig's three identities, nobody, or a token no server
/// knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    Viewer,
    ShopDev,
    Anonymous,
    WrongToken,
}

/// How a case's answer is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// One JSON answer.
    Once,
    /// A watch: its first `n` events (the stream is read until then, its end or 15 s).
    Watch(usize),
    /// A list followed page by page through `continue`; the union of the pages must be the
    /// list read whole.
    Pages,
}

/// One request of the table. `{pod}` in a path is a pod of analytics (names differ between
/// the servers), `{rv}` the resourceVersion of the shop Deployments before any change.
struct Case {
    name: &'static str,
    who: Who,
    method: &'static str,
    path: &'static str,
    content_type: Option<&'static str>,
    body: &'static str,
    read: Read,
}

const fn case(name: &'static str, method: &'static str, path: &'static str) -> Case {
    Case {
        name,
        who: Who::Admin,
        method,
        path,
        content_type: None,
        body: "",
        read: Read::Once,
    }
}

const fn get(name: &'static str, path: &'static str) -> Case {
    case(name, "GET", path)
}

const fn as_who(who: Who, case: Case) -> Case {
    Case { who, ..case }
}

const fn patch(
    name: &'static str,
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
) -> Case {
    Case {
        content_type: Some(content_type),
        body,
        ..case(name, "PATCH", path)
    }
}

const MERGE: &str = "application/merge-patch+json";
const STRATEGIC: &str = "application/strategic-merge-patch+json";
const JSON_PATCH: &str = "application/json-patch+json";
const APPLY: &str = "application/apply-patch+yaml";
const PODS: &str = "/api/v1/namespaces/shop/pods";
const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/shop/deployments";
const ANALYTICS: &str = "/apis/apps/v1/namespaces/shop/deployments/analytics";
const REVIEWS: &str = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
const ORDERS_DB: &str = "/apis/postgresql.cnpg.io/v1/namespaces/database/clusters/orders-db";

fn review(namespace: &str) -> String {
    json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
           "spec": {"resourceAttributes": {"verb": "patch", "group": "apps",
                    "resource": "deployments", "subresource": "scale",
                    "namespace": namespace, "name": "payment"}}})
    .to_string()
}

/// The table, in order: reads, identities, then changes (each to an object no earlier case
/// reads in a way the change would alter), deletions last.
fn cases() -> Vec<Case> {
    // Bodies that must outlive the table.
    let review_shop: &'static str = review("shop").leak();
    let review_database: &'static str = review("database").leak();
    let access_review = |name: &'static str, who: Who, body: &'static str| {
        as_who(
            who,
            Case {
                body,
                content_type: Some("application/json"),
                ..case(name, "POST", REVIEWS)
            },
        )
    };
    vec![
        // Reads.
        get("list pods in a namespace", PODS),
        get(
            "list with an equality label selector",
            "/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name=payment",
        ),
        get(
            "list with a set-based label selector",
            "/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name in (payment,order)",
        ),
        get(
            "list with a does-not-exist label selector",
            "/api/v1/namespaces/shop/pods?labelSelector=!track",
        ),
        get(
            "list with a metadata.name field selector",
            "/apis/apps/v1/namespaces/shop/deployments?fieldSelector=metadata.name=payment",
        ),
        get(
            "list with a status.phase field selector",
            "/api/v1/namespaces/shop/pods?fieldSelector=status.phase=Running",
        ),
        get(
            "list with an unknown field selector",
            "/api/v1/namespaces/shop/pods?fieldSelector=spec.unknown=x",
        ),
        Case {
            read: Read::Pages,
            ..get("list two at a time", "/api/v1/namespaces/shop/pods?limit=2")
        },
        get(
            "get a Deployment",
            "/apis/apps/v1/namespaces/shop/deployments/payment",
        ),
        get(
            "get a missing Deployment",
            "/apis/apps/v1/namespaces/shop/deployments/no-such",
        ),
        get("get a missing pod", "/api/v1/namespaces/shop/pods/no-such"),
        get(
            "get an unknown resource",
            "/apis/apps/v1/namespaces/shop/widgets",
        ),
        get(
            "get a Scale",
            "/apis/apps/v1/namespaces/shop/deployments/notification/scale",
        ),
        get("get a CNPG Cluster", ORDERS_DB),
        Case {
            read: Read::Watch(1),
            ..get(
                "watch from a too-old resourceVersion",
                "/apis/apps/v1/namespaces/shop/deployments?watch=1&resourceVersion=1&timeoutSeconds=5",
            )
        },
        // Identities.
        access_review("access review as admin", Who::Admin, review_shop),
        access_review("access review as viewer", Who::Viewer, review_shop),
        access_review(
            "access review as shop-dev in shop",
            Who::ShopDev,
            review_shop,
        ),
        access_review(
            "access review as shop-dev in database",
            Who::ShopDev,
            review_database,
        ),
        as_who(
            Who::Viewer,
            Case {
                body: r#"{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}"#,
                content_type: Some("application/json"),
                ..case(
                    "who am I as viewer",
                    "POST",
                    "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                )
            },
        ),
        as_who(Who::Viewer, get("list as viewer", PODS)),
        as_who(Who::Viewer, get("get a CNPG Cluster as viewer", ORDERS_DB)),
        as_who(
            Who::Viewer,
            patch(
                "patch as viewer",
                "/apis/apps/v1/namespaces/shop/deployments/payment/scale",
                MERGE,
                r#"{"spec":{"replicas":6}}"#,
            ),
        ),
        as_who(
            Who::ShopDev,
            get(
                "list in another namespace as shop-dev",
                "/api/v1/namespaces/database/pods",
            ),
        ),
        as_who(Who::ShopDev, get("list in shop as shop-dev", DEPLOYMENTS)),
        as_who(Who::Anonymous, get("list without credentials", PODS)),
        as_who(Who::WrongToken, get("list with an unknown token", PODS)),
        // Changes to analytics' metadata and spec (no rollout).
        patch(
            "merge patch",
            ANALYTICS,
            MERGE,
            r#"{"metadata":{"labels":{"conformance":"merge"}}}"#,
        ),
        Case {
            read: Read::Watch(1),
            ..get(
                "watch from a resourceVersion after a change",
                "/apis/apps/v1/namespaces/shop/deployments?watch=1&resourceVersion={rv}&fieldSelector=metadata.name=analytics&timeoutSeconds=5",
            )
        },
        patch(
            "strategic merge patch",
            ANALYTICS,
            STRATEGIC,
            r#"{"metadata":{"annotations":{"conformance":"strategic"}}}"#,
        ),
        patch(
            "JSON patch",
            ANALYTICS,
            JSON_PATCH,
            r#"[{"op":"add","path":"/metadata/labels/conformance-json","value":"yes"}]"#,
        ),
        patch(
            "JSON patch whose test fails",
            ANALYTICS,
            JSON_PATCH,
            r#"[{"op":"test","path":"/spec/replicas","value":999},{"op":"replace","path":"/spec/replicas","value":7}]"#,
        ),
        patch(
            "patch in an unknown content type",
            ANALYTICS,
            "application/xml",
            "<deployment/>",
        ),
        patch(
            "merge patch with a stale resourceVersion",
            ANALYTICS,
            MERGE,
            r#"{"metadata":{"resourceVersion":"1"},"spec":{"replicas":4}}"#,
        ),
        patch(
            "dry-run merge patch",
            "/apis/apps/v1/namespaces/shop/deployments/analytics?dryRun=All",
            MERGE,
            r#"{"spec":{"replicas":9}}"#,
        ),
        patch(
            "merge patch of the spec",
            ANALYTICS,
            MERGE,
            r#"{"spec":{"revisionHistoryLimit":5}}"#,
        ),
        // Server-side apply, to auth and user (what it writes shows in no other case).
        patch(
            "server-side apply",
            "/apis/apps/v1/namespaces/shop/deployments/auth?fieldManager=conformance",
            APPLY,
            r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"auth","namespace":"shop","labels":{"conformance-apply":"yes"}}}"#,
        ),
        patch(
            "server-side apply without a fieldManager",
            "/apis/apps/v1/namespaces/shop/deployments/user",
            APPLY,
            r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"user","namespace":"shop","labels":{"conformance-apply":"no"}}}"#,
        ),
        // Scale.
        patch(
            "merge patch of a Scale",
            "/apis/apps/v1/namespaces/shop/deployments/notification/scale",
            MERGE,
            r#"{"spec":{"replicas":5}}"#,
        ),
        as_who(
            Who::ShopDev,
            patch(
                "merge patch of a Scale as shop-dev",
                "/apis/apps/v1/namespaces/shop/deployments/notification/scale",
                MERGE,
                r#"{"spec":{"replicas":4}}"#,
            ),
        ),
        patch(
            "negative replicas through a Scale",
            "/apis/apps/v1/namespaces/shop/deployments/notification/scale",
            MERGE,
            r#"{"spec":{"replicas":-1}}"#,
        ),
        // Status subresources.
        patch(
            "merge patch of a status subresource",
            "/apis/postgresql.cnpg.io/v1/namespaces/database/clusters/orders-db/status",
            MERGE,
            r#"{"spec":{"instances":7},"status":{"conformanceNote":"written through status"}}"#,
        ),
        patch(
            "status patch of a resource without one",
            "/api/v1/namespaces/shop/events/no-such/status",
            MERGE,
            r#"{"status":{}}"#,
        ),
        // Deletions.
        case(
            "dry-run delete of a pod",
            "DELETE",
            "/api/v1/namespaces/shop/pods/{pod}?dryRun=All",
        ),
        case(
            "delete of a pod",
            "DELETE",
            "/api/v1/namespaces/shop/pods/{pod}?gracePeriodSeconds=0",
        ),
        case(
            "delete of a missing pod",
            "DELETE",
            "/api/v1/namespaces/shop/pods/no-such",
        ),
    ]
}

/// Differences the README lists under "Known differences between the simulator and a real
/// API server": (case, JSON pointer into the compared view, the README entry's title). The
/// test requires each to differ still, and nothing else.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "list without credentials",
        "",
        "Requests without credentials are served as sim-admin",
    ),
    ("server-side apply", "", "No server-side apply"),
];

/// One server as the test reaches it: per identity its URL and bearer token.
struct Server {
    side: &'static str,
    client: reqwest::Client,
    identities: BTreeMap<&'static str, (String, String)>,
}

impl Server {
    /// The server and tokens of `cluster`'s contexts (NAME, NAME-view, NAME-shop) in
    /// `kubeconfig`, as kubectl reads them.
    fn new(
        side: &'static str,
        kubeconfig: &std::path::Path,
        cluster: &str,
        client: reqwest::Client,
    ) -> Server {
        let view = block_in_place(|| {
            common::k8s::kubectl(
                kubeconfig,
                cluster,
                &["config", "view", "--raw", "-o", "json"],
            )
        });
        let config: Value = serde_json::from_str(&view).expect("kubectl config view prints JSON");
        let named = |list: &str, name: &str| -> Value {
            config[list]
                .as_array()
                .and_then(|l| l.iter().find(|e| e["name"] == name))
                .cloned()
                .unwrap_or_else(|| panic!("{side}: no {list} entry {name}"))
        };
        let mut identities = BTreeMap::new();
        for (suffix, who) in [("", "admin"), ("-view", "viewer"), ("-shop", "shop-dev")] {
            let context = named("contexts", &format!("{cluster}{suffix}"));
            let user = named("users", context["context"]["user"].as_str().unwrap_or(""));
            let server = named(
                "clusters",
                context["context"]["cluster"].as_str().unwrap_or(""),
            );
            let base = server["cluster"]["server"]
                .as_str()
                .expect("server")
                .trim_end_matches('/')
                .to_string();
            let token = user["user"]["token"]
                .as_str()
                .unwrap_or_else(|| panic!("{side}: user of {cluster}{suffix} has no token"))
                .to_string();
            identities.insert(who, (base, token));
        }
        Server {
            side,
            client,
            identities,
        }
    }

    fn request(
        &self,
        who: Who,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let (base, token) = &self.identities[match who {
            Who::Viewer => "viewer",
            Who::ShopDev => "shop-dev",
            Who::Admin | Who::WrongToken | Who::Anonymous => "admin",
        }];
        let mut request = self
            .client
            .request(method, format!("{base}{}", encode_query(path)))
            .header("Accept", "application/json");
        let token = match who {
            Who::Admin | Who::Viewer | Who::ShopDev => Some(token.clone()),
            Who::WrongToken => Some("no-such-token".to_string()),
            Who::Anonymous => None,
        };
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(content_type) = content_type {
            request = request
                .header("Content-Type", content_type)
                .body(body.to_string());
        }
        request
    }

    /// Sends one request; its status code and JSON body (Null when the body is not JSON).
    async fn send(
        &self,
        who: Who,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> (u16, Value) {
        let response = self
            .request(who, method, path, content_type, body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{} {method} {path}: {e}", self.side));
        let code = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (code, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A watch's status code and its first `n` events (fewer when the stream ends or 15 s
    /// pass first).
    async fn watch(&self, who: Who, path: &str, n: usize) -> (u16, Vec<Value>) {
        let mut response = self
            .request(who, "GET", path, None, "")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{} watch {path}: {e}", self.side));
        let code = response.status().as_u16();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
        let mut buffer = Vec::new();
        let mut events = Vec::new();
        while events.len() < n {
            let chunk = tokio::time::timeout_at(deadline, response.chunk()).await;
            let Ok(Ok(Some(chunk))) = chunk else { break };
            buffer.extend_from_slice(&chunk);
            while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buffer.drain(..=end).collect();
                if let Ok(event) = serde_json::from_slice::<Value>(&line) {
                    events.push(event);
                }
            }
        }
        if events.len() < n
            && let Ok(event) = serde_json::from_slice::<Value>(&buffer)
        {
            // A body that is one Status (an error before the stream started).
            events.push(event);
        }
        events.truncate(n);
        (code, events)
    }
}

/// Percent-encodes each query value (the table writes them as a user would type them).
fn encode_query(path: &str) -> String {
    let Some((path, query)) = path.split_once('?') else {
        return path.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => format!("{key}={}", percent(value)),
            None => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What watchdeck and kubectl read of an answer: for a `Status` its status, reason, code
/// and details; for a list its items; for an object the fields below. `before` is the
/// object before the request, for the change of `metadata.generation`.
fn reading(body: &Value, before: Option<&Value>) -> Value {
    let kind = body["kind"].as_str().unwrap_or("");
    if kind == "Status" {
        let details = &body["details"];
        return json!({
            "kind": kind, "apiVersion": body["apiVersion"], "status": body["status"],
            "reason": body["reason"], "code": body["code"],
            "details": if details.is_null() { Value::Null } else {
                json!({"kind": details["kind"], "name": details["name"], "group": details["group"]})
            },
        });
    }
    if kind.ends_with("List") {
        let mut items: Vec<Value> = body["items"]
            .as_array()
            .map(|items| items.iter().map(|i| item(kind, i)).collect())
            .unwrap_or_default();
        items.sort_by_key(Value::to_string);
        return json!({
            "kind": kind, "apiVersion": body["apiVersion"], "items": items,
            "continue": body["metadata"]["continue"].as_str().is_some_and(|c| !c.is_empty()),
            "remainingItemCount": body["metadata"]["remainingItemCount"],
            "resourceVersion": body["metadata"]["resourceVersion"].is_string(),
        });
    }
    if body.is_null() {
        return Value::Null;
    }
    let meta = &body["metadata"];
    let generation = match (meta["generation"].as_i64(), before) {
        (Some(now), Some(before)) => {
            json!(now - before["metadata"]["generation"].as_i64().unwrap_or(0))
        }
        (Some(_), None) => json!("present"),
        (None, _) => Value::Null,
    };
    let mut view = json!({
        "kind": kind, "apiVersion": body["apiVersion"],
        "resourceVersion": meta["resourceVersion"].as_str().is_some_and(|rv| !rv.is_empty()),
        "generation": generation,
        "namespace": meta["namespace"],
    });
    match kind {
        "Pod" => {
            view["app"] = meta["labels"]["app.kubernetes.io/name"].clone();
            view["deleting"] = json!(meta["deletionTimestamp"].is_string());
        }
        "Scale" => {
            view["name"] = meta["name"].clone();
            view["spec"] = body["spec"].clone();
            view["status"] = body["status"].clone();
        }
        "SelfSubjectAccessReview" => {
            let status = &body["status"];
            view["spec"] = body["spec"].clone();
            view["allowed"] = status["allowed"].clone();
            view["denied"] = status["denied"].clone();
            view["reason given"] = json!(status["reason"].as_str().is_some_and(|r| !r.is_empty()));
            view["evaluationError"] = status["evaluationError"].clone();
        }
        "SelfSubjectReview" => {
            let user = &body["status"]["userInfo"];
            let mut groups: Vec<Value> = user["groups"].as_array().cloned().unwrap_or_default();
            groups.sort_by_key(Value::to_string);
            view["username"] = user["username"].clone();
            view["uid"] = user["uid"].clone();
            view["groups"] = json!(groups);
        }
        "Cluster" => {
            view["name"] = meta["name"].clone();
            view["instances"] = body["spec"]["instances"].clone();
            view["phase"] = body["status"]["phase"].clone();
            view["note"] = body["status"]["conformanceNote"].clone();
        }
        _ => {
            view["name"] = meta["name"].clone();
            view["labels"] = meta["labels"].clone();
            view["conformance annotations"] = meta["annotations"]
                .as_object()
                .map(|a| {
                    a.iter()
                        .filter(|(k, _)| k.starts_with("conformance"))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<serde_json::Map<_, _>>()
                })
                .into();
            view["replicas"] = body["spec"]["replicas"].clone();
            view["revisionHistoryLimit"] = body["spec"]["revisionHistoryLimit"].clone();
            view["status replicas"] = body["status"]["replicas"].clone();
        }
    }
    view
}

/// A list item as it is compared: pods by their app (names differ between the servers),
/// everything else by name.
fn item(list_kind: &str, item: &Value) -> Value {
    if list_kind == "PodList" {
        item["metadata"]["labels"]["app.kubernetes.io/name"].clone()
    } else {
        item["metadata"]["name"].clone()
    }
}

/// A watch event as it is compared: its type and what its object is.
fn event(event: &Value) -> Value {
    let object = &event["object"];
    if object["kind"] == "Status" {
        return json!({"type": event["type"], "object": reading(object, None)});
    }
    json!({"type": event["type"], "kind": object["kind"], "apiVersion": object["apiVersion"],
           "name": object["metadata"]["name"], "labels": object["metadata"]["labels"]})
}

/// `path` without its query and subresource: the object a PATCH or DELETE changes.
fn object_path(path: &str) -> Option<String> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    // .../namespaces/NS/RESOURCE/NAME[/SUB]
    let at = segments.iter().position(|s| *s == "namespaces")?;
    Some(segments[..(at + 4).min(segments.len())].join("/"))
}

/// What one server answered to one case, as compared.
async fn answer(server: &Server, case: &Case, vars: &BTreeMap<&str, String>) -> Value {
    let mut path = case.path.to_string();
    for (name, value) in vars {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    let view = answer_as_read(server, case, &path).await;
    // Pod names differ between the servers; the one a case names is `{pod}` on both.
    match vars.get("pod") {
        Some(pod) => serde_json::from_str(&view.to_string().replace(pod.as_str(), "{pod}"))
            .expect("still JSON"),
        None => view,
    }
}

async fn answer_as_read(server: &Server, case: &Case, path: &str) -> Value {
    let path = path.to_string();
    match case.read {
        Read::Watch(n) => {
            let (code, events) = server.watch(case.who, &path, n).await;
            json!({"code": code, "events": events.iter().map(event).collect::<Vec<_>>()})
        }
        Read::Pages => {
            let (_, whole) = server.send(case.who, "GET", PODS, None, "").await;
            let mut pages = Vec::new();
            let mut union = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let page_path = match &token {
                    Some(token) => format!("{path}&continue={token}"),
                    None => path.clone(),
                };
                let (code, body) = server.send(case.who, "GET", &page_path, None, "").await;
                union.extend(
                    body["items"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                        .iter()
                        .map(|i| i["metadata"]["name"].clone()),
                );
                let mut page = reading(&body, None);
                page["code"] = json!(code);
                page["items"] = json!(page["items"].as_array().map_or(0, Vec::len));
                pages.push(page);
                token = body["metadata"]["continue"]
                    .as_str()
                    .filter(|c| !c.is_empty())
                    .map(str::to_string);
                if token.is_none() || code != 200 || pages.len() > 50 {
                    break;
                }
            }
            let mut whole_names: Vec<Value> = whole["items"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|i| i["metadata"]["name"].clone())
                .collect();
            whole_names.sort_by_key(Value::to_string);
            union.sort_by_key(Value::to_string);
            assert_eq!(
                union, whole_names,
                "{}: {}: the pages together are not the whole list",
                case.name, server.side
            );
            json!({"pages": pages})
        }
        Read::Once => {
            let object = match case.method {
                "PATCH" | "DELETE" => object_path(&path),
                _ => None,
            };
            let before = match &object {
                Some(object) => Some(server.send(Who::Admin, "GET", object, None, "").await.1),
                None => None,
            };
            let (code, body) = server
                .send(case.who, case.method, &path, case.content_type, case.body)
                .await;
            let mut view = json!({"code": code, "answer": reading(&body, before.as_ref())});
            if let Some(object) = &object {
                let (after_code, after) = server.send(Who::Admin, "GET", object, None, "").await;
                view["afterwards"] = json!({"code": after_code,
                                            "object": reading(&after, before.as_ref())});
            }
            view
        }
    }
}

/// A JSON pointer's value in `view`, replaced by a marker; what was there.
fn take(view: &mut Value, pointer: &str) -> Value {
    match view.pointer_mut(pointer) {
        Some(slot) => std::mem::replace(slot, json!("(known difference)")),
        None => Value::Null,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_and_a_real_api_server_answer_the_same_requests_alike() {
    let _serial = SERIAL.lock().await;
    let sim = common::start("steady", common::options(3, common::FIXED_START), None).await;
    // Deployments without the watch cache: their watches are served by etcd, whose early
    // history compaction removes, as it is gone on any cluster that has run for a while (the
    // API server compacts every 5 minutes). A young watch cache instead replays its whole
    // state for any older resourceVersion; an old one answers as etcd does, with an ERROR
    // event of code 410.
    let mut plane = block_in_place(|| {
        ControlPlane::start(
            &["us-east-1"],
            &["--apiserver-arg=--watch-cache-sizes=deployments.apps#0"],
        )
    });
    block_in_place(|| plane.command("compact us-east-1"));
    let cluster = "us-east-1";
    let ca = std::fs::read(
        plane
            .kubeconfig
            .parent()
            .expect("state directory")
            .join("pki/ca.crt"),
    )
    .expect("the control plane's CA");
    let real_client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&ca).expect("CA parses")])
        .build()
        .expect("client");
    let servers = [
        Server::new(
            "simulator",
            &sim.kubeconfig,
            cluster,
            reqwest::Client::new(),
        ),
        Server::new("real", &plane.kubeconfig, cluster, real_client),
    ];

    // Per server: a pod of analytics and the shop Deployments' resourceVersion now.
    let mut vars: Vec<BTreeMap<&str, String>> = Vec::new();
    for server in &servers {
        let (_, pods) = server
            .send(
                Who::Admin,
                "GET",
                "/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name=analytics",
                None,
                "",
            )
            .await;
        let mut names: Vec<String> = pods["items"]
            .as_array()
            .expect("pods")
            .iter()
            .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
            .collect();
        names.sort();
        let (_, deployments) = server.send(Who::Admin, "GET", DEPLOYMENTS, None, "").await;
        vars.push(BTreeMap::from([
            ("pod", names.first().expect("a pod of analytics").clone()),
            (
                "rv",
                deployments["metadata"]["resourceVersion"]
                    .as_str()
                    .expect("list resourceVersion")
                    .to_string(),
            ),
        ]));
    }

    let mut differences = Vec::new();
    let mut seen_known = std::collections::BTreeSet::new();
    let cases = cases();
    let total = cases.len();
    for case in cases {
        let mut sim_view = answer(&servers[0], &case, &vars[0]).await;
        let mut real_view = answer(&servers[1], &case, &vars[1]).await;
        for (name, pointer, entry) in KNOWN_DIFFERENCES {
            if *name != case.name {
                continue;
            }
            let (sim_part, real_part) =
                (take(&mut sim_view, pointer), take(&mut real_view, pointer));
            assert_ne!(
                sim_part, real_part,
                "{}: the known difference \"{entry}\" at {pointer} is gone: take it off \
                 KNOWN_DIFFERENCES and README",
                case.name
            );
            eprintln!(
                "{}: known difference \"{entry}\" at {pointer}:\n  simulator: {sim_part}\n  real:      {real_part}",
                case.name
            );
            seen_known.insert(*name);
        }
        if sim_view != real_view {
            differences.push(format!(
                "{} ({:?} {} {}):\n  simulator: {sim_view}\n  real:      {real_view}",
                case.name, case.who, case.method, case.path
            ));
        }
    }
    for (name, _, _) in KNOWN_DIFFERENCES {
        assert!(
            seen_known.contains(name),
            "KNOWN_DIFFERENCES names no case {name}"
        );
    }
    assert!(
        differences.is_empty(),
        "{} of {total} cases differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// The two tests each start a control plane; one at a time on a small machine.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
