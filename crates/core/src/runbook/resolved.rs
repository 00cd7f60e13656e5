//! A step with every parameter substituted: concrete objects, mutations and probes. This is
//! the vocabulary the engine and `ops` share; nothing here holds a placeholder. What a
//! mutation means (its object, cluster, subresource, verification) is its step kind's module
//! in `runbook::kinds`.

use crate::matcher::Matcher;
use std::time::Duration;

use super::kinds;

pub use super::spec::{Comparison, ObjectKind};

/// A concrete object in a concrete cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub cluster: String,
    pub namespace: String,
    pub kind: ObjectKind,
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    /// `cluster/namespace/name`: also what a production confirmation must type.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.cluster, self.namespace, self.name)
    }
}

/// A resolved step.
#[derive(Debug, Clone, PartialEq)]
pub enum ResolvedStep {
    Check(Probe),
    Wait {
        until: Probe,
        timeout: Duration,
        every: Duration,
    },
    Mutate {
        mutation: Mutation,
        /// What must hold afterwards; `None` when the mutation verifies itself (silence read
        /// back, command exit status).
        verify: Option<Probe>,
        verify_timeout: Duration,
    },
    Confirm {
        question: String,
    },
    Note {
        text: String,
    },
}

/// A change to the outside world.
#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    Scale {
        object: ObjectRef,
        /// The count to scale to; with `for_load`, the least count (the plan computes the
        /// count and reports it as `PlanReport::target_replicas`).
        replicas: i32,
        expect_replicas: Option<i32>,
        /// Size for the measured load at this target CPU utilisation (0..1].
        for_load: Option<f64>,
    },
    /// To the previous revision, or to `revision`.
    Rollback {
        object: ObjectRef,
        revision: Option<i64>,
    },
    /// CNPG: a replica cluster leaves replica mode, or `instance` becomes the target primary.
    PromoteCnpg {
        object: ObjectRef,
        instance: Option<String>,
        max_lag: Option<Duration>,
    },
    /// CNPG: a replica cluster streams from `source` (one of its `externalClusters`) from now
    /// on: `spec.replica.source`, patched. After a failover, the third region follows the
    /// new primary.
    FollowCnpg { object: ObjectRef, source: String },
    /// Patroni `POST /failover` on the configured endpoint `endpoint` (by config name).
    PromotePatroni {
        endpoint: String,
        candidate: String,
        max_lag: Option<Duration>,
    },
    Silence {
        cluster: String,
        matchers: Vec<Matcher>,
        duration: Duration,
        comment: String,
    },
    /// Expire Alertmanager silence `id` on `cluster` before its end.
    ExpireSilence { cluster: String, id: String },
    /// An allowlisted program: `argv` is the full argument vector (allowlisted prefix plus
    /// the step's arguments); run without a shell.
    Command {
        name: String,
        argv: Vec<String>,
        timeout: Duration,
    },
}

impl Mutation {
    /// The cluster it acts on (`None` for Patroni and commands, which act outside
    /// Kubernetes), as its step kind says (`runbook::kinds`).
    pub fn cluster(&self) -> Option<&str> {
        kinds::of_mutation(self)?.cluster(self)
    }

    /// The Kubernetes object it changes, as its step kind says; `None` outside Kubernetes.
    pub fn object(&self) -> Option<&ObjectRef> {
        kinds::of_mutation(self)?.object(self)
    }

    /// The subresource the change is sent to (`scale`, `status`), as its step kind says:
    /// the access review and the patch agree on it.
    pub fn subresource(&self) -> Option<&'static str> {
        kinds::of_mutation(self)?.subresource(self)
    }

    /// The verb as the audit log and the screens name it: the keyword of the step kind that
    /// makes it, how `runbook::kinds` and `watchdeck_io::ops::kinds` find its module.
    pub fn verb(&self) -> &'static str {
        match self {
            Mutation::Scale { .. } => "scale",
            Mutation::Rollback { .. } => "rollback",
            Mutation::PromoteCnpg { .. } | Mutation::PromotePatroni { .. } => "promote",
            Mutation::FollowCnpg { .. } => "follow",
            Mutation::Silence { .. } => "silence",
            Mutation::ExpireSilence { .. } => "expire-silence",
            Mutation::Command { .. } => "command",
        }
    }

    /// The SelfSubjectAccessReview that must allow this mutation; `None` when the target
    /// has no Kubernetes RBAC (Alertmanager, Patroni, commands).
    pub fn access(&self) -> Option<AccessCheck> {
        let object = self.object()?;
        let (verb, subresource) = ("patch", self.subresource().unwrap_or_default());
        Some(AccessCheck {
            cluster: object.cluster.clone(),
            verb: verb.to_owned(),
            group: object.kind.group().to_owned(),
            resource: object.kind.resource().to_owned(),
            subresource: subresource.to_owned(),
            namespace: object.namespace.clone(),
            name: object.name.clone(),
        })
    }
}

/// One SelfSubjectAccessReview's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessCheck {
    pub cluster: String,
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for AccessCheck {
    /// `patch deployments.apps/scale payment in shop` (kubectl's wording).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.verb, self.resource)?;
        if !self.group.is_empty() {
            write!(f, ".{}", self.group)?;
        }
        if !self.subresource.is_empty() {
            write!(f, "/{}", self.subresource)?;
        }
        write!(f, " {} in namespace {}", self.name, self.namespace)
    }
}

/// A resolved condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    Query {
        cluster: String,
        query: String,
        op: Comparison,
        threshold: f64,
    },
    RolloutComplete {
        object: ObjectRef,
    },
    PodsReady {
        object: ObjectRef,
        min_ready: i64,
    },
    ReplicationLag {
        object: ObjectRef,
        below: Duration,
    },
    Writable {
        object: ObjectRef,
    },
}

impl Probe {
    pub fn cluster(&self) -> &str {
        match self {
            Probe::Query { cluster, .. } => cluster,
            Probe::RolloutComplete { object }
            | Probe::PodsReady { object, .. }
            | Probe::ReplicationLag { object, .. }
            | Probe::Writable { object } => &object.cluster,
        }
    }
}
