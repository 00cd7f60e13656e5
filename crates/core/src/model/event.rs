//! Kubernetes events as the console shows them, keyed by the object they are about so the
//! describe panel finds a pod's recent events without scanning them all.

use jiff::Timestamp;

use crate::text::Text;

/// The object an event is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub kind: Text,
    pub namespace: Text,
    pub name: Text,
}

impl ObjectRef {
    pub fn new(kind: &str, namespace: &str, name: &str) -> Self {
        ObjectRef {
            kind: Text::new(kind),
            namespace: Text::new(namespace),
            name: Text::new(name),
        }
    }
}

/// Identifies an event: its object first (range queries per object), then its own name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventKey {
    pub object: ObjectRef,
    pub name: Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub key: EventKey,
    /// `Normal` or `Warning`.
    pub kind: Text,
    pub reason: Text,
    pub message: Text,
    pub count: u32,
    pub last_seen: Option<Timestamp>,
}

impl EventRow {
    pub fn is_warning(&self) -> bool {
        self.kind.as_str() == "Warning"
    }
}
