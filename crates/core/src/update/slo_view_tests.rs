//! Keys, mouse and chart requests of the SLOs screen, on the fixture's SLO readings.

use crate::action::Key;
use crate::effect::{Effect, IoRequest};
use crate::event::{Mouse, MouseKind, Msg, Payload};
use crate::fixture::data;
use crate::fixture::slos::slo_model;
use crate::model::Model;
use crate::model::layout::Area;
use crate::model::slo_view::{selected_slo, slo_rows};
use crate::screen::View;
use crate::slo::{SloChart, SloScope};
use crate::update::update;

fn key(model: &mut Model, key: Key) -> Vec<Effect> {
    update(model, crate::fixture::key_msg(key))
}

fn keys(model: &mut Model, text: &str) {
    for c in text.chars() {
        key(model, Key::Char(c));
    }
}

fn selected(model: &Model) -> (usize, SloScope) {
    let rows = slo_rows(model);
    rows[selected_slo(model, &rows)].key()
}

/// The chart requests among `effects`: (cluster, slo, seq).
fn chart_requests(effects: &[Effect]) -> Vec<(usize, usize, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Io {
                cluster,
                request:
                    IoRequest::SloChart {
                        slo,
                        seq,
                        spec,
                        step,
                    },
            } => {
                assert_eq!(
                    spec.name.as_str(),
                    slo_model().slos.specs[*slo].name.as_str()
                );
                assert!(
                    *step >= 60,
                    "a 30-day chart does not need points closer than a minute"
                );
                Some((*cluster, *slo, *seq))
            }
            _ => None,
        })
        .collect()
}

fn on_slos() -> Model {
    let mut model = slo_model();
    key(&mut model, Key::Char('5'));
    assert_eq!(model.ui.view, View::Slos);
    model
}

#[test]
fn paging_slo_comes_first_then_ticketing_then_lowest_budget() {
    let model = on_slos();
    let rows = slo_rows(&model);
    let keys: Vec<(usize, SloScope)> = rows.iter().map(|r| r.key()).collect();
    // payment-errors pages in prod-us-1: its group leads, the paging cluster first.
    assert_eq!(keys[0], (3, SloScope::Cluster(1)));
    assert_eq!(keys[1].0, 3);
    // order-errors tickets in prod-eu-1: next.
    assert_eq!(keys[3], (4, SloScope::Cluster(0)));
    // A fleet SLO's fleet row leads its clusters.
    let fleet = keys
        .iter()
        .position(|k| *k == (0, SloScope::Fleet))
        .unwrap();
    assert_eq!(keys[fleet + 1].0, 0);
    assert_eq!(selected(&model), (3, SloScope::Cluster(1)));
}

#[test]
fn movement_keys_page_and_jump() {
    let mut model = on_slos();
    model.ui.layout.slos = Some(Area::new(1, 3, 100, 5));
    let total = slo_rows(&model).len();
    key(&mut model, Key::Char('j'));
    assert_eq!(model.ui.slo.cursor.index, 1);
    key(&mut model, Key::PageDown);
    assert_eq!(model.ui.slo.cursor.index, 6);
    key(&mut model, Key::Char('G'));
    assert_eq!(model.ui.slo.cursor.index, total - 1);
    key(&mut model, Key::PageUp);
    assert_eq!(model.ui.slo.cursor.index, total - 6);
    key(&mut model, Key::Char('g'));
    assert_eq!(model.ui.slo.cursor.index, 0);
    key(&mut model, Key::Char('k'));
    assert_eq!(model.ui.slo.cursor.index, 0);
}

#[test]
fn enter_opens_the_detail_and_asks_for_its_chart_newest_wins() {
    let mut model = on_slos();
    let effects = key(&mut model, Key::Enter);
    assert_eq!(chart_requests(&effects), [(1, 3, 1)]);
    assert_eq!(model.slos.chart_seq, 1);
    let detail = model.ui.slo.detail.unwrap();
    assert_eq!((detail.slo, detail.scope), (3, SloScope::Cluster(1)));
    // Moving with the detail open follows the selection with a newer request.
    let effects = key(&mut model, Key::Char('j'));
    let asked = chart_requests(&effects);
    assert_eq!(asked.len(), 1);
    assert_eq!((asked[0].1, asked[0].2), (3, 2));
    // The answer to the first request is dropped, the second one kept.
    let old = SloChart {
        slo: 3,
        seq: 1,
        ..SloChart::default()
    };
    update(&mut model, data(1, 0, Payload::SloChart(Box::new(old))));
    assert_eq!(model.slos.chart, None);
    let new = SloChart {
        slo: 3,
        seq: 2,
        ..SloChart::default()
    };
    update(
        &mut model,
        data(asked[0].0, 0, Payload::SloChart(Box::new(new))),
    );
    assert_eq!(model.slos.chart.as_ref().map(|c| c.seq), Some(2));
    // Esc closes the detail; a second Esc has nothing to close.
    key(&mut model, Key::Esc);
    assert_eq!(model.ui.slo.detail, None);
    assert_eq!(model.ui.view, View::Slos);
}

#[test]
fn fleet_detail_charts_the_first_cluster_and_c_cycles_through_the_others() {
    let mut model = on_slos();
    let rows = slo_rows(&model);
    let fleet = rows
        .iter()
        .position(|r| r.key() == (0, SloScope::Fleet))
        .unwrap();
    key(&mut model, Key::Char('g'));
    for _ in 0..fleet {
        key(&mut model, Key::Char('j'));
    }
    assert_eq!(chart_requests(&key(&mut model, Key::Enter)), [(0, 0, 1)]);
    assert_eq!(
        chart_requests(&key(&mut model, Key::Char('c'))),
        [(1, 0, 2)]
    );
    assert_eq!(
        chart_requests(&key(&mut model, Key::Char('c'))),
        [(2, 0, 3)]
    );
    assert_eq!(
        chart_requests(&key(&mut model, Key::Char('c'))),
        [(0, 0, 4)]
    );
    // On a cluster row `c` has nothing to cycle.
    key(&mut model, Key::Char('j'));
    let seq = model.slos.chart_seq;
    assert!(chart_requests(&key(&mut model, Key::Char('c'))).is_empty());
    assert_eq!(model.slos.chart_seq, seq);
}

#[test]
fn sla_helper_opens_anywhere_is_modal_and_closes_with_esc_or_a() {
    let mut model = slo_model();
    key(&mut model, Key::Char('a'));
    assert!(model.ui.slo.sla);
    key(&mut model, Key::Char('3'));
    assert_eq!(
        model.ui.view,
        View::Overview,
        "keys wait while the helper is open"
    );
    key(&mut model, Key::Esc);
    assert!(!model.ui.slo.sla);
    key(&mut model, Key::Char('a'));
    key(&mut model, Key::Char('a'));
    assert!(!model.ui.slo.sla);
}

#[test]
fn slash_filters_slo_rows_by_name_service_or_cluster() {
    let mut model = on_slos();
    key(&mut model, Key::Char('/'));
    keys(&mut model, "cluster:staging svc:auth");
    key(&mut model, Key::Enter);
    let rows = slo_rows(&model);
    assert_eq!(
        rows.iter().map(|r| r.key()).collect::<Vec<_>>(),
        [(5, SloScope::Cluster(2))]
    );
    key(&mut model, Key::Esc);
    assert_eq!(slo_rows(&model).len(), 3 * 4 + 4 * 3 + 1);
}

#[test]
fn clicking_a_row_selects_it_and_the_wheel_scrolls() {
    let mut model = on_slos();
    model.ui.layout.slos = Some(Area::new(1, 3, 100, 10));
    let click = |row| {
        Msg::Mouse(Mouse {
            kind: MouseKind::Click,
            column: 10,
            row,
        })
    };
    update(&mut model, click(5));
    assert_eq!(model.ui.slo.cursor.index, 2);
    // Below the last row or outside the list: nothing changes.
    update(&mut model, click(40));
    assert_eq!(model.ui.slo.cursor.index, 2);
    update(
        &mut model,
        Msg::Mouse(Mouse {
            kind: MouseKind::ScrollDown,
            column: 10,
            row: 4,
        }),
    );
    assert_eq!(model.ui.slo.cursor.index, 5);
}
