//! The snapshot as data: `build(&Model, now) -> Report`, pure and deterministic (everything
//! sorted, ages measured from the `now` passed in), serializable as the JSON output. Each
//! finding carries the status it contributes; the worst one decides the exit code.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use super::exit;
use super::services::{ServiceReport, worst_services};
use watchdeck_core::model::alert::Severity;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::model::kube::KubeScope;
use watchdeck_core::model::pod::{PodHealth, PodRow};
use watchdeck_core::model::time::seconds_between;
use watchdeck_core::model::{ClusterState, Model};

/// A pod that is pending, creating or not ready for less than this is starting, not a
/// finding (a rollout's new pods go through these states).
pub const STARTUP_GRACE_SECS: i64 = 120;

/// How bad a finding, a cluster or the fleet is. Ordered: the worst (largest) wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warning,
    Critical,
    /// A source could not be reached: what is shown may be incomplete.
    Unreachable,
}

impl Status {
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Ok => exit::OK,
            Status::Warning => exit::WARNING,
            Status::Critical => exit::CRITICAL,
            Status::Unreachable => exit::UNREACHABLE,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unreachable => "UNREACHABLE",
        }
    }
}

/// The whole snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// When the snapshot was taken (RFC 3339, whole seconds; virtual time on the simulator).
    pub at: String,
    /// What was looked at: the config file, or the simulated scenario and moment.
    pub subject: String,
    pub status: Status,
    pub exit_code: u8,
    pub clusters: Vec<ClusterReport>,
    /// Every SLO: the fleet-wide row, then one per cluster (see `slo`).
    pub slos: Vec<super::slo::SloRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterReport {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub status: Status,
    pub sources: Vec<SourceReport>,
    /// The namespaces watched when not all (`null`: every namespace).
    pub scope: Option<ScopeReport>,
    pub pods: PodCounts,
    /// Pods needing attention, worst first.
    pub unhealthy_pods: Vec<PodReport>,
    /// Firing alerts, most severe first.
    pub alerts: Vec<AlertReport>,
    /// Services with problems, worst first (see `services`).
    pub services: Vec<ServiceReport>,
}

/// Which namespaces a cluster's figures cover, when not every namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeReport {
    pub namespaces: Vec<String>,
    /// Why: "configured", or "forbidden at cluster scope: list pods".
    pub reason: String,
}

impl ClusterReport {
    /// The pod counts as words: `40/45 ready · 2 crash-looping`, or why they are unknown;
    /// followed by the scope when only some namespaces are watched.
    pub fn pods_line(&self) -> String {
        let counts = self.pod_counts_line();
        match &self.scope {
            None => counts,
            Some(scope) => {
                let noun = if scope.namespaces.len() == 1 {
                    "namespace"
                } else {
                    "namespaces"
                };
                format!(
                    "{counts} in {noun} {} only ({})",
                    scope.namespaces.join(", "),
                    scope.reason
                )
            }
        }
    }

    fn pod_counts_line(&self) -> String {
        let k8s = self
            .sources
            .iter()
            .find(|s| s.source == SourceKind::Pods.label());
        match k8s.map(|s| s.state) {
            Some(state @ (SourceState::Failed | SourceState::NoAnswer)) if self.pods.total == 0 => {
                format!("unknown (k8s {})", state.label())
            }
            _ => format!(
                "{}/{} ready · {} crash-looping",
                self.pods.ready, self.pods.total, self.pods.crash_looping
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    Ok,
    Stale,
    Failed,
    /// Started but silent until the deadline.
    NoAnswer,
    /// Not configured (or no such source yet).
    Disabled,
}

impl SourceState {
    pub fn label(self) -> &'static str {
        match self {
            SourceState::Ok => "ok",
            SourceState::Stale => "stale",
            SourceState::Failed => "failed",
            SourceState::NoAnswer => "no answer",
            SourceState::Disabled => "off",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceReport {
    /// `k8s`, `alerts` or `prom`.
    pub source: String,
    pub state: SourceState,
    /// Age of the newest good data, in seconds.
    pub data_age_secs: Option<i64>,
    /// Stale: time of the last good data; failed: when the failure began.
    pub since: Option<String>,
    pub reason: Option<String>,
    pub status: Status,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PodCounts {
    pub ready: usize,
    /// Not counting completed pods.
    pub total: usize,
    pub crash_looping: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodReport {
    pub namespace: String,
    pub name: String,
    /// As kubectl prints it: CrashLoopBackOff, Pending, NotReady ...
    pub pod_status: String,
    pub ready: String,
    pub restarts: u32,
    pub age_secs: Option<i64>,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertReport {
    pub severity: String,
    pub name: String,
    pub summary: String,
    /// The `service` label, when the alert has one.
    pub service: Option<String>,
    pub since: Option<String>,
    pub age_secs: Option<i64>,
    pub status: Status,
}

/// Builds the snapshot of `model` at `now`. `subject` says what was looked at.
pub fn build(model: &Model, now: Timestamp, subject: &str) -> Report {
    let slos = super::slo::rows(model);
    let clusters: Vec<ClusterReport> = model
        .clusters
        .iter()
        .map(|c| {
            let mut report = cluster_report(c, now);
            let worst_slo = super::slo::cluster_rows(&slos, c.name.as_str())
                .map(|r| r.status)
                .max();
            report.status = report.status.max(worst_slo.unwrap_or(Status::Ok));
            report
        })
        .collect();
    let status = clusters
        .iter()
        .map(|c| c.status)
        .chain(slos.iter().map(|r| r.status))
        .max()
        .unwrap_or(Status::Ok);
    Report {
        at: rfc3339(now),
        subject: subject.to_string(),
        status,
        exit_code: status.exit_code(),
        clusters,
        slos,
    }
}

fn cluster_report(cluster: &ClusterState, now: Timestamp) -> ClusterReport {
    let sources: Vec<SourceReport> = SourceKind::ALL
        .iter()
        .map(|kind| source_report(*kind, cluster.health(*kind), now))
        .collect();
    let summary = cluster.summary();
    let mut unhealthy_pods: Vec<PodReport> = cluster
        .pods
        .values()
        .filter_map(|pod| pod_report(pod, now))
        .collect();
    unhealthy_pods.sort_by(|a, b| {
        b.status
            .cmp(&a.status)
            .then_with(|| a.namespace.cmp(&b.namespace))
            .then_with(|| a.name.cmp(&b.name))
    });
    // The model keeps alerts sorted by severity, start and name. Silenced and inhibited
    // alerts were muted on purpose: they neither show nor raise the exit status.
    let alerts: Vec<AlertReport> = cluster.firing().map(|a| alert_report(a, now)).collect();
    let services = worst_services(cluster, now);
    let status = sources
        .iter()
        .map(|s| s.status)
        .chain(unhealthy_pods.iter().map(|p| p.status))
        .chain(alerts.iter().map(|a| a.status))
        .max()
        .unwrap_or(Status::Ok);
    ClusterReport {
        name: cluster.name.to_string(),
        labels: cluster
            .labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        status,
        sources,
        scope: match &cluster.kube.scope {
            KubeScope::Cluster => None,
            KubeScope::Namespaces { names, reason } => Some(ScopeReport {
                namespaces: names.iter().map(ToString::to_string).collect(),
                reason: reason.to_string(),
            }),
        },
        pods: PodCounts {
            ready: summary.pods_ready,
            total: summary.pods_total,
            crash_looping: summary.crash_looping,
        },
        unhealthy_pods,
        alerts,
        services,
    }
}

fn source_report(kind: SourceKind, health: &Health, now: Timestamp) -> SourceReport {
    let (state, data_age_secs, since, status) = match health {
        Health::Ok { at } => (
            SourceState::Ok,
            Some(seconds_between(*at, now).max(0)),
            None,
            Status::Ok,
        ),
        Health::Stale { since, .. } => (
            SourceState::Stale,
            Some(seconds_between(*since, now).max(0)),
            Some(rfc3339(*since)),
            Status::Warning,
        ),
        Health::Failed { since, .. } => (
            SourceState::Failed,
            None,
            Some(rfc3339(*since)),
            Status::Unreachable,
        ),
        Health::Connecting => (SourceState::NoAnswer, None, None, Status::Unreachable),
        Health::Disabled => (SourceState::Disabled, None, None, Status::Ok),
    };
    let reason = match health {
        Health::Connecting => Some("no data and no error within --timeout".to_string()),
        other => other.reason().map(ToString::to_string),
    };
    SourceReport {
        source: kind.label().to_string(),
        state,
        data_age_secs,
        since,
        reason,
        status,
    }
}

/// The finding for one pod, if it needs attention: failing pods are critical; pending, not
/// ready or creating pods past [`STARTUP_GRACE_SECS`] are warnings; terminating, healthy and
/// completed pods are not reported.
pub fn pod_report(pod: &PodRow, now: Timestamp) -> Option<PodReport> {
    let age_secs = pod.created.map(|created| seconds_between(created, now));
    let status = match pod.health() {
        PodHealth::Failing => Status::Critical,
        PodHealth::Progressing => {
            let starting = age_secs.is_some_and(|age| age < STARTUP_GRACE_SECS);
            if pod.status.as_str() == "Terminating" || starting {
                return None;
            }
            Status::Warning
        }
        PodHealth::Healthy | PodHealth::Done => return None,
    };
    let status_text = if pod.crash_looping && pod.status.as_str() != "CrashLoopBackOff" {
        format!("{} (CrashLoopBackOff)", pod.status)
    } else {
        pod.status.to_string()
    };
    Some(PodReport {
        namespace: pod.key.namespace.to_string(),
        name: pod.key.name.to_string(),
        pod_status: status_text,
        ready: pod.ready_text(),
        restarts: pod.restarts,
        age_secs,
        status,
    })
}

fn alert_report(alert: &watchdeck_core::model::alert::Alert, now: Timestamp) -> AlertReport {
    let status = match alert.severity {
        Severity::Critical => Status::Critical,
        Severity::Warning => Status::Warning,
        Severity::Info | Severity::Other(_) => Status::Ok,
    };
    AlertReport {
        severity: alert.severity.label().to_string(),
        name: alert.name.to_string(),
        summary: alert.summary.to_string(),
        service: alert
            .labels
            .iter()
            .find(|(k, _)| k.as_str() == "service")
            .map(|(_, v)| v.to_string()),
        since: alert.starts_at.map(rfc3339),
        age_secs: alert.starts_at.map(|at| seconds_between(at, now).max(0)),
        status,
    }
}

/// RFC 3339 in whole seconds, UTC.
pub fn rfc3339(at: Timestamp) -> String {
    Timestamp::from_second(at.as_second())
        .unwrap_or(at)
        .to_string()
}
