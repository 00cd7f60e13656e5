//! Runbooks an alert suggests (their triggers match its name and labels) and the run request
//! that starts one from the alert: parameters prefilled from the alert's labels, and the
//! alert named for the audit log.

use std::sync::Arc;

use super::alert::Alert;
use super::runs::StartRun;
use crate::model::Model;
use crate::runbook::spec::{ParamKind, Runbook};
use crate::text::Text;

/// Labels left out of the alert's audit name: they say nothing about the incident.
const NOISE: [&str; 3] = ["alertname", "prometheus", "receive_resolved"];

/// The library's runbooks that `alert` suggests, best first. Silenced and inhibited alerts
/// suggest like firing ones (HighResponseTime stays the traffic-spike runbook's trigger while
/// HighErrorRate inhibits it). See [`specificity`] for the order.
pub fn suggested<'a>(model: &'a Model, alert: &Alert) -> Vec<&'a Arc<Runbook>> {
    let mut ranked: Vec<(Specificity, &Arc<Runbook>)> = model
        .runs
        .library
        .iter()
        .filter_map(|runbook| specificity(runbook, alert).map(|s| (s, runbook)))
        .collect();
    ranked.sort_by(|(a, ra), (b, rb)| b.cmp(a).then_with(|| ra.id.cmp(&rb.id)));
    ranked.into_iter().map(|(_, runbook)| runbook).collect()
}

/// How specifically a runbook's triggers match an alert; greater is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Specificity {
    /// Labels the best matching trigger requires besides the alert name
    /// (`HighErrorRate{severity="critical"}` is more specific than `HighErrorRate`).
    pub labels: usize,
    /// Fewer alert names among the runbook's triggers is more specific: a runbook made for
    /// one alert beats a generic one that many alerts name (incident-triage), whose value
    /// here is `usize::MAX - 5`.
    pub focus: usize,
}

/// `None` when no trigger of `runbook` matches `alert`.
pub fn specificity(runbook: &Runbook, alert: &Alert) -> Option<Specificity> {
    let labels = |name: &str| -> Option<&str> { alert.label(name).map(Text::as_str) };
    let best = runbook
        .triggers
        .iter()
        .filter(|t| t.matches(alert.name.as_str(), labels))
        .map(|t| t.labels.len())
        .max()?;
    let mut names: Vec<&str> = runbook.triggers.iter().map(|t| t.alert.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    Some(Specificity {
        labels: best,
        focus: usize::MAX - names.len(),
    })
}

/// `HighErrorRate{service="payment",severity="critical"}`: the alert as the audit log names
/// it (labels are sanitized where they enter the model; quotes are escaped here).
pub fn alert_text(alert: &Alert) -> String {
    let labels: Vec<String> = alert
        .labels
        .iter()
        .filter(|(k, _)| !NOISE.contains(&k.as_str()))
        .map(|(k, v)| {
            let value = v.as_str().replace('\\', "\\\\").replace('"', "\\\"");
            format!("{k}=\"{value}\"")
        })
        .collect();
    format!("{}{{{}}}", alert.name, labels.join(","))
}

/// The request that runs `runbook` for `alert` of cluster `cluster`: each parameter with a
/// `from_label` takes that label's value; a cluster parameter with a `from_label` the alert
/// lacks takes the cluster the alert fired in. Parameters without a `from_label` keep their
/// defaults: a failover's target region is never the region whose alert started it.
/// Values are validated when the run starts.
pub fn start_from_alert(runbook: &Arc<Runbook>, alert: &Alert, cluster: &str) -> StartRun {
    let given = runbook
        .params
        .iter()
        .filter_map(|param| {
            let label = param
                .from_label
                .as_deref()
                .and_then(|l| alert.label(l))
                .map(|v| v.as_str().to_string());
            let value = match (label, &param.kind) {
                (Some(value), _) => value,
                (None, ParamKind::Cluster) if param.from_label.is_some() => cluster.to_string(),
                (None, _) => return None,
            };
            Some((param.name.clone(), value))
        })
        .collect();
    StartRun {
        runbook: Arc::clone(runbook),
        given,
        alert: Some(alert_text(alert)),
    }
}
