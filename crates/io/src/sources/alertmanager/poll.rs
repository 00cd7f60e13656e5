//! One poll of a cluster's Alertmanager: every replica at once (HA), each with its alerts
//! (explicit filters: active, silenced, inhibited and unprocessed, plus the configured label
//! matchers) and silences; alerts deduplicated by fingerprint across replicas, silences by
//! id (with every replica that listed each, so one gossip has not reached yet shows as
//! propagating), and each replica's own result so one replica down shows as a warning.

use std::collections::{BTreeMap, BTreeSet};

use super::client::AmHttp;
use super::wire::{parse_alerts, parse_silences};
use watchdeck_core::model::alert::{Alert, sort_alerts};
use watchdeck_core::model::silence::{AlertSnapshot, ReplicaReport, Silence, SilenceStatus};
use watchdeck_core::text::Text;

/// The alerts query: every state asked for explicitly (Alertmanager's defaults differ
/// between versions and proxies), then one `filter` per configured matcher.
pub fn alerts_query(filter: &[String]) -> Vec<(&'static str, &str)> {
    let mut query = vec![
        ("active", "true"),
        ("silenced", "true"),
        ("inhibited", "true"),
        ("unprocessed", "true"),
    ];
    query.extend(filter.iter().map(|m| ("filter", m.as_str())));
    query
}

/// One replica's alerts and (active or pending) silences.
pub async fn fetch_replica(
    am: &AmHttp,
    replica: usize,
    filter: &[String],
) -> Result<(Vec<Alert>, Vec<Silence>), String> {
    let query = alerts_query(filter);
    let (alerts, silences) = futures::join!(
        am.get("/api/v2/alerts", &query),
        am.get("/api/v2/silences", &[])
    );
    let alerts = parse_alerts(&alerts?)?;
    let silences = parse_silences(&silences?, replica)?
        .into_iter()
        .filter(|s| s.status != SilenceStatus::Expired)
        .collect();
    Ok((alerts, silences))
}

/// Polls every replica concurrently. All failing is an error (the first replica's reason);
/// otherwise the merged snapshot with each replica's result.
pub async fn poll_replicas(
    replicas: &[AmHttp],
    filter: &[String],
) -> Result<AlertSnapshot, String> {
    if replicas.is_empty() {
        return Err("no Alertmanager URL".to_string());
    }
    let results = futures::future::join_all(
        replicas
            .iter()
            .enumerate()
            .map(|(i, am)| fetch_replica(am, i, filter)),
    )
    .await;
    let reports: Vec<ReplicaReport> = replicas
        .iter()
        .zip(&results)
        .map(|(am, result)| ReplicaReport {
            url: Text::new(am.base()),
            error: result.as_ref().err().map(|e| Text::new(e)),
        })
        .collect();
    if results.iter().all(Result::is_err) {
        let first = results
            .into_iter()
            .find_map(Result::err)
            .unwrap_or_default();
        return Err(match replicas.len() {
            1 => first,
            n => format!("{first} (all {n} replicas failed)"),
        });
    }
    Ok(merge(results.into_iter().filter_map(Result::ok), reports))
}

/// Merges replicas' answers in replica order: the first replica to report a fingerprint
/// (or a silence id) wins; a silence records every replica that listed it (each answer's
/// silences carry their replica's index).
pub fn merge(
    answers: impl IntoIterator<Item = (Vec<Alert>, Vec<Silence>)>,
    replicas: Vec<ReplicaReport>,
) -> AlertSnapshot {
    let mut seen_alerts = BTreeSet::new();
    let mut silence_at: BTreeMap<Text, usize> = BTreeMap::new();
    let mut snapshot = AlertSnapshot {
        replicas,
        ..AlertSnapshot::default()
    };
    for (alerts, silences) in answers {
        for alert in alerts {
            if seen_alerts.insert(alert.fingerprint.clone()) {
                snapshot.alerts.push(alert);
            }
        }
        for silence in silences {
            match silence_at
                .get(&silence.id)
                .and_then(|&i| snapshot.silences.get_mut(i))
            {
                Some(known) => {
                    if !known.seen_on.contains(&silence.replica) {
                        known.seen_on.push(silence.replica);
                    }
                }
                None => {
                    silence_at.insert(silence.id.clone(), snapshot.silences.len());
                    snapshot.silences.push(silence);
                }
            }
        }
    }
    sort_alerts(&mut snapshot.alerts);
    snapshot.silences.sort_by(|a, b| a.id.cmp(&b.id));
    snapshot
}
