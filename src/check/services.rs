//! The report's "worst services" section. Today it is built from what the model has: pods
//! grouped by workload and firing alerts by their `service` label. RED metrics (rate, error
//! ratio, p95/p99) plug in through [`service_metrics`] once `ClusterState` carries them.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use super::report::{Status, pod_report};
use watchdeck_core::model::ClusterState;
use watchdeck_core::model::alert::Severity;
use watchdeck_core::model::pod::PodHealth;

/// At most this many services per cluster.
pub const WORST_SERVICES: usize = 5;

/// Request rate, errors and latency of one service over the recent window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ServiceMetrics {
    pub requests_per_sec: f64,
    /// 5xx / all, 0..=1.
    pub error_ratio: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceReport {
    /// The workload (Deployment or StatefulSet name) or the alerts' `service` label.
    pub name: String,
    pub pods_ready: usize,
    pub pods_total: usize,
    /// Pods reported as critical (crash-looping, failed).
    pub pods_failing: usize,
    pub alerts_critical: usize,
    pub alerts_warning: usize,
    /// `None` until the model carries RED metrics (see [`service_metrics`]).
    pub metrics: Option<ServiceMetrics>,
    pub status: Status,
}

/// Error ratio above which a service is listed even without failing pods or alerts (the
/// design's error-rate objective: under 0.1%).
pub const NOTABLE_ERROR_RATIO: f64 = 0.001;

/// The service's RED metrics from Prometheus, when every figure is known.
pub fn service_metrics(cluster: &ClusterState, service: &str) -> Option<ServiceMetrics> {
    let red = cluster
        .metrics
        .services
        .iter()
        .find(|(name, _)| name.as_str() == service)
        .map(|(_, red)| red)?;
    Some(ServiceMetrics {
        requests_per_sec: red.rate?.0,
        error_ratio: red.error_ratio?.0,
        p95_ms: red.p95?.0 * 1000.0,
        p99_ms: red.p99?.0 * 1000.0,
    })
}

/// The services of `cluster` that have something wrong (failing or stuck pods, firing
/// alerts, or a measurable error ratio), worst first, at most [`WORST_SERVICES`].
pub fn worst_services(cluster: &ClusterState, now: Timestamp) -> Vec<ServiceReport> {
    let mut services: BTreeMap<String, ServiceReport> = BTreeMap::new();
    let entry = |services: &mut BTreeMap<String, ServiceReport>, name: &str| {
        services
            .entry(name.to_string())
            .or_insert_with(|| ServiceReport {
                name: name.to_string(),
                pods_ready: 0,
                pods_total: 0,
                pods_failing: 0,
                alerts_critical: 0,
                alerts_warning: 0,
                metrics: None,
                status: Status::Ok,
            })
            .status
    };
    for pod in cluster.pods.values() {
        let health = pod.health();
        if health == PodHealth::Done {
            continue;
        }
        let name = workload_of(pod.key.name.as_str());
        entry(&mut services, name);
        let Some(service) = services.get_mut(name) else {
            continue;
        };
        service.pods_total += 1;
        if health == PodHealth::Healthy {
            service.pods_ready += 1;
        }
        if let Some(finding) = pod_report(pod, now) {
            if finding.status == Status::Critical {
                service.pods_failing += 1;
            }
            service.status = service.status.max(finding.status);
        }
    }
    for name in cluster.metrics.services.keys() {
        entry(&mut services, name.as_str());
    }
    for alert in cluster.firing() {
        let Some((_, name)) = alert.labels.iter().find(|(k, _)| k.as_str() == "service") else {
            continue;
        };
        entry(&mut services, name.as_str());
        let Some(service) = services.get_mut(name.as_str()) else {
            continue;
        };
        match alert.severity {
            Severity::Critical => {
                service.alerts_critical += 1;
                service.status = service.status.max(Status::Critical);
            }
            Severity::Warning => {
                service.alerts_warning += 1;
                service.status = service.status.max(Status::Warning);
            }
            Severity::Info | Severity::Other(_) => {}
        }
    }
    let mut worst: Vec<ServiceReport> = services
        .into_values()
        .map(|mut s| {
            s.metrics = service_metrics(cluster, &s.name);
            s
        })
        .filter(|s| {
            s.status > Status::Ok
                || s.metrics
                    .is_some_and(|m| m.error_ratio > NOTABLE_ERROR_RATIO)
        })
        .collect();
    worst.sort_by(|a, b| {
        b.status
            .cmp(&a.status)
            .then_with(|| {
                (b.alerts_critical, b.pods_failing).cmp(&(a.alerts_critical, a.pods_failing))
            })
            .then_with(|| error_ratio(b).total_cmp(&error_ratio(a)))
            .then_with(|| a.name.cmp(&b.name))
    });
    worst.truncate(WORST_SERVICES);
    worst
}

fn error_ratio(service: &ServiceReport) -> f64 {
    service.metrics.map_or(0.0, |m| m.error_ratio)
}

/// The workload a pod belongs to, from its generated name: `payment-7d9f8c6b5-x2x9z` →
/// `payment` (Deployment: template hash and suffix), `prometheus-0` → `prometheus`
/// (StatefulSet), `node-exporter-x7k2p` → `node-exporter` (DaemonSet, Job); else the name.
pub fn workload_of(pod: &str) -> &str {
    let parts: Vec<&str> = pod.split('-').collect();
    // Kubernetes generates template hashes and name suffixes from this alphabet (no vowels,
    // so words like `exporter` never match).
    const SAFE: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let safe = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| SAFE.contains(&b))
    };
    let cut = |n: usize| {
        let keep: usize = parts[..parts.len() - n].iter().map(|p| p.len() + 1).sum();
        &pod[..keep.saturating_sub(1)]
    };
    match parts.as_slice() {
        [_, .., template, suffix]
            if parts.len() >= 3 && safe(template, 6, 10) && safe(suffix, 5, 5) =>
        {
            cut(2)
        }
        [_, .., last]
            if parts.len() >= 2 && !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) =>
        {
            cut(1)
        }
        [_, .., suffix] if parts.len() >= 2 && safe(suffix, 5, 5) => cut(1),
        _ => pod,
    }
}
