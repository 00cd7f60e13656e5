//! Data at risk when promoting a replica: the writes it lacks, measured as the source
//! primary's last commit time minus the replica's last replay time. postgres_exporter's
//! `pg_replication_lag_seconds` (now minus last replay) keeps growing once the primary is dead
//! although nothing more is lost; this figure stays frozen at what the replica missed.
//!
//! Series (postgres_exporter custom queries): `pg_last_committed_xact_timestamp_seconds` on
//! the primary (`pg_last_committed_xact()`, needs `track_commit_timestamp = on`) and
//! `pg_last_xact_replay_timestamp_seconds` on standbys (`pg_last_xact_replay_timestamp()`).

use std::time::Duration;

use serde_json::Value;

use super::client::Ops;
use super::prometheus::{format_lag, quoted, regex_literal, value};
use watchdeck_core::runbook::resolved::ObjectRef;
use watchdeck_core::text::sanitize;

/// How far back the primary's last commit is looked for: a primary dead for longer than
/// this has no measurable data at risk (unknown).
pub const COMMIT_LOOKBACK: &str = "1h";

/// The writes a replica lacks: `last_commit - last_replay` in seconds since the epoch,
/// never negative (a replica that replayed past the last scraped commit has everything the
/// scrape saw). `None` when either side is unknown: unknown is never 0.
pub fn at_risk(last_commit: Option<f64>, last_replay: Option<f64>) -> Option<Duration> {
    let (commit, replay) = (last_commit?, last_replay?);
    if !commit.is_finite() || !replay.is_finite() {
        return None;
    }
    Some(Duration::from_secs_f64((commit - replay).max(0.0)))
}

/// The configured cluster that runs the primary `cnpg` (a CloudNativePG Cluster) streams
/// from: its own cluster unless it is a replica cluster; for a replica cluster, the cluster
/// whose name appears in the `externalClusters` entry named by `spec.replica.source` (its
/// name, e.g. `orders-db-us-east-1`, or a DNS label of its host).
pub fn source_cluster<'a>(cnpg: &Value, own: &str, known: &[&'a str]) -> Option<&'a str> {
    let replica_mode = cnpg["spec"]["replica"]["enabled"]
        .as_bool()
        .unwrap_or(false);
    if !replica_mode {
        return known.iter().copied().find(|k| *k == own);
    }
    let source = cnpg["spec"]["replica"]["source"].as_str()?;
    let entry = cnpg["spec"]["externalClusters"]
        .as_array()?
        .iter()
        .find(|e| e["name"].as_str() == Some(source))?;
    let host = entry["connectionParameters"]["host"].as_str().unwrap_or("");
    known.iter().copied().find(|k| {
        *k != own
            && (source.ends_with(&format!("-{k}")) || host.split('.').any(|label| label == *k))
    })
}

/// Measures the data at risk of promoting `instance` of `object` (or, for a replica cluster,
/// its designated primary), with notes saying what was read.
pub async fn measure(
    ops: &Ops,
    object: &ObjectRef,
    cnpg: &Value,
    instance: Option<&str>,
) -> (Option<Duration>, Vec<String>) {
    let replica = instance
        .map(str::to_string)
        .or_else(|| {
            cnpg["status"]["currentPrimary"]
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_default();
    let own = object.cluster.as_str();
    let known = ops.cluster_names();
    let source = match instance {
        Some(_) => Some(own),
        None => source_cluster(cnpg, own, &known),
    };
    let Some(source) = source else {
        let named = cnpg["spec"]["replica"]["source"].as_str().unwrap_or("?");
        return (
            None,
            vec![format!(
                "data at risk: unknown: the source {} of {} is not a configured cluster, so its primary's last commit cannot be read",
                sanitize(named),
                object.name
            )],
        );
    };
    let commit_query = match selector(ops, source, &object.namespace, None, &object.name).await {
        Ok(s) => format!(
            "max(last_over_time(pg_last_committed_xact_timestamp_seconds{{{s}}}[{COMMIT_LOOKBACK}]))"
        ),
        Err(e) => return (None, vec![format!("data at risk: unknown ({e})")]),
    };
    let replay_query =
        match selector(ops, own, &object.namespace, Some(&replica), &object.name).await {
            Ok(s) => format!("max(pg_last_xact_replay_timestamp_seconds{{{s}}})"),
            Err(e) => return (None, vec![format!("data at risk: unknown ({e})")]),
        };
    let commit = value(ops, source, &commit_query).await;
    let replay = value(ops, own, &replay_query).await;
    let (commit, replay) = match (commit, replay) {
        (Ok(c), Ok(r)) => (c, r),
        (Err(e), _) | (_, Err(e)) => return (None, vec![format!("data at risk: unknown ({e})")]),
    };
    let figure = at_risk(commit, replay);
    let note = match figure {
        Some(d) => format!(
            "data at risk: {} of writes {} lacks (last commit on {source} minus its last replay: {commit_query} on {source}, {replay_query} on {own})",
            format_lag(d),
            sanitize(&replica)
        ),
        None => format!(
            "data at risk: unknown: {} (need both {commit_query} on {source} and {replay_query} on {own})",
            match (commit, replay) {
                (None, _) => "no last commit of the source primary within the last hour",
                _ => "no replay timestamp from the replica",
            }
        ),
    };
    (figure, vec![note])
}

/// The label matchers for the database's pods (`pod` one instance or every instance) in
/// `cluster`'s Prometheus.
async fn selector(
    ops: &Ops,
    cluster: &str,
    namespace: &str,
    pod: Option<&str>,
    database: &str,
) -> Result<String, watchdeck_core::runbook::op::OpError> {
    let (_, target) = ops.prometheus(cluster).await?;
    let mut matchers: Vec<String> = target
        .matchers()
        .iter()
        .map(|(k, v)| format!("{k}={}", quoted(v)))
        .collect();
    matchers.push(format!("namespace={}", quoted(namespace)));
    matchers.push(match pod {
        Some(pod) => format!("pod={}", quoted(pod)),
        None => format!(
            "pod=~{}",
            quoted(&format!("{}-[0-9]+", regex_literal(database)))
        ),
    });
    Ok(matchers.join(","))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const T: f64 = 1_790_000_000.0;

    #[test]
    fn a_dead_primary_does_not_grow_the_figure() {
        // Primary died at T (its last commit, kept by last_over_time); the replica had
        // replayed up to T - 55 s. Ten minutes later the figure is still 55 s, whereas
        // now - last replay would say 10 min 55 s.
        assert_eq!(
            at_risk(Some(T), Some(T - 55.0)),
            Some(Duration::from_secs(55))
        );
    }

    #[test]
    fn a_live_primary_gives_the_current_lag() {
        assert_eq!(
            at_risk(Some(T), Some(T - 1.5)),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(at_risk(Some(T), Some(T)), Some(Duration::ZERO));
        // Replayed past the last scraped commit: nothing the scrape saw is missing.
        assert_eq!(at_risk(Some(T), Some(T + 3.0)), Some(Duration::ZERO));
    }

    #[test]
    fn no_data_is_unknown_never_zero() {
        assert_eq!(at_risk(None, Some(T)), None);
        assert_eq!(at_risk(Some(T), None), None);
        assert_eq!(at_risk(None, None), None);
        assert_eq!(at_risk(Some(f64::NAN), Some(T)), None);
    }

    #[test]
    fn the_source_of_a_replica_cluster_is_found_from_external_clusters() {
        let known = ["ap-southeast-1", "eu-west-1", "us-east-1"];
        let replica = json!({"spec": {"replica": {"enabled": true, "source": "orders-db-us-east-1"},
            "externalClusters": [{"name": "orders-db-us-east-1", "connectionParameters": {"host": "orders-db-rw.database.us-east-1.example.internal"}}]}});
        assert_eq!(
            source_cluster(&replica, "eu-west-1", &known),
            Some("us-east-1")
        );
        let by_host = json!({"spec": {"replica": {"enabled": true, "source": "upstream"},
            "externalClusters": [{"name": "upstream", "connectionParameters": {"host": "db.eu-west-1.example.internal"}}]}});
        assert_eq!(
            source_cluster(&by_host, "ap-southeast-1", &known),
            Some("eu-west-1")
        );
        let primary = json!({"spec": {"instances": 3}});
        assert_eq!(
            source_cluster(&primary, "eu-west-1", &known),
            Some("eu-west-1")
        );
        let unknown = json!({"spec": {"replica": {"enabled": true, "source": "elsewhere"},
            "externalClusters": [{"name": "elsewhere", "connectionParameters": {"host": "db.example.org"}}]}});
        assert_eq!(source_cluster(&unknown, "eu-west-1", &known), None);
    }
}
