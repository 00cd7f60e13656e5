//! Health of one (cluster, source): ok with the time of its last data, stale since the last
//! good data while it retries, or failed with a reason.

use jiff::Timestamp;

use super::time::seconds_between;
use crate::text::Text;

/// After this long without good data, a failing source is shown as failed, not stale.
pub const STALE_LIMIT_SECS: i64 = 60;

/// The sources the console reads for each cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    /// The pod watch on the Kubernetes API.
    Pods,
    /// The Alertmanager poller.
    Alerts,
    /// The Prometheus queries behind the service metrics.
    Metrics,
}

impl SourceKind {
    pub const ALL: [SourceKind; 3] = [SourceKind::Pods, SourceKind::Alerts, SourceKind::Metrics];

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Pods => "k8s",
            SourceKind::Alerts => "alerts",
            SourceKind::Metrics => "prom",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Health {
    /// Started, no answer yet.
    #[default]
    Connecting,
    /// Not configured for this cluster (for example no Alertmanager URL).
    Disabled,
    /// Data is current as of `at`.
    Ok { at: Timestamp },
    /// The source is failing; the data shown is from `since`, retries continue.
    Stale { since: Timestamp, reason: Text },
    /// The source has failed since `since`; any data shown is older than [`STALE_LIMIT_SECS`].
    Failed { since: Timestamp, reason: Text },
}

impl Health {
    /// The health after good data (or a confirmation that data is current) at `at`.
    pub fn on_data(&self, at: Timestamp) -> Health {
        match self {
            Health::Disabled => Health::Disabled,
            _ => Health::Ok { at },
        }
    }

    /// The health after a failure at `at`: ok becomes stale; stale becomes failed once the
    /// last good data is older than [`STALE_LIMIT_SECS`]; a source with no data fails at once.
    pub fn on_failure(&self, at: Timestamp, reason: Text) -> Health {
        match self {
            Health::Ok { at: last } => {
                if seconds_between(*last, at) > STALE_LIMIT_SECS {
                    Health::Failed { since: at, reason }
                } else {
                    Health::Stale {
                        since: *last,
                        reason,
                    }
                }
            }
            Health::Stale { since, .. } => {
                if seconds_between(*since, at) > STALE_LIMIT_SECS {
                    Health::Failed { since: at, reason }
                } else {
                    Health::Stale {
                        since: *since,
                        reason,
                    }
                }
            }
            Health::Failed { since, .. } => Health::Failed {
                since: *since,
                reason,
            },
            Health::Connecting | Health::Disabled => Health::Failed { since: at, reason },
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, Health::Ok { .. })
    }

    pub fn reason(&self) -> Option<&Text> {
        match self {
            Health::Stale { reason, .. } | Health::Failed { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn health_transitions() {
        let h = Health::Connecting.on_failure(t(0), Text::new("connection refused"));
        assert_eq!(
            h,
            Health::Failed {
                since: t(0),
                reason: Text::new("connection refused")
            }
        );
        let h = h.on_failure(t(10), Text::new("timeout"));
        assert_eq!(
            h,
            Health::Failed {
                since: t(0),
                reason: Text::new("timeout")
            }
        );
        let h = h.on_data(t(20));
        assert_eq!(h, Health::Ok { at: t(20) });
        let h = h.on_failure(t(25), Text::new("HTTP 503"));
        assert_eq!(
            h,
            Health::Stale {
                since: t(20),
                reason: Text::new("HTTP 503")
            }
        );
        let h = h.on_failure(t(70), Text::new("HTTP 503"));
        assert!(matches!(h, Health::Stale { .. }));
        let h = h.on_failure(t(81), Text::new("bad JSON"));
        assert_eq!(
            h,
            Health::Failed {
                since: t(81),
                reason: Text::new("bad JSON")
            }
        );
        assert_eq!(Health::Disabled.on_data(t(1)), Health::Disabled);
    }
}
