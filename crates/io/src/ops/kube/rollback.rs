//! Plan a rollback as `kubectl rollout undo` does it: the Deployment's ReplicaSets by
//! revision, the previous revision (or the one asked for), and a change that puts that
//! ReplicaSet's pod template back (minus its pod-template-hash label) with its change-cause.
//! Sent as a merge patch with the read resourceVersion, dry-run first.

use kube::api::{Api, DynamicObject, ListParams};
use serde_json::{Value, json};

use super::read::{CHANGE_CAUSE, REVISION, TEMPLATE_HASH, spec_replicas, wrong_kind};
use super::{
    api_resource, describe, dry_run, get, merge_diff, read_error, refused, report,
    resource_version, to_json,
};
use crate::ops::client::Ops;
use watchdeck_core::runbook::op::{OpError, PlanReport};
use watchdeck_core::runbook::resolved::{ObjectKind, ObjectRef};
use watchdeck_core::text::sanitize;

/// One revision of a Deployment: its ReplicaSet's template and change-cause.
#[derive(Debug, Clone)]
struct Revision {
    number: i64,
    template: Value,
    change_cause: Option<String>,
}

pub async fn plan(
    ops: &Ops,
    object: &ObjectRef,
    revision: Option<i64>,
) -> Result<PlanReport, OpError> {
    let current = get(ops, object).await?;
    if object.kind != ObjectKind::Deployment {
        let reason = wrong_kind(object, "rollback", "Deployments");
        return Ok(refused(object.kind, &current, reason));
    }
    let history = revisions(ops, object, &current).await?;
    let current_revision = revision_of(&current);
    if revision == Some(current_revision) {
        let mut plan = refused(object.kind, &current, String::new());
        plan.refusal = None;
        plan.already = Some(format!(
            "{} is already at revision {current_revision}",
            describe(object)
        ));
        plan.current_replicas = Some(spec_replicas(&current));
        return Ok(plan);
    }
    let target = match choose(&history, current_revision, revision) {
        Ok(target) => target,
        Err(reason) => {
            let reason = format!("{}: {reason}", describe(object));
            let mut plan = refused(object.kind, &current, reason);
            plan.current_replicas = Some(spec_replicas(&current));
            plan.notes = history_notes(&history, current_revision, None);
            return Ok(plan);
        }
    };
    let mut template = target.template.clone();
    if let Some(labels) = template["metadata"]["labels"].as_object_mut() {
        labels.remove(TEMPLATE_HASH);
    }
    let cause = target
        .change_cause
        .as_ref()
        .map_or(Value::Null, |c| json!(c));
    let patch = json!({
        "metadata": {
            "resourceVersion": resource_version(&current),
            "annotations": {CHANGE_CAUSE: cause},
        },
        "spec": {"template": merge_diff(&current["spec"]["template"], &template)},
    });
    let after = dry_run(ops, object, None, &patch).await?;
    let mut plan = report(object.kind, &current, &after, patch);
    plan.current_replicas = Some(spec_replicas(&current));
    plan.notes = history_notes(&history, current_revision, Some(target.number));
    Ok(plan)
}

fn revision_of(object: &Value) -> i64 {
    object["metadata"]["annotations"][REVISION]
        .as_str()
        .and_then(|r| r.trim().parse().ok())
        .unwrap_or(0)
}

/// The Deployment's ReplicaSets (controlled by it), by revision.
async fn revisions(
    ops: &Ops,
    object: &ObjectRef,
    deployment: &Value,
) -> Result<Vec<Revision>, OpError> {
    let client = ops.kube(&object.cluster).await?;
    let resource = api_resource(ObjectKind::Deployment);
    let replicasets = kube::core::ApiResource {
        kind: "ReplicaSet".into(),
        plural: "replicasets".into(),
        ..resource
    };
    let api: Api<DynamicObject> = Api::namespaced_with(client, &object.namespace, &replicasets);
    let what = format!("listing the ReplicaSets of {}", describe(object));
    let list = ops
        .bounded(&what, async {
            api.list(&ListParams::default())
                .await
                .map_err(|e| read_error(&what, &e))
        })
        .await?;
    let uid = deployment["metadata"]["uid"].as_str().unwrap_or("");
    let mut found = Vec::new();
    for item in &list.items {
        let rs = to_json(item)?;
        let owned = rs["metadata"]["ownerReferences"]
            .as_array()
            .is_some_and(|refs| {
                refs.iter()
                    .any(|r| r["uid"].as_str() == Some(uid) && r["controller"] == true)
            });
        if !owned || uid.is_empty() {
            continue;
        }
        found.push(Revision {
            number: revision_of(&rs),
            template: rs["spec"]["template"].clone(),
            change_cause: rs["metadata"]["annotations"][CHANGE_CAUSE]
                .as_str()
                .map(str::to_string),
        });
    }
    found.sort_by_key(|r| r.number);
    Ok(found)
}

/// The revision to go back to: `wanted`, or the highest below the current one.
fn choose(history: &[Revision], current: i64, wanted: Option<i64>) -> Result<&Revision, String> {
    let known = || {
        let numbers: Vec<String> = history.iter().map(|r| r.number.to_string()).collect();
        if numbers.is_empty() {
            "none".to_string()
        } else {
            numbers.join(", ")
        }
    };
    match wanted {
        Some(number) if number == current => Err(format!(
            "revision {number} is the current revision; nothing to roll back to"
        )),
        Some(number) => history
            .iter()
            .find(|r| r.number == number)
            .ok_or_else(|| format!("revision {number} does not exist (known revisions: {})", known())),
        None => history
            .iter()
            .filter(|r| r.number < current && r.number > 0)
            .max_by_key(|r| r.number)
            .ok_or_else(|| {
                format!(
                    "no revision before the current one ({current}) to roll back to (known revisions: {})",
                    known()
                )
            }),
    }
}

/// `revision 4: payment:v1.4.1  ci: deploy payment v1.4.1  [target]`, newest first.
fn history_notes(history: &[Revision], current: i64, target: Option<i64>) -> Vec<String> {
    history
        .iter()
        .rev()
        .map(|r| {
            let images: Vec<String> = r.template["spec"]["containers"]
                .as_array()
                .map(|cs| {
                    cs.iter()
                        .map(|c| {
                            let image = c["image"].as_str().unwrap_or("");
                            sanitize(image.rsplit('/').next().unwrap_or(image))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut line = format!("revision {}: {}", r.number, images.join(", "));
            if let Some(cause) = &r.change_cause {
                line.push_str("  ");
                line.push_str(&sanitize(cause));
            }
            if r.number == current {
                line.push_str("  [current]");
            }
            if Some(r.number) == target {
                line.push_str("  [target]");
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revision(number: i64, image: &str) -> Revision {
        Revision {
            number,
            template: json!({"spec": {"containers": [{"name": "app", "image": format!("registry/{image}")}]}}),
            change_cause: Some(format!("ci: deploy {image}")),
        }
    }

    #[test]
    fn previous_or_given_revision_and_refusals() {
        let history = [
            revision(3, "a:v1"),
            revision(4, "a:v2"),
            revision(5, "a:v3"),
        ];
        assert_eq!(choose(&history, 5, None).map(|r| r.number), Ok(4));
        assert_eq!(choose(&history, 5, Some(3)).map(|r| r.number), Ok(3));
        assert_eq!(
            choose(&history, 5, Some(5)).map(|r| r.number),
            Err("revision 5 is the current revision; nothing to roll back to".to_string())
        );
        assert_eq!(
            choose(&history, 5, Some(9)).map(|r| r.number),
            Err("revision 9 does not exist (known revisions: 3, 4, 5)".to_string())
        );
        assert!(choose(&history[..1], 3, None).is_err());
    }

    #[test]
    fn history_marks_current_and_target() {
        let history = [revision(4, "a:v2"), revision(5, "a:v3")];
        assert_eq!(
            history_notes(&history, 5, Some(4)),
            [
                "revision 5: a:v3  ci: deploy a:v3  [current]",
                "revision 4: a:v2  ci: deploy a:v2  [target]",
            ]
        );
    }
}
