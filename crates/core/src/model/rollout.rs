//! The cause next to the symptom: a Deployment's latest rollout (revision, image tag, when)
//! from its ReplicaSets, and whether an alert began shortly after a rollout of its service in
//! the same cluster ("errors rose 40s after payment v1.4.2 rolled out"). Pure: `now` is
//! passed in.

use jiff::Timestamp;

use super::alert::Alert;
use super::kube::KubeState;
use super::time::{age, human_duration, seconds_between};
use super::workload::{WorkloadKind, WorkloadRow};
use super::workload_view::revisions;
use crate::model::ClusterState;
use crate::text::Text;

/// An alert that starts this long after a rollout is attributed to it.
pub const CAUSE_WINDOW_SECS: i64 = 15 * 60;

/// The revision a Deployment runs now and when its ReplicaSet was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollout {
    pub deployment: Text,
    pub revision: i64,
    /// The first container's image tag (`v1.4.2`; `latest` when the image names none).
    pub tag: String,
    pub at: Option<Timestamp>,
    /// An older revision exists: this one replaced it (a first revision is a creation).
    pub replaced: bool,
}

impl Rollout {
    /// `rev 5 v1.4.2 7m ago`.
    pub fn text(&self, now: Timestamp) -> String {
        let when = self
            .at
            .map_or_else(String::new, |at| format!(" {} ago", age(at, now)));
        format!("rev {} {}{when}", self.revision, self.tag)
    }
}

/// The tag of an image reference: `registry:5000/shop/payment:v1.4.2` -> `v1.4.2`, a digest
/// shortened to 12 characters, `latest` when none is given.
pub fn image_tag(image: &str) -> String {
    if let Some((_, digest)) = image.split_once('@') {
        let hex = digest.split_once(':').map_or(digest, |(_, h)| h);
        return hex.chars().take(12).collect();
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) if !tag.is_empty() => tag.to_string(),
        _ => "latest".to_string(),
    }
}

/// The latest rollout of `deployment`: its current revision among its ReplicaSets.
pub fn latest_rollout(kube: &KubeState, deployment: &WorkloadRow) -> Option<Rollout> {
    if deployment.key.kind != WorkloadKind::Deployment {
        return None;
    }
    let history = revisions(kube, deployment);
    let current = history.iter().find(|r| r.current)?;
    let images = if current.images.is_empty() {
        &deployment.images
    } else {
        &current.images
    };
    Some(Rollout {
        deployment: deployment.key.name.clone(),
        revision: current.number,
        tag: images
            .first()
            .map_or_else(String::new, |i| image_tag(i.as_str())),
        at: current.created,
        replaced: history.iter().any(|r| r.number < current.number),
    })
}

/// The Deployment an alert is about: named by its `deployment` or `service` label, in its
/// `namespace` label's namespace when it has one.
pub fn alert_deployment<'a>(cluster: &'a ClusterState, alert: &Alert) -> Option<&'a WorkloadRow> {
    let name = alert
        .label("deployment")
        .or_else(|| alert.label("service"))?;
    let namespace = alert.label("namespace");
    cluster.kube.workloads.values().find(|w| {
        w.key.kind == WorkloadKind::Deployment
            && &w.key.name == name
            && namespace.is_none_or(|ns| &w.key.namespace == ns)
    })
}

/// An alert that began within [`CAUSE_WINDOW_SECS`] after a rollout of its service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutCause {
    pub rollout: Rollout,
    /// Seconds from the rollout to the alert's start.
    pub after_secs: i64,
    /// What rose: `errors`, `latency`, or the alert's name.
    pub symptom: String,
}

impl RolloutCause {
    /// `errors rose 40s after it`: next to the rollout it names.
    pub fn short_text(&self) -> String {
        format!(
            "{} {} after it",
            self.symptom,
            human_duration(self.after_secs)
        )
    }

    /// `errors rose 40s after payment v1.4.2 rolled out`.
    pub fn text(&self) -> String {
        format!(
            "{} {} after {} {} rolled out",
            self.symptom,
            human_duration(self.after_secs),
            self.rollout.deployment,
            self.rollout.tag
        )
    }
}

/// Whether `alert` of `cluster` started within 15 minutes after a rollout (not the first
/// revision) of the same service there.
pub fn rollout_cause(cluster: &ClusterState, alert: &Alert) -> Option<RolloutCause> {
    let deployment = alert_deployment(cluster, alert)?;
    let rollout = latest_rollout(&cluster.kube, deployment)?;
    let after_secs = seconds_between(rollout.at?, alert.starts_at?);
    if !rollout.replaced || !(0..=CAUSE_WINDOW_SECS).contains(&after_secs) {
        return None;
    }
    let name = alert.name.as_str();
    let lower = name.to_ascii_lowercase();
    let symptom = if lower.contains("error") || lower.contains("5xx") {
        "errors rose".to_string()
    } else if lower.contains("latency") || lower.contains("responsetime") {
        "latency rose".to_string()
    } else {
        format!("{name} began")
    };
    Some(RolloutCause {
        rollout,
        after_secs,
        symptom,
    })
}

/// An alert's summary with its rollout cause in front, for list rows.
pub fn summary_with_cause(cluster: Option<&ClusterState>, alert: &Alert) -> String {
    match cluster.and_then(|c| rollout_cause(c, alert)) {
        Some(cause) if alert.summary.is_empty() => cause.text(),
        Some(cause) => format!("{} · {}", cause.text(), alert.summary),
        None => alert.summary.to_string(),
    }
}

#[cfg(test)]
#[path = "rollout_tests.rs"]
mod tests;
