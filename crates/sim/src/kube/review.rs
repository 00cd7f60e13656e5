//! Access reviews (SelfSubjectAccessReview, SelfSubjectReview) and the pod proxy, which
//! serves a pod's own /metrics as the pod would.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::http::{ApiError, KubeApiState, details, json_response, qualified};
use super::read::Request;
use crate::{exposition, rbac};

/// A 403 `Status` when the request's identity may not `verb` the request's target (its
/// roles do not grant it, or a deny rule takes it away); `None` when it is allowed.
pub fn forbidden(state: &KubeApiState, verb: &str, request: &Request) -> Option<Response> {
    let target = &request.target;
    let world = state.lock();
    let cluster = world.clusters.get(state.cluster).map_or("", |c| c.name());
    let attributes = rbac::Attributes {
        verb,
        group: target.resource.group,
        resource: target.resource.plural,
        subresource: target.subresource.as_deref().unwrap_or(""),
        namespace: target.namespace.as_deref().unwrap_or(""),
        name: target.name.as_deref().unwrap_or(""),
    };
    if request
        .user
        .decide(&world.deny, cluster, &attributes)
        .allowed
    {
        return None;
    }
    let mut error = ApiError::new(
        403,
        "Forbidden",
        rbac::forbidden_message(request.user.user, &attributes),
    );
    error.details = Some(details(
        attributes.name,
        attributes.group,
        attributes.resource,
    ));
    Some(error.into_response())
}

pub fn create(state: &KubeApiState, request: &Request) -> Response {
    let body: Value = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => {
            return ApiError::bad_request(format!("error decoding request body: {e}"))
                .into_response();
        }
    };
    let (cluster, rules) = {
        let world = state.lock();
        let cluster = world.clusters.get(state.cluster).map_or("", |c| c.name());
        (cluster, world.deny.clone())
    };
    match request.target.resource.plural {
        "selfsubjectaccessreviews" => {
            let mut review = body;
            let attrs = &review["spec"]["resourceAttributes"];
            let text = |field: &str| attrs[field].as_str().unwrap_or("").to_string();
            let fields = [
                "verb",
                "group",
                "resource",
                "subresource",
                "namespace",
                "name",
            ]
            .map(text);
            let attributes = rbac::Attributes {
                verb: &fields[0],
                group: &fields[1],
                resource: &fields[2],
                subresource: &fields[3],
                namespace: &fields[4],
                name: &fields[5],
            };
            let decision = request.user.decide(&rules, cluster, &attributes);
            // A review of something other than a resource (a non-resource URL) is allowed.
            review["status"] = json!({"allowed": decision.allowed || !attrs.is_object()});
            if !decision.reason.is_empty() {
                review["status"]["reason"] = json!(decision.reason);
            }
            review["metadata"] = json!({"creationTimestamp": null});
            json_response(StatusCode::CREATED, &review)
        }
        "selfsubjectreviews" => json_response(
            StatusCode::CREATED,
            &json!({
                "kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
                "metadata": {"creationTimestamp": null},
                "status": {"userInfo": {"username": request.user.user, "uid": request.user.user, "groups": request.user.groups}},
            }),
        ),
        _ => ApiError::new(
            405,
            "MethodNotAllowed",
            format!(
                "the simulator does not create {}",
                qualified(request.target.resource)
            ),
        )
        .into_response(),
    }
}

/// GET .../pods/{name}[:port]/proxy/metrics: the pod's own exposition. Services other than
/// the monitoring ones (routed in `service_proxy`) are not found, as on a real API server.
pub fn proxy(state: &KubeApiState, request: &Request) -> Response {
    let target = &request.target;
    if target.resource.plural == "services" {
        let raw = target.name.as_deref().unwrap_or("");
        // `http:name:port`, `name:port` and `name` all name the Service `name`.
        let name = raw
            .trim_start_matches("https:")
            .trim_start_matches("http:")
            .split(':')
            .next()
            .unwrap_or("");
        return ApiError::not_found(target.resource, name).into_response();
    }
    if target.resource.plural != "pods" {
        return ApiError::new(
            404,
            "NotFound",
            format!(
                "proxying to {} is not served by the simulator",
                qualified(target.resource)
            ),
        )
        .into_response();
    }
    let raw_name = target.name.clone().unwrap_or_default();
    let name = raw_name.split(':').next().unwrap_or("").to_string();
    let ns = target.namespace.clone().unwrap_or_default();
    let world = state.lock();
    let now = world.now;
    let Some(cluster) = world.clusters.get(state.cluster) else {
        return ApiError::not_found(target.resource, &name).into_response();
    };
    let Some(pod) = cluster.pods.get(&(ns.clone(), name.clone())) else {
        return ApiError::not_found(target.resource, &name).into_response();
    };
    if !pod.ready(now) {
        return ApiError::new(
            503,
            "ServiceUnavailable",
            format!(
                "error trying to reach service: dial tcp {}:{}: connect: connection refused",
                pod.ip, pod.port
            ),
        )
        .into_response();
    }
    if target.proxy_path.as_deref() != Some("metrics") {
        return (StatusCode::NOT_FOUND, "404 page not found\n").into_response();
    }
    let families: Vec<exposition::MetricFamily> = world
        .metric_families(state.cluster)
        .into_iter()
        .map(|mut family| {
            family.samples.retain(|(labels, _)| {
                labels.get("pod") == Some(name.as_str())
                    && labels.get("namespace") == Some(ns.as_str())
            });
            family
        })
        .filter(|family| !family.samples.is_empty())
        .collect();
    drop(world);
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        exposition::render(&families),
    )
        .into_response()
}
