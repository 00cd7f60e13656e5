//! What the describe panel shows about one pod: owner, conditions and containers, reduced
//! from the API object when it arrives (nothing else of the object is kept).

use jiff::Timestamp;

use crate::text::Text;

/// The controller that owns an object (`ReplicaSet payment-7d9f8c`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OwnerRef {
    pub kind: Text,
    pub name: Text,
}

/// One pod condition (`Ready False ContainersNotReady: containers with unready status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodCondition {
    pub kind: Text,
    /// `True`, `False` or `Unknown`.
    pub status: Text,
    pub reason: Text,
    pub message: Text,
    pub since: Option<Timestamp>,
}

impl PodCondition {
    pub fn is_true(&self) -> bool {
        self.status.as_str().eq_ignore_ascii_case("true")
    }
}

/// How a container ended last time (from `lastState.terminated`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Termination {
    pub reason: Text,
    pub exit_code: i32,
    pub finished: Option<Timestamp>,
}

/// One container (or init container) of a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRow {
    pub name: Text,
    pub init: bool,
    pub ready: bool,
    /// `running`, `waiting` or `terminated` (`unknown` without a status yet).
    pub state: Text,
    /// The waiting or terminated reason (`CrashLoopBackOff`, `Completed`), empty when running.
    pub reason: Text,
    pub restarts: u32,
    pub last: Option<Termination>,
}

/// Everything about a pod that only the describe and metrics panels need.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodDetail {
    pub owner: Option<OwnerRef>,
    pub ip: Text,
    /// The first declared container port: the pod proxy's default target for `/metrics`.
    pub metrics_port: Option<u16>,
    pub conditions: Vec<PodCondition>,
    pub containers: Vec<ContainerRow>,
}
