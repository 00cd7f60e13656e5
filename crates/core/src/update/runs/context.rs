//! What the engine must know about the console's world when a run starts: why acting on a
//! cluster now deserves an extra gate (SLO budgets, pages), and an id for the run.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::model::Model;
use crate::runbook::engine::ClusterRisk;
use crate::slo::{Severity, SloEntry};

/// Risk per cluster name: the SLO with the least budget left (cluster entries and fleet
/// aggregates that span the cluster), and what pages there now (firing alerts labelled
/// `severity` `critical` or `page`, SLO page tiers that fire). Clusters with nothing hot are
/// left out.
pub fn risk(model: &Model) -> BTreeMap<String, ClusterRisk> {
    let names: Vec<&str> = model.clusters.iter().map(|c| c.name.as_str()).collect();
    let mut risk: BTreeMap<String, ClusterRisk> = BTreeMap::new();
    for ((slo, cluster), entry) in &model.slos.entries {
        let (Some(name), Some(spec)) = (names.get(*cluster), model.slos.specs.get(*slo)) else {
            continue;
        };
        consider(
            risk.entry((*name).to_string()).or_default(),
            spec.name.as_str(),
            entry,
        );
    }
    for (slo, entry) in &model.slos.fleet {
        let Some(spec) = model.slos.specs.get(*slo) else {
            continue;
        };
        let label = format!("{} (fleet)", spec.name.as_str());
        for name in names.iter().filter(|n| spec.applies_to(n)) {
            consider(risk.entry((*name).to_string()).or_default(), &label, entry);
        }
    }
    for cluster in &model.clusters {
        let paging = cluster.firing().filter(|alert| {
            alert.label("severity").is_some_and(|s| {
                matches!(
                    s.as_str().to_ascii_lowercase().as_str(),
                    "critical" | "page"
                )
            })
        });
        for alert in paging {
            risk.entry(cluster.name.to_string())
                .or_default()
                .paging
                .push(alert.name.to_string());
        }
    }
    for entry in risk.values_mut() {
        entry.paging.sort();
        entry.paging.dedup();
    }
    risk.retain(|_, r| *r != ClusterRisk::default());
    risk
}

fn consider(risk: &mut ClusterRisk, slo: &str, entry: &SloEntry) {
    if let Some(budget) = entry.evaluation.budget_remaining
        && risk
            .lowest_budget
            .as_ref()
            .is_none_or(|(_, lowest)| budget.0 < *lowest)
    {
        risk.lowest_budget = Some((slo.to_string(), budget.0));
    }
    let pages = entry
        .evaluation
        .tiers
        .iter()
        .any(|t| t.state.is_firing() && t.tier.severity == Severity::Page);
    if pages {
        risk.paging.push(format!("SLO {slo} page tier"));
    }
}

/// `20261122T101500Z` from the run's start; a second run started in the same second gets
/// the sequence number appended so ids stay unique in the audit file.
pub fn run_id(now: Timestamp, seq: u64, previous: Option<&str>) -> String {
    let id = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    if previous.is_some_and(|p| p.starts_with(&id)) {
        format!("{id}-{seq}")
    } else {
        id
    }
}
