//! Table shape, watch tables, Accept parsing, HumanDuration and the non-pod printers.

use serde_json::json;

use super::*;
use crate::kube::discovery;

const NOW: &str = "2025-06-01T12:00:00Z";

fn now() -> i64 {
    parse_time_ms(Some(&json!(NOW))).unwrap()
}

fn resource(group: &str, plural: &str) -> &'static ResourceType {
    discovery::find(group, "v1", plural).unwrap()
}

fn cells(group: &str, plural: &str, obj: Value) -> Value {
    let t = to_table(
        resource(group, plural),
        &[obj],
        &ListMeta::default(),
        now(),
        IncludeObject::None,
    );
    t["rows"][0]["cells"].clone()
}

#[test]
fn human_duration_boundaries() {
    let s = 1000;
    let (m, h, d) = (60 * s, 3600 * s, 86_400 * s);
    let cases = [
        (-2 * s, "<invalid>"),
        (-1999, "0s"),
        (-1, "0s"),
        (0, "0s"),
        (999, "0s"),
        (45 * s, "45s"),
        (119 * s, "119s"),
        (2 * m, "2m"),
        (2 * m + 5 * s, "2m5s"),
        (9 * m + 59 * s, "9m59s"),
        (10 * m + 30 * s, "10m"),
        (179 * m, "179m"),
        (3 * h, "3h"),
        (3 * h + 12 * m, "3h12m"),
        (7 * h + 59 * m, "7h59m"),
        (8 * h + 30 * m, "8h"),
        (47 * h, "47h"),
        (2 * d, "2d"),
        (4 * d + 5 * h, "4d5h"),
        (7 * d + 23 * h, "7d23h"),
        (8 * d, "8d"),
        (729 * d, "729d"),
        (730 * d, "2y"),
        (760 * d, "2y30d"),
        (8 * 365 * d, "8y"),
        (3000 * d, "8y"),
    ];
    for (ms, want) in cases {
        assert_eq!(human_duration(ms), want, "{ms}ms");
    }
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "checkout", "namespace": "shop", "resourceVersion": "812", "uid": "d-1",
                     "creationTimestamp": "2025-05-28T07:00:00Z", "labels": {"app": "checkout"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "checkout"}},
                 "template": {"spec": {"containers": [{"name": "app", "image": "checkout:1.5"}, {"name": "proxy", "image": "envoy:1.30"}]}}},
        "status": {"replicas": 4, "updatedReplicas": 1, "readyReplicas": 3, "availableReplicas": 3}
    })
}

#[test]
fn deployment_mid_rollout_table() {
    let meta = ListMeta {
        resource_version: "815".into(),
        continue_token: Some("eyJ2Ijoi".into()),
        remaining_item_count: Some(2),
    };
    let t = to_table(
        resource("apps", "deployments"),
        &[deployment()],
        &meta,
        now(),
        IncludeObject::Metadata,
    );
    assert_eq!(t["kind"], json!("Table"));
    assert_eq!(t["apiVersion"], json!("meta.k8s.io/v1"));
    assert_eq!(
        t["metadata"],
        json!({"resourceVersion": "815", "continue": "eyJ2Ijoi", "remainingItemCount": 2})
    );
    let names: Vec<&str> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Name",
            "Ready",
            "Up-to-date",
            "Available",
            "Age",
            "Containers",
            "Images",
            "Selector"
        ]
    );
    assert_eq!(
        t["columnDefinitions"][5],
        json!({"name": "Containers", "type": "string", "format": "", "description": "Names of each container in the template.", "priority": 1})
    );
    assert_eq!(t["columnDefinitions"][0]["format"], json!("name"));
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "checkout",
            "3/3",
            1,
            3,
            "4d5h",
            "app,proxy",
            "checkout:1.5,envoy:1.30",
            "app=checkout"
        ])
    );
    assert_eq!(
        t["rows"][0]["object"],
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": deployment()["metadata"]})
    );
    assert_eq!(t["rows"][0].get("conditions"), None);
}

#[test]
fn include_object_modes() {
    let r = resource("apps", "deployments");
    let none = to_table(
        r,
        &[deployment()],
        &ListMeta::default(),
        now(),
        IncludeObject::None,
    );
    assert_eq!(none["rows"][0]["object"], Value::Null);
    assert_eq!(none["metadata"], json!({}));
    let full = to_table(
        r,
        &[deployment()],
        &ListMeta::default(),
        now(),
        IncludeObject::Object,
    );
    assert_eq!(full["rows"][0]["object"], deployment());
    let empty = to_table(r, &[], &ListMeta::default(), now(), IncludeObject::Metadata);
    assert_eq!(empty["rows"], json!([]));
    let parsed = [
        (None, Ok(IncludeObject::Metadata)),
        (Some(""), Ok(IncludeObject::Metadata)),
        (Some("None"), Ok(IncludeObject::None)),
        (Some("Object"), Ok(IncludeObject::Object)),
        (
            Some("All"),
            Err("Unable to convert to Table as requested: includeObject: Unsupported value: \"All\": supported values: \"Metadata\", \"None\", \"Object\"".to_string()),
        ),
    ];
    for (q, want) in parsed {
        assert_eq!(IncludeObject::from_query(q), want, "{q:?}");
    }
}

#[test]
fn watch_events_carry_headers_once() {
    let r = resource("apps", "deployments");
    let first = watch_event_table(r, &deployment(), now(), IncludeObject::Metadata, true);
    assert_eq!(first["metadata"], json!({"resourceVersion": "812"}));
    assert_eq!(first["columnDefinitions"].as_array().map(Vec::len), Some(8));
    assert_eq!(first["rows"].as_array().map(Vec::len), Some(1));
    let later = watch_event_table(r, &deployment(), now(), IncludeObject::Metadata, false);
    assert_eq!(later["columnDefinitions"], Value::Null);
    assert_eq!(later["rows"][0]["cells"], first["rows"][0]["cells"]);
}

#[test]
fn accept_headers() {
    let cases = [
        (
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
            true,
        ),
        (
            "application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json",
            true,
        ),
        ("application/json", false),
        (
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
            false,
        ),
        (
            "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
            false,
        ),
        (
            "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io",
            false,
        ),
    ];
    for (accept, want) in cases {
        assert_eq!(wants_table(accept), want, "{accept}");
    }
}

#[test]
fn workload_rows() {
    let rs = json!({"metadata": {"name": "checkout-7d9f8c6b5", "creationTimestamp": "2025-06-01T11:55:00Z"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "checkout", "pod-template-hash": "7d9f8c6b5"}},
                 "template": {"spec": {"containers": [{"name": "app", "image": "checkout:1.5"}]}}},
        "status": {"replicas": 2, "readyReplicas": 1}});
    assert_eq!(
        cells("apps", "replicasets", rs),
        json!([
            "checkout-7d9f8c6b5",
            2,
            2,
            1,
            "5m",
            "app",
            "checkout:1.5",
            "app=checkout,pod-template-hash=7d9f8c6b5"
        ])
    );
    let bare_rs = json!({"metadata": {"name": "old"}, "spec": {}});
    assert_eq!(
        cells("apps", "replicasets", bare_rs),
        json!(["old", 0, 0, 0, "<unknown>", "", "", "<none>"])
    );
    let sts = json!({"metadata": {"name": "ledger", "creationTimestamp": "2025-05-01T12:00:00Z"},
        "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "pg", "image": "postgres:16"}]}}},
        "status": {"readyReplicas": 2}});
    assert_eq!(
        cells("apps", "statefulsets", sts),
        json!(["ledger", "2/3", "31d", "pg", "postgres:16"])
    );
}

#[test]
fn cluster_rows() {
    let ns = json!({"metadata": {"name": "shop", "creationTimestamp": "2025-06-01T11:59:15Z"}, "status": {"phase": "Active"}});
    assert_eq!(
        cells("", "namespaces", ns),
        json!(["shop", "Active", "45s"])
    );

    let node = json!({"metadata": {"name": "node-a", "creationTimestamp": "2025-05-20T12:00:00Z",
            "labels": {"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/edge": "", "kubernetes.io/hostname": "node-a"}},
        "spec": {"unschedulable": true},
        "status": {"conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
            "addresses": [{"type": "InternalIP", "address": "10.0.0.11"}, {"type": "Hostname", "address": "node-a"}],
            "nodeInfo": {"kubeletVersion": "v1.33.2", "osImage": "Ubuntu 24.04.2 LTS", "kernelVersion": "6.8.0-60-generic",
                         "containerRuntimeVersion": "containerd://2.0.5"}}});
    assert_eq!(
        cells("", "nodes", node),
        json!([
            "node-a",
            "Ready,SchedulingDisabled",
            "edge,worker",
            "12d",
            "v1.33.2",
            "10.0.0.11",
            "<none>",
            "Ubuntu 24.04.2 LTS",
            "6.8.0-60-generic",
            "containerd://2.0.5"
        ])
    );
    let bare_node = json!({"metadata": {"name": "n"}});
    let bare = cells("", "nodes", bare_node);
    assert_eq!((&bare[1], &bare[2]), (&json!("Unknown"), &json!("<none>")));

    let svc = json!({"metadata": {"name": "checkout", "creationTimestamp": "2025-06-01T09:00:00Z"},
        "spec": {"type": "ClusterIP", "clusterIPs": ["10.96.12.7"], "selector": {"tier": "web", "app": "checkout"},
                 "ports": [{"port": 80, "protocol": "TCP"}, {"port": 9090, "protocol": "TCP"}]}});
    assert_eq!(
        cells("", "services", svc),
        json!([
            "checkout",
            "ClusterIP",
            "10.96.12.7",
            "<none>",
            "80/TCP,9090/TCP",
            "3h",
            "app=checkout,tier=web"
        ])
    );
    let lb = json!({"metadata": {"name": "edge"}, "spec": {"type": "LoadBalancer", "clusterIPs": ["10.96.0.9"],
        "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}]}});
    let lb = cells("", "services", lb);
    assert_eq!(
        (&lb[3], &lb[4]),
        (&json!("<pending>"), &json!("443:31443/TCP"))
    );
}

#[test]
fn event_rows() {
    let event = json!({"metadata": {"name": "checkout-7d9f8c6b5-x2x9q.17f3a", "namespace": "shop"},
        "involvedObject": {"kind": "Pod", "name": "checkout-7d9f8c6b5-x2x9q", "fieldPath": "spec.containers{app}"},
        "reason": "BackOff", "message": "Back-off restarting failed container app in pod checkout-7d9f8c6b5-x2x9q\n",
        "type": "Warning", "source": {"component": "kubelet", "host": "node-a"},
        "firstTimestamp": "2025-06-01T11:00:00Z", "lastTimestamp": "2025-06-01T11:58:00Z", "count": 14});
    assert_eq!(
        cells("", "events", event),
        json!([
            "2m",
            "Warning",
            "BackOff",
            "pod/checkout-7d9f8c6b5-x2x9q",
            "spec.containers{app}",
            "kubelet, node-a",
            "Back-off restarting failed container app in pod checkout-7d9f8c6b5-x2x9q",
            "60m",
            14,
            "checkout-7d9f8c6b5-x2x9q.17f3a"
        ])
    );
    let new_api = json!({"metadata": {"name": "e2"}, "involvedObject": {"kind": "Deployment", "name": "checkout"},
        "reason": "ScalingReplicaSet", "type": "Normal", "message": "Scaled up replica set checkout-7d9f8c6b5 to 2",
        "eventTime": "2025-06-01T11:59:30.000000Z", "reportingComponent": "deployment-controller"});
    assert_eq!(
        cells("", "events", new_api),
        json!([
            "30s",
            "Normal",
            "ScalingReplicaSet",
            "deployment/checkout",
            "",
            "deployment-controller",
            "Scaled up replica set checkout-7d9f8c6b5 to 2",
            "30s",
            1,
            "e2"
        ])
    );
    let series = json!({"metadata": {"name": "e3"}, "involvedObject": {"kind": "Node"}, "eventTime": "2025-06-01T10:00:00.000000Z",
        "series": {"count": 5, "lastObservedTime": "2025-06-01T11:59:00.000000Z"}});
    let c = cells("", "events", series);
    assert_eq!(
        (&c[0], &c[3], &c[7], &c[8]),
        (&json!("60s"), &json!("node"), &json!("120m"), &json!(5))
    );
    let cols = column_definitions(resource("", "events"));
    let shown: Vec<&str> = cols
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["priority"] == 0)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(shown, ["Last Seen", "Type", "Reason", "Object", "Message"]);
}

#[test]
fn cnpg_cluster_rows() {
    let r = discovery::find("postgresql.cnpg.io", "v1", "clusters").unwrap();
    let cluster = json!({"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
        "metadata": {"name": "pg-eu", "namespace": "db", "creationTimestamp": "2025-05-25T12:00:00Z"},
        "status": {"instances": 3, "readyInstances": 2, "phase": "Failing over", "currentPrimary": "pg-eu-2"}});
    let t = to_table(
        r,
        &[cluster],
        &ListMeta::default(),
        now(),
        IncludeObject::None,
    );
    assert_eq!(
        t["rows"][0]["cells"],
        json!(["pg-eu", "7d", 3, 2, "Failing over", "pg-eu-2"])
    );
    assert_eq!(
        t["columnDefinitions"][1],
        json!({"name": "Age", "type": "date", "format": "", "priority": 0,
               "description": "Custom resource definition column (in JSONPath format): .metadata.creationTimestamp"})
    );
    let fresh = json!({"metadata": {"name": "pg-us", "creationTimestamp": "2025-06-01T11:59:58Z"}});
    assert_eq!(
        cells("postgresql.cnpg.io", "clusters", fresh),
        json!(["pg-us", "2s", null, null, null, null])
    );
}
