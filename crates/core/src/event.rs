//! Messages into `update`: data from the sources (`DataEvent`), user actions, clock ticks and
//! layout changes. `tui::input` translates terminal events into them.

use jiff::Timestamp;

use crate::action::{Action, Key};
use crate::cluster::ClusterId;
use crate::model::alert::Alert;
use crate::model::health::SourceKind;
use crate::model::kube::KubeData;
use crate::model::layout::ScreenLayout;
use crate::model::pod::{PodKey, PodRow};
use crate::model::pod_view::PodMetricsResult;
use crate::model::services::{Chart, MetricsUpdate};
use crate::model::silence::AlertSnapshot;
use crate::text::Text;

/// What a source sends: which cluster, when (the source's clock), and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataEvent {
    pub cluster: ClusterId,
    pub at: Timestamp,
    pub payload: Payload,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A change to the cluster's pods.
    Pods(PodsChange),
    /// The complete set of firing alerts, replacing the previous one.
    Alerts(Vec<Alert>),
    /// One poll of every Alertmanager replica: alerts (deduplicated), silences, and each
    /// replica's result.
    AlertSnapshot(Box<AlertSnapshot>),
    /// RED metrics per service (replacing the previous ones), with the answer's status.
    Metrics(MetricsUpdate),
    /// The selected service's chart, answering the request with the same `seq`.
    Chart(Chart),
    /// The source is connected and its data is current, with nothing new to send.
    Alive(SourceKind),
    /// The source failed (it keeps retrying); `reason` is short: "connection refused",
    /// "timeout", "HTTP 503", "bad JSON: ...".
    Failed { source: SourceKind, reason: Text },
    /// Workloads, events, CNPG clusters, or one Kubernetes resource's health.
    Kube(Box<KubeData>),
    /// A pod's `/metrics`, read through the API server's pod proxy (an `IoRequest` result).
    PodMetrics(PodMetricsResult),
    /// One refresh of every SLO evaluated in this cluster: (SLO index, reading), each reading
    /// replacing that SLO's previous one in this cluster.
    SloReadings(Vec<(crate::slo::SloId, crate::slo::SloReading)>),
    /// The SLO detail charts, answering the request with the same `seq` (newest wins).
    SloChart(Box<crate::slo::SloChart>),
}

impl Payload {
    pub fn source(&self) -> SourceKind {
        match self {
            Payload::Pods(_) | Payload::Kube(_) | Payload::PodMetrics(_) => SourceKind::Pods,
            Payload::Alerts(_) | Payload::AlertSnapshot(_) => SourceKind::Alerts,
            Payload::Metrics(_)
            | Payload::Chart(_)
            | Payload::SloReadings(_)
            | Payload::SloChart(_) => SourceKind::Metrics,
            Payload::Alive(source) | Payload::Failed { source, .. } => *source,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodsChange {
    /// The complete list after a (re)list: replaces every pod of the cluster.
    Reset(Vec<PodRow>),
    /// The complete list of one namespace's watch: replaces that namespace's pods only.
    ResetIn(Text, Vec<PodRow>),
    /// A pod was added or modified.
    Upsert(PodRow),
    Deleted(PodKey),
}

impl PodsChange {
    /// The complete list of a pod watch over `namespace` (`None`: every namespace).
    pub fn relist(namespace: Option<Text>, rows: Vec<PodRow>) -> Self {
        match namespace {
            None => PodsChange::Reset(rows),
            Some(namespace) => PodsChange::ResetIn(namespace, rows),
        }
    }
}

/// Everything `update` reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Data(DataEvent),
    /// A key press at `now` (the loop's clock). `update` decides what it means: text for an
    /// open input line or form, an answer to a run's prompt (given to the engine with this
    /// `now`), otherwise the keymap's action.
    Key {
        key: Key,
        now: Timestamp,
    },
    /// Start a runbook run (`Effect::StartRun` handed back by the loop with its `now`).
    StartRun {
        start: Box<crate::model::runs::StartRun>,
        now: Timestamp,
    },
    /// The outcome of operation `id` of run `run` (its sequence number; outcomes of an
    /// older run are dropped).
    RunOutcome {
        run: u64,
        id: u64,
        outcome: Box<crate::runbook::op::OpOutcome>,
        now: Timestamp,
    },
    /// An audit record of run `run` (written before execution or after it, `phase`) could
    /// not be written: the loop dropped the effects that followed it; the run ends with
    /// `error` (which names the file and why).
    RunAuditFailed {
        run: u64,
        phase: crate::runbook::audit::AuditPhase,
        error: String,
    },
    Action(Action),
    /// The clock moved to `now` (ages on screen change, readings may turn stale).
    Tick {
        now: Timestamp,
    },
    /// The terminal was resized.
    Resize,
    /// Rows visible in the pods table and alerts list at the last render, for paging.
    Viewport {
        pods: usize,
        alerts: usize,
    },
    /// A mouse click or wheel turn at a terminal cell.
    Mouse(Mouse),
    /// Where the last frame drew its tabs and lists (sent after each draw).
    Layout(ScreenLayout),
    /// Rows visible in the services table and columns of the chart at the last render.
    ServicesViewport {
        rows: usize,
        chart_columns: u16,
    },
}

/// A mouse event the console reacts to, at (`column`, `row`) from the top left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mouse {
    pub kind: MouseKind,
    pub column: u16,
    pub row: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    /// Left button pressed.
    Click,
    ScrollUp,
    ScrollDown,
}
