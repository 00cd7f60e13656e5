//! Thirty days of synthetic history for the SLI series, so 30-day SLO periods and 1-day and
//! 3-day burn windows read realistic data from the first query: per cluster and service, the
//! request counters by status and the latency histogram of one pod of an earlier ReplicaSet,
//! one point every five minutes, ending when the simulation's warm-up begins (the live pods
//! take over from there). Past incidents (`sim::slos::PAST_INCIDENTS`) spend some budget.
//! Deterministic: the same seed gives the same history.

use super::clock::Millis;
use super::labels::{Labels, METRIC_NAME};
use super::rng::SimRng;
use super::slos::PAST_INCIDENTS;
use super::world::catalog::{APP_NAMESPACE, ClusterSpec, LATENCY_BUCKETS, SERVICES, ServiceSpec};
use super::world::signals::{diurnal, format_bound, load_factor, normal_cdf};

/// Spacing of history points (and of the coarse tier's copies of live scrapes).
pub const STEP_MS: Millis = 5 * 60_000;
/// How much history the simulator synthesizes by default.
pub const DEFAULT_DAYS: u32 = 30;
/// The SLI series the history holds and the coarse tier keeps.
pub const SLI_METRICS: [&str; 4] = [
    "http_requests_total",
    "http_request_duration_seconds_bucket",
    "http_request_duration_seconds_sum",
    "http_request_duration_seconds_count",
];
/// The statuses a pod's request counter carries, as the live pods expose them.
const STATUSES: [&str; 4] = ["200", "404", "500", "503"];

/// One tier's worth of rows: ascending timestamps and one value per timestamp per series.
pub struct History {
    pub grid: Vec<Millis>,
    pub series: Vec<(Labels, Vec<f64>)>,
}

/// The history pod of a service: `payment-5d8f7b6c4-h1st0`, a fixed name per seed and cluster.
pub fn pod_name(rng: &SimRng, cluster: &str, service: &str) -> String {
    let mut rng = rng.fork(cluster).fork(service);
    format!("{service}-{}-h1st0", rng.suffix(9))
}

/// `days` of history for one cluster, the last point 5 s (one live scrape) before `end`.
pub fn cluster_history(seed: u64, cluster: &ClusterSpec, end: Millis, days: u32) -> History {
    let n = days as usize * 288 + 1;
    let first = end - 5_000 - (n as Millis - 1) * STEP_MS;
    let grid: Vec<Millis> = (0..n as Millis).map(|k| first + k * STEP_MS).collect();
    let root = SimRng::new(seed).fork("history");
    let mut series = Vec::new();
    for service in SERVICES {
        series.extend(service_rows(&root, cluster, service, &grid, end));
    }
    History { grid, series }
}

/// Extra 5xx share and latency factor of past incidents at `t`.
fn incident_effect(cluster: &str, service: &str, t: Millis, end: Millis) -> (f64, f64) {
    PAST_INCIDENTS
        .iter()
        .filter(|i| i.cluster == cluster && i.service == service)
        .filter(|i| {
            let start = end - i.started_before_ms;
            t > start && t <= start + i.duration_ms
        })
        .fold((0.0, 1.0), |(errors, slow), i| {
            (errors + i.extra_errors, slow * i.latency_factor)
        })
}

fn service_rows(
    root: &SimRng,
    cluster: &ClusterSpec,
    service: &ServiceSpec,
    grid: &[Millis],
    end: Millis,
) -> Vec<(Labels, Vec<f64>)> {
    let pod = pod_name(root, cluster.name, service.name);
    let base = Labels::from_pairs([
        ("cluster", cluster.name),
        ("namespace", APP_NAMESPACE),
        ("pod", pod.as_str()),
        ("service", service.name),
    ]);
    let mut noise = root.fork(cluster.name).fork(service.name).fork("noise");
    let buckets = LATENCY_BUCKETS.len() + 1;
    // Running totals: statuses, then buckets (+Inf last), then the latency sum.
    let mut by_status = [0.0f64; STATUSES.len()];
    let mut cumulative = vec![0.0f64; buckets];
    let mut latency_sum = 0.0f64;
    let mut status_rows = vec![Vec::with_capacity(grid.len()); STATUSES.len()];
    let mut bucket_rows = vec![Vec::with_capacity(grid.len()); buckets];
    let mut sum_row = Vec::with_capacity(grid.len());
    let capacity = f64::from(service.replicas) * service.capacity_per_pod;
    for (k, t) in grid.iter().enumerate() {
        if k > 0 {
            let rps = service.base_rps
                * cluster.traffic_weight
                * diurnal(*t)
                * (1.0 + noise.range(-0.03, 0.03));
            let requests = rps * (STEP_MS / 1000) as f64;
            let (extra, slow) = incident_effect(cluster.name, service.name, *t, end);
            let errors = (service.error_ratio + extra).min(0.99);
            let shares = [1.0 - errors - 0.01, 0.01, errors, 0.0];
            for (total, share) in by_status.iter_mut().zip(shares) {
                *total += requests * share;
            }
            let median_s = service.latency_ms * load_factor(rps / capacity) * slow / 1000.0;
            let sigma = service.latency_sigma;
            for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                cumulative[i] += requests * normal_cdf((bound.ln() - median_s.ln()) / sigma);
            }
            cumulative[buckets - 1] += requests;
            latency_sum += requests * median_s * (sigma * sigma / 2.0).exp();
        }
        for (row, total) in status_rows.iter_mut().zip(by_status) {
            row.push(total.floor());
        }
        for (row, total) in bucket_rows.iter_mut().zip(&cumulative) {
            row.push(total.floor());
        }
        sum_row.push(latency_sum);
    }
    let mut rows = Vec::with_capacity(STATUSES.len() + buckets + 2);
    for (status, row) in STATUSES.iter().zip(status_rows) {
        let labels = base
            .clone()
            .with(METRIC_NAME, "http_requests_total")
            .with("status", *status);
        rows.push((labels, row));
    }
    let count_row = bucket_rows.last().cloned().unwrap_or_default();
    for (i, row) in bucket_rows.into_iter().enumerate() {
        let le = LATENCY_BUCKETS
            .get(i)
            .map_or_else(|| "+Inf".to_string(), |b| format_bound(*b));
        let labels = base
            .clone()
            .with(METRIC_NAME, "http_request_duration_seconds_bucket")
            .with("le", le);
        rows.push((labels, row));
    }
    rows.push((
        base.clone()
            .with(METRIC_NAME, "http_request_duration_seconds_sum"),
        sum_row,
    ));
    rows.push((
        base.with(METRIC_NAME, "http_request_duration_seconds_count"),
        count_row,
    ));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::catalog::CLUSTERS;

    const END: Millis = 1_767_225_600_000;

    fn row<'a>(h: &'a History, pod_prefix: &str, metric: &str, extra: (&str, &str)) -> &'a [f64] {
        h.series
            .iter()
            .find(|(l, _)| {
                l.get("pod").is_some_and(|p| p.starts_with(pod_prefix))
                    && l.metric_name() == Some(metric)
                    && l.get(extra.0) == Some(extra.1)
            })
            .map(|(_, v)| v.as_slice())
            .unwrap()
    }

    #[test]
    fn same_seed_same_history_and_counters_only_grow() {
        let a = cluster_history(7, &CLUSTERS[0], END, 2);
        let b = cluster_history(7, &CLUSTERS[0], END, 2);
        let c = cluster_history(8, &CLUSTERS[0], END, 2);
        assert_eq!(a.grid, b.grid);
        assert_eq!(a.series, b.series);
        assert_ne!(a.series, c.series);
        assert_eq!(a.grid.len(), 2 * 288 + 1);
        assert_eq!(a.grid.last(), Some(&(END - 5_000)));
        assert_eq!(
            a.series.len(),
            SERVICES.len() * (4 + LATENCY_BUCKETS.len() + 3)
        );
        for (labels, values) in &a.series {
            assert!(values.windows(2).all(|w| w[0] <= w[1]), "{labels:?}");
        }
        // Cumulative buckets: each bound counts at least as many requests as the one below.
        let bounds: Vec<String> = LATENCY_BUCKETS.iter().map(|b| format_bound(*b)).collect();
        for pair in bounds.windows(2) {
            let low = row(
                &a,
                "payment-",
                "http_request_duration_seconds_bucket",
                ("le", &pair[0]),
            );
            let high = row(
                &a,
                "payment-",
                "http_request_duration_seconds_bucket",
                ("le", &pair[1]),
            );
            assert!(low.iter().zip(high).all(|(l, h)| l <= h), "{pair:?}");
        }
    }

    #[test]
    fn traffic_and_errors_follow_the_catalog_and_the_incidents() {
        let h = cluster_history(7, &CLUSTERS[0], END, 30);
        let total = |status: &str| {
            let r = row(&h, "payment-", "http_requests_total", ("status", status));
            r[r.len() - 1] - r[0]
        };
        let all: f64 = STATUSES.iter().map(|s| total(s)).sum();
        let seconds = (h.grid[h.grid.len() - 1] - h.grid[0]) as f64 / 1000.0;
        assert!((all / seconds - 80.0).abs() < 1.0, "{}", all / seconds);
        // Baseline 0.02% plus 80 minutes at +8%: 0.02% + 0.08 * 80 / 43200 = 0.0348%.
        let ratio = total("500") / all;
        assert!((ratio - 0.000_348).abs() < 0.000_01, "{ratio}");
        assert_eq!(total("503"), 0.0);
        let name = pod_name(&SimRng::new(7).fork("history"), "us-east-1", "payment");
        assert!(
            name.starts_with("payment-") && name.ends_with("-h1st0"),
            "{name}"
        );
    }
}
