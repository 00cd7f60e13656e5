//! Silences as Alertmanager reports them (to explain why an alert is muted and to expire
//! them), on which replicas each was seen (a new silence is on one replica until gossip
//! spreads it: shown as propagating), and the per-replica health of a cluster's
//! Alertmanagers.

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
    /// Indexes of the replicas that listed it in the last poll, ascending (`replica` first).
    pub seen_on: Vec<usize>,
}

impl Silence {
    pub fn is_active(&self) -> bool {
        self.status == SilenceStatus::Active
    }

    /// Whether gossip has yet to bring it to every replica that answered the last poll
    /// (`replicas` in the cluster's order). A replica that did not answer is not counted:
    /// its silences are unknown, not missing. `None` once every answering replica has it.
    pub fn propagating(&self, replicas: &[Replica]) -> Option<Propagating> {
        let answering: Vec<usize> = replicas
            .iter()
            .enumerate()
            .filter(|(_, r)| r.health.is_ok())
            .map(|(i, _)| i)
            .collect();
        let seen = answering
            .iter()
            .filter(|i| self.seen_on.contains(i))
            .count();
        (seen < answering.len()).then_some(Propagating {
            seen,
            answering: answering.len(),
        })
    }
}

/// A silence on `seen` of the `answering` replicas (fewer than all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Propagating {
    pub seen: usize,
    pub answering: usize,
}

impl std::fmt::Display for Propagating {
    /// `propagating (1 of 2 replicas)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "propagating ({} of {} replicas)",
            self.seen, self.answering
        )
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
/// replicas, active silences (deduplicated by id, each with the replicas that listed it),
/// and each replica's result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertSnapshot {
    pub alerts: Vec<super::alert::Alert>,
    pub silences: Vec<Silence>,
    pub replicas: Vec<ReplicaReport>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replicas(up: &[bool]) -> Vec<Replica> {
        up.iter()
            .enumerate()
            .map(|(i, &ok)| Replica {
                url: Text::new(&format!("http://am-{i}:9093")),
                health: if ok {
                    Health::Ok {
                        at: Timestamp::UNIX_EPOCH,
                    }
                } else {
                    Health::Failed {
                        since: Timestamp::UNIX_EPOCH,
                        reason: Text::new("connection refused"),
                    }
                },
            })
            .collect()
    }

    fn seen_on(replicas: &[usize]) -> Silence {
        Silence {
            id: Text::new("s-1"),
            seen_on: replicas.to_vec(),
            ..Silence::default()
        }
    }

    #[test]
    fn a_silence_missing_on_an_answering_replica_is_propagating() {
        let both_up = replicas(&[true, true]);
        let propagating = seen_on(&[0]).propagating(&both_up);
        assert_eq!(
            propagating,
            Some(Propagating {
                seen: 1,
                answering: 2
            })
        );
        assert_eq!(
            propagating.map(|p| p.to_string()).as_deref(),
            Some("propagating (1 of 2 replicas)")
        );
        // Only on the second replica (created there) is the same.
        assert_eq!(seen_on(&[1]).propagating(&both_up).map(|p| p.seen), Some(1));
        // On every replica: settled.
        assert_eq!(seen_on(&[0, 1]).propagating(&both_up), None);
        // Three replicas, on two.
        assert_eq!(
            seen_on(&[0, 2])
                .propagating(&replicas(&[true, true, true]))
                .map(|p| p.to_string())
                .as_deref(),
            Some("propagating (2 of 3 replicas)")
        );
    }

    #[test]
    fn a_replica_that_did_not_answer_does_not_count_as_missing_it() {
        assert_eq!(seen_on(&[0]).propagating(&replicas(&[true, false])), None);
        assert_eq!(
            seen_on(&[0, 2])
                .propagating(&replicas(&[true, false, true]))
                .map(|p| p.to_string()),
            None
        );
        // One Alertmanager, no replicas to spread to.
        assert_eq!(seen_on(&[0]).propagating(&replicas(&[true])), None);
    }
}
