//! The Alertmanager's state, pure and on virtual time: alerts merged by fingerprint, their
//! silence and inhibition status, groups, and the silence store.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use thiserror::Error;

use super::config::AmConfig;
use super::filter::AlertFilter;
use super::silences::{SilenceError, SilenceSpec, Silences, StoredSilence};
use crate::clock::Millis;
use crate::labels::Labels;
use crate::rng::SimRng;
use watchdeck_core::matcher::{Compiled, all_match, is_label_name};

/// An alert as posted to POST /api/v2/alerts (by the rule engine or a real Prometheus).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IncomingAlert {
    pub labels: Labels,
    pub annotations: Labels,
    pub starts_at_ms: Option<Millis>,
    pub ends_at_ms: Option<Millis>,
    pub generator_url: String,
}

/// An alert as stored after merging.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAlert {
    pub labels: Labels,
    pub annotations: Labels,
    pub starts_at_ms: Millis,
    pub ends_at_ms: Millis,
    pub updated_at_ms: Millis,
    pub generator_url: String,
    /// endsAt was filled in from the resolve timeout rather than sent.
    pub timeout: bool,
}

impl StoredAlert {
    pub fn resolved_at(&self, now: Millis) -> bool {
        self.ends_at_ms <= now
    }
}

/// `status.state` of a listed alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertState {
    Active,
    Suppressed,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suppressed => "suppressed",
        }
    }
}

/// Why an alert is (not) suppressed: active silences and inhibiting alerts' fingerprints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertStatus {
    pub state: AlertState,
    pub silenced_by: Vec<String>,
    pub inhibited_by: Vec<String>,
}

/// An alert with its computed status, as GET /api/v2/alerts lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertView {
    pub fingerprint: u64,
    pub alert: StoredAlert,
    pub status: AlertStatus,
    pub receivers: Vec<String>,
}

/// One aggregation group of GET /api/v2/alerts/groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertGroup {
    pub labels: Labels,
    pub receiver: String,
    pub alerts: Vec<AlertView>,
}

/// Some posted alerts were invalid (the valid ones were still stored); Alertmanager's
/// messages joined with `; `.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{}", .0.join("; "))]
pub struct ReceiveError(pub Vec<String>);

/// The simulated Alertmanager.
#[derive(Clone, Debug)]
pub struct AmState {
    config: AmConfig,
    alerts: BTreeMap<u64, StoredAlert>,
    silences: Silences,
}

fn validate_label_set(labels: &Labels) -> Result<(), String> {
    match labels.iter().find(|(name, _)| !is_label_name(name)) {
        Some((name, _)) => Err(format!("invalid name {name:?}")),
        None => Ok(()),
    }
}

/// Alertmanager's `Alert.Merge` for an older stored alert and a newer posted one.
fn merge(old: &StoredAlert, new: StoredAlert, now: Millis) -> StoredAlert {
    let mut res = new;
    res.starts_at_ms = res.starts_at_ms.min(old.starts_at_ms);
    if res.resolved_at(now) {
        if old.resolved_at(now) && old.ends_at_ms > res.ends_at_ms {
            res.ends_at_ms = old.ends_at_ms;
        }
    } else if old.ends_at_ms > res.ends_at_ms && !old.timeout {
        res.ends_at_ms = old.ends_at_ms;
    }
    res
}

/// Go's `LabelSet.Before`: shorter sets first, then by the sorted union of names.
fn labels_order(a: &Labels, b: &Labels) -> Ordering {
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    let mut names: Vec<&str> = a.iter().chain(b.iter()).map(|(n, _)| n).collect();
    names.sort_unstable();
    for name in names {
        match (a.get(name), b.get(name)) {
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(x), Some(y)) if x != y => return x.cmp(y),
            _ => {}
        }
    }
    Ordering::Equal
}

impl AmState {
    pub fn new(seed: u64, config: AmConfig) -> Self {
        let rng = SimRng::new(seed).fork("alertmanager/silences");
        Self {
            config,
            alerts: BTreeMap::new(),
            silences: Silences::new(rng),
        }
    }

    pub fn config(&self) -> &AmConfig {
        &self.config
    }

    /// POST /api/v2/alerts: fills in startsAt/endsAt, validates, merges by fingerprint when the
    /// activity ranges overlap (so resends and Prometheus replicas collapse into one alert), and
    /// drops alerts that have ended (Alertmanager's GC).
    pub fn receive(&mut self, now: Millis, alerts: Vec<IncomingAlert>) -> Result<(), ReceiveError> {
        let mut errors = Vec::new();
        for incoming in alerts {
            match self.prepare(now, incoming) {
                Ok(alert) => self.store(now, alert),
                Err(e) => errors.push(e),
            }
        }
        self.alerts.retain(|_, a| !a.resolved_at(now));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ReceiveError(errors))
        }
    }

    fn prepare(&self, now: Millis, incoming: IncomingAlert) -> Result<StoredAlert, String> {
        let starts_at_ms = incoming.starts_at_ms.or(incoming.ends_at_ms).unwrap_or(now);
        let timeout = incoming.ends_at_ms.is_none();
        let ends_at_ms = incoming
            .ends_at_ms
            .unwrap_or(now + self.config.resolve_timeout_ms);
        let mut labels = Labels::new();
        for (name, value) in incoming.labels.iter() {
            labels.insert(name, value);
        }
        if ends_at_ms < starts_at_ms {
            return Err("start time must be before end time".into());
        }
        validate_label_set(&labels).map_err(|e| format!("invalid label set: {e}"))?;
        if labels.is_empty() {
            return Err("at least one label pair required".into());
        }
        validate_label_set(&incoming.annotations)
            .map_err(|e| format!("invalid annotations: {e}"))?;
        Ok(StoredAlert {
            labels,
            annotations: incoming.annotations,
            starts_at_ms,
            ends_at_ms,
            updated_at_ms: now,
            generator_url: incoming.generator_url,
            timeout,
        })
    }

    fn store(&mut self, now: Millis, alert: StoredAlert) {
        let fp = alert.labels.fingerprint();
        let alert = match self.alerts.get(&fp) {
            Some(old)
                if (alert.ends_at_ms > old.starts_at_ms && alert.ends_at_ms < old.ends_at_ms)
                    || (alert.starts_at_ms > old.starts_at_ms
                        && alert.starts_at_ms < old.ends_at_ms) =>
            {
                merge(old, alert, now)
            }
            _ => alert,
        };
        self.alerts.insert(fp, alert);
    }

    /// The status of a label set at `now`: silenced by active matching silences, inhibited by
    /// firing source alerts (silenced or not) whose `equal` labels agree.
    pub fn status_of(&self, now: Millis, labels: &Labels) -> AlertStatus {
        let silenced_by = self.silences.active_matching(now, labels);
        let mut inhibited_by = Vec::new();
        for rule in &self.config.inhibit_rules {
            if !all_match(&rule.target_matchers, labels) {
                continue;
            }
            let two_sided = all_match(&rule.source_matchers, labels);
            for (fp, source) in &self.alerts {
                let inhibits = !source.resolved_at(now)
                    && all_match(&rule.source_matchers, &source.labels)
                    && rule
                        .equal
                        .iter()
                        .all(|n| source.labels.get(n) == labels.get(n))
                    && !(two_sided && all_match(&rule.target_matchers, &source.labels));
                if inhibits {
                    inhibited_by.push(format!("{fp:016x}"));
                }
            }
        }
        inhibited_by.sort();
        inhibited_by.dedup();
        let state = if silenced_by.is_empty() && inhibited_by.is_empty() {
            AlertState::Active
        } else {
            AlertState::Suppressed
        };
        AlertStatus {
            state,
            silenced_by,
            inhibited_by,
        }
    }

    /// GET /api/v2/alerts: alerts that have not ended and pass the filter, by fingerprint.
    pub fn alerts(&self, now: Millis, filter: &AlertFilter) -> Vec<AlertView> {
        let receivers = self.config.receivers();
        self.alerts
            .iter()
            .filter(|(_, a)| !a.resolved_at(now))
            .filter_map(|(fp, a)| {
                let status = self.status_of(now, &a.labels);
                filter
                    .admits(&a.labels, &status, &receivers)
                    .then(|| AlertView {
                        fingerprint: *fp,
                        alert: a.clone(),
                        status,
                        receivers: receivers.clone(),
                    })
            })
            .collect()
    }

    /// GET /api/v2/alerts/groups: the filtered alerts grouped by the route's group_by labels.
    pub fn groups(&self, now: Millis, filter: &AlertFilter) -> Vec<AlertGroup> {
        let mut groups: BTreeMap<Labels, Vec<AlertView>> = BTreeMap::new();
        let all_labels = self.config.group_by.iter().any(|n| n == "...");
        for view in self.alerts(now, filter) {
            let key = if all_labels {
                view.alert.labels.clone()
            } else {
                let mut key = Labels::new();
                for name in &self.config.group_by {
                    if let Some(value) = view.alert.labels.get(name) {
                        key.insert(name.as_str(), value);
                    }
                }
                key
            };
            groups.entry(key).or_default().push(view);
        }
        let mut out: Vec<AlertGroup> = groups
            .into_iter()
            .map(|(labels, mut alerts)| {
                alerts.sort_by(|a, b| {
                    labels_order(&a.alert.labels, &b.alert.labels)
                        .then(a.fingerprint.cmp(&b.fingerprint))
                });
                AlertGroup {
                    labels,
                    receiver: self.config.receiver.clone(),
                    alerts,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            labels_order(&a.labels, &b.labels).then_with(|| a.receiver.cmp(&b.receiver))
        });
        out
    }

    /// POST /api/v2/silences; returns the (possibly new) silence ID.
    pub fn upsert_silence(
        &mut self,
        now: Millis,
        spec: SilenceSpec,
    ) -> Result<String, SilenceError> {
        self.silences.upsert(now, spec)
    }

    /// DELETE /api/v2/silence/{id}.
    pub fn expire_silence(&mut self, now: Millis, id: &str) -> Result<(), SilenceError> {
        self.silences.expire(now, id)
    }

    /// GET /api/v2/silence/{id}.
    pub fn silence(&self, now: Millis, id: &str) -> Option<&StoredSilence> {
        self.silences.get(now, id)
    }

    /// GET /api/v2/silences with its `filter` matchers.
    pub fn silences(&self, now: Millis, filter: &[Compiled]) -> Vec<&StoredSilence> {
        self.silences.list(now, filter)
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
