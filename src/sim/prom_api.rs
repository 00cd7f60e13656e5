//! The Prometheus HTTP API (/api/v1/...) over the simulator's TSDB, rules and alerts.
