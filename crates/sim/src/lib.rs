//! The deterministic fleet simulator: clusters, workloads, a PostgreSQL cluster per region and
//! their signals, evolving on a virtual clock, served over the real wire protocols on loopback.
//!
//! - `world`: the fleet's state and its controllers (deployments, pods, database, traffic).
//! - `scenario`: TOML timelines that drive the world (steady, bad-deploy, region-outage ...).
//! - `kube`: the Kubernetes REST API (discovery, tables, list/watch, patch, dry run, proxy).
//! - `tsdb`, `promql`, `rules`, `prom_api`, `exposition`: the Prometheus side; `history`:
//!   30 days of synthetic SLI history in the store's coarse tier; `slos`: the scenarios' SLOs.
//! - `alertmanager`: the Alertmanager API v2 with real silences.
//! - `rbac`: permissions taken away by deny rules (403s and access review answers).
//! - `server`: binds one endpoint set per cluster and runs the world's ticker.

pub mod alertmanager;
pub mod cli;
pub mod clock;
pub mod endpoint;
pub mod exposition;
pub mod fleet;
#[cfg(test)]
mod fleet_tests;
pub mod history;
pub mod kube;
pub mod labels;
pub mod prom_api;
pub mod promql;
pub mod rbac;
pub mod rng;
pub mod rules;
pub mod scenario;
pub mod server;
pub mod slos;
pub mod tsdb;
pub mod world;
