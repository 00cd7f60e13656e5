//! What `update` asks the app loop to do; the loop performs effects, `update` stays pure.
//! IO requests (fetch a pod's /metrics, create a silence, ...) are data here and run by the
//! executor in `watchdeck_io::executor`; their results come back as `DataEvent`s.

use crate::cluster::ClusterId;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Something visible changed: draw a frame (coalesced, at most 60 per second).
    Render,
    /// Leave the console: stop the sources, restore the terminal, return from `run`.
    Quit,
    /// Talk to one cluster's services; the answer arrives later as a `DataEvent` for
    /// `cluster`.
    Io {
        cluster: ClusterId,
        request: IoRequest,
    },
    /// Start a runbook run: every entry point (palette, alert, direct action from a view)
    /// asks for one this way; the app loop hands it back to `update` as `Msg::StartRun`,
    /// which validates it and starts the engine (`update::runs::start`).
    StartRun(Box<crate::model::runs::StartRun>),
    /// Perform one operation of run `run` (its sequence number) after `delay`; the outcome
    /// comes back as `Msg::RunOutcome`.
    RunOp {
        run: u64,
        id: u64,
        request: Box<crate::runbook::op::OpRequest>,
        delay: std::time::Duration,
    },
    /// Append `record` to the audit file and flush it, synchronously, before any effect that
    /// follows in the same batch. On failure the loop drops the run effects that follow and
    /// sends `Msg::RunAuditFailed`.
    RunAudit {
        run: u64,
        record: Box<crate::runbook::audit::AuditRecord>,
    },
}

/// One request to a cluster's Kubernetes API, Prometheus or Alertmanager, made on the user's
/// behalf. Each feature adds its variant and its arm in `watchdeck_io::executor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IoRequest {
    /// The Services screen's chart for one service of the cluster; answered with
    /// `Payload::Chart`. A newer request for the same cluster cancels this one.
    MetricsChart {
        service: String,
        range: crate::model::services::ChartRange,
        /// Range query step in seconds (fits the chart's columns).
        step: u64,
        seq: u64,
    },
    /// Read a pod's own `/metrics` through the API server's pod proxy
    /// (`/api/v1/namespaces/{namespace}/pods/{pod}[:{port}]/proxy/metrics`); the answer comes
    /// back as `Payload::PodMetrics`.
    PodMetrics {
        namespace: String,
        pod: String,
        port: Option<u16>,
    },
    /// The SLO detail charts of SLO `slo` in this cluster over its period (budget remaining
    /// and burn rates); answered with `Payload::SloChart`. A newer request cancels this one.
    SloChart {
        slo: crate::slo::SloId,
        spec: Box<crate::slo::SloSpec>,
        /// Range query step in seconds (fits the chart's columns).
        step: u64,
        seq: u64,
    },
}
