//! Discovery documents checked field by field against what a v1.33 API server serves.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    APIGroup, APIGroupList, APIResourceList, APIVersions,
};
use k8s_openapi::apimachinery::pkg::version::Info;
use serde_json::json;

use super::*;

#[test]
fn api_and_version_documents() {
    let api = api_versions("127.0.0.1:6443");
    assert_eq!(
        api,
        json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]
        })
    );
    let typed: APIVersions = serde_json::from_value(api).unwrap();
    assert_eq!(typed.versions, ["v1"]);
    let info: Info = serde_json::from_value(version_info()).unwrap();
    assert_eq!(
        (
            info.major.as_str(),
            info.minor.as_str(),
            info.git_version.as_str()
        ),
        ("1", "33", "v1.33.2")
    );
}

#[test]
fn core_resource_list_is_exact() {
    let list = resource_list("", "v1").unwrap();
    let names: Vec<&str> = list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "events",
            "namespaces",
            "nodes",
            "pods",
            "pods/log",
            "pods/proxy",
            "pods/status",
            "services",
            "services/proxy"
        ]
    );
    assert_eq!(list.get("apiVersion"), None);
    assert_eq!(list["groupVersion"], json!("v1"));
    assert_eq!(
        list["resources"][3],
        json!({
            "name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            "shortNames": ["po"], "categories": ["all"], "storageVersionHash": "xPOwRZ+Yhw8="
        })
    );
    assert_eq!(
        list["resources"][5],
        json!({"name": "pods/proxy", "singularName": "", "namespaced": true, "kind": "PodProxyOptions",
               "verbs": ["create", "delete", "get", "patch", "update"]})
    );
    assert_eq!(
        list["resources"][1],
        json!({"name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace",
               "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
               "shortNames": ["ns"], "storageVersionHash": "Q3oi5N2YM8M="})
    );
    let typed: APIResourceList = serde_json::from_value(list).unwrap();
    assert_eq!(typed.resources.len(), 9);
}

#[test]
fn group_documents() {
    let groups = api_group_list();
    let typed: APIGroupList = serde_json::from_value(groups.clone()).unwrap();
    let names: Vec<&str> = typed.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "apps",
            "authentication.k8s.io",
            "authorization.k8s.io",
            "postgresql.cnpg.io",
            "pyrra.dev"
        ]
    );
    assert_eq!(
        groups["groups"][0],
        json!({"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
               "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}})
    );
    let apps = resource_list("apps", "v1").unwrap();
    assert_eq!(apps["apiVersion"], json!("v1"));
    assert_eq!(
        apps["resources"][1],
        json!({"name": "deployments/scale", "singularName": "", "namespaced": true, "group": "autoscaling",
               "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]})
    );
    let cnpg = resource_list("postgresql.cnpg.io", "v1").unwrap();
    assert_eq!(
        cnpg["resources"],
        json!([
            {"name": "clusters", "singularName": "cluster", "namespaced": true, "kind": "Cluster",
             "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
             "storageVersionHash": "Tpdw74pNgSM="},
            {"name": "clusters/status", "singularName": "", "namespaced": true, "kind": "Cluster",
             "verbs": ["get", "patch", "update"]}
        ])
    );
    assert_eq!(
        resource_list("authorization.k8s.io", "v1").unwrap()["resources"],
        json!([{"name": "selfsubjectaccessreviews", "singularName": "selfsubjectaccessreview",
                "namespaced": false, "kind": "SelfSubjectAccessReview", "verbs": ["create"]}])
    );
    let group: APIGroup =
        serde_json::from_value(api_group("authentication.k8s.io").unwrap()).unwrap();
    assert_eq!(
        group.preferred_version.map(|v| v.group_version).as_deref(),
        Some("authentication.k8s.io/v1")
    );
    assert_eq!(resource_list("batch", "v1"), None);
    assert_eq!(resource_list("apps", "v1beta1"), None);
    assert_eq!(api_group("batch"), None);
}

#[test]
fn lookups() {
    let cases = [
        ("po", Some(("", "pods"))),
        ("pod", Some(("", "pods"))),
        ("deploy", Some(("apps", "deployments"))),
        ("deployments.apps", Some(("apps", "deployments"))),
        ("sts", Some(("apps", "statefulsets"))),
        ("cluster", Some(("postgresql.cnpg.io", "clusters"))),
        (
            "clusters.postgresql.cnpg.io",
            Some(("postgresql.cnpg.io", "clusters")),
        ),
        ("ev", Some(("", "events"))),
        ("svc", Some(("", "services"))),
        ("deployments.batch", None),
        ("jobs", None),
    ];
    for (name, want) in cases {
        assert_eq!(resolve(name).map(|r| (r.group, r.plural)), want, "{name}");
    }
    let deploy = find("apps", "v1", "deployments").unwrap();
    assert_eq!(
        (deploy.api_version(), deploy.list_kind()),
        ("apps/v1".to_string(), "DeploymentList".to_string())
    );
    assert_eq!(deploy.subresource("scale").map(|s| s.kind), Some("Scale"));
    assert_eq!(find_by_kind("", "Node").map(|r| r.plural), Some("nodes"));
    assert_eq!(find("", "v1", "deployments"), None);
    let all_category: Vec<&str> = all()
        .iter()
        .filter(|r| r.categories.contains(&"all"))
        .map(|r| r.plural)
        .collect();
    assert_eq!(
        all_category,
        [
            "pods",
            "services",
            "deployments",
            "replicasets",
            "statefulsets"
        ]
    );
}
