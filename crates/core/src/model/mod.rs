//! The console's state as plain data: clusters in configuration order with their pods, firing
//! alerts and source health, plus the view's cursor state. No IO, no clock, no terminal.

pub mod alert;
pub mod alert_groups;
pub mod database;
pub mod event;
pub mod filter;
pub mod go_float;
pub mod health;
pub mod input;
pub mod kube;
pub mod layout;
pub mod palette;
pub mod pod;
pub mod pod_detail;
pub mod pod_order;
pub mod pod_view;
pub mod range_step;
pub mod rollout;
pub mod rows;
pub mod run_form;
pub mod runs;
pub mod services;
pub mod silence;
pub mod silence_form;
pub mod slo_view;
pub mod suggest;
pub mod time;
pub mod workload;
pub mod workload_view;

use std::collections::{BTreeMap, BTreeSet};

use self::alert::{Alert, SeverityCounts};
use self::health::{Health, SourceKind};
use self::kube::KubeState;
use self::pod::{PodKey, PodRow};
use self::pod_view::PodView;
use crate::action::Keymap;
use crate::cluster::ClusterId;
use crate::screen::View;
use crate::text::Text;

/// One cluster's live state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterState {
    pub name: Text,
    pub labels: BTreeMap<Text, Text>,
    pub pods: BTreeMap<PodKey, PodRow>,
    /// Alerts (firing, silenced and inhibited), deduplicated by fingerprint and sorted.
    pub alerts: Vec<Alert>,
    pub health: BTreeMap<SourceKind, Health>,
    /// Active and pending silences of the cluster's Alertmanager, by id.
    pub silences: Vec<silence::Silence>,
    /// Each Alertmanager replica and how its last poll went (empty until the first poll).
    pub replicas: Vec<silence::Replica>,
    /// RED metrics per service, from Prometheus.
    pub metrics: services::ClusterMetrics,
    /// Workloads, events, CNPG clusters, per-resource health and pod counts.
    pub kube: KubeState,
}

impl ClusterState {
    /// A cluster with no data yet; every source starts as connecting.
    pub fn new(name: &str, labels: &BTreeMap<String, String>) -> Self {
        ClusterState {
            name: Text::new(name),
            labels: labels
                .iter()
                .map(|(k, v)| (Text::new(k), Text::new(v)))
                .collect(),
            pods: BTreeMap::new(),
            alerts: Vec::new(),
            silences: Vec::new(),
            replicas: Vec::new(),
            health: SourceKind::ALL
                .iter()
                .map(|kind| (*kind, Health::Connecting))
                .collect(),
            metrics: services::ClusterMetrics::default(),
            kube: KubeState::default(),
        }
    }

    /// The alerts that fire and are not muted (silenced or inhibited).
    pub fn firing(&self) -> impl Iterator<Item = &Alert> {
        self.alerts.iter().filter(|a| a.is_active())
    }

    pub fn label(&self, key: &str) -> Option<&Text> {
        self.labels
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    }

    pub fn health(&self, kind: SourceKind) -> &Health {
        const CONNECTING: &Health = &Health::Connecting;
        self.health.get(&kind).unwrap_or(CONNECTING)
    }

    /// The band's figures, from counts maintained on every pod change (no walk of the pods).
    pub fn summary(&self) -> ClusterSummary {
        let counts = &self.kube.pod_counts;
        ClusterSummary {
            alerts: SeverityCounts::of(&self.alerts),
            pods_ready: counts.ready,
            pods_total: counts.total,
            crash_looping: counts.crash_looping,
        }
    }
}

/// The figures a cluster band shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterSummary {
    /// Pods running with every container ready.
    pub pods_ready: usize,
    /// Pods, not counting completed ones.
    pub pods_total: usize,
    pub crash_looping: usize,
    pub alerts: SeverityCounts,
}

/// Which list the movement keys scroll on the overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Pods,
    Alerts,
}

/// A pod across the fleet.
pub type PodRef = (ClusterId, PodKey);
/// An alert across the fleet: cluster and fingerprint.
pub type AlertRef = (ClusterId, Text);

/// Selection and scroll position in a list. The selection follows its item (`key`) when the
/// list reorders; `index` is the fallback when the item disappears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor<K> {
    pub key: Option<K>,
    pub index: usize,
    pub offset: usize,
}

impl<K> Default for Cursor<K> {
    fn default() -> Self {
        Cursor {
            key: None,
            index: 0,
            offset: 0,
        }
    }
}

/// The first visible row so that `selected` shows in a window of `height` rows, moving the
/// previous `offset` as little as possible.
pub fn scroll_offset(selected: usize, offset: usize, len: usize, height: usize) -> usize {
    if height == 0 || len == 0 {
        return 0;
    }
    let max_offset = len.saturating_sub(height);
    let mut offset = offset.min(max_offset);
    if selected < offset {
        offset = selected;
    } else if selected >= offset + height {
        offset = selected + 1 - height;
    }
    offset.min(max_offset)
}

/// View state that lives in the model so that `update` owns every change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UiState {
    pub view: View,
    /// The overview's focused list.
    pub focus: Pane,
    pub show_help: bool,
    /// First help line shown (the help scrolls when it is taller than the terminal).
    pub help_scroll: usize,
    pub pods: Cursor<PodRef>,
    pub alerts: Cursor<AlertRef>,
    /// Rows visible in the pods table and the alerts list at the last render (for paging).
    pub pods_page: usize,
    pub alerts_page: usize,
    /// The open silence form or expire confirmation (takes every key while open).
    pub silence: Option<silence_form::SilenceForm>,
    /// Who the silence form names as author by default (the OS user).
    pub user: Text,
    /// The `/` filter of each list.
    pub filter: filter::Filters,
    /// The clusters every screen shows; `None` shows all.
    pub clusters_shown: Option<BTreeSet<ClusterId>>,
    /// The prompt open in the bottom line (`/` filter or `:` palette), if any.
    pub prompt: Option<input::Prompt>,
    /// Where the last frame drew its tabs and lists (for the mouse).
    pub layout: layout::ScreenLayout,
    /// The Services screen's selected (cluster, service).
    pub services: Cursor<services::ServiceRef>,
    pub services_page: usize,
    /// The Services table's order (`s`).
    pub services_sort: services::ServiceSort,
    /// The Services screen's chart range.
    pub chart_range: services::ChartRange,
    /// Columns of the chart at the last render (the range query's step follows it).
    pub chart_columns: u16,
    /// The newest chart request; older answers are dropped.
    pub chart_seq: u64,
    /// What the newest chart request asked for: service, range and step.
    pub chart_for: Option<(services::ServiceRef, services::ChartRange, u64)>,
    /// The SLOs screen: cursor, open detail, SLA helper.
    pub slo: slo_view::SloViewState,
    /// The Workloads screen: cursor, sort, and the scale or rollback popup.
    pub workloads: workload_view::WorkloadViewState,
    /// The runbook chooser or parameter form (takes every key while open).
    pub run_entry: Option<run_form::RunEntry>,
    /// A one-line message for the bottom line (why an action could not start), cleared by
    /// the next key.
    pub notice: Option<Text>,
}

impl UiState {
    /// Whether cluster `id` is shown (not hidden by a per-cluster filter).
    pub fn shows_cluster(&self, id: ClusterId) -> bool {
        self.clusters_shown
            .as_ref()
            .is_none_or(|shown| shown.contains(&id))
    }
}

/// The simulated fleet the console watches, when it is one (said in the title bar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    /// The scenario's name (`bad-deploy`).
    pub scenario: Text,
    /// Virtual time of the scenario's start; the title bar shows the time since.
    pub start: jiff::Timestamp,
}

/// Everything the console knows. Owned by the app loop, changed only by `update`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    pub clusters: Vec<ClusterState>,
    pub ui: UiState,
    /// Keys and the actions they trigger: the defaults with the config's overrides.
    pub keymap: Keymap,
    /// The Pods screen: maintained order, side panel, the selected pod's metrics.
    pub podview: PodView,
    /// Service level objectives, their readings per cluster and fleet-wide.
    pub slos: crate::slo::SloBoard,
    /// Runbooks: the library and the run in progress.
    pub runs: runs::Runs,
    /// Set when the fleet is the built-in simulator.
    pub simulation: Option<Simulation>,
}

impl Model {
    /// A model with the given clusters (name and labels), in configuration order.
    pub fn new<'a>(
        clusters: impl IntoIterator<Item = (&'a str, &'a BTreeMap<String, String>)>,
    ) -> Self {
        Model {
            clusters: clusters
                .into_iter()
                .map(|(name, labels)| ClusterState::new(name, labels))
                .collect(),
            ui: UiState {
                pods_page: 10,
                alerts_page: 5,
                ..UiState::default()
            },
            keymap: Keymap::default(),
            podview: PodView::default(),
            slos: crate::slo::SloBoard::default(),
            runs: runs::Runs::default(),
            simulation: None,
        }
    }

    pub fn pod_count(&self) -> usize {
        self.clusters.iter().map(|c| c.pods.len()).sum()
    }

    /// Firing alerts (silenced and inhibited ones not counted).
    pub fn alert_count(&self) -> usize {
        self.clusters.iter().map(|c| c.firing().count()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_cycle_in_tab_order() {
        assert_eq!(View::Overview.next(), View::Services);
        assert_eq!(View::Alerts.next(), View::Slos);
        assert_eq!(View::Slos.next(), View::Workloads);
        assert_eq!(View::Workloads.next(), View::Overview);
        assert_eq!(View::Overview.previous(), View::Workloads);
        assert_eq!(View::Pods.previous(), View::Services);
    }

    #[test]
    fn scroll_offset_keeps_selection_visible() {
        assert_eq!(scroll_offset(0, 0, 100, 10), 0);
        assert_eq!(scroll_offset(9, 0, 100, 10), 0);
        assert_eq!(scroll_offset(10, 0, 100, 10), 1);
        assert_eq!(scroll_offset(5, 8, 100, 10), 5);
        assert_eq!(scroll_offset(99, 0, 100, 10), 90);
        assert_eq!(scroll_offset(3, 50, 5, 10), 0);
        assert_eq!(scroll_offset(3, 2, 5, 0), 0);
    }
}
