//! Silences as Alertmanager reports them (to explain why an alert is muted and to expire
//! them), and the per-replica health of a cluster's Alertmanagers.

use jiff::Timestamp;

use super::health::Health;
use crate::text::Text;

/// A silence's lifecycle state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SilenceStatus {
    #[default]
    Active,
    /// Starts in the future.
    Pending,
    Expired,
    Other(Text),
}

impl SilenceStatus {
    pub fn from_wire(state: &str) -> Self {
        match state {
            "active" => SilenceStatus::Active,
            "pending" => SilenceStatus::Pending,
            "expired" => SilenceStatus::Expired,
            other => SilenceStatus::Other(Text::new(other)),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            SilenceStatus::Active => "active",
            SilenceStatus::Pending => "pending",
            SilenceStatus::Expired => "expired",
            SilenceStatus::Other(text) => text.as_str(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Silence {
    pub id: Text,
    /// The matchers in Alertmanager's text form (`service="payment"`), for display.
    pub matchers: Vec<Text>,
    pub status: SilenceStatus,
    pub starts_at: Option<Timestamp>,
    pub ends_at: Option<Timestamp>,
    pub created_by: Text,
    pub comment: Text,
    /// Index of the replica (in the cluster's Alertmanager list) it was read from: expiring
    /// goes to the same one.
    pub replica: usize,
}

impl Silence {
    pub fn is_active(&self) -> bool {
        self.status == SilenceStatus::Active
    }
}

/// One Alertmanager replica of a cluster: its URL and how its last poll went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replica {
    pub url: Text,
    pub health: Health,
}

/// How one replica's poll went, as the source reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaReport {
    pub url: Text,
    /// `None` when the replica answered, else the short reason it did not.
    pub error: Option<Text>,
}

/// One poll of a cluster's Alertmanager replicas: alerts deduplicated by fingerprint across
/// replicas, active silences, and each replica's result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertSnapshot {
    pub alerts: Vec<super::alert::Alert>,
    pub silences: Vec<Silence>,
    pub replicas: Vec<ReplicaReport>,
}
