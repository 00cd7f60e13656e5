//! The resource types the simulator serves, as a static table mirroring what a v1.33 API server
//! (plus the CloudNativePG CRD) lists in discovery.

use super::{ResourceType, Subresource};

/// Every verb of a fully served collection, in the API server's order.
const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Namespaces cannot be deleted as a collection.
const NAMESPACE_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
/// The order the apiextensions server lists custom resource verbs in.
const CRD_VERBS: &[&str] = &[
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];
const STATUS_VERBS: &[&str] = &["get", "patch", "update"];
const PROXY_VERBS: &[&str] = &["create", "delete", "get", "patch", "update"];
const CREATE_ONLY: &[&str] = &["create"];

const fn status(kind: &'static str) -> Subresource {
    Subresource {
        name: "status",
        kind,
        verbs: STATUS_VERBS,
        group_version: None,
    }
}

const SCALE: Subresource = Subresource {
    name: "scale",
    kind: "Scale",
    verbs: STATUS_VERBS,
    group_version: Some(("autoscaling", "v1")),
};

const fn core(
    plural: &'static str,
    singular: &'static str,
    kind: &'static str,
    namespaced: bool,
) -> ResourceType {
    ResourceType {
        group: "",
        version: "v1",
        plural,
        singular,
        kind,
        namespaced,
        verbs: ALL_VERBS,
        short_names: &[],
        categories: &[],
        subresources: &[],
        storage_version_hash: None,
    }
}

const fn apps(plural: &'static str, singular: &'static str, kind: &'static str) -> ResourceType {
    ResourceType {
        group: "apps",
        ..core(plural, singular, kind, true)
    }
}

pub(super) static RESOURCES: &[ResourceType] = &[
    ResourceType {
        verbs: ALL_VERBS,
        short_names: &["ev"],
        storage_version_hash: Some("r2yiGXH7wu8="),
        ..core("events", "event", "Event", true)
    },
    ResourceType {
        verbs: NAMESPACE_VERBS,
        short_names: &["ns"],
        storage_version_hash: Some("Q3oi5N2YM8M="),
        ..core("namespaces", "namespace", "Namespace", false)
    },
    ResourceType {
        short_names: &["no"],
        storage_version_hash: Some("XwShjMxG9Fs="),
        ..core("nodes", "node", "Node", false)
    },
    ResourceType {
        short_names: &["po"],
        categories: &["all"],
        subresources: &[
            Subresource {
                name: "log",
                kind: "Pod",
                verbs: &["get"],
                group_version: None,
            },
            Subresource {
                name: "proxy",
                kind: "PodProxyOptions",
                verbs: PROXY_VERBS,
                group_version: None,
            },
            status("Pod"),
        ],
        storage_version_hash: Some("xPOwRZ+Yhw8="),
        ..core("pods", "pod", "Pod", true)
    },
    ResourceType {
        short_names: &["svc"],
        categories: &["all"],
        subresources: &[Subresource {
            name: "proxy",
            kind: "ServiceProxyOptions",
            verbs: PROXY_VERBS,
            group_version: None,
        }],
        storage_version_hash: Some("0/CO1lhkEBI="),
        ..core("services", "service", "Service", true)
    },
    ResourceType {
        short_names: &["deploy"],
        categories: &["all"],
        subresources: &[SCALE, status("Deployment")],
        storage_version_hash: Some("8aSe+NMegvE="),
        ..apps("deployments", "deployment", "Deployment")
    },
    ResourceType {
        short_names: &["rs"],
        categories: &["all"],
        subresources: &[SCALE],
        storage_version_hash: Some("P1RzHs8/mWQ="),
        ..apps("replicasets", "replicaset", "ReplicaSet")
    },
    ResourceType {
        short_names: &["sts"],
        categories: &["all"],
        subresources: &[SCALE],
        storage_version_hash: Some("H+vl74LkKdo="),
        ..apps("statefulsets", "statefulset", "StatefulSet")
    },
    ResourceType {
        group: "authentication.k8s.io",
        verbs: CREATE_ONLY,
        ..core(
            "selfsubjectreviews",
            "selfsubjectreview",
            "SelfSubjectReview",
            false,
        )
    },
    ResourceType {
        group: "authorization.k8s.io",
        verbs: CREATE_ONLY,
        ..core(
            "selfsubjectaccessreviews",
            "selfsubjectaccessreview",
            "SelfSubjectAccessReview",
            false,
        )
    },
    // The CRD names no shortNames; `kubectl get cluster` resolves through the singular name.
    ResourceType {
        group: "postgresql.cnpg.io",
        verbs: CRD_VERBS,
        subresources: &[status("Cluster")],
        storage_version_hash: Some("Tpdw74pNgSM="),
        ..core("clusters", "cluster", "Cluster", true)
    },
    // Pyrra's CRD; served only where it is installed (see `sim::kube::pyrra`).
    ResourceType {
        group: "pyrra.dev",
        version: "v1alpha1",
        verbs: CRD_VERBS,
        subresources: &[status("ServiceLevelObjective")],
        storage_version_hash: Some("kq2Fsqw+0aE="),
        ..core(
            "servicelevelobjectives",
            "servicelevelobjective",
            "ServiceLevelObjective",
            true,
        )
    },
];

/// API groups in the order `/apis` lists them (built-in groups first, then CRD groups).
pub(super) const GROUPS: &[&str] = &[
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "postgresql.cnpg.io",
    "pyrra.dev",
];
