//! The strategic-merge-patch metadata (`patchStrategy` / `patchMergeKey` struct tags of
//! k8s.io/api) for the kinds the simulator serves: which lists merge, and by which key.

/// How a list field is patched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStrategy {
    /// No `patchStrategy`: the patch's list replaces the live one (atomic lists).
    Replace,
    /// `patchStrategy:"merge"` on a list of scalars (e.g. `metadata.finalizers`): union.
    MergePrimitive,
    /// `patchStrategy:"merge"` with `patchMergeKey`: elements with the same key merge.
    MergeByKey(&'static str),
}

/// The kind whose Go struct tags drive a strategic merge patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchSchema {
    Pod,
    Deployment,
    ReplicaSet,
    StatefulSet,
    Namespace,
    Node,
    Service,
    Event,
}

impl PatchSchema {
    /// The schema for a built-in kind; `None` for kinds without Go types in the API server
    /// (custom resources such as CNPG `Cluster`), which reject strategic merge patches.
    pub fn for_kind(kind: &str) -> Option<Self> {
        Some(match kind {
            "Pod" => Self::Pod,
            "Deployment" => Self::Deployment,
            "ReplicaSet" => Self::ReplicaSet,
            "StatefulSet" => Self::StatefulSet,
            "Namespace" => Self::Namespace,
            "Node" => Self::Node,
            "Service" => Self::Service,
            "Event" => Self::Event,
            _ => return None,
        })
    }

    /// The strategy of the list at `path` (map keys from the object root; list positions are
    /// not part of the path, so `spec.containers.env` is every container's `env`).
    pub fn list_strategy(self, path: &[&str]) -> ListStrategy {
        if let Some(s) = object_meta_list(path) {
            return s;
        }
        match (self, path) {
            (Self::Pod, ["spec", rest @ ..]) => pod_spec_list(rest),
            (Self::Pod, ["status", "conditions"]) => ListStrategy::MergeByKey("type"),
            (Self::Pod, ["status", "podIPs" | "hostIPs"]) => ListStrategy::MergeByKey("ip"),
            (Self::Pod, ["status", "resourceClaimStatuses"]) => ListStrategy::MergeByKey("name"),
            (
                Self::Deployment | Self::ReplicaSet | Self::StatefulSet,
                ["spec", "template", "metadata", rest @ ..],
            ) => object_meta_list(&[&["metadata"], rest].concat()).unwrap_or(ListStrategy::Replace),
            (
                Self::Deployment | Self::ReplicaSet | Self::StatefulSet,
                ["spec", "template", "spec", rest @ ..],
            ) => pod_spec_list(rest),
            (
                Self::Deployment | Self::ReplicaSet | Self::StatefulSet | Self::Namespace,
                ["status", "conditions"],
            ) => ListStrategy::MergeByKey("type"),
            (Self::Node, ["status", "conditions" | "addresses"]) => {
                ListStrategy::MergeByKey("type")
            }
            (Self::Node, ["spec", "podCIDRs"]) => ListStrategy::MergePrimitive,
            (Self::Service, ["spec", "ports"]) => ListStrategy::MergeByKey("port"),
            (Self::Service, ["status", "conditions"]) => ListStrategy::MergeByKey("type"),
            _ => ListStrategy::Replace,
        }
    }
}

fn object_meta_list(path: &[&str]) -> Option<ListStrategy> {
    match path {
        ["metadata", "finalizers"] => Some(ListStrategy::MergePrimitive),
        ["metadata", "ownerReferences"] => Some(ListStrategy::MergeByKey("uid")),
        _ => None,
    }
}

/// Lists inside a `PodSpec`.
fn pod_spec_list(path: &[&str]) -> ListStrategy {
    match path {
        ["containers" | "initContainers" | "ephemeralContainers"] => {
            ListStrategy::MergeByKey("name")
        }
        [
            "containers" | "initContainers" | "ephemeralContainers",
            field,
        ] => match *field {
            "env" => ListStrategy::MergeByKey("name"),
            "ports" => ListStrategy::MergeByKey("containerPort"),
            "volumeMounts" => ListStrategy::MergeByKey("mountPath"),
            "volumeDevices" => ListStrategy::MergeByKey("devicePath"),
            _ => ListStrategy::Replace,
        },
        ["volumes" | "imagePullSecrets" | "schedulingGates" | "resourceClaims"] => {
            ListStrategy::MergeByKey("name")
        }
        ["hostAliases"] => ListStrategy::MergeByKey("ip"),
        ["topologySpreadConstraints"] => ListStrategy::MergeByKey("topologyKey"),
        _ => ListStrategy::Replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_strategies_follow_the_go_struct_tags() {
        use ListStrategy::*;
        let cases: &[(PatchSchema, &[&str], ListStrategy)] = &[
            (
                PatchSchema::Pod,
                &["spec", "containers"],
                MergeByKey("name"),
            ),
            (
                PatchSchema::Pod,
                &["spec", "initContainers"],
                MergeByKey("name"),
            ),
            (
                PatchSchema::Pod,
                &["spec", "containers", "env"],
                MergeByKey("name"),
            ),
            (
                PatchSchema::Pod,
                &["spec", "containers", "ports"],
                MergeByKey("containerPort"),
            ),
            (
                PatchSchema::Pod,
                &["spec", "containers", "volumeMounts"],
                MergeByKey("mountPath"),
            ),
            (PatchSchema::Pod, &["spec", "containers", "args"], Replace),
            (PatchSchema::Pod, &["spec", "volumes"], MergeByKey("name")),
            (
                PatchSchema::Pod,
                &["spec", "imagePullSecrets"],
                MergeByKey("name"),
            ),
            (PatchSchema::Pod, &["spec", "tolerations"], Replace),
            (
                PatchSchema::Pod,
                &["status", "conditions"],
                MergeByKey("type"),
            ),
            (
                PatchSchema::Pod,
                &["metadata", "finalizers"],
                MergePrimitive,
            ),
            (
                PatchSchema::Deployment,
                &["spec", "template", "spec", "containers"],
                MergeByKey("name"),
            ),
            (
                PatchSchema::StatefulSet,
                &["spec", "template", "spec", "initContainers", "env"],
                MergeByKey("name"),
            ),
            (
                PatchSchema::ReplicaSet,
                &["spec", "template", "spec", "volumes"],
                MergeByKey("name"),
            ),
            (
                PatchSchema::Deployment,
                &["status", "conditions"],
                MergeByKey("type"),
            ),
            (
                PatchSchema::Deployment,
                &["spec", "template", "metadata", "finalizers"],
                MergePrimitive,
            ),
            (
                PatchSchema::StatefulSet,
                &["spec", "volumeClaimTemplates"],
                Replace,
            ),
            (PatchSchema::Service, &["spec", "ports"], MergeByKey("port")),
            (
                PatchSchema::Node,
                &["status", "addresses"],
                MergeByKey("type"),
            ),
            (PatchSchema::Event, &["series"], Replace),
        ];
        for (schema, path, want) in cases {
            assert_eq!(schema.list_strategy(path), *want, "{schema:?} {path:?}");
        }
        assert_eq!(PatchSchema::for_kind("Cluster"), None);
        assert_eq!(
            PatchSchema::for_kind("Deployment"),
            Some(PatchSchema::Deployment)
        );
    }
}
