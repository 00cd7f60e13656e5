//! Printers for the apps/v1 workloads: deployments, replica sets and stateful sets.

use serde_json::{Value, json};

use super::{AGE, Column, NAME, Row, age, name};
use crate::kube::selector::LabelSelector;

const CONTAINERS_DESC: &str = "Names of each container in the template.";
const IMAGES_DESC: &str = "Images referenced by each container in the template.";

pub(crate) const DEPLOYMENT_COLUMNS: &[Column] = &[
    NAME,
    Column::new("Ready", "string", "Number of the pod with ready state"),
    Column::new(
        "Up-to-date",
        "string",
        "Total number of non-terminating pods targeted by this deployment that have the desired template spec.",
    ),
    Column::new(
        "Available",
        "string",
        "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.",
    ),
    AGE,
    Column::new("Containers", "string", CONTAINERS_DESC).wide(),
    Column::new("Images", "string", IMAGES_DESC).wide(),
    Column::new(
        "Selector",
        "string",
        "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
    )
    .wide(),
];

pub(crate) const REPLICASET_COLUMNS: &[Column] = &[
    NAME,
    Column::new(
        "Desired",
        "integer",
        "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
    ),
    Column::new(
        "Current",
        "integer",
        "Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
    ),
    Column::new(
        "Ready",
        "integer",
        "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
    ),
    AGE,
    Column::new("Containers", "string", CONTAINERS_DESC).wide(),
    Column::new("Images", "string", IMAGES_DESC).wide(),
    Column::new(
        "Selector",
        "string",
        "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    )
    .wide(),
];

pub(crate) const STATEFULSET_COLUMNS: &[Column] = &[
    NAME,
    Column::new("Ready", "string", "Number of the pod with ready state"),
    AGE,
    Column::new("Containers", "string", CONTAINERS_DESC).wide(),
    Column::new("Images", "string", IMAGES_DESC).wide(),
];

fn int_at(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// `layoutContainerCells`: comma-joined container names and images of the pod template.
fn containers(obj: &Value) -> (Value, Value) {
    let list = obj
        .pointer("/spec/template/spec/containers")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let field = |f: &str| {
        list.iter()
            .map(|c| c.get(f).and_then(Value::as_str).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(",")
    };
    (json!(field("name")), json!(field("image")))
}

pub(crate) fn deployment_row(obj: &Value, now_ms: i64) -> Row {
    let desired = int_at(obj, "/spec/replicas");
    let ready = int_at(obj, "/status/readyReplicas");
    let selector = match LabelSelector::from_spec(obj.pointer("/spec/selector")) {
        Ok(s) => s.to_string(),
        Err(_) => "<invalid>".to_string(),
    };
    let (names, images) = containers(obj);
    Row::from(vec![
        name(obj),
        json!(format!("{ready}/{desired}")),
        json!(int_at(obj, "/status/updatedReplicas")),
        json!(int_at(obj, "/status/availableReplicas")),
        json!(age(obj, now_ms)),
        names,
        images,
        json!(selector),
    ])
}

/// `metav1.FormatLabelSelector`: `<none>` when empty, `<error>` when invalid.
fn format_label_selector(spec: Option<&Value>) -> String {
    match LabelSelector::from_spec(spec) {
        Ok(s) if s.to_string().is_empty() => "<none>".to_string(),
        Ok(s) => s.to_string(),
        Err(_) => "<error>".to_string(),
    }
}

pub(crate) fn replicaset_row(obj: &Value, now_ms: i64) -> Row {
    let (names, images) = containers(obj);
    Row::from(vec![
        name(obj),
        json!(int_at(obj, "/spec/replicas")),
        json!(int_at(obj, "/status/replicas")),
        json!(int_at(obj, "/status/readyReplicas")),
        json!(age(obj, now_ms)),
        names,
        images,
        json!(format_label_selector(obj.pointer("/spec/selector"))),
    ])
}

pub(crate) fn statefulset_row(obj: &Value, now_ms: i64) -> Row {
    let (names, images) = containers(obj);
    Row::from(vec![
        name(obj),
        json!(format!(
            "{}/{}",
            int_at(obj, "/status/readyReplicas"),
            int_at(obj, "/spec/replicas")
        )),
        json!(age(obj, now_ms)),
        names,
        images,
    ])
}
