//! Kubernetes API discovery documents for the resources the simulator serves.
//!
//! # Which discovery we serve: the legacy (unaggregated) documents
//!
//! kubectl 1.32 (client-go `discovery_client.go`) GETs `/api` and `/apis` with
//! `Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json`
//! and decides how to parse the body from the response's **Content-Type**: only
//! `application/json;g=apidiscovery.k8s.io;v=v2(beta1);as=APIGroupDiscoveryList` is read as
//! aggregated discovery. Anything else is read as legacy `APIVersions` / `APIGroupList`, after
//! which the client GETs `/api/v1` and every `/apis/{group}/{version}` (in parallel) for the
//! `APIResourceList`s. kube-rs uses the legacy documents only.
//!
//! So the handler must: ignore the aggregated media types in `Accept`, answer `/api`, `/apis`,
//! `/api/v1`, `/apis/{g}` and `/apis/{g}/{v}` with exactly `Content-Type: application/json`
//! ([`LEGACY_CONTENT_TYPE`]) and the bodies below, and 404 unknown groups/versions. Never echo
//! the `as=APIGroupDiscoveryList` type back with a legacy body: the client would then fail to
//! decode it. kubectl caches discovery under `~/.kube/cache/discovery/<host_port>/` (6h TTL), so
//! a simulator whose resource set changes on the same port should be paired with
//! `--cache-dir`/a cache wipe in tests.
//!
//! This machine's `/usr/bin/kubectl` is the gcloud version dispatcher: it GETs `/version` first
//! and runs `kubectl.1.<minor>` matching the server, so [`version_info`] (v1.33.2) selects
//! kubectl 1.33; both 1.32.5 and 1.33.1 were checked against these documents.

mod registry;

use serde_json::{Value, json};

/// The only Content-Type discovery responses may carry (see the module doc).
pub const LEGACY_CONTENT_TYPE: &str = "application/json";

/// A subresource (`pods/log`, `deployments/scale`) as listed in an `APIResourceList`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subresource {
    pub name: &'static str,
    pub kind: &'static str,
    pub verbs: &'static [&'static str],
    /// Set when the subresource's object lives in another group/version (`autoscaling/v1` Scale).
    pub group_version: Option<(&'static str, &'static str)>,
}

/// One served resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// `""` for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub verbs: &'static [&'static str],
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    pub subresources: &'static [Subresource],
    /// Present for stored resources (absent for the review APIs), as the API server lists it.
    pub storage_version_hash: Option<&'static str>,
}

impl ResourceType {
    /// `v1` or `group/version`, the objects' `apiVersion`.
    pub fn api_version(&self) -> String {
        group_version(self.group, self.version)
    }

    /// The kind of list responses (`PodList`).
    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }

    pub fn subresource(&self, name: &str) -> Option<&'static Subresource> {
        self.subresources.iter().find(|s| s.name == name)
    }

    /// The resource's `APIResource` entries: itself, then its subresources.
    pub fn api_resources(&self) -> Vec<Value> {
        let mut main = json!({
            "name": self.plural,
            "singularName": self.singular,
            "namespaced": self.namespaced,
            "kind": self.kind,
            "verbs": self.verbs,
        });
        if !self.short_names.is_empty() {
            main["shortNames"] = json!(self.short_names);
        }
        if !self.categories.is_empty() {
            main["categories"] = json!(self.categories);
        }
        if let Some(hash) = self.storage_version_hash {
            main["storageVersionHash"] = json!(hash);
        }
        let mut out = vec![main];
        for sub in self.subresources {
            let mut entry = json!({
                "name": format!("{}/{}", self.plural, sub.name),
                "singularName": "",
                "namespaced": self.namespaced,
                "kind": sub.kind,
                "verbs": sub.verbs,
            });
            if let Some((group, version)) = sub.group_version {
                entry["group"] = json!(group);
                entry["version"] = json!(version);
            }
            out.push(entry);
        }
        out
    }
}

fn group_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

/// Every served resource type.
pub fn all() -> &'static [ResourceType] {
    registry::RESOURCES
}

/// Looks a resource up by its URL coordinates (`""`, `v1`, `pods`).
pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    all()
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// Looks a resource up by group and kind (for objects sent in request bodies).
pub fn find_by_kind(group: &str, kind: &str) -> Option<&'static ResourceType> {
    all().iter().find(|r| r.group == group && r.kind == kind)
}

/// Resolves a name as kubectl does: plural, singular or short name, optionally `.group`.
pub fn resolve(name: &str) -> Option<&'static ResourceType> {
    let lower = name.to_ascii_lowercase();
    let (base, group) = match lower.split_once('.') {
        Some((base, group)) => (base.to_string(), Some(group.to_string())),
        None => (lower, None),
    };
    all().iter().find(|r| {
        group.as_deref().is_none_or(|g| g == r.group)
            && (r.plural == base || r.singular == base || r.short_names.contains(&base.as_str()))
    })
}

/// The versions of a group that are served (`v1` only).
fn group_versions(group: &str) -> Vec<&'static str> {
    let mut versions: Vec<&'static str> = Vec::new();
    for r in all().iter().filter(|r| r.group == group) {
        if !versions.contains(&r.version) {
            versions.push(r.version);
        }
    }
    versions
}

/// `GET /api`: the core group's `APIVersions`. `server_address` is the `host:port` clients
/// reach the simulator on.
pub fn api_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": group_versions(""),
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    })
}

fn api_group_json(group: &str) -> Value {
    let versions: Vec<Value> = group_versions(group)
        .into_iter()
        .map(|v| json!({"groupVersion": group_version(group, v), "version": v}))
        .collect();
    let preferred = versions.first().cloned().unwrap_or(Value::Null);
    json!({"name": group, "versions": versions, "preferredVersion": preferred})
}

/// `GET /apis`: the `APIGroupList` of the named groups.
pub fn api_group_list() -> Value {
    let groups: Vec<Value> = registry::GROUPS.iter().map(|g| api_group_json(g)).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `GET /apis/{group}`: the group's `APIGroup`, or `None` (404) if it is not served.
pub fn api_group(group: &str) -> Option<Value> {
    if group.is_empty() || group_versions(group).is_empty() {
        return None;
    }
    let mut doc = api_group_json(group);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Some(doc)
}

/// `GET /api/v1` (group `""`) or `GET /apis/{group}/{version}`: the `APIResourceList`, with
/// resources sorted by name as the API server lists them; `None` (404) if not served.
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    let mut resources: Vec<&ResourceType> = all()
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    if resources.is_empty() {
        return None;
    }
    resources.sort_by_key(|r| r.plural);
    let entries: Vec<Value> = resources.iter().flat_map(|r| r.api_resources()).collect();
    let mut doc = json!({
        "kind": "APIResourceList",
        "groupVersion": group_version(group, version),
        "resources": entries,
    });
    // The core list carries no apiVersion; named groups' lists do.
    if !group.is_empty() {
        doc["apiVersion"] = json!("v1");
    }
    Some(doc)
}

/// `GET /version`: a v1.33 `version.Info` (kubectl 1.32 is within the supported skew).
pub fn version_info() -> Value {
    json!({
        "major": "1",
        "minor": "33",
        "emulationMajor": "1",
        "emulationMinor": "33",
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "32",
        "gitVersion": "v1.33.2",
        "gitCommit": "a57b6f7709f6c2722b92f07b8b4c48210a51fc40",
        "gitTreeState": "clean",
        "buildDate": "2025-06-17T18:36:41Z",
        "goVersion": "go1.24.4",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
