//! One cluster's API objects as the API server keeps them: JSON objects with a cluster-wide
//! resourceVersion, a bounded history of changes for watches, and a broadcast of new changes.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::broadcast;

/// How many past changes a watch can resume from; older resourceVersions get 410 Gone.
pub const DEFAULT_HISTORY: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change to one object, as a watch delivers it.
#[derive(Debug, Clone)]
pub struct WatchEvent {
    pub rv: u64,
    pub resource: &'static str,
    pub namespace: String,
    pub name: String,
    pub event_type: EventType,
    pub object: Arc<Value>,
}

#[derive(Debug, Clone)]
pub struct Stored {
    pub rv: u64,
    pub object: Arc<Value>,
}

/// A watch asked to resume from a version the history no longer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooOld {
    pub requested: u64,
    pub oldest: u64,
}

type Key = (String, String);

pub struct KubeStore {
    rv: u64,
    objects: BTreeMap<&'static str, BTreeMap<Key, Stored>>,
    history: VecDeque<Arc<WatchEvent>>,
    history_limit: usize,
    /// Oldest resourceVersion a watch may resume from.
    compacted_to: u64,
    sender: broadcast::Sender<Arc<WatchEvent>>,
}

impl std::fmt::Debug for KubeStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeStore")
            .field("rv", &self.rv)
            .finish_non_exhaustive()
    }
}

/// Whether writing `new` over `old` bumps `metadata.generation`: a changed spec does; so do a
/// Deployment's changed annotations (the API server's deployment strategy: they are copied
/// to its ReplicaSets) and a pod's graceful deletion starting.
pub fn bumps_generation(resource: &str, old: &Value, new: &Value) -> bool {
    let meta = |object: &Value, field: &str| object["metadata"].get(field).cloned();
    old.get("spec") != new.get("spec")
        || resource == "deployments" && meta(old, "annotations") != meta(new, "annotations")
        || resource == "pods"
            && meta(old, "deletionTimestamp").is_none()
            && meta(new, "deletionTimestamp").is_some()
}

impl KubeStore {
    pub fn new(history_limit: usize) -> Self {
        let (sender, _) = broadcast::channel(8192);
        Self {
            rv: 1000,
            objects: BTreeMap::new(),
            history: VecDeque::new(),
            history_limit: history_limit.max(1),
            compacted_to: 1000,
            sender,
        }
    }

    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WatchEvent>> {
        self.sender.subscribe()
    }

    pub fn get(&self, resource: &str, namespace: &str, name: &str) -> Option<&Stored> {
        self.objects
            .get(resource)?
            .get(&(namespace.to_string(), name.to_string()))
    }

    /// Objects of a resource, in one namespace or all, sorted by namespace and name.
    pub fn list(&self, resource: &str, namespace: Option<&str>) -> Vec<Arc<Value>> {
        let Some(objects) = self.objects.get(resource) else {
            return Vec::new();
        };
        objects
            .iter()
            .filter(|((ns, _), _)| namespace.is_none_or(|wanted| ns == wanted))
            .map(|(_, stored)| Arc::clone(&stored.object))
            .collect()
    }

    pub fn count(&self, resource: &str) -> usize {
        self.objects.get(resource).map_or(0, BTreeMap::len)
    }

    /// Stores an object; bumps the resourceVersion (and `metadata.generation` as the API
    /// server does, see `bumps_generation`) only when something changed. Returns the new
    /// version when it did.
    pub fn upsert(&mut self, resource: &'static str, mut object: Value) -> Option<u64> {
        let namespace = str_at(&object, "namespace").to_string();
        let name = str_at(&object, "name").to_string();
        let key = (namespace.clone(), name.clone());
        let existing = self.objects.get(resource).and_then(|m| m.get(&key));
        let event_type = match existing {
            Some(old) => {
                let generation = old.object["metadata"]["generation"].as_i64().unwrap_or(1);
                let new_generation = if bumps_generation(resource, &old.object, &object) {
                    generation + 1
                } else {
                    generation
                };
                if old.object.get("spec").is_some() {
                    object["metadata"]["generation"] = json!(new_generation);
                }
                object["metadata"]["resourceVersion"] =
                    old.object["metadata"]["resourceVersion"].clone();
                if *old.object == object {
                    return None;
                }
                EventType::Modified
            }
            None => {
                if object.get("spec").is_some() && object["metadata"].get("generation").is_none() {
                    object["metadata"]["generation"] = json!(1);
                }
                EventType::Added
            }
        };
        self.rv += 1;
        object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let object = Arc::new(object);
        self.objects.entry(resource).or_default().insert(
            key,
            Stored {
                rv: self.rv,
                object: Arc::clone(&object),
            },
        );
        self.record(resource, namespace, name, event_type, object);
        Some(self.rv)
    }

    pub fn delete(
        &mut self,
        resource: &'static str,
        namespace: &str,
        name: &str,
    ) -> Option<Arc<Value>> {
        let removed = self
            .objects
            .get_mut(resource)?
            .remove(&(namespace.to_string(), name.to_string()))?;
        self.rv += 1;
        let mut object = (*removed.object).clone();
        object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let object = Arc::new(object);
        self.record(
            resource,
            namespace.to_string(),
            name.to_string(),
            EventType::Deleted,
            Arc::clone(&object),
        );
        Some(object)
    }

    fn record(
        &mut self,
        resource: &'static str,
        namespace: String,
        name: String,
        event_type: EventType,
        object: Arc<Value>,
    ) {
        let event = Arc::new(WatchEvent {
            rv: self.rv,
            resource,
            namespace,
            name,
            event_type,
            object,
        });
        if self.history.len() == self.history_limit
            && let Some(dropped) = self.history.pop_front()
        {
            self.compacted_to = dropped.rv;
        }
        self.history.push_back(Arc::clone(&event));
        // Nobody listening is fine: watches subscribe when they start.
        let _ = self.sender.send(event);
    }

    /// Changes after `since`, for a watch resuming from that version.
    pub fn changes_since(&self, since: u64) -> Result<Vec<Arc<WatchEvent>>, TooOld> {
        if since < self.compacted_to {
            return Err(TooOld {
                requested: since,
                oldest: self.compacted_to,
            });
        }
        let start = self.history.partition_point(|e| e.rv <= since);
        Ok(self.history.iter().skip(start).cloned().collect())
    }
}

fn str_at<'a>(object: &'a Value, field: &str) -> &'a str {
    object["metadata"][field].as_str().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, phase: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "shop"}, "status": {"phase": phase}})
    }

    #[test]
    fn versions_move_only_on_change() {
        let mut store = KubeStore::new(100);
        let first = store.upsert("pods", pod("a", "Pending")).unwrap();
        assert_eq!(store.upsert("pods", pod("a", "Pending")), None);
        let second = store.upsert("pods", pod("a", "Running")).unwrap();
        assert!(second > first);
        let stored = store.get("pods", "shop", "a").unwrap();
        assert_eq!(
            stored.object["metadata"]["resourceVersion"],
            json!(second.to_string())
        );
    }

    #[test]
    fn generation_follows_spec_changes_only() {
        let mut store = KubeStore::new(100);
        let deploy = |replicas: i32, ready: i32| json!({"metadata": {"name": "d", "namespace": "shop"}, "spec": {"replicas": replicas}, "status": {"readyReplicas": ready}});
        store.upsert("deployments", deploy(3, 0));
        store.upsert("deployments", deploy(3, 3));
        assert_eq!(
            store.get("deployments", "shop", "d").unwrap().object["metadata"]["generation"],
            json!(1)
        );
        store.upsert("deployments", deploy(5, 3));
        assert_eq!(
            store.get("deployments", "shop", "d").unwrap().object["metadata"]["generation"],
            json!(2)
        );
        // As the API server's deployment strategy: annotations count, labels do not.
        let mut labelled = deploy(5, 3);
        labelled["metadata"]["labels"] = json!({"team": "shop"});
        store.upsert("deployments", labelled.clone());
        let mut annotated = labelled;
        annotated["metadata"]["annotations"] = json!({"note": "x"});
        store.upsert("deployments", annotated);
        assert_eq!(
            store.get("deployments", "shop", "d").unwrap().object["metadata"]["generation"],
            json!(3)
        );
    }

    #[test]
    fn history_resumes_and_expires() {
        let mut store = KubeStore::new(3);
        let start = store.resource_version();
        for i in 0..5 {
            store.upsert("pods", pod(&format!("p{i}"), "Running"));
        }
        assert_eq!(
            store.changes_since(start).err(),
            Some(TooOld {
                requested: start,
                oldest: start + 2
            })
        );
        let tail = store.changes_since(start + 3).unwrap();
        assert_eq!(
            tail.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
            ["p3", "p4"]
        );
        store.delete("pods", "shop", "p4");
        let last = store.changes_since(start + 5).unwrap();
        assert_eq!(last[0].event_type, EventType::Deleted);
    }
}
