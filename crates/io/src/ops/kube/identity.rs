//! Who the cluster says we are (SelfSubjectReview), for the audit log.

use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use kube::api::{Api, PostParams};

use super::read_error;
use crate::ops::client::Ops;
use watchdeck_core::runbook::op::OpError;
use watchdeck_core::text::sanitize;

/// `username (groups: a, b)` as the API server reports it.
pub async fn whoami(ops: &Ops, cluster: &str) -> Result<String, OpError> {
    let client = ops.kube(cluster).await?;
    let api: Api<SelfSubjectReview> = Api::all(client);
    let what = format!("asking {cluster} who we are (SelfSubjectReview)");
    let review = ops
        .bounded(&what, async {
            api.create(&PostParams::default(), &SelfSubjectReview::default())
                .await
                .map_err(|e| read_error(&what, &e))
        })
        .await?;
    let user = review
        .status
        .and_then(|s| s.user_info)
        .ok_or_else(|| OpError::new(format!("{what}: the answer holds no user")))?;
    Ok(identity_text(
        user.username.as_deref().unwrap_or(""),
        user.groups.as_deref().unwrap_or_default(),
    ))
}

pub fn identity_text(username: &str, groups: &[String]) -> String {
    let name = if username.is_empty() {
        "(anonymous)".to_string()
    } else {
        sanitize(username)
    };
    if groups.is_empty() {
        return name;
    }
    let groups: Vec<String> = groups.iter().map(|g| sanitize(g)).collect();
    format!("{name} (groups: {})", groups.join(", "))
}
