//! Pyrra `ServiceLevelObjective` resources found in the clusters at start-up, added to the
//! configured SLOs so a team that keeps its SLOs in Pyrra sees them without copying them into
//! the config. All clusters are asked at once, each for at most [`DISCOVERY_LIMIT`]; a cluster
//! without the resource, unreachable or refusing adds nothing and never delays the others.

use std::time::Duration;

use crate::sources::kube::client::client;
use crate::sources::kube::pyrra::discover_pyrra_slos;
use crate::sources::target::ClusterTarget;
use watchdeck_core::slo::SloSpec;

/// Longest wait for one cluster's Pyrra SLOs.
pub const DISCOVERY_LIMIT: Duration = Duration::from_secs(5);

/// `slos` plus the Pyrra SLOs of every cluster, skipping any whose name is already defined
/// (a file import of the same SLO wins: it was chosen on purpose).
pub async fn with_pyrra_slos(targets: &[ClusterTarget], mut slos: Vec<SloSpec>) -> Vec<SloSpec> {
    let lookups = targets.iter().map(|target| async move {
        let found = tokio::time::timeout(DISCOVERY_LIMIT, async {
            let client = client(target.kubeconfig.clone(), &target.context).await?;
            discover_pyrra_slos(&client, &target.name)
                .await
                .map_err(|error| error.to_string())
        })
        .await;
        match found {
            Ok(Ok(Some(found))) => found,
            Ok(Ok(None)) => Vec::new(),
            Ok(Err(error)) => {
                tracing::warn!(cluster = %target.name, %error, "Pyrra SLOs not read");
                Vec::new()
            }
            Err(_) => {
                tracing::warn!(cluster = %target.name, "Pyrra SLOs not read: no answer within 5 s");
                Vec::new()
            }
        }
    });
    for found in futures::future::join_all(lookups).await {
        for spec in found {
            if slos.iter().any(|s| s.name == spec.name) {
                tracing::info!(slo = %spec.name, origin = %spec.origin, "Pyrra SLO skipped: an SLO of that name is already defined");
                continue;
            }
            slos.push(spec);
        }
    }
    slos
}
