//! Runbooks an alert suggests (their triggers match its name and labels) and the run request
//! that starts one from the alert: parameters prefilled from the alert's labels, and the
//! alert named for the audit log.

use std::sync::Arc;

use super::alert::Alert;
use super::runs::StartRun;
use super::{Model, Text};
use crate::runbook::spec::{ParamKind, Runbook};

/// Labels left out of the alert's audit name: they say nothing about the incident.
const NOISE: [&str; 3] = ["alertname", "prometheus", "receive_resolved"];

/// The library's runbooks that `alert` suggests, in library order.
pub fn suggested<'a>(model: &'a Model, alert: &Alert) -> Vec<&'a Arc<Runbook>> {
    let labels = |name: &str| -> Option<&str> { alert.label(name).map(Text::as_str) };
    model
        .runs
        .library
        .iter()
        .filter(|runbook| runbook.suggested_by(alert.name.as_str(), labels))
        .collect()
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
/// `from_label` takes that label's value; a cluster parameter the alert has no label for
/// takes the cluster the alert fired in. Values are validated when the run starts.
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
                (None, ParamKind::Cluster) => cluster.to_string(),
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
