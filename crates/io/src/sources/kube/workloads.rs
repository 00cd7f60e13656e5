//! Deployments, ReplicaSets and StatefulSets reduced to replica counts, revision, paused flag,
//! owner, conditions, images, change cause and age as they arrive (the rest of the template,
//! managedFields and so on dropped).

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use kube::api::ObjectMeta;

use super::watch::Feed;
use watchdeck_core::event::Payload;
use watchdeck_core::model::kube::{Change, KubeData, KubeResource};
use watchdeck_core::model::workload::{WorkloadCondition, WorkloadKey, WorkloadKind, WorkloadRow};
use watchdeck_core::text::Text;

const REVISION: &str = "deployment.kubernetes.io/revision";
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

fn count(value: Option<i32>) -> u32 {
    value.and_then(|v| u32::try_from(v).ok()).unwrap_or(0)
}

fn key(kind: WorkloadKind, meta: &ObjectMeta) -> Option<WorkloadKey> {
    Some(WorkloadKey::new(
        kind,
        meta.namespace.as_deref().unwrap_or_default(),
        meta.name.as_deref()?,
    ))
}

fn annotation(meta: &ObjectMeta, name: &str) -> Text {
    Text::new(
        meta.annotations
            .as_ref()
            .and_then(|a| a.get(name))
            .map(String::as_str)
            .unwrap_or_default(),
    )
}

fn revision(meta: &ObjectMeta) -> Text {
    annotation(meta, REVISION)
}

fn images(template: Option<&PodTemplateSpec>) -> Vec<Text> {
    template
        .and_then(|t| t.spec.as_ref())
        .map(|spec| {
            spec.containers
                .iter()
                .map(|c| Text::new(c.image.as_deref().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
}

fn owner(meta: &ObjectMeta) -> Option<Text> {
    meta.owner_references
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|o| o.controller == Some(true))
        .map(|o| Text::new(&o.name))
}

/// The conditions of a workload's status. Deployment, ReplicaSet and StatefulSet conditions
/// are distinct types with the same fields, hence a macro rather than a function.
macro_rules! conditions {
    ($status:expr) => {
        $status
            .and_then(|s| s.conditions.as_deref())
            .unwrap_or_default()
            .iter()
            .map(|c| {
                condition(
                    &c.type_,
                    &c.status,
                    c.reason.as_deref(),
                    c.message.as_deref(),
                )
            })
            .collect()
    };
}

fn condition(
    kind: &str,
    status: &str,
    reason: Option<&str>,
    message: Option<&str>,
) -> WorkloadCondition {
    WorkloadCondition {
        kind: Text::new(kind),
        status: Text::new(status),
        reason: Text::new(reason.unwrap_or_default()),
        message: Text::new(message.unwrap_or_default()),
    }
}

pub fn deployment_row(d: &Deployment) -> Option<WorkloadRow> {
    let status = d.status.as_ref();
    let spec = d.spec.as_ref();
    Some(WorkloadRow {
        key: key(WorkloadKind::Deployment, &d.metadata)?,
        desired: count(spec.and_then(|s| s.replicas).or(Some(1))),
        ready: count(status.and_then(|s| s.ready_replicas)),
        updated: count(status.and_then(|s| s.updated_replicas)),
        available: count(status.and_then(|s| s.available_replicas)),
        revision: revision(&d.metadata),
        paused: spec.and_then(|s| s.paused).unwrap_or(false),
        owner: owner(&d.metadata),
        conditions: conditions!(status),
        images: images(spec.map(|s| &s.template)),
        change_cause: annotation(&d.metadata, CHANGE_CAUSE),
        created: d.metadata.creation_timestamp.as_ref().map(|t| t.0),
    })
}

pub fn replicaset_row(rs: &ReplicaSet) -> Option<WorkloadRow> {
    let status = rs.status.as_ref();
    let spec = rs.spec.as_ref();
    Some(WorkloadRow {
        key: key(WorkloadKind::ReplicaSet, &rs.metadata)?,
        desired: count(spec.and_then(|s| s.replicas).or(Some(1))),
        ready: count(status.and_then(|s| s.ready_replicas)),
        updated: count(status.map(|s| s.replicas)),
        available: count(status.and_then(|s| s.available_replicas)),
        revision: revision(&rs.metadata),
        paused: false,
        owner: owner(&rs.metadata),
        conditions: conditions!(status),
        images: images(spec.and_then(|s| s.template.as_ref())),
        change_cause: annotation(&rs.metadata, CHANGE_CAUSE),
        created: rs.metadata.creation_timestamp.as_ref().map(|t| t.0),
    })
}

pub fn statefulset_row(sts: &StatefulSet) -> Option<WorkloadRow> {
    let status = sts.status.as_ref();
    let spec = sts.spec.as_ref();
    Some(WorkloadRow {
        key: key(WorkloadKind::StatefulSet, &sts.metadata)?,
        desired: count(spec.and_then(|s| s.replicas).or(Some(1))),
        ready: count(status.and_then(|s| s.ready_replicas)),
        updated: count(status.and_then(|s| s.updated_replicas)),
        available: count(status.and_then(|s| s.available_replicas)),
        revision: Text::new(
            status
                .and_then(|s| s.update_revision.as_deref())
                .unwrap_or_default(),
        ),
        paused: false,
        owner: owner(&sts.metadata),
        conditions: conditions!(status),
        images: images(spec.map(|s| &s.template)),
        change_cause: annotation(&sts.metadata, CHANGE_CAUSE),
        created: sts.metadata.creation_timestamp.as_ref().map(|t| t.0),
    })
}

fn payload(kind: WorkloadKind, change: Change<WorkloadKey, WorkloadRow>) -> Payload {
    Payload::Kube(Box::new(KubeData::Workloads(kind, change)))
}

/// The watch feed of one workload kind. `Feed` holds plain function pointers, so each kind
/// needs its own non-capturing closures: the macro writes them once.
macro_rules! workload_feed {
    ($name:ident, $object:ty, $kind:expr, $resource:expr, $reduce:expr) => {
        pub fn $name() -> Feed<$object, WorkloadRow> {
            Feed {
                resource: $resource,
                reduce: $reduce,
                reset: |namespace, rows| payload($kind, Change::relist(namespace, rows)),
                upsert: |row| payload($kind, Change::Upsert(row)),
                deleted: |object| {
                    key($kind, &object.metadata).map(|k| payload($kind, Change::Deleted(k)))
                },
            }
        }
    };
}

workload_feed!(
    deployments,
    Deployment,
    WorkloadKind::Deployment,
    KubeResource::Deployments,
    deployment_row
);
workload_feed!(
    replicasets,
    ReplicaSet,
    WorkloadKind::ReplicaSet,
    KubeResource::ReplicaSets,
    replicaset_row
);
workload_feed!(
    statefulsets,
    StatefulSet,
    WorkloadKind::StatefulSet,
    KubeResource::StatefulSets,
    statefulset_row
);
