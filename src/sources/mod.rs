//! Async IO that feeds the console's model, one task per (cluster, source).

pub mod alertmanager;
pub mod exposition;
pub mod kube;
pub mod retry;
