//! The console at fleet scale: a full frame of the overview and of the Pods screen with
//! 3 clusters x 10,000 pods (and x 1,000, to show the cost does not grow with the pod
//! count), and the ingest of a 10,000-pod initial list per cluster through `update`.

use std::collections::BTreeMap;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use watchdeck_core::action::Action;
use watchdeck_core::event::{DataEvent, Msg, Payload, PodsChange};
use watchdeck_core::model::Model;
use watchdeck_core::model::pod::{PodKey, PodRow};
use watchdeck_core::screen::View;
use watchdeck_core::text::Text;
use watchdeck_core::update::update;
use watchdeck_ui::theme::Theme;

const CLUSTERS: usize = 3;
const STATUSES: [&str; 6] = [
    "Running",
    "Running",
    "Running",
    "Pending",
    "CrashLoopBackOff",
    "ContainerCreating",
];

fn now() -> Timestamp {
    Timestamp::from_second(1_767_225_600).expect("time")
}

fn pods(cluster: usize, count: usize) -> Vec<PodRow> {
    (0..count)
        .map(|i| {
            let status = STATUSES[(i * 7 + cluster) % STATUSES.len()];
            PodRow {
                key: PodKey::new(
                    &format!("team-{:02}", i % 40),
                    &format!("svc-{}-{:05}-x{cluster}", i % 97, i),
                ),
                status: Text::new(status),
                ready: u32::from(status == "Running"),
                total: 1,
                restarts: (i % 13) as u32,
                node: Text::new(&format!("ip-10-0-{}-{}.compute.internal", i % 5, i % 250)),
                created: Some(
                    Timestamp::from_second(1_767_225_600 - (i as i64 % 86_400)).expect("time"),
                ),
                crash_looping: status == "CrashLoopBackOff",
                detail: Box::default(),
            }
        })
        .collect()
}

fn empty_model() -> Model {
    let labels = BTreeMap::new();
    let names = ["us-east-1", "eu-west-1", "ap-southeast-1"];
    Model::new(names.iter().map(|name| (*name, &labels)))
}

fn reset(model: &mut Model, cluster: usize, rows: Vec<PodRow>) {
    update(
        model,
        Msg::Data(DataEvent {
            cluster,
            at: now(),
            payload: Payload::Pods(PodsChange::Reset(rows)),
        }),
    );
}

fn fleet(per_cluster: usize) -> Model {
    let mut model = empty_model();
    for cluster in 0..CLUSTERS {
        reset(&mut model, cluster, pods(cluster, per_cluster));
    }
    model
}

fn render(c: &mut Criterion) {
    let theme = Theme::dark();
    let mut group = c.benchmark_group("render");
    for per_cluster in [1_000, 10_000] {
        let mut model = fleet(per_cluster);
        let mut terminal = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
        // Somewhere in the middle, as after scrolling.
        model.ui.pods_page = 38;
        for _ in 0..100 {
            update(&mut model, Msg::Action(Action::PageDown));
        }
        let total = CLUSTERS * per_cluster;
        group.bench_with_input(BenchmarkId::new("render_overview", total), &(), |b, ()| {
            model.ui.view = View::Overview;
            b.iter(|| {
                terminal
                    .draw(|frame| {
                        watchdeck_ui::view(frame, &model, &theme, now());
                    })
                    .expect("draw");
            })
        });
        group.bench_with_input(BenchmarkId::new("render_pods", total), &(), |b, ()| {
            model.ui.view = View::Pods;
            b.iter(|| {
                terminal
                    .draw(|frame| {
                        watchdeck_ui::view(frame, &model, &theme, now());
                    })
                    .expect("draw");
            })
        });
        group.bench_with_input(
            BenchmarkId::new("render_pods_describe", total),
            &(),
            |b, ()| {
                model.ui.view = View::Pods;
                update(&mut model, Msg::Action(Action::ToggleDescribe));
                b.iter(|| {
                    terminal
                        .draw(|frame| {
                            watchdeck_ui::view(frame, &model, &theme, now());
                        })
                        .expect("draw");
                });
                update(&mut model, Msg::Action(Action::ToggleDescribe));
            },
        );
    }
    group.finish();
}

fn ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    let lists: Vec<Vec<PodRow>> = (0..CLUSTERS).map(|c| pods(c, 10_000)).collect();
    // Two clusters already hold 10,000 pods; the third's initial list arrives.
    group.bench_function("reset_10000_pods_third_cluster", |b| {
        b.iter_batched(
            || {
                let mut model = empty_model();
                reset(&mut model, 0, lists[0].clone());
                reset(&mut model, 1, lists[1].clone());
                (model, lists[2].clone())
            },
            |(mut model, rows)| {
                reset(&mut model, 2, rows);
                model
            },
            criterion::BatchSize::LargeInput,
        )
    });
    // Then 10,000 watch upserts on a full fleet, a tenth of them moving in the order.
    let changed: Vec<PodRow> = lists[2]
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut row = row.clone();
            row.restarts += 1;
            if i % 10 == 0 {
                row.status = Text::new("CrashLoopBackOff");
                row.crash_looping = true;
            }
            row
        })
        .collect();
    group.bench_function("upsert_10000_pods_into_30000", |b| {
        b.iter_batched(
            || (fleet(10_000), changed.clone()),
            |(mut model, rows)| {
                for row in rows {
                    update(
                        &mut model,
                        Msg::Data(DataEvent {
                            cluster: 2,
                            at: now(),
                            payload: Payload::Pods(PodsChange::Upsert(row)),
                        }),
                    );
                }
                model
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, render, ingest);
criterion_main!(benches);
