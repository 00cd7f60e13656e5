//! Traffic and the signals it leaves: per-pod request counters by status, latency
//! histograms, restarts and the database exporter's gauges, as a real fleet would expose them.

use std::collections::BTreeMap;

use super::catalog::{self, LATENCY_BUCKETS};
use super::cluster::ClusterState;
use super::database::DbAccess;
use super::pods::Stage;
use crate::clock::Millis;
use crate::exposition::{MetricFamily, MetricKind};
use crate::labels::{Labels, METRIC_NAME};

/// Share of a database-backed service's requests that write.
const WRITE_SHARE: f64 = 0.3;

#[derive(Debug, Clone, Default)]
pub struct PodCounters {
    pub by_status: BTreeMap<&'static str, f64>,
    /// Cumulative counts per bucket bound, the last one being +Inf.
    pub buckets: Vec<f64>,
    pub latency_sum: f64,
    /// CPU seconds the container used (cAdvisor's `container_cpu_usage_seconds_total`).
    pub cpu_seconds: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Signals {
    pub pods: BTreeMap<(String, String), PodCounters>,
}

/// What one service experiences in one cluster during a tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceLoad {
    pub offered_rps: f64,
    pub utilization: f64,
    pub latency_ms: f64,
    pub error_ratio: f64,
    pub ready_pods: usize,
}

/// Standard normal cumulative distribution (Abramowitz and Stegun 7.1.26, error < 1.5e-7).
pub fn normal_cdf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-(x * x) / 2.0).exp();
    if x >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// The daily swing of offered traffic at virtual time `now`: +-5% over 24 hours.
pub fn diurnal(now: Millis) -> f64 {
    1.0 + 0.05 * ((now as f64 / 3_600_000.0) * std::f64::consts::TAU / 24.0).sin()
}

/// CPU limit of every application container, in cores. A pod's capacity (the catalog's
/// `capacity_per_pod`) is what this limit serves, so one request costs
/// `APP_CPU_LIMIT / capacity_per_pod` CPU seconds.
pub const APP_CPU_LIMIT: f64 = 1.0;

/// Share of arriving requests a pod sheds (HTTP 503) at `utilization`: whatever its CPU
/// limit cannot serve.
pub fn shed_share(utilization: f64) -> f64 {
    if utilization > 1.0 {
        1.0 - 1.0 / utilization
    } else {
        0.0
    }
}

/// How much slower requests get as a pod saturates (queueing), by utilization: 1.75x at
/// 60%, 3x at 80%, 5.5x at 90%, then steeply up to 200x.
pub fn load_factor(utilization: f64) -> f64 {
    if utilization < 0.95 {
        1.0 + 0.5 * utilization / (1.0 - utilization)
    } else {
        ((1.0 + 0.5 * 19.0) * (utilization / 0.95).powi(3)).min(200.0)
    }
}

impl ClusterState {
    /// Advances every pod's counters by `dt_ms` of traffic. `offered` gives each service's
    /// requests per second arriving in this cluster; `access` the database as seen from here.
    pub fn serve_traffic(
        &mut self,
        now: Millis,
        dt_ms: Millis,
        offered: &BTreeMap<&'static str, f64>,
        access: DbAccess,
    ) -> BTreeMap<&'static str, ServiceLoad> {
        let dt = dt_ms as f64 / 1000.0;
        let mut loads = BTreeMap::new();
        for service in catalog::SERVICES {
            let rps = offered.get(service.name).copied().unwrap_or(0.0);
            let ready: Vec<(String, String)> = self
                .pods
                .values()
                .filter(|p| p.service.as_deref() == Some(service.name) && p.ready(now))
                .map(|p| (p.namespace.clone(), p.name.clone()))
                .collect();
            let capacity = ready.len() as f64 * service.capacity_per_pod;
            let utilization = if capacity > 0.0 {
                rps / capacity
            } else {
                f64::INFINITY
            };
            let shed = shed_share(utilization);
            let cpu_per_request = APP_CPU_LIMIT / service.capacity_per_pod;
            let write_failures = if service.needs_database && access == DbAccess::ReadOnly {
                WRITE_SHARE
            } else {
                0.0
            };
            let mut service_latency = 0.0;
            let mut service_errors = 0.0;
            for key in &ready {
                let Some(pod) = self.pods.get(key) else {
                    continue;
                };
                let behaviour = self.version_behaviour(service.name, &pod.version);
                let version_errors = behaviour
                    .and_then(|b| b.error_ratio)
                    .unwrap_or(service.error_ratio);
                let median_ms = behaviour
                    .and_then(|b| b.latency_ms)
                    .unwrap_or(service.latency_ms)
                    * load_factor(utilization);
                let noise = 1.0 + self.rng.range(-0.08, 0.08);
                let requests = rps / ready.len() as f64 * dt * noise;
                let server_errors = (version_errors + write_failures).min(1.0);
                let counters = self.signals.pods.entry(key.clone()).or_default();
                let ok_share = (1.0 - server_errors - shed - 0.01).max(0.0);
                *counters.by_status.entry("200").or_default() += requests * ok_share;
                *counters.by_status.entry("404").or_default() += requests * 0.01;
                *counters.by_status.entry("500").or_default() += requests * server_errors;
                *counters.by_status.entry("503").or_default() += requests * shed;
                if counters.buckets.is_empty() {
                    counters.buckets = vec![0.0; LATENCY_BUCKETS.len() + 1];
                }
                let sigma = service.latency_sigma;
                let median_s = median_ms / 1000.0;
                for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                    counters.buckets[i] +=
                        requests * normal_cdf((bound.ln() - median_s.ln()) / sigma);
                }
                counters.buckets[LATENCY_BUCKETS.len()] += requests;
                counters.latency_sum += requests * median_s * (sigma * sigma / 2.0).exp();
                counters.cpu_seconds +=
                    (requests * (1.0 - shed) * cpu_per_request).min(APP_CPU_LIMIT * dt);
                service_latency = median_ms;
                service_errors = server_errors + shed;
            }
            loads.insert(
                service.name,
                ServiceLoad {
                    offered_rps: rps,
                    utilization,
                    latency_ms: service_latency,
                    error_ratio: service_errors,
                    ready_pods: ready.len(),
                },
            );
        }
        let live: std::collections::BTreeSet<_> = self.pods.keys().cloned().collect();
        self.signals.pods.retain(|key, _| live.contains(key));
        loads
    }

    /// Every series this cluster exposes now, grouped into metric families.
    pub fn metric_families(
        &self,
        db_rps_local: f64,
        db_rps_remote_writes: f64,
    ) -> Vec<MetricFamily> {
        let cluster = self.name();
        let base = |ns: &str, pod: &str| {
            Labels::from_pairs([("cluster", cluster), ("namespace", ns), ("pod", pod)])
        };
        let mut requests = Vec::new();
        let (mut buckets, mut sums, mut counts) = (Vec::new(), Vec::new(), Vec::new());
        for ((ns, pod_name), counters) in &self.signals.pods {
            let Some(service) = self
                .pods
                .get(&(ns.clone(), pod_name.clone()))
                .and_then(|p| p.service.clone())
            else {
                continue;
            };
            let labels = base(ns, pod_name).with("service", service.as_str());
            for (status, value) in &counters.by_status {
                requests.push((
                    labels
                        .clone()
                        .with(METRIC_NAME, "http_requests_total")
                        .with("status", *status),
                    value.floor(),
                ));
            }
            let bucket_labels = labels
                .clone()
                .with(METRIC_NAME, "http_request_duration_seconds_bucket");
            for (i, value) in counters.buckets.iter().enumerate() {
                let le = LATENCY_BUCKETS
                    .get(i)
                    .map_or_else(|| "+Inf".to_string(), |b| format_bound(*b));
                buckets.push((bucket_labels.clone().with("le", le), value.floor()));
            }
            sums.push((
                labels
                    .clone()
                    .with(METRIC_NAME, "http_request_duration_seconds_sum"),
                counters.latency_sum,
            ));
            counts.push((
                labels.with(METRIC_NAME, "http_request_duration_seconds_count"),
                counters.buckets.last().copied().unwrap_or(0.0).floor(),
            ));
        }
        let cpu: Vec<(Labels, f64)> = self
            .signals
            .pods
            .iter()
            .filter_map(|((ns, name), counters)| {
                let pod = self.pods.get(&(ns.clone(), name.clone()))?;
                pod.service.as_ref()?;
                Some((
                    base(ns, name)
                        .with(METRIC_NAME, "container_cpu_usage_seconds_total")
                        .with("container", pod.container.as_str()),
                    counters.cpu_seconds,
                ))
            })
            .collect();
        let limits: Vec<(Labels, f64)> = self
            .pods
            .values()
            .filter(|p| p.service.is_some())
            .filter_map(|p| {
                let node = p.node.as_deref()?;
                Some((
                    base(&p.namespace, &p.name)
                        .with(METRIC_NAME, "kube_pod_container_resource_limits")
                        .with("container", p.container.as_str())
                        .with("node", node)
                        .with("resource", "cpu")
                        .with("unit", "core"),
                    APP_CPU_LIMIT,
                ))
            })
            .collect();
        let mut histogram = buckets;
        histogram.extend(sums);
        histogram.extend(counts);
        let restarts = self
            .pods
            .values()
            .filter(|p| p.node.is_some())
            .map(|p| {
                (
                    base(&p.namespace, &p.name)
                        .with(METRIC_NAME, "kube_pod_container_status_restarts_total")
                        .with("container", p.container.as_str())
                        .with("uid", p.uid.as_str()),
                    f64::from(p.restarts),
                )
            })
            .collect();
        let waiting = self
            .pods
            .values()
            .filter(|p| matches!(p.stage, Stage::BackOff { .. }))
            .map(|p| {
                (
                    base(&p.namespace, &p.name)
                        .with(METRIC_NAME, "kube_pod_container_status_waiting_reason")
                        .with("container", p.container.as_str())
                        .with("reason", "CrashLoopBackOff")
                        .with("uid", p.uid.as_str()),
                    1.0,
                )
            })
            .collect();
        let mut families = vec![
            family(
                "http_requests_total",
                "Total HTTP requests by status code.",
                MetricKind::Counter,
                requests,
            ),
            family(
                "http_request_duration_seconds",
                "HTTP request latency in seconds.",
                MetricKind::Histogram,
                histogram,
            ),
            family(
                "kube_pod_container_status_restarts_total",
                "The number of container restarts per container.",
                MetricKind::Counter,
                restarts,
            ),
            family(
                "container_cpu_usage_seconds_total",
                "Cumulative cpu time consumed in seconds.",
                MetricKind::Counter,
                cpu,
            ),
            family(
                "kube_pod_container_resource_limits",
                "The number of requested limit resource by a container.",
                MetricKind::Gauge,
                limits,
            ),
            family(
                "kube_pod_container_status_waiting_reason",
                "Describes the reason the container is currently in waiting state.",
                MetricKind::Gauge,
                waiting,
            ),
        ];
        families.extend(self.database_families(db_rps_local, db_rps_remote_writes));
        families
    }

    fn database_families(&self, db_rps_local: f64, db_rps_remote_writes: f64) -> Vec<MetricFamily> {
        let (mut up, mut backends, mut max_conn, mut lag, mut commits) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut committed_at, mut replayed_at) = (Vec::new(), Vec::new());
        for instance in &self.db.instances {
            let labels = Labels::from_pairs([
                ("cluster", self.name()),
                ("namespace", catalog::DB_NAMESPACE),
                ("pod", instance.name.as_str()),
            ]);
            up.push((
                labels.clone().with(METRIC_NAME, "pg_up"),
                if instance.up { 1.0 } else { 0.0 },
            ));
            if !instance.up {
                continue;
            }
            let primary = instance.name == self.db.current_primary;
            let connections = if primary && self.db.replica_source.is_none() {
                20.0 + 0.08 * db_rps_local + 0.05 * db_rps_remote_writes
            } else {
                8.0 + 0.02 * db_rps_local
            };
            let connections = connections.min(catalog::DB_MAX_CONNECTIONS).round();
            backends.push((
                labels
                    .clone()
                    .with(METRIC_NAME, "pg_stat_database_numbackends")
                    .with("datname", "orders"),
                connections,
            ));
            max_conn.push((
                labels
                    .clone()
                    .with(METRIC_NAME, "pg_settings_max_connections"),
                catalog::DB_MAX_CONNECTIONS,
            ));
            lag.push((
                labels
                    .clone()
                    .with(METRIC_NAME, "pg_replication_lag_seconds"),
                (instance.lag_seconds * 1000.0).round() / 1000.0,
            ));
            if let Some(at) = instance.replayed_at {
                replayed_at.push((
                    labels
                        .clone()
                        .with(METRIC_NAME, "pg_last_xact_replay_timestamp_seconds"),
                    at as f64 / 1000.0,
                ));
            }
            if primary
                && self.db.replica_source.is_none()
                && let Some(at) = self.db.last_commit_at
            {
                committed_at.push((
                    labels
                        .clone()
                        .with(METRIC_NAME, "pg_last_committed_xact_timestamp_seconds"),
                    at as f64 / 1000.0,
                ));
            }
            if primary {
                commits.push((
                    labels
                        .with(METRIC_NAME, "pg_stat_database_xact_commit")
                        .with("datname", "orders"),
                    self.db.commits.floor(),
                ));
            }
        }
        vec![
            family(
                "pg_up",
                "Whether the last scrape of metrics from PostgreSQL was able to connect to the server (1 for yes, 0 for no).",
                MetricKind::Gauge,
                up,
            ),
            family(
                "pg_stat_database_numbackends",
                "Number of backends currently connected to this database.",
                MetricKind::Gauge,
                backends,
            ),
            family(
                "pg_settings_max_connections",
                "Sets the maximum number of concurrent connections.",
                MetricKind::Gauge,
                max_conn,
            ),
            family(
                "pg_replication_lag_seconds",
                "Replication lag behind master in seconds.",
                MetricKind::Gauge,
                lag,
            ),
            family(
                "pg_last_committed_xact_timestamp_seconds",
                "Commit time of the last transaction on this primary (pg_last_committed_xact(), needs track_commit_timestamp).",
                MetricKind::Gauge,
                committed_at,
            ),
            family(
                "pg_last_xact_replay_timestamp_seconds",
                "Commit time of the last transaction this standby replayed (pg_last_xact_replay_timestamp()).",
                MetricKind::Gauge,
                replayed_at,
            ),
            family(
                "pg_stat_database_xact_commit",
                "Number of transactions in this database that have been committed.",
                MetricKind::Counter,
                commits,
            ),
        ]
    }
}

fn family(name: &str, help: &str, kind: MetricKind, samples: Vec<(Labels, f64)>) -> MetricFamily {
    MetricFamily {
        name: name.to_string(),
        help: help.to_string(),
        kind,
        samples,
    }
}

/// Bucket bounds as Prometheus client libraries print them ("0.005", "1", "2.5").
pub fn format_bound(bound: f64) -> String {
    let text = format!("{bound}");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_known_values() {
        for (x, expected) in [
            (0.0, 0.5),
            (1.0, 0.841_344_7),
            (-1.96, 0.024_997_9),
            (2.326, 0.989_992),
        ] {
            assert!(
                (normal_cdf(x) - expected).abs() < 1e-5,
                "{x}: {}",
                normal_cdf(x)
            );
        }
    }

    #[test]
    fn latency_grows_with_load() {
        assert!((load_factor(0.0) - 1.0).abs() < 1e-12);
        assert!((load_factor(0.5) - 1.5).abs() < 1e-12);
        assert!(load_factor(0.96) > 10.0);
        assert!(load_factor(5.0) <= 200.0);
    }
}
