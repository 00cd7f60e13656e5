//! Why acting on a cluster now deserves an extra gate, read from what the console knows: the
//! SLO with the least error budget left in each cluster (a fleet-wide SLO counts for every
//! cluster it covers) and the page-level alerts and SLO page tiers firing there. The console
//! and `watchdeck run` build the engine's `ClusterRisk`s with this one function.

use std::collections::BTreeMap;

use super::engine::ClusterRisk;
use crate::model::Model;
use crate::model::alert::Severity;
use crate::model::slo::windows::Severity as TierSeverity;
use crate::model::slo::{SloEntry, TierState};

/// Risk per cluster name, for every cluster of the model.
pub fn cluster_risks(model: &Model) -> BTreeMap<String, ClusterRisk> {
    let mut risks: BTreeMap<String, ClusterRisk> = model
        .clusters
        .iter()
        .map(|c| (c.name.as_str().to_owned(), ClusterRisk::default()))
        .collect();
    for cluster in &model.clusters {
        let Some(risk) = risks.get_mut(cluster.name.as_str()) else {
            continue;
        };
        for alert in cluster.firing() {
            let page = matches!(alert.severity, Severity::Critical)
                || matches!(&alert.severity, Severity::Other(s) if s.as_str() == "page");
            if page {
                push_unique(&mut risk.paging, alert.name.as_str().to_owned());
            }
        }
    }
    let board = &model.slos;
    for (&(slo, cluster), entry) in &board.entries {
        let (Some(spec), Some(state)) = (board.specs.get(slo), model.clusters.get(cluster)) else {
            continue;
        };
        if let Some(risk) = risks.get_mut(state.name.as_str()) {
            note_entry(risk, spec.name.as_str(), entry);
        }
    }
    for (&slo, entry) in &board.fleet {
        let Some(spec) = board.specs.get(slo) else {
            continue;
        };
        for (name, risk) in &mut risks {
            if spec.clusters.is_empty() || spec.clusters.iter().any(|c| c == name) {
                note_entry(risk, &format!("{} (fleet)", spec.name.as_str()), entry);
            }
        }
    }
    risks
}

fn note_entry(risk: &mut ClusterRisk, slo: &str, entry: &SloEntry) {
    let evaluation = &entry.evaluation;
    if let Some(left) = evaluation.budget_remaining.map(|n| n.0)
        && risk
            .lowest_budget
            .as_ref()
            .is_none_or(|(_, lowest)| left < *lowest)
    {
        risk.lowest_budget = Some((slo.to_owned(), left));
    }
    let paging = evaluation
        .tiers
        .iter()
        .any(|t| t.tier.severity == TierSeverity::Page && t.state == TierState::Firing);
    if paging {
        push_unique(&mut risk.paging, format!("SLO {slo} page tier"));
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{alert, slos::slo_model};

    #[test]
    fn paging_slos_low_budgets_and_critical_alerts_are_named_per_cluster() {
        let mut model = slo_model();
        model.clusters[2]
            .alerts
            .push(alert("f1", "PostgresDown", "critical", "db down", 60));
        model.clusters[2]
            .alerts
            .push(alert("f2", "PodCrashLooping", "warning", "loop", 60));
        let risks = cluster_risks(&model);

        let us = &risks["prod-us-1"];
        let (slo, left) = us.lowest_budget.clone().unwrap();
        assert_eq!(slo, "payment-errors");
        assert!(left < 0.0, "payment overspent its budget: {left}");
        assert!(
            us.paging
                .contains(&"SLO payment-errors page tier".to_owned())
        );

        let staging = &risks["staging-eu-1"];
        assert_eq!(staging.paging, ["PostgresDown"]);

        let eu = &risks["prod-eu-1"];
        assert!(eu.paging.is_empty(), "{:?}", eu.paging);
        let (slo, left) = eu.lowest_budget.clone().unwrap();
        assert!(left < 0.25, "{slo} {left}");
    }
}
