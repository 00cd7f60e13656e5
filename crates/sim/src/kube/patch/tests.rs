//! Patch type negotiation, RFC 7386 merge patches and RFC 6902 JSON patches (including atomicity).

use serde_json::json;

use super::*;

#[test]
fn content_types_map_to_patch_types() {
    let cases = [
        ("application/merge-patch+json", Some(PatchType::Merge)),
        ("application/json-patch+json", Some(PatchType::Json)),
        (
            "application/strategic-merge-patch+json",
            Some(PatchType::Strategic),
        ),
        (
            "application/strategic-merge-patch+json; charset=utf-8",
            Some(PatchType::Strategic),
        ),
        ("application/apply-patch+yaml", Some(PatchType::Apply)),
        ("Application/Merge-Patch+JSON", Some(PatchType::Merge)),
        ("application/json", None),
        ("", None),
    ];
    for (ct, want) in cases {
        assert_eq!(PatchType::from_content_type(ct), want, "{ct}");
    }
    for t in [
        PatchType::Json,
        PatchType::Merge,
        PatchType::Strategic,
        PatchType::Apply,
    ] {
        assert_eq!(PatchType::from_content_type(t.content_type()), Some(t));
    }
}

#[test]
fn negotiation_answers_like_the_api_server() {
    assert_eq!(
        PatchType::negotiate("application/strategic-merge-patch+json", true),
        Ok(PatchType::Strategic)
    );
    let crd = PatchType::negotiate("application/strategic-merge-patch+json", false).unwrap_err();
    assert_eq!(
        crd.status(),
        StatusInfo {
            code: 415,
            reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml".into(),
        }
    );
    let unknown = PatchType::negotiate("text/plain", true).unwrap_err();
    assert!(unknown.to_string().ends_with(
        "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"
    ));
    let apply = PatchType::negotiate("application/apply-patch+yaml", true).unwrap_err();
    assert_eq!(apply.status().code, 415);
    assert!(apply.to_string().contains("server-side apply"));
    assert_eq!(
        apply.status_object()["reason"],
        json!("UnsupportedMediaType"),
        "{}",
        apply.status_object()
    );
    assert_eq!(apply.status_object()["kind"], json!("Status"));
    // As the API server's Status objects: generic 415 and 422 answers carry empty details,
    // a bad request none.
    assert_eq!(apply.status_object()["details"], json!({}));
    let invalid = PatchError::Invalid("test failed".into()).status_object();
    assert_eq!(
        (&invalid["code"], &invalid["details"]),
        (&json!(422), &json!({}))
    );
    let bad = PatchError::BadRequest("not JSON".into()).status_object();
    assert!(bad.get("details").is_none(), "{bad}");
}

#[test]
fn merge_patch_follows_rfc_7386() {
    // RFC 7386 appendix A test cases.
    let cases = [
        (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
        (
            json!({"a": "b"}),
            json!({"b": "c"}),
            json!({"a": "b", "b": "c"}),
        ),
        (json!({"a": "b"}), json!({"a": null}), json!({})),
        (
            json!({"a": "b", "b": "c"}),
            json!({"a": null}),
            json!({"b": "c"}),
        ),
        (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
        (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
        (
            json!({"a": {"b": "c"}}),
            json!({"a": {"b": "d", "c": null}}),
            json!({"a": {"b": "d"}}),
        ),
        (
            json!({"a": [{"b": "c"}]}),
            json!({"a": [1]}),
            json!({"a": [1]}),
        ),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a": "b"}), json!(["c"]), json!(["c"])),
        (json!({"a": "foo"}), json!(null), json!(null)),
        (json!({"a": "foo"}), json!("bar"), json!("bar")),
        (
            json!({"e": null}),
            json!({"a": 1}),
            json!({"e": null, "a": 1}),
        ),
        (
            json!([1, 2]),
            json!({"a": "b", "c": null}),
            json!({"a": "b"}),
        ),
        (
            json!({}),
            json!({"a": {"bb": {"ccc": null}}}),
            json!({"a": {"bb": {}}}),
        ),
    ];
    for (mut target, patch, want) in cases {
        ::json_patch::merge(&mut target, &patch);
        assert_eq!(target, want, "patch {patch}");
    }
}

#[test]
fn kubectl_scale_patch_through_dispatch() {
    let mut scale = json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "spec": {"replicas": 3}, "status": {"replicas": 3}});
    apply_patch(
        &mut scale,
        PatchType::Merge,
        &json!({"spec": {"replicas": 5}}),
        None,
    )
    .unwrap();
    assert_eq!(scale["spec"]["replicas"], json!(5));
    assert_eq!(
        apply_patch(&mut scale, PatchType::Strategic, &json!({}), None),
        Err(PatchError::UnsupportedMediaType { strategic: false })
    );
}

fn doc() -> Value {
    json!({
        "metadata": {"annotations": {"a/b": "slash", "m~n": "tilde"}, "labels": {"app": "web"}},
        "spec": {"replicas": 2, "list": ["x", "y"]}
    })
}

#[test]
fn json_patch_operations() {
    let cases = [
        (
            json!([{"op": "add", "path": "/spec/paused", "value": true}]),
            "/spec/paused",
            json!(true),
        ),
        (
            json!([{"op": "add", "path": "/spec/list/1", "value": "q"}]),
            "/spec/list",
            json!(["x", "q", "y"]),
        ),
        (
            json!([{"op": "add", "path": "/spec/list/-", "value": "z"}]),
            "/spec/list",
            json!(["x", "y", "z"]),
        ),
        (
            json!([{"op": "add", "path": "/spec/list/2", "value": "z"}]),
            "/spec/list",
            json!(["x", "y", "z"]),
        ),
        (
            json!([{"op": "remove", "path": "/spec/list/0"}]),
            "/spec/list",
            json!(["y"]),
        ),
        (
            json!([{"op": "remove", "path": "/metadata/annotations/a~1b"}]),
            "/metadata/annotations",
            json!({"m~n": "tilde"}),
        ),
        (
            json!([{"op": "replace", "path": "/metadata/annotations/m~0n", "value": "T"}]),
            "/metadata/annotations/m~0n",
            json!("T"),
        ),
        (
            json!([{"op": "replace", "path": "/spec/replicas", "value": 5}]),
            "/spec/replicas",
            json!(5),
        ),
        (
            json!([{"op": "move", "from": "/metadata/labels", "path": "/spec/selector"}]),
            "/spec/selector",
            json!({"app": "web"}),
        ),
        (
            json!([{"op": "copy", "from": "/spec/list/0", "path": "/spec/first"}]),
            "/spec/first",
            json!("x"),
        ),
        (
            json!([{"op": "test", "path": "/spec/replicas", "value": 2}, {"op": "replace", "path": "/spec/replicas", "value": 4}]),
            "/spec/replicas",
            json!(4),
        ),
        (
            json!([{"op": "replace", "path": "", "value": {"fresh": 1}}]),
            "/fresh",
            json!(1),
        ),
    ];
    for (patch, pointer, want) in cases {
        let mut d = doc();
        apply_json_patch(&mut d, &patch).unwrap_or_else(|e| panic!("{patch}: {e}"));
        assert_eq!(d.pointer(pointer), Some(&want), "{patch}");
    }
    let mut moved = doc();
    apply_json_patch(
        &mut moved,
        &json!([{"op": "move", "from": "/metadata/labels", "path": "/spec/selector"}]),
    )
    .unwrap();
    assert_eq!(moved.pointer("/metadata/labels"), None);
}

#[test]
fn kubectl_rollout_undo_patch() {
    let mut deploy = json!({
        "metadata": {"name": "api", "annotations": {"deployment.kubernetes.io/revision": "3"}},
        "spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api", "image": "api:3"}]}}}
    });
    let undo = json!([
        {"op": "replace", "path": "/spec/template", "value": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api", "image": "api:2"}]}}},
        {"op": "replace", "path": "/metadata/annotations", "value": {"deployment.kubernetes.io/revision": "3"}}
    ]);
    apply_patch(
        &mut deploy,
        PatchType::Json,
        &undo,
        Some(PatchSchema::Deployment),
    )
    .unwrap();
    assert_eq!(
        deploy.pointer("/spec/template/spec/containers/0/image"),
        Some(&json!("api:2"))
    );
    assert_eq!(deploy["spec"]["replicas"], json!(2));
}

#[test]
fn json_patch_failures_are_atomic() {
    let cases = [
        (
            json!([{"op": "replace", "path": "/spec/replicas", "value": 9}, {"op": "test", "path": "/spec/replicas", "value": 2}]),
            "testing value /spec/replicas failed: test failed",
        ),
        (
            json!([{"op": "add", "path": "/nope/x", "value": 1}]),
            "add operation does not apply: doc is missing path: \"/nope/x\": missing value",
        ),
        (
            json!([{"op": "add", "path": "/spec/list/5", "value": 1}]),
            "error in add for path: '/spec/list/5': Unable to access invalid index: 5: invalid index referenced",
        ),
        (
            json!([{"op": "remove", "path": "/metadata/labels/tier"}]),
            "error in remove for path: '/metadata/labels/tier': Unable to remove nonexistent key: tier: missing value",
        ),
        (
            json!([{"op": "replace", "path": "/spec/paused", "value": true}]),
            "replace operation does not apply: doc is missing key: /spec/paused: missing value",
        ),
        (
            json!([{"op": "move", "from": "/spec/nope", "path": "/spec/x"}]),
            "move operation does not apply: doc is missing from path: /spec/nope: missing value",
        ),
        (
            json!([{"op": "copy", "from": "/spec/nope", "path": "/spec/x"}]),
            "copy operation does not apply: doc is missing from path: /spec/nope: missing value",
        ),
        (
            json!([{"op": "frobnicate", "path": "/spec"}]),
            "Unexpected kind: frobnicate",
        ),
        (
            json!([{"op": "remove"}]),
            "remove operation failed to decode path: operation missing path field",
        ),
    ];
    for (patch, detail) in cases {
        let mut d = doc();
        let err = apply_json_patch(&mut d, &patch).unwrap_err();
        assert_eq!(err, PatchError::Invalid(detail.to_string()), "{patch}");
        assert_eq!(err.status().code, 422);
        assert_eq!(d, doc(), "target changed by {patch}");
    }
    let mut d = doc();
    let err = apply_json_patch(&mut d, &json!({"op": "add"})).unwrap_err();
    assert_eq!(err.status().code, 400);
    assert_eq!(
        err.to_string(),
        "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
    );
}
