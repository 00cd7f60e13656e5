//! CloudNativePG `Cluster`s (postgresql.cnpg.io/v1), watched only where discovery says the
//! resource exists: primary, target primary, instances, ready instances, phase.

use kube::Client;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind};

use super::errors::client_reason;
use super::watch::Feed;
use watchdeck_core::event::Payload;
use watchdeck_core::model::database::{DbClusterRow, ObjectKey};
use watchdeck_core::model::kube::{Change, KubeData, KubeResource};
use watchdeck_core::text::Text;

pub const GROUP_VERSION: &str = "postgresql.cnpg.io/v1";

/// Whether the API server serves CNPG clusters: Ok(None) when not installed, Ok(Some(the
/// resource)) when it is, Err(reason) when discovery itself failed.
pub async fn discover(client: &Client) -> Result<Option<ApiResource>, String> {
    match client.list_api_group_resources(GROUP_VERSION).await {
        Ok(list) if list.resources.iter().any(|r| r.name == "clusters") => {
            let gvk = GroupVersionKind::gvk("postgresql.cnpg.io", "v1", "Cluster");
            Ok(Some(ApiResource::from_gvk_with_plural(&gvk, "clusters")))
        }
        Ok(_) => Ok(None),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(None),
        Err(err) => Err(client_reason(KubeResource::CnpgClusters, "discover", &err)),
    }
}

fn key(object: &DynamicObject) -> Option<ObjectKey> {
    Some(ObjectKey::new(
        object.metadata.namespace.as_deref().unwrap_or_default(),
        object.metadata.name.as_deref()?,
    ))
}

fn text(value: &serde_json::Value) -> Text {
    Text::new(value.as_str().unwrap_or_default())
}

fn number(value: &serde_json::Value) -> u32 {
    value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

pub fn cluster_row(object: &DynamicObject) -> Option<DbClusterRow> {
    let status = &object.data["status"];
    let spec = &object.data["spec"];
    Some(DbClusterRow {
        key: key(object)?,
        primary: text(&status["currentPrimary"]),
        target_primary: text(&status["targetPrimary"]),
        instances: match number(&status["instances"]) {
            0 => number(&spec["instances"]),
            n => n,
        },
        ready: number(&status["readyInstances"]),
        phase: text(&status["phase"]),
        replica: spec["replica"]["enabled"].as_bool().unwrap_or(false),
        source: text(&spec["replica"]["source"]),
    })
}

pub fn feed() -> Feed<DynamicObject, DbClusterRow> {
    Feed {
        resource: KubeResource::CnpgClusters,
        reduce: cluster_row,
        reset: |namespace, rows| {
            Payload::Kube(Box::new(KubeData::Databases(Change::relist(
                namespace, rows,
            ))))
        },
        upsert: |row| Payload::Kube(Box::new(KubeData::Databases(Change::Upsert(row)))),
        deleted: |object| {
            key(object)
                .map(|key| Payload::Kube(Box::new(KubeData::Databases(Change::Deleted(key)))))
        },
    }
}
