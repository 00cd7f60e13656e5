//! The simulator's SLO data cost: building a fleet with 30 days of synthetic history (and
//! without, for comparison), the memory the history takes, and evaluating the 30-day period
//! sums the SLO source asks for through the simulator's PromQL engine.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::promql;
use watchdeck_sim::scenario::Scenario;

const START: i64 = 1_767_225_600_000;

fn fleet(history_days: u32) -> Fleet {
    let mut options = SimOptions::new(1, START);
    options.history_days = history_days;
    Fleet::new(Scenario::resolve("steady").expect("steady"), &options)
}

fn build(c: &mut Criterion) {
    let with = fleet(30);
    let without = fleet(0);
    let bytes = |f: &Fleet| -> usize {
        f.clusters
            .iter()
            .map(|c| c.tsdb.read().map_or(0, |db| db.coarse_bytes()))
            .sum()
    };
    eprintln!(
        "coarse tier, 3 clusters: {:.1} MB with 30 days of history, {:.1} MB without",
        bytes(&with) as f64 / 1e6,
        bytes(&without) as f64 / 1e6
    );
    let mut group = c.benchmark_group("sim_slo_fleet");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("new_with_30d_history", |b| b.iter(|| fleet(30)));
    group.bench_function("new_without_history", |b| b.iter(|| fleet(0)));
    group.finish();
}

fn period_sums(c: &mut Criterion) {
    let fleet = fleet(30);
    let db = fleet.clusters[0].tsdb.read().expect("tsdb");
    let mut group = c.benchmark_group("sim_slo_query");
    for (name, query) in [
        (
            "increase_30d_one_service",
            "sum(increase(http_requests_total{service=\"api-gateway\"}[30d]))",
        ),
        (
            "availability_ratio_30d_batch",
            "sum(rate(http_requests_total{service=\"payment\",status=~\"5..\"}[30d])) / sum(rate(http_requests_total{service=\"payment\"}[30d])) or sum(rate(http_requests_total{service=\"payment\",status=~\"5..\"}[1h])) / sum(rate(http_requests_total{service=\"payment\"}[1h]))",
        ),
        (
            "latency_ratio_30d",
            "sum(rate(http_request_duration_seconds_bucket{service=\"api-gateway\",le=\"0.2\"}[30d])) / sum(rate(http_request_duration_seconds_count{service=\"api-gateway\"}[30d]))",
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| promql::instant_query(&db, query, START).expect("query"))
        });
    }
    group.finish();
}

criterion_group!(benches, build, period_sums);
criterion_main!(benches);
