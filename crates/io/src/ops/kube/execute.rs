//! Apply a plan: exactly the planned merge patch, to the same object or subresource, with the
//! plan's resourceVersion as precondition; the subresource is the one the step kind names
//! (`Mutation::subresource`), the words for the result come from its module in `ops::kinds`. Failures are sorted by what they mean
//! for the object: conflict (changed since the plan), rejected, not sent, or unknown (sent,
//! no answer).

use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};

use super::{describe, object_api, resource_version, to_json};
use crate::ops::client::Ops;
use watchdeck_core::runbook::op::{ExecError, Executed, PlanReport};
use watchdeck_core::runbook::resolved::Mutation;
use watchdeck_core::text::sanitize;

/// Sends `plan.patch` to the mutation's object (or the subresource its step kind names)
/// under the plan's resourceVersion; `done` is what happened, worded by the step kind, for
/// when it succeeds.
pub async fn apply(
    ops: &Ops,
    mutation: &Mutation,
    plan: &PlanReport,
    done: String,
) -> Result<Executed, ExecError> {
    let Some(object) = mutation.object() else {
        return Err(ExecError::NotSent(
            "not a Kubernetes change; nothing sent".to_string(),
        ));
    };
    let subresource = mutation.subresource();
    if !plan.patch.is_object() {
        return Err(ExecError::NotSent(format!(
            "the plan for {} holds no change to send; plan again",
            describe(object)
        )));
    }
    let mut patch = plan.patch.clone();
    if let Some(rv) = &plan.before.resource_version {
        patch["metadata"]["resourceVersion"] = json!(rv);
    }
    let api = object_api(ops, object)
        .await
        .map_err(|e| ExecError::NotSent(e.message))?;
    let params = PatchParams::default();
    let send = async {
        let patch = Patch::Merge(&patch);
        match subresource {
            Some(sub) => {
                api.patch_subresource(sub, &object.name, &params, &patch)
                    .await
            }
            None => api.patch(&object.name, &params, &patch).await,
        }
    };
    let what = describe(object);
    let answer = match tokio::time::timeout(ops.write_timeout(), send).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => return Err(write_error(&what, &error)),
        Err(_) => {
            return Err(ExecError::Unknown(format!(
                "{what}: no answer within {} s after sending the change: outcome unknown, verify",
                ops.write_timeout().as_secs_f64()
            )));
        }
    };
    let stored = to_json(&answer).unwrap_or(Value::Null);
    Ok(Executed {
        resource_version: resource_version(&stored).map(|rv| sanitize(&rv)),
        message: done,
    })
}

/// What a failed write means for the object.
pub fn write_error(what: &str, error: &kube::Error) -> ExecError {
    match error {
        kube::Error::Api(status) => {
            let message = sanitize(&status.message);
            match status.code {
                409 => ExecError::Conflict(format!(
                    "{what} changed since the dry run (HTTP 409 {message}): re-plan"
                )),
                400..=499 => ExecError::Rejected(format!(
                    "{what}: the API server refused the change (HTTP {}): {message}",
                    status.code
                )),
                code => ExecError::Unknown(format!(
                    "{what}: the API server answered HTTP {code} ({message}); the change may or may not have been applied: outcome unknown, verify"
                )),
            }
        }
        other => {
            let reason = crate::sources::retry::describe(other);
            if reason == "connection refused" || reason.starts_with("DNS: ") {
                ExecError::NotSent(format!(
                    "{what}: {reason}: the change was not sent; check the connection and retry"
                ))
            } else {
                ExecError::Unknown(format!(
                    "{what}: {reason} after sending the change: outcome unknown, verify"
                ))
            }
        }
    }
}
