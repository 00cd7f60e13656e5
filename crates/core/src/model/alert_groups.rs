//! The Alerts screen's list: alerts of every cluster grouped by alertname and severity, firing
//! groups first, then silenced and inhibited ones apart; plus the text explaining why an
//! alert is muted. The cursor moves over alerts; group headers are display-only lines.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::alert::{AlertState, Severity};
use super::rows::{AlertEntry, all_alerts, merged_alerts, selected_alert};
use super::silence::Silence;
use super::time::{human_duration, seconds_between};
use crate::model::{ClusterState, Model};
use crate::screen::View;
use crate::text::Text;

/// One line of the Alerts screen.
#[derive(Debug, Clone, Copy)]
pub enum AlertLine<'a> {
    /// Start of the muted part: "Silenced and inhibited (n)".
    Muted { count: usize },
    /// A group: alertname, severity, how many alerts.
    Group {
        name: &'a Text,
        severity: &'a Severity,
        count: usize,
        muted: bool,
    },
    /// An alert; `index` is its position among the alerts (the cursor's unit).
    Alert { entry: AlertEntry<'a>, index: usize },
}

/// The screen's lines and, separately, the alerts in the same order.
#[derive(Debug, Clone, Default)]
pub struct Grouped<'a> {
    pub lines: Vec<AlertLine<'a>>,
    pub alerts: Vec<AlertEntry<'a>>,
}

impl Grouped<'_> {
    /// The line showing alert number `index`.
    pub fn line_of(&self, index: usize) -> usize {
        self.lines
            .iter()
            .position(|line| matches!(line, AlertLine::Alert { index: i, .. } if *i == index))
            .unwrap_or(0)
    }
}

type GroupKey<'a> = (&'a Severity, &'a Text);

/// Groups every alert: firing groups by severity then name, then the muted ones the same way;
/// within a group, longest-firing first, then cluster and fingerprint.
pub fn grouped_alerts(model: &Model) -> Grouped<'_> {
    let mut firing: BTreeMap<GroupKey<'_>, Vec<AlertEntry<'_>>> = BTreeMap::new();
    let mut muted: BTreeMap<GroupKey<'_>, Vec<AlertEntry<'_>>> = BTreeMap::new();
    for entry in all_alerts(model) {
        let key = (&entry.alert.severity, &entry.alert.name);
        let side = if entry.alert.is_active() {
            &mut firing
        } else {
            &mut muted
        };
        side.entry(key).or_default().push(entry);
    }
    let mut grouped = Grouped::default();
    let muted_count: usize = muted.values().map(Vec::len).sum();
    push_groups(&mut grouped, firing, false);
    if muted_count > 0 {
        grouped.lines.push(AlertLine::Muted { count: muted_count });
        push_groups(&mut grouped, muted, true);
    }
    grouped
}

fn push_groups<'a>(
    grouped: &mut Grouped<'a>,
    groups: BTreeMap<GroupKey<'a>, Vec<AlertEntry<'a>>>,
    muted: bool,
) {
    for ((severity, name), mut entries) in groups {
        entries.sort_by(|a, b| {
            a.alert
                .starts_at
                .cmp(&b.alert.starts_at)
                .then_with(|| a.cluster.cmp(&b.cluster))
                .then_with(|| a.alert.fingerprint.cmp(&b.alert.fingerprint))
        });
        grouped.lines.push(AlertLine::Group {
            name,
            severity,
            count: entries.len(),
            muted,
        });
        for entry in entries {
            let index = grouped.alerts.len();
            grouped.alerts.push(entry);
            grouped.lines.push(AlertLine::Alert { entry, index });
        }
    }
}

/// The silences muting an alert of `cluster`, as known (ids of unknown silences are skipped).
pub fn silences_of<'a>(cluster: &'a ClusterState, silenced_by: &[Text]) -> Vec<&'a Silence> {
    silenced_by
        .iter()
        .filter_map(|id| cluster.silences.iter().find(|s| &s.id == id))
        .collect()
}

/// Why an alert is muted, for its row: "silenced by alice: deploy window until 14:00 UTC
/// (in 2h)" (with ", propagating (1 of 2 replicas)" while gossip has not brought the
/// silence to every answering replica), "inhibited by PostgresDown", or both joined with
/// "; ". None when firing.
pub fn mute_reason(
    cluster: &ClusterState,
    entry: &AlertEntry<'_>,
    now: Timestamp,
) -> Option<String> {
    let AlertState::Suppressed {
        silenced_by,
        inhibited_by,
    } = &entry.alert.state
    else {
        return None;
    };
    let mut parts = Vec::new();
    for id in silenced_by {
        match cluster.silences.iter().find(|s| &s.id == id) {
            Some(silence) => {
                let mut text = silence_reason(silence, now);
                if let Some(propagating) = silence.propagating(&cluster.replicas) {
                    text.push_str(&format!(", {propagating}"));
                }
                parts.push(text);
            }
            None => parts.push(format!("silenced by silence {id}")),
        }
    }
    if !inhibited_by.is_empty() {
        let names: Vec<String> = inhibited_by
            .iter()
            .map(|fingerprint| {
                cluster
                    .alerts
                    .iter()
                    .find(|a| &a.fingerprint == fingerprint)
                    .map_or_else(|| fingerprint.to_string(), |a| a.name.to_string())
            })
            .collect();
        parts.push(format!("inhibited by {}", names.join(", ")));
    }
    if parts.is_empty() {
        parts.push("suppressed".to_string());
    }
    Some(parts.join("; "))
}

/// "silenced by alice: deploy window until 14:00 UTC (in 2h)".
pub fn silence_reason(silence: &Silence, now: Timestamp) -> String {
    let who = if silence.created_by.is_empty() {
        "someone"
    } else {
        silence.created_by.as_str()
    };
    let mut text = format!("silenced by {who}");
    if !silence.comment.is_empty() {
        text.push_str(&format!(": {}", silence.comment));
    }
    if let Some(ends) = silence.ends_at {
        text.push_str(&format!(" until {}", until_text(ends, now)));
    }
    text
}

/// "14:00 UTC (in 2h)", with the date when it is not within a day.
pub fn until_text(ends: Timestamp, now: Timestamp) -> String {
    let left = seconds_between(now, ends);
    let format = if (0..86_400).contains(&left) {
        "%H:%M UTC"
    } else {
        "%Y-%m-%d %H:%M UTC"
    };
    let when = ends.strftime(format).to_string();
    if left >= 0 {
        format!("{when} (in {})", human_duration(left))
    } else {
        format!("{when} (ended)")
    }
}

/// The alert under the cursor on the screen that shows one: the Alerts screen's grouped
/// list, or the overview's firing list.
pub fn selected_alert_entry(model: &Model) -> Option<AlertEntry<'_>> {
    let rows = match model.ui.view {
        View::Alerts => grouped_alerts(model).alerts,
        _ => merged_alerts(model),
    };
    if rows.is_empty() {
        return None;
    }
    rows.get(selected_alert(model, &rows)).copied()
}
