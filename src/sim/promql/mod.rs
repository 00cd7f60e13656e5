//! A PromQL subset evaluated over the simulator's TSDB, with Prometheus's semantics and error shapes.
