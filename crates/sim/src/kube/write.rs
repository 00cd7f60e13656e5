//! Writes: patch (merge, strategic merge, JSON patch) and update of objects and of their
//! scale and status subresources, with resourceVersion preconditions, validation and
//! server-side dry run; pod deletion.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::http::{ApiError, KubeApiState, details, json_response, qualified};
use super::patch::{self, PatchError, PatchSchema, PatchType};
use super::read::{Request, lookup, scale_of};
use super::store::bumps_generation;
use crate::world::World;

const SCALABLE: &[&str] = &["deployments", "replicasets", "statefulsets"];

pub fn patch(state: &KubeApiState, request: &Request) -> Response {
    let schema = PatchSchema::for_kind(request.target.resource.kind);
    if PatchType::from_content_type(&request.content_type) == Some(PatchType::Apply)
        && request
            .query
            .get("fieldManager")
            .is_none_or(String::is_empty)
    {
        // The API server validates the options before it looks at the body.
        let mut error = ApiError::new(
            422,
            "Invalid",
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        );
        error.details = Some(json!({"group": "meta.k8s.io", "kind": "PatchOptions",
            "causes": [{"reason": "FieldValueRequired", "message": "Required value: is required for apply patch", "field": "fieldManager"}]}));
        return error.into_response();
    }
    let patch_type = match PatchType::negotiate(&request.content_type, schema.is_some()) {
        Ok(patch_type) => patch_type,
        Err(error) => return patch_error(&error),
    };
    let patch: Value = match serde_json::from_slice(&request.body) {
        Ok(patch) => patch,
        Err(e) => {
            return ApiError::bad_request(format!("error decoding patch: {e}")).into_response();
        }
    };
    write(state, request, |current| {
        let mut patched = current.clone();
        patch::apply_patch(&mut patched, patch_type, &patch, schema).map_err(|e| {
            let status = e.status();
            let details = e.status_object().get("details").cloned();
            ApiError {
                details: Some(details.unwrap_or(Value::Null)),
                ..ApiError::new(status.code, status.reason, status.message)
            }
        })?;
        Ok(patched)
    })
}

fn patch_error(error: &PatchError) -> Response {
    let status = error.status();
    json_response(
        StatusCode::from_u16(status.code).unwrap_or(StatusCode::BAD_REQUEST),
        &error.status_object(),
    )
}

pub fn update(state: &KubeApiState, request: &Request) -> Response {
    let body: Value = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => {
            return ApiError::bad_request(format!("error decoding request body: {e}"))
                .into_response();
        }
    };
    write(state, request, |_| Ok(body.clone()))
}

/// Applies `change` to the target (the object, its scale or its status), checks
/// preconditions and validity, and stores the result unless this is a dry run.
fn write(
    state: &KubeApiState,
    request: &Request,
    change: impl Fn(&Value) -> Result<Value, ApiError>,
) -> Response {
    let target = &request.target;
    let resource = target.resource;
    let name = target.name.clone().unwrap_or_default();
    let mut world = state.lock();
    let Some(current) = lookup(&world, state.cluster, target) else {
        return ApiError::not_found(resource, &name).into_response();
    };
    let current_rv = current["metadata"]["resourceVersion"].clone();
    let conflict = || ApiError {
        details: Some(details(&name, resource.group, resource.plural)),
        ..ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                qualified(resource)
            ),
        )
    };
    let subresource = target.subresource.as_deref();
    let result = match subresource {
        Some("scale") if SCALABLE.contains(&resource.plural) => {
            let scale = scale_of(&current);
            let changed = match change(&scale) {
                Ok(changed) => changed,
                Err(error) => return error.into_response(),
            };
            if precondition_fails(&changed, &current_rv) {
                return conflict().into_response();
            }
            let Some(replicas) = changed["spec"]["replicas"].as_i64() else {
                return invalid(
                    resource,
                    &name,
                    "Scale",
                    "spec.replicas",
                    &changed["spec"]["replicas"],
                    "must be an integer",
                )
                .into_response();
            };
            if replicas < 0 {
                return invalid(
                    resource,
                    &name,
                    "Scale",
                    "spec.replicas",
                    &json!(replicas),
                    "must be greater than or equal to 0",
                )
                .into_response();
            }
            let mut next = (*current).clone();
            next["spec"]["replicas"] = json!(replicas);
            next
        }
        Some("status") => {
            let changed = match change(&current) {
                Ok(changed) => changed,
                Err(error) => return error.into_response(),
            };
            if precondition_fails(&changed, &current_rv) {
                return conflict().into_response();
            }
            let mut next = (*current).clone();
            next["status"] = changed["status"].clone();
            next
        }
        None => {
            let mut changed = match change(&current) {
                Ok(changed) => changed,
                Err(error) => return error.into_response(),
            };
            if precondition_fails(&changed, &current_rv) {
                return conflict().into_response();
            }
            if let Err(error) = validate(&current, &mut changed, resource, &name) {
                return error.into_response();
            }
            changed
        }
        Some(other) => {
            return ApiError::new(
                404,
                "NotFound",
                format!(
                    "the server could not find the requested resource ({other} of {})",
                    qualified(resource)
                ),
            )
            .into_response();
        }
    };
    let stored = if request.dry_run() {
        // What would be stored: the generation as the store would bump it.
        let mut preview = result;
        preview["metadata"]["resourceVersion"] = current_rv;
        if let Some(generation) = current["metadata"]["generation"].as_i64() {
            let bump = bumps_generation(resource.plural, &current, &preview);
            preview["metadata"]["generation"] = json!(generation + i64::from(bump));
        }
        preview
    } else {
        commit(&mut world, state.cluster, resource.plural, result)
    };
    drop(world);
    let body = if subresource == Some("scale") {
        scale_of(&stored)
    } else {
        stored
    };
    json_response(StatusCode::OK, &body)
}

fn precondition_fails(changed: &Value, current_rv: &Value) -> bool {
    let wanted = &changed["metadata"]["resourceVersion"];
    !wanted.is_null() && wanted.as_str() != Some("") && wanted != current_rv
}

fn invalid(
    resource: &super::discovery::ResourceType,
    name: &str,
    kind: &str,
    field: &str,
    value: &Value,
    why: &str,
) -> ApiError {
    // A Scale is autoscaling's, whichever resource it scales.
    let group = if kind == "Scale" {
        "autoscaling"
    } else {
        resource.group
    };
    let mut error = ApiError::new(
        422,
        "Invalid",
        format!("{kind}.{group} \"{name}\" is invalid: {field}: Invalid value: {value}: {why}")
            .replace(". \"", " \""),
    );
    let mut named = details(name, group, kind);
    named["causes"] = json!([{"reason": "FieldValueInvalid", "message": format!("Invalid value: {value}: {why}"), "field": field}]);
    error.details = Some(named);
    error
}

/// What the API server refuses: renames, selector changes, negative replicas, status
/// written through the main resource, and bodies that do not decode as the kind.
fn validate(
    current: &Value,
    changed: &mut Value,
    resource: &super::discovery::ResourceType,
    name: &str,
) -> Result<(), ApiError> {
    for field in ["name", "namespace", "uid"] {
        if changed["metadata"][field] != current["metadata"][field]
            && !changed["metadata"][field].is_null()
        {
            return Err(ApiError::bad_request(format!(
                "the {field} of the object ({}) does not match the {field} on the URL ({})",
                changed["metadata"][field], current["metadata"][field]
            )));
        }
        changed["metadata"][field] = current["metadata"][field].clone();
    }
    if resource.plural != "pods" && current.get("status").is_some() {
        changed["status"] = current["status"].clone();
    }
    if SCALABLE.contains(&resource.plural) {
        if changed["spec"]["selector"] != current["spec"]["selector"] {
            return Err(invalid(
                resource,
                name,
                resource.kind,
                "spec.selector",
                &changed["spec"]["selector"],
                "field is immutable",
            ));
        }
        match changed["spec"]["replicas"].as_i64() {
            Some(r) if r >= 0 => {}
            _ => {
                return Err(invalid(
                    resource,
                    name,
                    resource.kind,
                    "spec.replicas",
                    &changed["spec"]["replicas"],
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    let decoded = match resource.plural {
        "deployments" => {
            serde_json::from_value::<k8s_openapi::api::apps::v1::Deployment>(changed.clone()).err()
        }
        "replicasets" => {
            serde_json::from_value::<k8s_openapi::api::apps::v1::ReplicaSet>(changed.clone()).err()
        }
        "statefulsets" => {
            serde_json::from_value::<k8s_openapi::api::apps::v1::StatefulSet>(changed.clone()).err()
        }
        "pods" => serde_json::from_value::<k8s_openapi::api::core::v1::Pod>(changed.clone()).err(),
        _ => None,
    };
    if let Some(error) = decoded {
        return Err(ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: {error}",
            resource.kind, resource.version, resource.kind
        )));
    }
    Ok(())
}

/// Stores a written object and returns it as stored; pods also take the new labels and
/// annotations into the simulation.
fn commit(world: &mut World, cluster: usize, plural: &'static str, object: Value) -> Value {
    let now = world.now;
    let Some(state) = world.clusters.get_mut(cluster) else {
        return object;
    };
    let ns = object["metadata"]["namespace"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    if plural == "pods" {
        if let Some(pod) = state.pods.get_mut(&(ns.clone(), name.clone())) {
            pod.labels =
                serde_json::from_value(object["metadata"]["labels"].clone()).unwrap_or_default();
            pod.annotations = serde_json::from_value(object["metadata"]["annotations"].clone())
                .unwrap_or_default();
            let rendered = pod.render(now);
            state.store.upsert("pods", rendered);
        }
    } else {
        state.store.upsert(plural, object.clone());
    }
    state
        .store
        .get(plural, &ns, &name)
        .map_or(object, |stored| (*stored.object).clone())
}

pub fn delete(state: &KubeApiState, request: &Request) -> Response {
    let target = &request.target;
    let name = target.name.clone().unwrap_or_default();
    if target.resource.plural != "pods" || target.subresource.is_some() {
        return ApiError::new(
            405,
            "MethodNotAllowed",
            format!(
                "the simulator does not delete {} (only pods)",
                qualified(target.resource)
            ),
        )
        .into_response();
    }
    let grace_seconds = match request.query.get("gracePeriodSeconds") {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(seconds) => Some(seconds.max(0)),
            Err(_) => {
                return ApiError::bad_request(format!("invalid gracePeriodSeconds: {text}"))
                    .into_response();
            }
        },
    };
    let mut world = state.lock();
    let now = world.now;
    let ns = target.namespace.clone().unwrap_or_default();
    let Some(cluster) = world.clusters.get_mut(state.cluster) else {
        return ApiError::not_found(target.resource, &name).into_response();
    };
    let key = (ns.clone(), name.clone());
    let Some(pod) = cluster.pods.get(&key) else {
        return ApiError::not_found(target.resource, &name).into_response();
    };
    // As the API server answers: the pod with its graceful deletion begun (deletionTimestamp
    // set, generation bumped), also for a dry run, which stores nothing.
    let body = if request.dry_run() {
        let stored = cluster
            .store
            .get("pods", &ns, &name)
            .map(|s| Arc::clone(&s.object));
        let mut preview = pod.clone();
        if preview.deleting_since.is_none() {
            preview.deleting_since = Some(now);
        }
        let mut body = preview.render(now);
        if let Some(stored) = stored {
            let meta = &stored["metadata"];
            body["metadata"]["resourceVersion"] = meta["resourceVersion"].clone();
            if let Some(generation) = meta["generation"].as_i64() {
                let bump = bumps_generation("pods", &stored, &body);
                body["metadata"]["generation"] = json!(generation + i64::from(bump));
            }
        }
        body
    } else {
        cluster.delete_pod(&ns, &name, now);
        let stored = cluster
            .store
            .get("pods", &ns, &name)
            .map(|s| Arc::clone(&s.object));
        if grace_seconds == Some(0) {
            // No grace: gone at once (`kubectl delete --grace-period=0 --force`).
            cluster.remove_pod(&ns, &name);
        }
        stored.map_or(Value::Null, |s| (*s).clone())
    };
    let mut body = body;
    if let Some(seconds) = grace_seconds
        && body.is_object()
    {
        body["metadata"]["deletionTimestamp"] = json!(crate::clock::rfc3339(
            now.saturating_add(seconds.saturating_mul(1000))
        ));
        body["metadata"]["deletionGracePeriodSeconds"] = json!(seconds);
    }
    json_response(StatusCode::OK, &body)
}
