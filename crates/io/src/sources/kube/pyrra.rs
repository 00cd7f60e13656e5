//! Pyrra `ServiceLevelObjective`s (pyrra.dev/v1alpha1) read from a cluster, where discovery
//! says the CRD is installed, and converted with the same code as Pyrra YAML files.

use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::{Api, Client};

use watchdeck_core::config::slo::pyrra_object;
use watchdeck_core::slo::SloSpec;

pub const GROUP_VERSION: &str = "pyrra.dev/v1alpha1";
const PLURAL: &str = "servicelevelobjectives";

/// Why a cluster's Pyrra SLOs could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PyrraError {
    /// Discovery or the list request failed (network, permissions, server error).
    #[error("cluster {cluster}: cannot read Pyrra SLOs ({step}): {reason}")]
    Request {
        cluster: String,
        step: &'static str,
        reason: String,
    },
    /// Objects were read but some are not SLOs watchdeck can evaluate; each entry names the
    /// object and field (`monitoring/api: spec.target: ...`). Fix or remove them in Pyrra.
    #[error("cluster {cluster}: Pyrra SLOs that cannot be used: {}", problems.join("; "))]
    Invalid {
        cluster: String,
        problems: Vec<String>,
    },
}

/// A failure in a few words; 403 says which permission is missing.
fn reason(err: &kube::Error) -> String {
    match err {
        kube::Error::Api(status) if status.code == 403 => {
            "forbidden (403): these credentials may not list servicelevelobjectives.pyrra.dev; ask for get and list on it".to_string()
        }
        kube::Error::Api(status) if status.message.is_empty() => format!("HTTP {}", status.code),
        kube::Error::Api(status) => format!("HTTP {}: {}", status.code, status.message),
        kube::Error::SerdeError(e) => format!("bad JSON: {e}"),
        other => super::errors::transport_reason(other),
    }
}

/// The cluster's Pyrra SLOs: `Ok(None)` when its API server has no such resource, the SLOs
/// otherwise (each applying to `cluster` only, origin `cluster <name>: Pyrra <ns>/<name>`).
pub async fn discover_pyrra_slos(
    client: &Client,
    cluster: &str,
) -> Result<Option<Vec<SloSpec>>, PyrraError> {
    let request = |step: &'static str, err: &kube::Error| PyrraError::Request {
        cluster: cluster.to_string(),
        step,
        reason: reason(err),
    };
    match client.list_api_group_resources(GROUP_VERSION).await {
        Ok(list) if list.resources.iter().any(|r| r.name == PLURAL) => {}
        Ok(_) => return Ok(None),
        Err(kube::Error::Api(status)) if status.code == 404 => return Ok(None),
        Err(err) => return Err(request("discovery", &err)),
    }
    let gvk = GroupVersionKind::gvk("pyrra.dev", "v1alpha1", "ServiceLevelObjective");
    let resource = ApiResource::from_gvk_with_plural(&gvk, PLURAL);
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
    let list = api
        .list(&ListParams::default())
        .await
        .map_err(|err| request("list", &err))?;
    let mut slos = Vec::new();
    let mut problems = Vec::new();
    for object in &list.items {
        let name = format!(
            "{}/{}",
            object.metadata.namespace.as_deref().unwrap_or_default(),
            object.metadata.name.as_deref().unwrap_or_default()
        );
        let value = match serde_json::to_value(object) {
            Ok(value) => value,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        match pyrra_object(&value, cluster) {
            Ok(specs) => slos.extend(specs.into_iter().map(|mut s| {
                s.clusters = vec![cluster.to_string()];
                s
            })),
            Err(issues) => problems.extend(issues.into_iter().map(|i| format!("{name}: {i}"))),
        }
    }
    if problems.is_empty() {
        slos.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Some(slos))
    } else {
        Err(PyrraError::Invalid {
            cluster: watchdeck_core::text::Text::new(cluster).to_string(),
            problems: problems
                .iter()
                .map(|p| watchdeck_core::text::Text::new(p).to_string())
                .collect(),
        })
    }
}
