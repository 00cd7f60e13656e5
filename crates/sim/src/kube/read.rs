//! Reads: get and list, with label and field selectors, pagination, and server-side tables
//! when the client asks for them (`Accept: ...;as=Table;...`, as kubectl does).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::http::{ApiError, KubeApiState, Target, json_response};
use super::selector::{FieldSelector, LabelSelector};
use super::table::{self, IncludeObject, ListMeta};
use crate::world::World;

pub struct Request {
    /// Who sent it (`http::authenticate`).
    pub user: &'static crate::rbac::Identity,
    pub target: Target,
    pub query: BTreeMap<String, String>,
    pub accept: String,
    pub content_type: String,
    pub body: Bytes,
}

impl Request {
    pub fn is_watch(&self) -> bool {
        matches!(
            self.query.get("watch").map(String::as_str),
            Some("1" | "true")
        )
    }

    pub fn wants_table(&self) -> bool {
        table::wants_table(&self.accept)
    }

    pub fn include_object(&self) -> Result<IncludeObject, ApiError> {
        IncludeObject::from_query(self.query.get("includeObject").map(String::as_str))
            .map_err(ApiError::bad_request)
    }

    pub fn dry_run(&self) -> bool {
        self.query.get("dryRun").is_some_and(|v| v == "All")
    }

    pub fn selectors(&self) -> Result<(LabelSelector, FieldSelector), ApiError> {
        let labels =
            LabelSelector::parse(self.query.get("labelSelector").map_or("", String::as_str))
                .map_err(|e| ApiError::bad_request(e.message()))?;
        let fields = FieldSelector::parse(
            self.query.get("fieldSelector").map_or("", String::as_str),
            self.target.resource.kind,
        )
        .map_err(|e| ApiError::bad_request(e.message()))?;
        Ok((labels, fields))
    }
}

pub fn get(state: &KubeApiState, request: &Request) -> Response {
    let world = state.lock();
    let target = &request.target;
    let name = target.name.as_deref().unwrap_or("");
    let Some(object) = lookup(&world, state.cluster, target) else {
        return ApiError::not_found(target.resource, name).into_response();
    };
    let body = match target.subresource.as_deref() {
        Some("scale") => scale_of(&object),
        Some("status") | None => (*object).clone(),
        Some(other) => {
            return ApiError::new(
                404,
                "NotFound",
                format!(
                    "subresource {other} is not served for {}",
                    target.resource.plural
                ),
            )
            .into_response();
        }
    };
    drop(world);
    if request.wants_table() && target.subresource.is_none() {
        let include = match request.include_object() {
            Ok(include) => include,
            Err(error) => return error.into_response(),
        };
        let now = state.now.get();
        let meta = ListMeta {
            resource_version: body["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            ..ListMeta::default()
        };
        return table_response(&table::to_table(
            target.resource,
            &[body],
            &meta,
            now,
            include,
        ));
    }
    json_response(StatusCode::OK, &body)
}

pub fn lookup(world: &World, cluster: usize, target: &Target) -> Option<Arc<Value>> {
    let store = &world.clusters.get(cluster)?.store;
    let ns = target.namespace.as_deref().unwrap_or("");
    store
        .get(target.resource.plural, ns, target.name.as_deref()?)
        .map(|s| Arc::clone(&s.object))
}

/// The autoscaling/v1 Scale of a Deployment, ReplicaSet or StatefulSet.
pub fn scale_of(object: &Value) -> Value {
    let selector = object["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let meta = &object["metadata"];
    json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"], "resourceVersion": meta["resourceVersion"], "creationTimestamp": meta["creationTimestamp"]},
        "spec": {"replicas": object["spec"]["replicas"].as_i64().unwrap_or(0)},
        "status": {"replicas": object["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector},
    })
}

/// Objects of the target's resource that pass the request's selectors, sorted, with the
/// store's current resourceVersion.
pub fn matching(
    world: &World,
    cluster: usize,
    request: &Request,
) -> Result<(Vec<Arc<Value>>, u64), ApiError> {
    let (labels, fields) = request.selectors()?;
    let Some(cluster) = world.clusters.get(cluster) else {
        return Ok((Vec::new(), 0));
    };
    let items = cluster
        .store
        .list(
            request.target.resource.plural,
            request.target.namespace.as_deref(),
        )
        .into_iter()
        .filter(|o| labels.matches_object(o) && fields.matches(o))
        .collect();
    Ok((items, cluster.store.resource_version()))
}

pub fn list(state: &KubeApiState, request: &Request) -> Response {
    let world = state.lock();
    let now = world.now;
    let (items, rv) = match matching(&world, state.cluster, request) {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    drop(world);
    let offset = match request.query.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => match parse_continue(token) {
            Some(offset) => offset,
            None => {
                return ApiError::bad_request(format!("continue key is not valid: {token}"))
                    .into_response();
            }
        },
        None => 0,
    };
    let limit = request
        .query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0);
    let end = limit.map_or(items.len(), |l| (offset + l).min(items.len()));
    let page: &[Arc<Value>] = &items[offset.min(items.len())..end.max(offset.min(items.len()))];
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if end < items.len() {
        metadata["continue"] = json!(format!("{rv}:{end}"));
        metadata["remainingItemCount"] = json!(items.len() - end);
    }
    if request.wants_table() {
        let include = match request.include_object() {
            Ok(include) => include,
            Err(error) => return error.into_response(),
        };
        let meta = ListMeta {
            resource_version: rv.to_string(),
            continue_token: metadata
                .get("continue")
                .and_then(Value::as_str)
                .map(str::to_string),
            remaining_item_count: metadata.get("remainingItemCount").and_then(Value::as_i64),
        };
        let rows: Vec<Value> = page.iter().map(|o| (**o).clone()).collect();
        return table_response(&table::to_table(
            request.target.resource,
            &rows,
            &meta,
            now,
            include,
        ));
    }
    let resource = request.target.resource;
    // Serialized straight from the stored objects: a list of thousands of pods is not
    // deep-copied first.
    let body = ListBody {
        kind: resource.list_kind(),
        api_version: resource.api_version(),
        metadata: &metadata,
        items: page.iter().map(|o| &**o).collect(),
    };
    match serde_json::to_vec(&body) {
        Ok(bytes) => (
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            bytes,
        )
            .into_response(),
        Err(error) => ApiError::new(500, "InternalError", format!("encoding the list: {error}"))
            .into_response(),
    }
}

#[derive(serde::Serialize)]
struct ListBody<'a> {
    kind: String,
    #[serde(rename = "apiVersion")]
    api_version: String,
    metadata: &'a Value,
    items: Vec<&'a Value>,
}

/// Tables go out with the media type the client asked for, as the API server answers.
pub fn table_response(table: &Value) -> Response {
    (
        StatusCode::OK,
        [(
            axum::http::header::CONTENT_TYPE,
            "application/json;as=Table;v=v1;g=meta.k8s.io",
        )],
        table.to_string(),
    )
        .into_response()
}

fn parse_continue(token: &str) -> Option<usize> {
    token
        .split_once(':')
        .and_then(|(_, offset)| offset.parse().ok())
}
