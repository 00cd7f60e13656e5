//! Simulator API speed at fleet scale: 3 clusters of about 2,000 pods each. Measures the
//! initial list a client does (all pods of one cluster over HTTP, parsed), the delivery of
//! 100 watch events per cluster to watchers on all three clusters at once, and one virtual
//! second of the whole world.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::server;
use watchdeck_sim::server::Running;

const PODS_PER_CLUSTER: usize = 2_000;
const EVENTS_PER_CLUSTER: usize = 100;

fn fleet() -> Fleet {
    let mut options = SimOptions::new(1, 1_767_225_600_000);
    options.extra_pods = PODS_PER_CLUSTER;
    options.warmup_ms = 10_000;
    Fleet::new(Scenario::resolve("steady").expect("steady"), &options)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

async fn serve(fleet: Fleet) -> Running {
    watchdeck_io::install_tls_provider();
    server::start(Arc::new(fleet), "127.0.0.1:0".parse().expect("addr"), None)
        .await
        .expect("serves")
}

fn list(c: &mut Criterion) {
    let rt = runtime();
    let running = rt.block_on(serve(fleet()));
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/pods", running.endpoints[0].kubernetes);
    let count = rt.block_on(async {
        client
            .get(&url)
            .send()
            .await
            .expect("list")
            .json::<Value>()
            .await
            .expect("json")["items"]
            .as_array()
            .map_or(0, Vec::len)
    });
    assert!(count >= PODS_PER_CLUSTER, "{count} pods");
    let mut group = c.benchmark_group("kube_list");
    group.throughput(Throughput::Elements(count as u64));
    group.sample_size(20);
    group.bench_function(format!("list_{count}_pods_json"), |b| {
        b.iter(|| {
            rt.block_on(async {
                client
                    .get(&url)
                    .send()
                    .await
                    .expect("list")
                    .json::<Value>()
                    .await
                    .expect("json")
            })
        })
    });
    group.finish();
}

/// Opens a pod watch on every cluster, changes 100 pods per cluster, and waits until every
/// watcher has received its 100 events.
fn watch(c: &mut Criterion) {
    let rt = runtime();
    let running = rt.block_on(serve(fleet()));
    let client = reqwest::Client::new();
    let mut group = c.benchmark_group("kube_watch");
    group.throughput(Throughput::Elements(
        (EVENTS_PER_CLUSTER * running.endpoints.len()) as u64,
    ));
    group.sample_size(20);
    let mut round = 0u64;
    group.bench_function("deliver_100_events_x3_clusters", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                round += 1;
                total += rt.block_on(one_round(&running, &client, round));
            }
            total
        })
    });
    group.finish();
}

async fn one_round(running: &Running, client: &reqwest::Client, round: u64) -> Duration {
    let mut watchers = Vec::new();
    for endpoint in &running.endpoints {
        let list: Value = client
            .get(format!(
                "{}/api/v1/namespaces/batch/pods?limit=1",
                endpoint.kubernetes
            ))
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        let rv = list["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or("0")
            .to_string();
        let response = client
            .get(format!(
                "{}/api/v1/namespaces/batch/pods?watch=1&resourceVersion={rv}",
                endpoint.kubernetes
            ))
            .send()
            .await
            .expect("watch");
        watchers.push(response);
    }
    let start = Instant::now();
    {
        let mut world = running.fleet.lock_world();
        for cluster in &mut world.clusters {
            for i in 0..EVENTS_PER_CLUSTER {
                let name = format!("batch-worker-{i:05}");
                if let Some(stored) = cluster.store.get("pods", "batch", &name) {
                    let mut pod = (*stored.object).clone();
                    pod["metadata"]["annotations"] = json!({"bench/round": round.to_string()});
                    cluster.store.upsert("pods", pod);
                }
            }
        }
    }
    let waits = watchers.into_iter().map(|mut response| async move {
        let mut lines = 0;
        while lines < EVENTS_PER_CLUSTER {
            match response.chunk().await {
                Ok(Some(chunk)) => lines += chunk.iter().filter(|b| **b == b'\n').count(),
                _ => panic!("watch ended after {lines} events"),
            }
        }
    });
    futures::future::join_all(waits).await;
    start.elapsed()
}

fn world_step(c: &mut Criterion) {
    let fleet = fleet();
    let mut group = c.benchmark_group("world");
    group.sample_size(20);
    group.bench_function("one_virtual_second_3x2000_pods", |b| {
        b.iter(|| fleet.step())
    });
    group.finish();
}

criterion_group!(benches, list, watch, world_step);
criterion_main!(benches);
