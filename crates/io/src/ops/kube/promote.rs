//! Plan a CloudNativePG promotion: a replica cluster leaves replica mode
//! (`spec.replica.enabled: false`), or one instance becomes the target primary
//! (`status.targetPrimary`, what `kubectl cnpg promote` sets). The plan carries the data at
//! risk (`data_at_risk`: the writes the replica lacks); the engine gates on it.

use std::time::Duration;

use serde_json::{Value, json};

use super::read::wrong_kind;
use super::{describe, dry_run, get, refused, report, resource_version};
use crate::ops::client::Ops;
use crate::ops::data_at_risk::measure;
use crate::ops::prometheus::format_lag;
use watchdeck_core::runbook::op::{OpError, PlanReport};
use watchdeck_core::runbook::resolved::{ObjectKind, ObjectRef};
use watchdeck_core::text::sanitize;

pub async fn plan(
    ops: &Ops,
    object: &ObjectRef,
    instance: Option<&str>,
    max_lag: Option<Duration>,
) -> Result<PlanReport, OpError> {
    let current = get(ops, object).await?;
    if object.kind != ObjectKind::CnpgCluster {
        let reason = wrong_kind(object, "promote", "CloudNativePG clusters");
        return Ok(refused(object.kind, &current, reason));
    }
    let replica_mode = current["spec"]["replica"]["enabled"]
        .as_bool()
        .unwrap_or(false);
    let primary = current["status"]["currentPrimary"].as_str().unwrap_or("");
    let rv = resource_version(&current);
    let (subresource, patch, promoted) = match instance {
        None if !replica_mode => {
            let found = format!(
                "{} is already primary (not in replica mode, primary {})",
                describe(object),
                sanitize(primary)
            );
            return Ok(already(object.kind, &current, found));
        }
        None => (
            None,
            json!({"metadata": {"resourceVersion": rv}, "spec": {"replica": {"enabled": false}}}),
            primary.to_string(),
        ),
        Some(name) if current["status"]["currentPrimary"].as_str() == Some(name) => {
            let found = format!(
                "{}: {} is already the primary",
                describe(object),
                sanitize(name)
            );
            return Ok(already(object.kind, &current, found));
        }
        Some(name) => {
            if let Some(reason) = instance_refusal(&current, name) {
                let reason = format!("{}: {reason}", describe(object));
                return Ok(refused(object.kind, &current, reason));
            }
            (
                Some("status"),
                json!({"metadata": {"resourceVersion": rv}, "status": {"targetPrimary": name}}),
                name.to_string(),
            )
        }
    };
    let (data_at_risk, notes) = measure(ops, object, &current, instance).await;
    // Over `max_lag` is the engine's decision (a typed acknowledgement of the loss); an
    // unknown amount is refused here: nobody can acknowledge a loss nobody measured.
    if let (Some(max), None) = (max_lag, data_at_risk) {
        let reason = format!(
            "the data at risk of promoting {} is unknown and this step allows at most {}: check the source primary's last commit and the replica's last replay by hand",
            sanitize(&promoted),
            format_lag(max)
        );
        let mut plan = refused(object.kind, &current, reason);
        plan.notes = notes;
        return Ok(plan);
    }
    let after = dry_run(ops, object, subresource, &patch).await?;
    let mut plan = report(object.kind, &current, &after, patch);
    plan.data_at_risk = data_at_risk;
    plan.notes = notes;
    Ok(plan)
}

/// A plan that changes nothing because the target is already what the step wants.
fn already(kind: ObjectKind, current: &Value, found: String) -> PlanReport {
    let mut plan = refused(kind, current, String::new());
    plan.refusal = None;
    plan.already = Some(found);
    plan
}

fn instance_refusal(cluster: &Value, name: &str) -> Option<String> {
    let primary = cluster["status"]["currentPrimary"].as_str().unwrap_or("");
    if name == primary {
        return Some(format!("{} is already the primary", sanitize(name)));
    }
    let known: Vec<&str> = cluster["status"]["instanceNames"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !known.is_empty() && !known.contains(&name) {
        return Some(format!(
            "no instance {} (instances: {})",
            sanitize(name),
            sanitize(&known.join(", "))
        ));
    }
    None
}
