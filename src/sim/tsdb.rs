//! An in-memory time-series store sampled on a shared grid, with bounded retention.
