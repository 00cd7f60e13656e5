//! What `update` asks the app loop to do; the loop performs effects, `update` stays pure.
//! IO requests (fetch a pod's /metrics, create a silence, ...) are data here and run by the
//! executor in `app::executor`; their results come back as `DataEvent`s.

use crate::model::ClusterId;

#[derive(Debug, Clone, PartialEq, Eq)]
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
}

/// One request to a cluster's Kubernetes API, Prometheus or Alertmanager, made on the user's
/// behalf. Each feature adds its variant and its arm in `app::executor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IoRequest {
    /// Read a pod's own `/metrics` through the API server's pod proxy
    /// (`/api/v1/namespaces/{namespace}/pods/{pod}[:{port}]/proxy/metrics`); the answer comes
    /// back as `Payload::PodMetrics`.
    PodMetrics {
        namespace: String,
        pod: String,
        port: Option<u16>,
    },
}
