//! Plan a scale: read the workload, refuse a paused Deployment or unexpected replicas, and
//! dry-run a merge patch of the `/scale` subresource carrying the read resourceVersion (a
//! precondition: the server answers 409 when the object changed since). A step sized for the
//! load (`for_load`) computes its count first (`ops::sizing`) and shows the arithmetic.

use serde_json::json;

use super::read::{spec_replicas, wrong_kind};
use super::{describe, dry_run, get, refused, report, resource_version};
use crate::ops::client::Ops;
use crate::ops::sizing;
use watchdeck_core::runbook::op::{OpError, PlanReport};
use watchdeck_core::runbook::resolved::{ObjectKind, ObjectRef};

pub async fn plan(
    ops: &Ops,
    object: &ObjectRef,
    replicas: i32,
    expect_replicas: Option<i32>,
    for_load: Option<f64>,
) -> Result<PlanReport, OpError> {
    let current = get(ops, object).await?;
    if object.kind == ObjectKind::CnpgCluster {
        let reason = wrong_kind(object, "scale", "Deployments and StatefulSets");
        return Ok(refused(object.kind, &current, reason));
    }
    let current_replicas = spec_replicas(&current);
    let refusal = if current["spec"]["paused"].as_bool() == Some(true) {
        Some(format!(
            "{} is paused (spec.paused=true): resume it first with `kubectl rollout resume deployment/{} -n {}`",
            describe(object),
            object.name,
            object.namespace
        ))
    } else if replicas < 0 {
        Some(format!(
            "cannot scale to {replicas} replicas: the count must be 0 or more"
        ))
    } else {
        expect_replicas
            .filter(|expected| *expected != current_replicas)
            .map(|expected| {
                format!(
                    "{} has {current_replicas} replicas, the runbook expected {expected}: someone else changed it; check before scaling",
                    describe(object)
                )
            })
    };
    if let Some(reason) = refusal {
        let mut plan = refused(object.kind, &current, reason);
        plan.current_replicas = Some(current_replicas);
        return Ok(plan);
    }
    let mut notes = Vec::new();
    let replicas = match for_load {
        None => replicas,
        Some(target) => match sizing::measure(ops, object).await {
            Ok((load, measured)) => {
                notes.push(load.worded(target, current_replicas));
                notes.extend(measured);
                let wanted = load.pods_at(target);
                if wanted <= current_replicas {
                    notes.push(format!(
                        "{} already runs {current_replicas}: no more needed (this step only scales out)",
                        describe(object)
                    ));
                }
                wanted.max(replicas).max(current_replicas)
            }
            Err(reason) => {
                let mut plan = refused(object.kind, &current, reason);
                plan.current_replicas = Some(current_replicas);
                return Ok(plan);
            }
        },
    };
    let patch = json!({
        "metadata": {"resourceVersion": resource_version(&current)},
        "spec": {"replicas": replicas},
    });
    let scale = dry_run(ops, object, Some("scale"), &patch).await?;
    let mut after = current.clone();
    after["spec"]["replicas"] = scale["spec"]["replicas"].clone();
    let mut plan = report(object.kind, &current, &after, patch);
    plan.current_replicas = Some(current_replicas);
    plan.target_replicas = Some(replicas);
    plan.ready_before = current["status"]["readyReplicas"]
        .as_i64()
        .map(|ready| i32::try_from(ready).unwrap_or(i32::MAX));
    plan.notes = notes;
    Ok(plan)
}
