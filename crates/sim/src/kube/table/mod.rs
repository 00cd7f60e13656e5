//! Server-side printing: meta.k8s.io/v1 Table responses with the columns kubectl shows.
//!
//! # What kubectl 1.32 asks for
//! - `kubectl get <type> [name]` (list: `?limit=500`, continue with `&continue=<token>`) sends
//!   `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`.
//!   `includeObject` is absent (the API server's default is `Metadata`) except with `--sort-by`,
//!   which sends `?includeObject=Object` and no `limit`. `-o wide` changes nothing on the wire: kubectl hides
//!   columns with `priority > 0` unless wide, so always send every column.
//!   `-o json/yaml/name/jsonpath` sends `Accept: application/json` (plain objects, no Table).
//! - `kubectl get -w` first lists as above, then opens
//!   `GET ...?watch=true&resourceVersion=<list RV>` (plus `fieldSelector=metadata.name=<name>`
//!   for one object) with the **same Table Accept header**.
//! - Checked end to end: kubectl 1.32.5 and 1.33.1 against a stub server answering with these
//!   functions' output render `get`, `get -o wide`, `get -w` and `--sort-by` as against a cluster.
//!
//! # What the handler must do
//! - If [`wants_table`] (`as=Table` with `g=meta.k8s.io` and `v=v1` or `v1beta1`), answer
//!   `Content-Type: application/json;as=Table;v=v1;g=meta.k8s.io` with [`to_table`];
//!   `includeObject` goes through [`IncludeObject::from_query`] (a bad value is a 400 with its
//!   message). A single-object GET is a one-row table whose `metadata.resourceVersion` is the
//!   object's.
//! - Watch: every event is `{"type": "ADDED|MODIFIED|DELETED", "object": <Table>}` whose Table
//!   has exactly one row ([`watch_event_table`]). As in the API server (`watchEmbeddedEncoder`),
//!   only the **first** event of a watch carries `columnDefinitions`; later ones have
//!   `"columnDefinitions": null` and kubectl reuses the columns it saw. BOOKMARK and ERROR
//!   events are not converted.
//! - AGE and "N (5m ago)" cells are computed at response time from the virtual clock `now_ms`.

mod cluster;
mod pods;
mod workloads;

use std::str::FromStr;

use serde_json::{Map, Value, json};

use super::discovery::ResourceType;

pub use pods::pod_status_reason;

/// The `includeObject` query parameter: what each row's `object` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncludeObject {
    /// `object` is null.
    None,
    /// `object` is a `PartialObjectMetadata` (the default).
    #[default]
    Metadata,
    /// `object` is the full object.
    Object,
}

impl IncludeObject {
    /// Parses `includeObject`; an unknown value yields the API server's 400 message.
    pub fn from_query(value: Option<&str>) -> Result<Self, String> {
        match value.unwrap_or_default() {
            "" | "Metadata" => Ok(Self::Metadata),
            "None" => Ok(Self::None),
            "Object" => Ok(Self::Object),
            other => Err(format!(
                "Unable to convert to Table as requested: includeObject: Unsupported value: \"{other}\": supported values: \"Metadata\", \"None\", \"Object\""
            )),
        }
    }
}

/// The list's metadata, copied into the Table's `metadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListMeta {
    pub resource_version: String,
    pub continue_token: Option<String>,
    pub remaining_item_count: Option<i64>,
}

/// A column as the printers define it.
pub(crate) struct Column {
    pub name: &'static str,
    pub ty: &'static str,
    pub format: &'static str,
    pub description: &'static str,
    pub priority: i32,
}

impl Column {
    pub(crate) const fn new(
        name: &'static str,
        ty: &'static str,
        description: &'static str,
    ) -> Self {
        Self {
            name,
            ty,
            format: "",
            description,
            priority: 0,
        }
    }

    pub(crate) const fn wide(self) -> Self {
        Self {
            priority: 1,
            ..self
        }
    }

    pub(crate) const fn format(self, format: &'static str) -> Self {
        Self { format, ..self }
    }
}

pub(crate) const NAME_DESC: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
pub(crate) const AGE_DESC: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
pub(crate) const NAME: Column = Column::new("Name", "string", NAME_DESC).format("name");
pub(crate) const AGE: Column = Column::new("Age", "string", AGE_DESC);

/// One printed row: its cells and optional row conditions.
pub(crate) struct Row {
    pub cells: Vec<Value>,
    pub conditions: Option<Value>,
}

impl From<Vec<Value>> for Row {
    fn from(cells: Vec<Value>) -> Self {
        Self {
            cells,
            conditions: None,
        }
    }
}

type Printer = fn(&Value, i64) -> Row;

fn printer(resource: &ResourceType) -> (&'static [Column], Printer) {
    match (resource.group, resource.plural) {
        ("", "pods") => (pods::COLUMNS, pods::row),
        ("apps", "deployments") => (workloads::DEPLOYMENT_COLUMNS, workloads::deployment_row),
        ("apps", "replicasets") => (workloads::REPLICASET_COLUMNS, workloads::replicaset_row),
        ("apps", "statefulsets") => (workloads::STATEFULSET_COLUMNS, workloads::statefulset_row),
        ("", "namespaces") => (cluster::NAMESPACE_COLUMNS, cluster::namespace_row),
        ("", "nodes") => (cluster::NODE_COLUMNS, cluster::node_row),
        ("", "services") => (cluster::SERVICE_COLUMNS, cluster::service_row),
        ("", "events") => (cluster::EVENT_COLUMNS, cluster::event_row),
        ("postgresql.cnpg.io", "clusters") => (cluster::CNPG_COLUMNS, cluster::cnpg_row),
        _ => (cluster::DEFAULT_COLUMNS, cluster::default_row),
    }
}

/// The `columnDefinitions` array for a resource.
pub fn column_definitions(resource: &ResourceType) -> Value {
    let (columns, _) = printer(resource);
    Value::Array(
        columns
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "type": c.ty,
                    "format": c.format,
                    "description": c.description,
                    "priority": c.priority,
                })
            })
            .collect(),
    )
}

fn row_json(resource: &ResourceType, object: &Value, now_ms: i64, include: IncludeObject) -> Value {
    let (_, print) = printer(resource);
    let row = print(object, now_ms);
    let mut out = Map::new();
    out.insert("cells".into(), Value::Array(row.cells));
    if let Some(conditions) = row.conditions {
        out.insert("conditions".into(), conditions);
    }
    let embedded = match include {
        IncludeObject::None => Value::Null,
        IncludeObject::Object => object.clone(),
        IncludeObject::Metadata => json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": object.get("metadata").cloned().unwrap_or_else(|| json!({})),
        }),
    };
    out.insert("object".into(), embedded);
    Value::Object(out)
}

fn table(metadata: Value, columns: Value, rows: Vec<Value>) -> Value {
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": columns,
        "rows": rows,
    })
}

/// The Table for a list (or, with one object, a single GET) of `resource`.
pub fn to_table(
    resource: &ResourceType,
    objects: &[Value],
    list_meta: &ListMeta,
    now_ms: i64,
    include_object: IncludeObject,
) -> Value {
    let mut metadata = Map::new();
    if !list_meta.resource_version.is_empty() {
        metadata.insert("resourceVersion".into(), json!(list_meta.resource_version));
    }
    if let Some(token) = list_meta
        .continue_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        metadata.insert("continue".into(), json!(token));
    }
    if let Some(count) = list_meta.remaining_item_count {
        metadata.insert("remainingItemCount".into(), json!(count));
    }
    let rows = objects
        .iter()
        .map(|o| row_json(resource, o, now_ms, include_object))
        .collect();
    table(Value::Object(metadata), column_definitions(resource), rows)
}

/// The Table carried by one watch event; `first` is true only for a watch's first event.
pub fn watch_event_table(
    resource: &ResourceType,
    object: &Value,
    now_ms: i64,
    include_object: IncludeObject,
    first: bool,
) -> Value {
    let rv = object.pointer("/metadata/resourceVersion").cloned();
    let metadata = rv
        .map(|rv| json!({"resourceVersion": rv}))
        .unwrap_or_else(|| json!({}));
    let columns = if first {
        column_definitions(resource)
    } else {
        Value::Null
    };
    table(
        metadata,
        columns,
        vec![row_json(resource, object, now_ms, include_object)],
    )
}

/// True if an `Accept` header asks for a meta.k8s.io Table (v1 or v1beta1).
pub fn wants_table(accept: &str) -> bool {
    accept.split(',').any(|media| {
        let mut parts = media.split(';').map(str::trim);
        let base = parts.next().unwrap_or_default();
        let params: Vec<&str> = parts.collect();
        base.eq_ignore_ascii_case("application/json")
            && params.contains(&"as=Table")
            && params.contains(&"g=meta.k8s.io")
            && (params.contains(&"v=v1") || params.contains(&"v=v1beta1"))
    })
}

/// Parses an RFC 3339 timestamp to Unix milliseconds.
pub(crate) fn parse_time_ms(value: Option<&Value>) -> Option<i64> {
    let text = value?.as_str()?;
    jiff::Timestamp::from_str(text)
        .ok()
        .map(|t| t.as_millisecond())
}

/// `translateTimestampSince`: HumanDuration since the timestamp, `<unknown>` if unset.
pub(crate) fn since(value: Option<&Value>, now_ms: i64) -> String {
    match parse_time_ms(value) {
        Some(t) => human_duration(now_ms - t),
        None => "<unknown>".to_string(),
    }
}

pub(crate) fn age(object: &Value, now_ms: i64) -> String {
    since(object.pointer("/metadata/creationTimestamp"), now_ms)
}

pub(crate) fn name(object: &Value) -> Value {
    json!(
        object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
    )
}

/// Kubernetes' `duration.HumanDuration` of a span in milliseconds ("45s", "5m30s", "3h12m",
/// "4d5h"); the console's ages use the same function.
pub fn human_duration(d_ms: i64) -> String {
    watchdeck_core::model::time::human_duration(d_ms / 1000)
}

#[cfg(test)]
mod tests;
