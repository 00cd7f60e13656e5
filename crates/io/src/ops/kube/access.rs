//! May we? A SelfSubjectAccessReview for the exact verb, resource, subresource, namespace
//! and name a mutation will use.

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::{Api, PostParams};

use super::read_error;
use crate::ops::client::Ops;
use watchdeck_core::runbook::op::{AccessVerdict, OpError};
use watchdeck_core::runbook::resolved::AccessCheck;
use watchdeck_core::text::sanitize;

pub async fn review(ops: &Ops, check: &AccessCheck) -> Result<AccessVerdict, OpError> {
    let client = ops.kube(&check.cluster).await?;
    let api: Api<SelfSubjectAccessReview> = Api::all(client);
    let some = |text: &str| (!text.is_empty()).then(|| text.to_string());
    let request = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                verb: some(&check.verb),
                group: Some(check.group.clone()),
                resource: some(&check.resource),
                subresource: some(&check.subresource),
                namespace: some(&check.namespace),
                name: some(&check.name),
                ..ResourceAttributes::default()
            }),
            ..SelfSubjectAccessReviewSpec::default()
        },
        ..SelfSubjectAccessReview::default()
    };
    let what = format!("checking permission to {check} on {}", check.cluster);
    let answer = ops
        .bounded(&what, async {
            api.create(&PostParams::default(), &request)
                .await
                .map_err(|e| read_error(&what, &e))
        })
        .await?;
    let Some(status) = answer.status else {
        return Err(OpError::new(format!("{what}: the answer holds no verdict")));
    };
    let mut reason = sanitize(status.reason.as_deref().unwrap_or(""));
    if let Some(error) = status.evaluation_error.as_deref().filter(|e| !e.is_empty()) {
        if !reason.is_empty() {
            reason.push_str("; ");
        }
        reason.push_str(&format!("evaluation error: {}", sanitize(error)));
    }
    Ok(AccessVerdict {
        allowed: status.allowed && status.denied != Some(true),
        reason,
    })
}
