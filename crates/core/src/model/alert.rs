//! An alert from Alertmanager, reduced to what the console shows: active or suppressed
//! (with the silences and inhibiting alerts that explain why), labels, the annotations the
//! screen shows, receivers and the link back to the rule.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::text::Text;

/// Alert severity from the `severity` label, most urgent first (the sort order).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Critical,
    Warning,
    Info,
    /// Any other value (or none): shown as given.
    Other(Text),
}

impl Default for Severity {
    fn default() -> Self {
        Severity::Other(Text::default())
    }
}

impl Severity {
    /// Maps a `severity` label value; common synonyms fold into the three main levels.
    pub fn from_label(value: Option<&str>) -> Self {
        match value.map(str::to_ascii_lowercase).as_deref() {
            Some("critical" | "page" | "error" | "high") => Severity::Critical,
            Some("warning" | "warn" | "medium") => Severity::Warning,
            Some("info" | "informational" | "low" | "none") => Severity::Info,
            Some(other) => Severity::Other(Text::new(other)),
            None => Severity::Other(Text::default()),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Other(text) if text.is_empty() => "none",
            Severity::Other(text) => text.as_str(),
        }
    }
}

/// Whether Alertmanager notifies about the alert.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AlertState {
    /// Firing and notified.
    #[default]
    Active,
    /// Muted: by these silences (ids) and/or inhibited by these alerts (fingerprints).
    Suppressed {
        silenced_by: Vec<Text>,
        inhibited_by: Vec<Text>,
    },
    /// Received but not yet routed.
    Unprocessed,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Alert {
    /// Alertmanager's fingerprint: identifies the alert across polls and HA replicas.
    pub fingerprint: Text,
    pub name: Text,
    pub severity: Severity,
    /// `summary` annotation, else `description`, else empty.
    pub summary: Text,
    pub starts_at: Option<Timestamp>,
    pub labels: BTreeMap<Text, Text>,
    pub state: AlertState,
    /// `description` annotation (empty when absent).
    pub description: Text,
    /// `runbook_url` annotation (empty when absent).
    pub runbook: Text,
    /// The rule's link (`generatorURL`).
    pub generator_url: Text,
    /// Receivers the alert is routed to.
    pub receivers: Vec<Text>,
}

impl Alert {
    /// Firing and not muted: what the overview counts and lists.
    pub fn is_active(&self) -> bool {
        !matches!(self.state, AlertState::Suppressed { .. })
    }

    pub fn label(&self, name: &str) -> Option<&Text> {
        self.labels
            .iter()
            .find(|(k, _)| k.as_str() == name)
            .map(|(_, v)| v)
    }
}

/// Sorts alerts for display: severity, then longest-firing first, then name and fingerprint.
pub fn sort_alerts(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.starts_at.cmp(&b.starts_at))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}

/// Counts of firing (not silenced or inhibited) alerts by severity, for the cluster bands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    pub critical: usize,
    pub warning: usize,
    pub info: usize,
    pub other: usize,
}

impl SeverityCounts {
    pub fn of(alerts: &[Alert]) -> Self {
        let mut counts = SeverityCounts::default();
        for alert in alerts.iter().filter(|a| a.is_active()) {
            match alert.severity {
                Severity::Critical => counts.critical += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
                Severity::Other(_) => counts.other += 1,
            }
        }
        counts
    }

    pub fn total(&self) -> usize {
        self.critical + self.warning + self.info + self.other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_from_label_folds_synonyms() {
        assert_eq!(Severity::from_label(Some("CRITICAL")), Severity::Critical);
        assert_eq!(Severity::from_label(Some("page")), Severity::Critical);
        assert_eq!(Severity::from_label(Some("warn")), Severity::Warning);
        assert_eq!(Severity::from_label(Some("none")), Severity::Info);
        assert_eq!(Severity::from_label(Some("p3")).label(), "p3");
        assert_eq!(Severity::from_label(None).label(), "none");
        assert!(
            Severity::Critical < Severity::Warning
                && Severity::Info < Severity::Other(Text::default())
        );
    }
}
