//! The Prometheus text exposition format (version 0.0.4) for the simulator's /metrics endpoints.
