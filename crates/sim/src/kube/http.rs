//! The simulated API server's HTTP front: parses Kubernetes REST paths, dispatches to read,
//! watch and write handlers, and answers errors as `Status` objects as the API server does.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::discovery::{self, ResourceType};
use crate::rbac;
use crate::world::World;
use watchdeck_core::clock::VirtualNow;

/// What a router for one cluster needs.
#[derive(Clone)]
pub struct KubeApiState {
    pub world: Arc<Mutex<World>>,
    pub cluster: usize,
    /// The virtual time, readable without locking the world (tables and watches need it
    /// for every row and event).
    pub now: VirtualNow,
    /// The identity this router serves under `/sim-as/USER` (kubectl sends no bearer token
    /// over plain HTTP, so the kubeconfig names the identity in the server URL); None at
    /// the root.
    pub identity: Option<&'static rbac::Identity>,
}

impl KubeApiState {
    pub fn lock(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock would be a bug in the simulator; keep serving.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub fn router(state: KubeApiState) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// A request path resolved against the served resources.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub resource: &'static ResourceType,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
    /// For `.../proxy/<path>`: the path after `proxy`.
    pub proxy_path: Option<String>,
}

/// The error an API server would answer with.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    pub fn not_found(resource: &ResourceType, name: &str) -> Self {
        let mut error = Self::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", qualified(resource)),
        );
        error.details = Some(details(name, resource.group, resource.plural));
        error
    }

    /// 401 for credentials no identity has; the API server's Status carries no details.
    pub fn unauthorized() -> Self {
        Self {
            details: Some(Value::Null),
            ..Self::new(401, "Unauthorized", "Unauthorized")
        }
    }

    /// 400; the API server's BadRequest Status carries no details.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            details: Some(Value::Null),
            ..Self::new(400, "BadRequest", message)
        }
    }

    pub fn status(&self) -> Value {
        let mut status = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": self.message, "reason": self.reason, "code": self.code,
        });
        match &self.details {
            // The API server's Status has `details: {}` unless it names something; bad
            // requests and authentication failures go without.
            None => status["details"] = json!({}),
            Some(Value::Null) => {}
            Some(details) => status["details"] = details.clone(),
        }
        status
    }
}

/// A Status's `details` naming an object, as the API server writes them: empty fields
/// (the core group, a list's name) are left out.
pub fn details(name: &str, group: &str, kind: &str) -> Value {
    let mut details = serde_json::Map::new();
    for (field, value) in [("name", name), ("group", group), ("kind", kind)] {
        if !value.is_empty() {
            details.insert(field.to_string(), json!(value));
        }
    }
    Value::Object(details)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(
            StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &self.status(),
        )
    }
}

/// `deployments.apps`, `pods`: how the API server names a resource in messages.
pub fn qualified(resource: &ResourceType) -> String {
    if resource.group.is_empty() {
        resource.plural.to_string()
    } else {
        format!("{}.{}", resource.plural, resource.group)
    }
}

pub fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Query parameters, first value wins.
pub fn query_map(uri: &Uri) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        map.entry(decode(key)).or_insert_with(|| decode(value));
    }
    map
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn handle(
    State(state): State<KubeApiState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_end_matches('/').to_string();
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let query = query_map(&uri);
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    tracing::debug!(%method, %uri, %accept, "kube request");
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let user = match authenticate(&headers, state.identity) {
        Ok(user) => user,
        Err(unauthorized) => return unauthorized.into_response(),
    };
    let cluster = crate::world::catalog::CLUSTERS
        .get(state.cluster)
        .map_or("", |c| c.name);
    if let ["apis", group, ..] = segments[..]
        && !super::pyrra::group_served(group, cluster)
    {
        return ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .into_response();
    }
    if let ["apis"] = segments[..] {
        let mut groups = discovery::api_group_list();
        if let Some(list) = groups["groups"].as_array_mut() {
            list.retain(|g| super::pyrra::group_served(g["name"].as_str().unwrap_or(""), cluster));
        }
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, discovery::LEGACY_CONTENT_TYPE)],
            groups.to_string(),
        )
            .into_response();
    }
    if let Some(document) = discovery_document(&segments, host) {
        return document;
    }
    let target = match resolve(&segments) {
        Ok(target) => target,
        Err(error) => return error.into_response(),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut body = body;
    if content_type.contains("protobuf") {
        // kubectl sends access reviews as protobuf; the simulator reads those and answers in
        // JSON (which kubectl also accepts). Other protobuf bodies get the 415 a server
        // without that encoding would send.
        match target.resource.plural {
            "selfsubjectaccessreviews" | "selfsubjectreviews" => {
                match super::protobuf::decode_review(&body) {
                    Ok(review) => body = Bytes::from(review.to_string()),
                    Err(reason) => {
                        return ApiError::bad_request(format!(
                            "error decoding protobuf request body: {reason}"
                        ))
                        .into_response();
                    }
                }
            }
            _ => {
                return ApiError::new(
                    415,
                    "UnsupportedMediaType",
                    format!("the body of the request was in an unknown format - accepted media types include: application/json (got {content_type})"),
                )
                .into_response();
            }
        }
    }
    let request = super::read::Request {
        user,
        target,
        query,
        accept,
        content_type,
        body,
    };
    let verb = match (&method, request.target.name.is_some()) {
        (&Method::GET, _) if request.target.proxy_path.is_some() => "get",
        (&Method::GET, false) if request.is_watch() => "watch",
        (&Method::GET, false) => "list",
        (&Method::GET, true) => "get",
        (&Method::PATCH, _) => "patch",
        (&Method::PUT, _) => "update",
        (&Method::DELETE, _) => "delete",
        _ => "create",
    };
    if let Some(forbidden) = super::review::forbidden(&state, verb, &request) {
        return forbidden;
    }
    match (method, request.target.name.is_some()) {
        (Method::GET, _) if request.target.proxy_path.is_some() => {
            super::review::proxy(&state, &request)
        }
        (Method::GET, false) if request.is_watch() => super::watch::watch(&state, &request),
        (Method::GET, false) => super::read::list(&state, &request),
        (Method::GET, true) => super::read::get(&state, &request),
        (Method::PATCH, true) => super::write::patch(&state, &request),
        (Method::PUT, true) => super::write::update(&state, &request),
        (Method::DELETE, true) => super::write::delete(&state, &request),
        (Method::POST, false) => super::review::create(&state, &request),
        (method, _) => ApiError::new(
            405,
            "MethodNotAllowed",
            format!(
                "the server does not allow this method on the requested resource ({method} {})",
                qualified(request.target.resource)
            ),
        )
        .into_response(),
    }
}

/// Who sent the request: the identity its bearer token names (401 for a token no identity
/// has, as the API server answers), else the one the URL's `/sim-as/USER` prefix names. A
/// request with neither is served as sim-admin, where a real API server would treat it as
/// `system:anonymous` (README, known differences).
fn authenticate(
    headers: &HeaderMap,
    by_path: Option<&'static rbac::Identity>,
) -> Result<&'static rbac::Identity, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(by_path.unwrap_or_else(rbac::default_identity));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match token {
        Some(token) => rbac::identity_of_token(token).ok_or_else(ApiError::unauthorized),
        None => Err(ApiError::unauthorized()),
    }
}

/// Legacy discovery documents; kubectl asks for aggregated discovery first and falls back
/// when the answer is plain `application/json`, so the Accept header needs no handling.
fn discovery_document(segments: &[&str], host: &str) -> Option<Response> {
    let document = match segments {
        ["version"] => Some(discovery::version_info()),
        ["api"] => Some(discovery::api_versions(host)),
        ["apis"] => Some(discovery::api_group_list()),
        ["api", version] => discovery::resource_list("", version),
        ["apis", group] => discovery::api_group(group),
        ["apis", group, version] => discovery::resource_list(group, version),
        ["openapi", ..] => {
            return Some(
                ApiError::new(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                )
                .into_response(),
            );
        }
        _ => return None,
    };
    Some(match document {
        Some(document) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, discovery::LEGACY_CONTENT_TYPE)],
            document.to_string(),
        )
            .into_response(),
        None => ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .into_response(),
    })
}

/// Resolves `/api/v1/...` and `/apis/{group}/{version}/...` paths.
pub fn resolve(segments: &[&str]) -> Result<Target, ApiError> {
    let not_found = || {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    };
    let (group, version, rest) = match segments {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return Err(not_found()),
    };
    let lookup = |plural: &str| discovery::find(group, version, plural).ok_or_else(not_found);
    let (namespace, rest) = match rest {
        ["namespaces", ns, resource, tail @ ..] if lookup(resource).is_ok_and(|r| r.namespaced) => {
            (Some(ns.to_string()), [&[*resource][..], tail].concat())
        }
        _ => (None, rest.to_vec()),
    };
    let Some((plural, tail)) = rest.split_first() else {
        return Err(not_found());
    };
    let resource = lookup(plural)?;
    if resource.namespaced != namespace.is_some() && !(resource.namespaced && tail.is_empty()) {
        return Err(not_found());
    }
    let (name, subresource, proxy_path) = match tail {
        [] => (None, None, None),
        [name] => (Some(name.to_string()), None, None),
        [name, "proxy", path @ ..] => (
            Some(name.to_string()),
            Some("proxy".to_string()),
            Some(path.join("/")),
        ),
        [name, sub] => (Some(name.to_string()), Some(sub.to_string()), None),
        _ => return Err(not_found()),
    };
    if let Some(sub) = &subresource
        && resource.subresource(sub).is_none()
    {
        return Err(not_found());
    }
    Ok(Target {
        resource,
        namespace,
        name,
        subresource,
        proxy_path,
    })
}
