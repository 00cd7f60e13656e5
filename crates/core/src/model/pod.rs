//! A pod as the console shows it: the compact row a source builds from the API object.

use jiff::Timestamp;

use super::pod_detail::PodDetail;
use crate::text::Text;

/// Identifies a pod within one cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PodKey {
    pub namespace: Text,
    pub name: Text,
}

impl PodKey {
    pub fn new(namespace: &str, name: &str) -> Self {
        PodKey {
            namespace: Text::new(namespace),
            name: Text::new(name),
        }
    }
}

/// One pod, reduced to what the table shows. `status` is the text kubectl prints
/// (Running, Pending, CrashLoopBackOff, Terminating, ContainerCreating, Completed, Init:0/1 ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRow {
    pub key: PodKey,
    pub status: Text,
    pub ready: u32,
    pub total: u32,
    pub restarts: u32,
    pub node: Text,
    pub created: Option<Timestamp>,
    /// Some container is waiting in CrashLoopBackOff (even when `status` shows another reason).
    pub crash_looping: bool,
    /// Owner, conditions and containers, for the describe and metrics panels.
    /// Boxed: the table moves rows around, the panels read this rarely.
    pub detail: Box<PodDetail>,
}

/// How healthy a pod looks, worst first: the table sorts on it and colours by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PodHealth {
    /// Crash-looping, failing, unable to pull its image, evicted, unknown.
    Failing,
    /// Not there yet or going away: pending, creating, initialising, terminating, not ready.
    Progressing,
    /// Running with every container ready.
    Healthy,
    /// Finished successfully (Completed / Succeeded).
    Done,
}

const FAILING: &[&str] = &[
    "CrashLoopBackOff",
    "Error",
    "Failed",
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "OOMKilled",
    "Evicted",
    "Unknown",
    "ContainerStatusUnknown",
    "NodeLost",
    "DeadlineExceeded",
    "StartError",
];

const PROGRESSING: &[&str] = &[
    "Pending",
    "ContainerCreating",
    "PodInitializing",
    "Terminating",
    "NotReady",
    "Waiting",
];

impl PodRow {
    pub fn health(&self) -> PodHealth {
        let status = self.status.as_str();
        if self.crash_looping || FAILING.contains(&status) {
            return PodHealth::Failing;
        }
        if let Some(rest) = status.strip_prefix("Init:") {
            // Init:0/2 is progress; Init:Error, Init:CrashLoopBackOff, Init:ExitCode:1 are failures.
            let progress = rest
                .split('/')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
            return if progress {
                PodHealth::Progressing
            } else {
                PodHealth::Failing
            };
        }
        if status.starts_with("ExitCode:") || status.starts_with("Signal:") {
            return PodHealth::Failing;
        }
        if status == "Completed" || status == "Succeeded" {
            return PodHealth::Done;
        }
        if PROGRESSING.contains(&status) || self.ready < self.total {
            return PodHealth::Progressing;
        }
        if status == "Running" {
            return PodHealth::Healthy;
        }
        PodHealth::Progressing
    }

    /// `ready/total` as kubectl prints it.
    pub fn ready_text(&self) -> String {
        format!("{}/{}", self.ready, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str, ready: u32, total: u32) -> PodRow {
        PodRow {
            key: PodKey::new("ns", "p"),
            status: Text::new(status),
            ready,
            total,
            restarts: 0,
            node: Text::new("n1"),
            created: None,
            crash_looping: false,
            detail: Box::default(),
        }
    }

    #[test]
    fn pod_health_classifies_kubectl_statuses() {
        assert_eq!(row("Running", 1, 1).health(), PodHealth::Healthy);
        assert_eq!(row("Running", 0, 1).health(), PodHealth::Progressing);
        assert_eq!(row("CrashLoopBackOff", 0, 1).health(), PodHealth::Failing);
        assert_eq!(row("Pending", 0, 1).health(), PodHealth::Progressing);
        assert_eq!(
            row("ContainerCreating", 0, 1).health(),
            PodHealth::Progressing
        );
        assert_eq!(row("Terminating", 1, 1).health(), PodHealth::Progressing);
        assert_eq!(row("Completed", 0, 1).health(), PodHealth::Done);
        assert_eq!(row("Init:0/2", 0, 1).health(), PodHealth::Progressing);
        assert_eq!(
            row("Init:CrashLoopBackOff", 0, 1).health(),
            PodHealth::Failing
        );
        assert_eq!(row("Init:ExitCode:1", 0, 1).health(), PodHealth::Failing);
        assert_eq!(row("ExitCode:137", 0, 1).health(), PodHealth::Failing);
        let mut looping = row("Running", 1, 2);
        looping.crash_looping = true;
        assert_eq!(looping.health(), PodHealth::Failing);
    }
}
