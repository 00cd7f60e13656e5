//! Kubernetes events (core/v1) reduced to type, reason, message, count, last seen and the
//! object they are about, as they arrive.

use k8s_openapi::api::core::v1::Event as KubeEvent;

use super::watch::Feed;
use watchdeck_core::event::Payload;
use watchdeck_core::model::event::{EventKey, EventRow, ObjectRef};
use watchdeck_core::model::kube::{Change, KubeData, KubeResource};
use watchdeck_core::text::Text;

fn event_key(event: &KubeEvent) -> Option<EventKey> {
    let object = &event.involved_object;
    let namespace = object
        .namespace
        .as_deref()
        .or(event.metadata.namespace.as_deref())
        .unwrap_or_default();
    Some(EventKey {
        object: ObjectRef::new(
            object.kind.as_deref().unwrap_or_default(),
            namespace,
            object.name.as_deref().unwrap_or_default(),
        ),
        name: Text::new(event.metadata.name.as_deref()?),
    })
}

pub fn event_row(event: &KubeEvent) -> Option<EventRow> {
    let last_seen = event
        .last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| event.event_time.as_ref().map(|t| t.0))
        .or_else(|| event.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| event.metadata.creation_timestamp.as_ref().map(|t| t.0));
    Some(EventRow {
        key: event_key(event)?,
        kind: Text::new(event.type_.as_deref().unwrap_or("Normal")),
        reason: Text::new(event.reason.as_deref().unwrap_or_default()),
        message: Text::new(event.message.as_deref().unwrap_or_default()),
        count: event.count.and_then(|c| u32::try_from(c).ok()).unwrap_or(1),
        last_seen,
    })
}

pub fn feed() -> Feed<KubeEvent, EventRow> {
    Feed {
        resource: KubeResource::Events,
        reduce: event_row,
        reset: |namespace, rows| {
            Payload::Kube(Box::new(KubeData::Events(Change::relist(namespace, rows))))
        },
        upsert: |row| Payload::Kube(Box::new(KubeData::Events(Change::Upsert(row)))),
        deleted: |event| {
            event_key(event)
                .map(|key| Payload::Kube(Box::new(KubeData::Events(Change::Deleted(key)))))
        },
    }
}
