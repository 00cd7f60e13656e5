//! The Prometheus text exposition format (version 0.0.4) for the simulator's /metrics endpoints.

use crate::sim::labels::Labels;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricFamily {
    pub name: String,
    pub help: String,
    pub kind: MetricKind,
    pub samples: Vec<(Labels, f64)>,
}
