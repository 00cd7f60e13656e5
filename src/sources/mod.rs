//! Async IO that feeds the console's model, one task per (cluster, source).

pub mod exposition;
