//! The Pods screen's own state: the maintained order, which side panel is open, and the
//! selected pod's scraped `/metrics` (read through the API server's pod proxy).

use jiff::Timestamp;

use super::pod::PodKey;
use super::pod_order::PodOrder;
use crate::cluster::ClusterId;
use crate::model::PodRef;
use crate::text::Text;

/// Ticks (about a second each) between two reads of an open metrics panel.
pub const METRICS_REFRESH_TICKS: u32 = 3;
/// Ticks after which a read that never answered no longer blocks the next one.
pub const METRICS_GIVE_UP_TICKS: u32 = 15;

/// The panel beside (or below) the pods table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PodPanel {
    #[default]
    None,
    /// Conditions, containers and recent events of the selected pod.
    Describe,
    /// The selected pod's own `/metrics`, raw.
    Metrics,
}

/// One sample of a pod's exposition, shown as scraped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricSample {
    pub name: Text,
    /// `key="value"` pairs in label order.
    pub labels: Vec<(Text, Text)>,
    /// The value as Prometheus writes it (`1234`, `0.25`, `NaN`, `+Inf`).
    pub value: Text,
}

/// A finished read of a pod's `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodMetricsResult {
    pub namespace: Text,
    pub pod: Text,
    /// The samples, or why there are none ("HTTP 503: ...", "timeout").
    pub samples: Result<Vec<MetricSample>, Text>,
    /// Lines the guarded parser repaired or rejected, as `line N: reason`.
    pub issues: Vec<Text>,
}

/// The metrics panel's data for one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodMetrics {
    pub pod: PodRef,
    /// The last answer, kept while the next read runs.
    pub last: Option<PodMetricsResult>,
    pub at: Option<Timestamp>,
    pub in_flight: bool,
    /// Ticks since the last read started.
    pub ticks: u32,
}

impl PodMetrics {
    pub fn new(pod: PodRef) -> Self {
        PodMetrics {
            pod,
            last: None,
            at: None,
            in_flight: false,
            ticks: 0,
        }
    }

    pub fn is_for(&self, cluster: ClusterId, key: &PodKey) -> bool {
        self.pod.0 == cluster && &self.pod.1 == key
    }
}

/// State of the Pods screen that `update` owns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodView {
    pub order: PodOrder,
    pub panel: PodPanel,
    pub metrics: Option<PodMetrics>,
}
