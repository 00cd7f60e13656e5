//! The SLO math at scale: 1,000 SLOs, each read in 3 clusters, recorded and evaluated in one
//! refresh (budget, burn rates, four tiers, low-traffic flags and the fleet aggregate), the
//! work `update` does when a refresh's readings arrive.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;
use watchdeck_core::slo::{
    Period, Sli, SloBoard, SloData, SloReading, SloSpec, Target, WindowPolicy, WindowRatio,
};
use watchdeck_core::text::Text;

const SLOS: usize = 1_000;
const CLUSTERS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-1"];

fn specs() -> Vec<SloSpec> {
    (0..SLOS)
        .map(|i| SloSpec {
            name: Text::new(&format!("svc-{i}-availability")),
            service: Text::new(&format!("svc-{i}")),
            description: Text::default(),
            clusters: Vec::new(),
            fleet: i % 2 == 0,
            target: Target::from_ppm([999_000, 999_500, 999_900, 990_000][i % 4]).expect("ppm"),
            period: if i % 3 == 0 {
                Period::DAYS_28
            } else {
                Period::DAYS_30
            },
            sli: Sli::http_availability("service", &format!("svc-{i}")),
            windows: if i % 5 == 0 {
                WindowPolicy::Pyrra
            } else {
                WindowPolicy::Sloth
            },
            data: SloData::Query,
            origin: Text::new("bench"),
        })
        .collect()
}

fn readings(specs: &[SloSpec], cluster: usize) -> Vec<SloReading> {
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let base = (i * 7 + cluster) as f64 * 1e-5;
            SloReading {
                at: Timestamp::from_second(1_767_225_600).expect("time"),
                windows: spec
                    .windows_needed()
                    .into_iter()
                    .map(|w| {
                        (
                            w,
                            WindowRatio::new(
                                Some(base / (1.0 + w as f64 / 3600.0)),
                                Some(w as f64 * 40.0),
                            ),
                        )
                    })
                    .collect(),
                period: WindowRatio::new(Some(base / 10.0), Some(1e8)),
                source: Default::default(),
                problem: None,
                warnings: Vec::new(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let specs = specs();
    let per_cluster: Vec<Vec<SloReading>> =
        (0..CLUSTERS.len()).map(|c| readings(&specs, c)).collect();
    let mut group = c.benchmark_group("slo_refresh");
    group.throughput(Throughput::Elements((SLOS * CLUSTERS.len()) as u64));
    group.bench_function("1000 SLOs x 3 clusters: record + evaluate + fleet", |b| {
        b.iter_batched(
            || (SloBoard::new(specs.clone()), per_cluster.clone()),
            |(mut board, per_cluster)| {
                for (cluster, readings) in per_cluster.into_iter().enumerate() {
                    for (slo, reading) in readings.into_iter().enumerate() {
                        board.record(slo, cluster, reading, &CLUSTERS);
                    }
                }
                board
            },
            criterion::BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
