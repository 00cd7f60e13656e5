//! Kubernetes operations through kube-rs: who am I, may I, read, plan (scale, rollback, CNPG
//! promote) with a server-side dry run, apply a plan's patch with its resourceVersion
//! precondition, and the probes that read workload and database state.
//!
//! Objects are handled as JSON (`DynamicObject`) so Deployments, StatefulSets and CNPG
//! clusters share one path, and the patch sent is exactly the one planned.

pub mod access;
pub mod execute;
pub mod follow;
pub mod identity;
pub mod probe;
pub mod promote;
pub mod read;
pub mod rollback;
pub mod scale;

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde_json::Value;

use super::client::Ops;
use watchdeck_core::runbook::op::diff::diff;
use watchdeck_core::runbook::op::{OpError, PlanReport, Snapshot};
use watchdeck_core::runbook::resolved::{ObjectKind, ObjectRef};

/// The API resource of a kind.
pub fn api_resource(kind: ObjectKind) -> ApiResource {
    let (group, version, kind_name) = match kind {
        ObjectKind::Deployment => ("apps", "v1", "Deployment"),
        ObjectKind::StatefulSet => ("apps", "v1", "StatefulSet"),
        ObjectKind::CnpgCluster => ("postgresql.cnpg.io", "v1", "Cluster"),
    };
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(group, version, kind_name),
        kind.resource(),
    )
}

/// `deployment shop/payment in us-east-1`, for messages.
pub fn describe(object: &ObjectRef) -> String {
    format!(
        "{} {}/{} in {}",
        object.kind.keyword(),
        object.namespace,
        object.name,
        object.cluster
    )
}

/// The object's API in its namespace.
pub async fn object_api(ops: &Ops, object: &ObjectRef) -> Result<Api<DynamicObject>, OpError> {
    let client = ops.kube(&object.cluster).await?;
    Ok(Api::namespaced_with(
        client,
        &object.namespace,
        &api_resource(object.kind),
    ))
}

/// Reads the object as JSON, within the read timeout.
pub async fn get(ops: &Ops, object: &ObjectRef) -> Result<Value, OpError> {
    let api = object_api(ops, object).await?;
    let what = format!("reading {}", describe(object));
    ops.bounded(&what, async {
        let found = api
            .get(&object.name)
            .await
            .map_err(|e| read_error(&what, &e))?;
        to_json(&found)
    })
    .await
}

pub fn to_json(object: &DynamicObject) -> Result<Value, OpError> {
    serde_json::to_value(object)
        .map_err(|e| OpError::new(format!("cannot encode the object read back: {e}")))
}

/// A failed read worded for people: the API server's message, or what went wrong.
pub fn read_error(what: &str, error: &kube::Error) -> OpError {
    match error {
        kube::Error::Api(status) => {
            let hint = match status.code {
                401 => ": the credentials were refused; log in again",
                403 => {
                    ": your identity lacks access; ask for the permission or use another context"
                }
                404 => ": it does not exist; check the cluster, namespace and name",
                _ => "",
            };
            OpError::new(format!(
                "{what}: HTTP {} {}{hint}",
                status.code,
                watchdeck_core::text::sanitize(&status.message)
            ))
        }
        other => OpError::new(format!(
            "{what}: {}",
            crate::sources::retry::describe(other)
        )),
    }
}

/// Sends `patch` as a merge patch with `dryRun=All` (to the object or its `subresource`),
/// within the read timeout: the server's answer, nothing stored.
pub async fn dry_run(
    ops: &Ops,
    object: &ObjectRef,
    subresource: Option<&str>,
    patch: &Value,
) -> Result<Value, OpError> {
    let api = object_api(ops, object).await?;
    let what = format!("dry run on {}", describe(object));
    let params = PatchParams {
        dry_run: true,
        ..PatchParams::default()
    };
    ops.bounded(&what, async {
        let patch = Patch::Merge(patch);
        let answer = match subresource {
            Some(sub) => {
                api.patch_subresource(sub, &object.name, &params, &patch)
                    .await
            }
            None => api.patch(&object.name, &params, &patch).await,
        };
        to_json(&answer.map_err(|e| read_error(&what, &e))?)
    })
    .await
}

/// A plan from the object before and the dry run's answer.
pub fn report(kind: ObjectKind, before: &Value, after: &Value, patch: Value) -> PlanReport {
    let before = read::snapshot(kind, before);
    let after = read::snapshot(kind, after);
    PlanReport {
        diff: diff(&before.lines, &after.lines),
        before,
        after,
        patch,
        refusal: None,
        current_replicas: None,
        data_at_risk: None,
        target_replicas: None,
        ready_before: None,
        already: None,
        notes: Vec::new(),
    }
}

/// A plan that changes nothing because the target refuses the change.
pub fn refused(kind: ObjectKind, before: &Value, reason: String) -> PlanReport {
    let snapshot = read::snapshot(kind, before);
    PlanReport {
        diff: diff(&snapshot.lines, &snapshot.lines),
        after: snapshot.clone(),
        before: snapshot,
        patch: Value::Null,
        refusal: Some(reason),
        current_replicas: None,
        data_at_risk: None,
        target_replicas: None,
        ready_before: None,
        already: None,
        notes: Vec::new(),
    }
}

/// The object's resourceVersion.
pub fn resource_version(object: &Value) -> Option<String> {
    object["metadata"]["resourceVersion"]
        .as_str()
        .map(str::to_string)
}

/// The JSON merge patch (RFC 7386) that turns `from` into `to`: changed values, removed
/// keys as `null`; arrays are replaced whole.
pub fn merge_diff(from: &Value, to: &Value) -> Value {
    match (from, to) {
        (Value::Object(a), Value::Object(b)) => {
            let mut out = serde_json::Map::new();
            for (key, old) in a {
                match b.get(key) {
                    None => {
                        out.insert(key.clone(), Value::Null);
                    }
                    Some(new) if new != old => {
                        let inner = match (old, new) {
                            (Value::Object(_), Value::Object(_)) => merge_diff(old, new),
                            _ => new.clone(),
                        };
                        out.insert(key.clone(), inner);
                    }
                    Some(_) => {}
                }
            }
            for (key, new) in b {
                if !a.contains_key(key) {
                    out.insert(key.clone(), new.clone());
                }
            }
            Value::Object(out)
        }
        _ => to.clone(),
    }
}

/// Snapshot of nothing (what a silence or command replaces).
pub fn empty() -> Snapshot {
    Snapshot::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 7386 application, to check that a merge diff reproduces its target.
    fn apply(target: &mut Value, patch: &Value) {
        if let Value::Object(p) = patch {
            if !target.is_object() {
                *target = json!({});
            }
            if let Value::Object(t) = target {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        apply(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        } else {
            *target = patch.clone();
        }
    }

    #[test]
    fn merge_diff_turns_one_template_into_the_other() {
        let current = json!({"metadata": {"labels": {"app": "payment", "version": "v1.4.2", "extra": "x"}},
            "spec": {"containers": [{"name": "payment", "image": "r/payment:v1.4.2"}]}});
        let target = json!({"metadata": {"labels": {"app": "payment", "version": "v1.4.1"}},
            "spec": {"containers": [{"name": "payment", "image": "r/payment:v1.4.1"}]}});
        let patch = merge_diff(&current, &target);
        assert_eq!(patch["metadata"]["labels"]["extra"], Value::Null);
        assert!(patch["metadata"]["labels"].get("app").is_none());
        let mut patched = current.clone();
        apply(&mut patched, &patch);
        assert_eq!(patched, target);
    }
}
