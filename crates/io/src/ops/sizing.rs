//! How many replicas a workload needs for the load it is offered: incoming requests per
//! second times the CPU seconds one served request costs, over the CPU a pod may use at the
//! target utilisation. Measured from Prometheus so the arithmetic holds while pods are
//! saturated: the incoming rate counts shed (503) requests too, and the cost per request
//! divides CPU by *served* requests, so CPU capped at the limit does not make it under-count.

use super::client::Ops;
use super::prometheus::{format_number, quoted, value};
use watchdeck_core::runbook::resolved::ObjectRef;

/// Rate window of the measurements.
const WINDOW: &str = "2m";

/// What the workload is offered and what serving costs, as measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Load {
    /// Requests per second arriving, all statuses (shed ones included).
    pub incoming_rps: f64,
    /// CPU seconds one served request costs.
    pub cpu_per_request: f64,
    /// CPU limit of one pod, in cores.
    pub cpu_limit: f64,
}

impl Load {
    /// CPU the load needs, in cores.
    pub fn cpu_needed(&self) -> f64 {
        self.incoming_rps * self.cpu_per_request
    }

    /// Pods that carry the load with each at `target` of its CPU limit:
    /// ceil(incoming x cost / (limit x target)); at least 1.
    pub fn pods_at(&self, target: f64) -> i32 {
        let per_pod = self.cpu_limit * target;
        if per_pod <= 0.0 || !per_pod.is_finite() {
            return 1;
        }
        // A hair under a whole number stays that number (0.6 x 50 is 30.000000000000004).
        let exact = self.cpu_needed() / per_pod;
        let pods = (exact - 1e-9).ceil();
        (pods.clamp(1.0, f64::from(i32::MAX))) as i32
    }

    /// The arithmetic in words: `1,240 req/s x 0.021 CPU-s/req = 26.0 CPU; 60% of 1 CPU per
    /// pod -> 44 pods, now 4`.
    pub fn worded(&self, target: f64, current: i32) -> String {
        format!(
            "{} req/s x {} CPU-s/req = {:.1} CPU; {}% of {} CPU per pod -> {} pods, now {current}",
            thousands(self.incoming_rps),
            cost(self.cpu_per_request),
            self.cpu_needed(),
            format_number(target * 100.0),
            format_number(self.cpu_limit),
            self.pods_at(target),
        )
    }
}

/// `1,240`: a rate rounded to whole requests, with thousands separators.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `0.021`, `0.0042`: three significant digits.
fn cost(value: f64) -> String {
    if value >= 0.1 {
        format!("{value:.2}")
    } else if value >= 0.01 {
        format!("{value:.3}")
    } else {
        format!("{value:.4}")
    }
}

/// Measures `object`'s load from its cluster's Prometheus. The series: `http_requests_total`
/// (label `service` = the workload), cAdvisor's `container_cpu_usage_seconds_total` and
/// kube-state-metrics' `kube_pod_container_resource_limits` (label `container` = the
/// workload). An error says which figure is missing and what to do.
pub async fn measure(ops: &Ops, object: &ObjectRef) -> Result<(Load, Vec<String>), String> {
    let (_, target) = ops
        .prometheus(&object.cluster)
        .await
        .map_err(|e| e.to_string())?;
    let mut base: Vec<String> = target
        .matchers()
        .iter()
        .map(|(k, v)| format!("{k}={}", quoted(v)))
        .collect();
    base.push(format!("namespace={}", quoted(&object.namespace)));
    let by = |label: &str, extra: &str| {
        let mut m = base.clone();
        m.push(format!("{label}={}", quoted(&object.name)));
        if !extra.is_empty() {
            m.push(extra.to_string());
        }
        m.join(",")
    };
    let incoming_q = format!(
        "sum(rate(http_requests_total{{{}}}[{WINDOW}]))",
        by("service", "")
    );
    let served_q = format!(
        "sum(rate(http_requests_total{{{}}}[{WINDOW}]))",
        by("service", "status!=\"503\"")
    );
    let cpu_q = format!(
        "sum(rate(container_cpu_usage_seconds_total{{{}}}[{WINDOW}]))",
        by("container", "")
    );
    let limit_q = format!(
        "avg(kube_pod_container_resource_limits{{{}}})",
        by("container", "resource=\"cpu\",unit=\"core\"")
    );
    let mut read = Vec::new();
    for query in [&incoming_q, &served_q, &cpu_q, &limit_q] {
        let v = value(ops, &object.cluster, query)
            .await
            .map_err(|e| e.to_string())?
            .filter(|v| v.is_finite());
        read.push(v);
    }
    let missing = |what: &str, query: &str| {
        format!(
            "cannot size {} for its load: no {what} ({query} returned nothing on {}); give `replicas` instead",
            object.name, object.cluster
        )
    };
    let incoming = read[0].ok_or_else(|| missing("request rate", &incoming_q))?;
    let served = read[1]
        .filter(|s| *s > 0.0)
        .ok_or_else(|| missing("served requests", &served_q))?;
    let cpu = read[2].ok_or_else(|| missing("CPU usage", &cpu_q))?;
    let limit = read[3]
        .filter(|l| *l > 0.0)
        .ok_or_else(|| missing("CPU limit", &limit_q))?;
    let load = Load {
        incoming_rps: incoming,
        cpu_per_request: cpu / served,
        cpu_limit: limit,
    };
    let notes = vec![format!(
        "measured on {} over {WINDOW}: incoming {incoming_q}; CPU per request {cpu_q} / {served_q}; CPU per pod {limit_q}",
        object.cluster
    )];
    Ok((load, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_for_the_load_and_the_arithmetic_in_words() {
        let load = Load {
            incoming_rps: 1240.0,
            cpu_per_request: 0.021,
            cpu_limit: 1.0,
        };
        assert!((load.cpu_needed() - 26.04).abs() < 1e-9);
        assert_eq!(load.pods_at(0.6), 44);
        assert_eq!(
            load.worded(0.6, 4),
            "1,240 req/s x 0.021 CPU-s/req = 26.0 CPU; 60% of 1 CPU per pod -> 44 pods, now 4"
        );
        // Exactly on a whole number does not round up to one more pod.
        let even = Load {
            incoming_rps: 1500.0,
            cpu_per_request: 0.02,
            cpu_limit: 1.0,
        };
        assert_eq!(even.pods_at(0.6), 50);
        assert_eq!(even.pods_at(1.0), 30);
    }

    #[test]
    fn saturated_pods_do_not_make_it_under_count() {
        // 4 pods of 1 CPU at their limit serve 267 req/s of 1,200 arriving (the rest shed
        // as 503): cost = 4 CPU / 267 served = 0.015; sized on the 1,200 arriving.
        let served = 4.0 / 0.015;
        let load = Load {
            incoming_rps: 1200.0,
            cpu_per_request: 4.0 / served,
            cpu_limit: 1.0,
        };
        // Sizing on the CPU used (4 cores at 60%) would have said 7.
        assert_eq!(load.pods_at(0.6), 30);
    }

    #[test]
    fn no_load_needs_one_pod() {
        let idle = Load {
            incoming_rps: 0.0,
            cpu_per_request: 0.02,
            cpu_limit: 1.0,
        };
        assert_eq!(idle.pods_at(0.6), 1);
        assert_eq!(thousands(1_234_567.4), "1,234,567");
        assert_eq!(thousands(12.0), "12");
        assert_eq!(cost(0.0042), "0.0042");
    }
}
