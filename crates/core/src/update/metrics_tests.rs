//! Message sequences for the Services screen: metrics arriving, the cursor, the chart range,
//! chart requests (newest wins) and failures.

use super::*;
use crate::action::Key;
use crate::effect::IoRequest;
use crate::fixture::services::{metrics, red};
use crate::fixture::{data, empty_model};
use crate::model::health::{Health, SourceKind};
use crate::model::services::{Chart, ChartRange, merged_services};
use crate::series::{Num, QueryStatus};
use crate::text::Text;

fn chart_requests(effects: &[Effect]) -> Vec<(usize, String, ChartRange, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Io {
                cluster,
                request:
                    IoRequest::MetricsChart {
                        service,
                        range,
                        seq,
                        ..
                    },
            } => Some((*cluster, service.clone(), *range, *seq)),
            _ => None,
        })
        .collect()
}

fn key(model: &mut Model, c: char) -> Vec<Effect> {
    update(model, crate::fixture::key_msg(Key::Char(c)))
}

#[test]
fn metrics_arrive_replace_and_mark_health() {
    let mut model = empty_model();
    let effects = update(
        &mut model,
        data(
            0,
            0,
            metrics(vec![red("payment", 100.0, 0.08, 0.3)], QueryStatus::Ok),
        ),
    );
    assert_eq!(effects, vec![Effect::Render]);
    let cluster = &model.clusters[0];
    assert!(matches!(
        cluster.health(SourceKind::Metrics),
        Health::Ok { .. }
    ));
    assert_eq!(cluster.metrics.services.len(), 1);
    assert_eq!(cluster.metrics.updated, Some(crate::fixture::at(0)));
    // The next poll replaces the set: a service that vanished is gone.
    update(
        &mut model,
        data(
            0,
            5,
            metrics(vec![red("auth", 10.0, 0.0, 0.1)], QueryStatus::Ok),
        ),
    );
    let names: Vec<&str> = model.clusters[0]
        .metrics
        .services
        .keys()
        .map(Text::as_str)
        .collect();
    assert_eq!(names, vec!["auth"]);
    // A failure keeps the numbers and makes the source stale.
    update(
        &mut model,
        data(
            0,
            10,
            Payload::Failed {
                source: SourceKind::Metrics,
                reason: Text::new("HTTP 503 Service Unavailable"),
            },
        ),
    );
    assert!(matches!(
        model.clusters[0].health(SourceKind::Metrics),
        Health::Stale { .. }
    ));
    assert_eq!(model.clusters[0].metrics.services.len(), 1);
}

#[test]
fn services_screen_asks_for_the_selected_chart_and_newest_wins() {
    let mut model = empty_model();
    update(
        &mut model,
        data(
            0,
            0,
            metrics(
                vec![
                    red("auth", 10.0, 0.0, 0.1),
                    red("payment", 100.0, 0.08, 0.3),
                ],
                QueryStatus::Ok,
            ),
        ),
    );
    update(
        &mut model,
        data(
            1,
            0,
            metrics(vec![red("payment", 50.0, 0.001, 0.2)], QueryStatus::Ok),
        ),
    );
    // No chart while another screen shows.
    assert!(chart_requests(&key(&mut model, 'j')).is_empty());

    // Worst error ratio first: payment in cluster 0, payment in cluster 1, then auth.
    let effects = key(&mut model, '2');
    assert_eq!(
        chart_requests(&effects),
        vec![(0, "payment".to_string(), ChartRange::M15, 1)]
    );
    let effects = key(&mut model, 'j');
    assert_eq!(
        chart_requests(&effects),
        vec![(1, "payment".to_string(), ChartRange::M15, 2)]
    );
    let effects = key(&mut model, 'j');
    assert_eq!(
        chart_requests(&effects),
        vec![(0, "auth".to_string(), ChartRange::M15, 3)]
    );
    // At the bottom: nothing new to ask.
    assert!(chart_requests(&key(&mut model, 'j')).is_empty());
    // Back to payment in cluster 1, then a longer range.
    key(&mut model, 'k');
    let effects = key(&mut model, 'r');
    assert_eq!(
        chart_requests(&effects),
        vec![(1, "payment".to_string(), ChartRange::H1, 5)]
    );

    // An answer to an older request is dropped; the newest is kept.
    let old = Chart {
        service: Text::new("payment"),
        seq: 4,
        ..Chart::default()
    };
    assert!(update(&mut model, data(1, 1, Payload::Chart(old))).is_empty());
    assert!(model.clusters[1].metrics.chart.is_none());
    let newest = Chart {
        service: Text::new("payment"),
        range: ChartRange::H1,
        seq: 5,
        rate: vec![(Num(1.0), Num(50.0))],
        ..Chart::default()
    };
    assert_eq!(
        update(&mut model, data(1, 2, Payload::Chart(newest.clone()))),
        vec![Effect::Render]
    );
    assert_eq!(model.clusters[1].metrics.chart, Some(newest));

    // New numbers for the selected cluster refresh its chart.
    let effects = update(
        &mut model,
        data(
            1,
            5,
            metrics(vec![red("payment", 55.0, 0.002, 0.2)], QueryStatus::Ok),
        ),
    );
    assert_eq!(
        chart_requests(&effects),
        vec![(1, "payment".to_string(), ChartRange::H1, 6)]
    );
    // ... and numbers for another cluster do not.
    let effects = update(
        &mut model,
        data(
            0,
            5,
            metrics(vec![red("payment", 100.0, 0.08, 0.3)], QueryStatus::Ok),
        ),
    );
    assert!(chart_requests(&effects).is_empty());
}

#[test]
fn chart_width_sets_the_step() {
    let mut model = empty_model();
    update(
        &mut model,
        data(
            0,
            0,
            metrics(vec![red("payment", 1.0, 0.0, 0.1)], QueryStatus::Ok),
        ),
    );
    key(&mut model, '2');
    key(&mut model, 'r'); // 1h
    let effects = update(
        &mut model,
        Msg::ServicesViewport {
            rows: 10,
            chart_columns: 30,
        },
    );
    let steps: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Io {
                request: IoRequest::MetricsChart { step, .. },
                ..
            } => Some(*step),
            _ => None,
        })
        .collect();
    // 3600 s over 30 columns: at least 125 s a point, 300 s is the next readable step.
    assert_eq!(steps, vec![300]);
    assert_eq!(model.ui.services_page, 10);
    // The same width again asks for nothing.
    assert!(
        update(
            &mut model,
            Msg::ServicesViewport {
                rows: 10,
                chart_columns: 30
            }
        )
        .is_empty()
    );
}

#[test]
fn partial_and_rejected_answers_are_kept_for_the_panel() {
    let mut model = empty_model();
    update(
        &mut model,
        data(
            2,
            0,
            metrics(
                vec![red("search", 5.0, 0.0, 0.05)],
                QueryStatus::Partial(vec![Text::new("store ap-1 unreachable")]),
            ),
        ),
    );
    assert!(matches!(
        model.clusters[2].metrics.status,
        QueryStatus::Partial(_)
    ));
    update(
        &mut model,
        data(
            2,
            5,
            metrics(
                vec![],
                QueryStatus::Error(Text::new("rate: query rejected (HTTP 400): bad_data")),
            ),
        ),
    );
    assert_eq!(
        model.clusters[2].metrics.status,
        QueryStatus::Error(Text::new("rate: query rejected (HTTP 400): bad_data"))
    );
    assert!(merged_services(&model).is_empty());
}

#[test]
fn the_services_filter_narrows_the_list_and_the_chart_follows() {
    let mut model = empty_model();
    for (cluster, services) in [
        (
            0,
            vec![
                red("auth", 10.0, 0.0, 0.1),
                red("payment", 100.0, 0.08, 0.3),
            ],
        ),
        (1, vec![red("payment", 50.0, 0.001, 0.2)]),
    ] {
        update(
            &mut model,
            data(cluster, 0, metrics(services, QueryStatus::Ok)),
        );
    }
    let shown = |model: &Model| -> Vec<(usize, String)> {
        merged_services(model)
            .into_iter()
            .map(|(c, s)| (c, s.name.as_str().to_string()))
            .collect()
    };
    key(&mut model, '2');
    assert_eq!(shown(&model).len(), 3);
    // auth (no errors) is last: select it, then filter.
    key(&mut model, 'G');

    // `/pay` on the Services screen: only payment rows; the chart is payment's.
    key(&mut model, '/');
    let mut effects = Vec::new();
    for c in "pay".chars() {
        effects.extend(key(&mut model, c));
    }
    assert_eq!(model.ui.filter.services, "pay");
    assert_eq!(
        shown(&model),
        vec![(0, "payment".to_string()), (1, "payment".to_string())]
    );
    assert_eq!(
        chart_requests(&effects)
            .last()
            .map(|(c, s, _, _)| (*c, s.clone())),
        Some((0, "payment".to_string()))
    );
    update(&mut model, crate::fixture::key_msg(Key::Enter));

    // The cursor walks the narrowed list only.
    let effects = key(&mut model, 'j');
    assert_eq!(
        chart_requests(&effects)
            .into_iter()
            .map(|(c, s, _, _)| (c, s))
            .collect::<Vec<_>>(),
        vec![(1, "payment".to_string())]
    );
    assert!(
        chart_requests(&key(&mut model, 'j')).is_empty(),
        "at the end"
    );

    // Hiding cluster 1 leaves cluster 0's payment.
    model.ui.clusters_shown = Some([0].into_iter().collect());
    assert_eq!(shown(&model), vec![(0, "payment".to_string())]);

    // Esc clears the filter: every service of the shown cluster again.
    update(&mut model, crate::fixture::key_msg(Key::Esc));
    assert_eq!(model.ui.filter.services, "");
    assert_eq!(
        shown(&model),
        vec![(0, "payment".to_string()), (0, "auth".to_string())]
    );
}
