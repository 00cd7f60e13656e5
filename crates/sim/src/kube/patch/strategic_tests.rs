//! Strategic merge patches as kubectl sends them (set image, rollout restart, directives) and their errors.

use k8s_openapi::api::apps::v1::Deployment;
use serde_json::json;

use super::*;

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "checkout", "namespace": "shop", "labels": {"app": "checkout", "team": "pay"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "checkout"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": "checkout"}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "registry.local/checkout:1.4.0",
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                            "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg"}]
                        },
                        {"name": "proxy", "image": "envoy:1.30"}
                    ],
                    "volumes": [{"name": "cfg", "configMap": {"name": "checkout"}}],
                    "tolerations": [{"key": "spot", "operator": "Exists"}]
                }
            }
        }
    })
}

fn patched(patch: Value) -> Value {
    let mut d = deployment();
    apply_strategic_merge_patch(&mut d, &patch, PatchSchema::Deployment).unwrap();
    d
}

fn containers(d: &Value) -> &Vec<Value> {
    d.pointer("/spec/template/spec/containers")
        .and_then(Value::as_array)
        .unwrap()
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect()
}

#[test]
fn kubectl_set_image_changes_one_container() {
    let d = patched(json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "app"}, {"name": "proxy"}],
        "containers": [{"image": "registry.local/checkout:1.5.0", "name": "app"}]
    }}}}));
    let typed: Deployment = serde_json::from_value(d.clone()).unwrap();
    let pod = typed.spec.unwrap().template.spec.unwrap();
    assert_eq!(
        pod.containers[0].image.as_deref(),
        Some("registry.local/checkout:1.5.0")
    );
    assert_eq!(pod.containers[0].env.as_ref().map(Vec::len), Some(2));
    assert_eq!(
        pod.containers[0]
            .ports
            .as_ref()
            .map(|p| p[0].container_port),
        Some(8080)
    );
    assert_eq!(pod.containers[1].image.as_deref(), Some("envoy:1.30"));
    assert!(!d.to_string().contains('$'));
}

#[test]
fn kubectl_rollout_restart_adds_the_annotation() {
    let restart = json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": "2025-06-01T12:00:00Z"
    }}}}});
    let d = patched(restart.clone());
    assert_eq!(
        d.pointer("/spec/template/metadata"),
        Some(&json!({
            "labels": {"app": "checkout"},
            "annotations": {"kubectl.kubernetes.io/restartedAt": "2025-06-01T12:00:00Z"}
        }))
    );
    // A second restart replaces the timestamp and keeps other annotations.
    let mut again = d.clone();
    let mut second = restart;
    second["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] =
        json!("2025-06-02T08:30:00Z");
    second["spec"]["template"]["metadata"]["annotations"]["note"] = json!("x");
    apply_strategic_merge_patch(&mut again, &second, PatchSchema::Deployment).unwrap();
    assert_eq!(
        again.pointer("/spec/template/metadata/annotations"),
        Some(&json!({"kubectl.kubernetes.io/restartedAt": "2025-06-02T08:30:00Z", "note": "x"}))
    );
}

#[test]
fn list_merges_and_orders() {
    // (patch, pointer, expected names/keys in order)
    let cases: Vec<(Value, &str, Value)> = vec![
        // A new env var with $setElementOrder lands where the order says.
        (
            json!({"spec": {"template": {"spec": {"containers": [{"name": "app",
                "$setElementOrder/env": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
                "env": [{"name": "C", "value": "3"}]}],
                "$setElementOrder/containers": [{"name": "app"}, {"name": "proxy"}]}}}}),
            "/spec/template/spec/containers/0/env",
            json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "C", "value": "3"}]),
        ),
        // Without an order directive a new item goes first, as the API server does.
        (
            json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "env": [{"name": "C", "value": "3"}]}]}}}}),
            "/spec/template/spec/containers/0/env",
            json!([{"name": "C", "value": "3"}, {"name": "A", "value": "1"}, {"name": "B", "value": "2"}]),
        ),
        // Existing env entry merges by name.
        (
            json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "env": [{"name": "B", "value": "20"}]}]}}}}),
            "/spec/template/spec/containers/0/env",
            json!([{"name": "A", "value": "1"}, {"name": "B", "value": "20"}]),
        ),
        // Ports merge by containerPort.
        (
            json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "ports": [{"containerPort": 8080, "name": "http"}]}]}}}}),
            "/spec/template/spec/containers/0/ports",
            json!([{"containerPort": 8080, "protocol": "TCP", "name": "http"}]),
        ),
        // volumeMounts merge by mountPath.
        (
            json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "volumeMounts": [{"mountPath": "/etc/cfg", "readOnly": true}]}]}}}}),
            "/spec/template/spec/containers/0/volumeMounts",
            json!([{"name": "cfg", "mountPath": "/etc/cfg", "readOnly": true}]),
        ),
        // Volumes merge by name; tolerations (no strategy) are replaced.
        (
            json!({"spec": {"template": {"spec": {"volumes": [{"name": "cfg", "configMap": {"name": "checkout-v2"}}]}}}}),
            "/spec/template/spec/volumes",
            json!([{"name": "cfg", "configMap": {"name": "checkout-v2"}}]),
        ),
        (
            json!({"spec": {"template": {"spec": {"tolerations": [{"key": "gpu", "operator": "Exists"}]}}}}),
            "/spec/template/spec/tolerations",
            json!([{"key": "gpu", "operator": "Exists"}]),
        ),
        // $patch: delete removes by merge key; $patch: replace replaces the list.
        (
            json!({"spec": {"template": {"spec": {"containers": [{"name": "proxy", "$patch": "delete"}]}}}}),
            "/spec/template/spec/containers/0/name",
            json!("app"),
        ),
        (
            json!({"spec": {"template": {"spec": {"containers": [{"name": "solo", "image": "busybox"}, {"$patch": "replace"}]}}}}),
            "/spec/template/spec/containers",
            json!([{"name": "solo", "image": "busybox"}]),
        ),
        // $patch: replace on a map; null deletes a key.
        (
            json!({"metadata": {"labels": {"$patch": "replace", "app": "checkout"}}}),
            "/metadata/labels",
            json!({"app": "checkout"}),
        ),
        (
            json!({"metadata": {"labels": {"team": null}}}),
            "/metadata/labels",
            json!({"app": "checkout"}),
        ),
        // $retainKeys as kubectl sends it when switching to Recreate.
        (
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": null}}}),
            "/spec/strategy",
            json!({"type": "Recreate"}),
        ),
    ];
    for (patch, pointer, want) in cases {
        let d = patched(patch.clone());
        assert_eq!(d.pointer(pointer), Some(&want), "patch {patch}");
        assert!(!d.to_string().contains("\"$"), "directive left by {patch}");
    }
}

#[test]
fn adding_a_sidecar_follows_set_element_order() {
    let d = patched(json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "app"}, {"name": "proxy"}, {"name": "log"}],
        "containers": [{"name": "log", "image": "fluent-bit:3"}]
    }}}}));
    assert_eq!(
        names(&Value::Array(containers(&d).clone())),
        ["app", "proxy", "log"]
    );
}

#[test]
fn primitive_lists_and_pod_status() {
    let mut pod = json!({
        "metadata": {"name": "p", "finalizers": ["a.io/x", "b.io/y", "c.io/z"]},
        "status": {"conditions": [
            {"type": "Ready", "status": "False"},
            {"type": "PodScheduled", "status": "True"}
        ]}
    });
    let patch = json!({
        "metadata": {"$deleteFromPrimitiveList/finalizers": ["b.io/y"]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]}
    });
    apply_strategic_merge_patch(&mut pod, &patch, PatchSchema::Pod).unwrap();
    assert_eq!(pod["metadata"]["finalizers"], json!(["a.io/x", "c.io/z"]));
    assert_eq!(
        pod["status"]["conditions"],
        json!([{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}])
    );
    let add = json!({"metadata": {"finalizers": ["d.io/w", "a.io/x"]}});
    apply_strategic_merge_patch(&mut pod, &add, PatchSchema::Pod).unwrap();
    assert_eq!(
        pod["metadata"]["finalizers"],
        json!(["d.io/w", "a.io/x", "c.io/z"])
    );
}

#[test]
fn errors_leave_the_target_unchanged() {
    let cases = [
        (
            json!({"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}),
            500,
            "map: map[image:x] does not contain declared merge key: name",
        ),
        (
            json!({"spec": {"template": {"spec": {"containers": [{"$patch": "merge", "name": "app"}]}}}}),
            500,
            "merging lists cannot yet be specified in the patch",
        ),
        (
            json!({"metadata": {"$patch": "merge"}}),
            500,
            "unknown patch type: merge in map: map[$patch:merge]",
        ),
        (
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}}),
            400,
            "invalid patch format of retainKeys",
        ),
        (
            json!({"metadata": {"$deleteFromPrimitiveListfinalizers": ["a"]}}),
            400,
            "invalid patch format of primitive list",
        ),
        (
            json!({"metadata": {"finalizers": [["a"]]}}),
            422,
            "the server rejected our request due to an error in our request",
        ),
        (
            json!([{"op": "add"}]),
            400,
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
    ];
    for (patch, code, message) in cases {
        let mut d = deployment();
        d["metadata"]["finalizers"] = json!(["x"]);
        let before = d.clone();
        let err = apply_strategic_merge_patch(&mut d, &patch, PatchSchema::Deployment).unwrap_err();
        assert_eq!(
            (err.status().code, err.status().message.as_str()),
            (code, message),
            "{patch}"
        );
        assert_eq!(d, before);
    }
}
