//! Snapshots of the SLOs screen (list, detail with charts, unknown and hostile SLOs), the SLA
//! helper and the overview's SLO band, at 160x45 and 80x24, on the fixture's readings.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::theme::Theme;
use super::{ViewInfo, view};
use watchdeck_core::action::Key;
use watchdeck_core::event::Payload;
use watchdeck_core::fixture::slos::slo_model;
use watchdeck_core::fixture::{data, now};
use watchdeck_core::model::Model;
use watchdeck_core::series::{Num, QueryStatus};
use watchdeck_core::slo::{SloChart, SloScope};
use watchdeck_core::update::update;

fn draw_with(model: &Model, width: u16, height: u16, theme: &Theme) -> (String, ViewInfo) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut info = ViewInfo::default();
    terminal
        .draw(|frame| info = view(frame, model, theme, now()))
        .unwrap();
    (format!("{}", terminal.backend()), info)
}

fn draw(model: &Model, width: u16, height: u16) -> (String, ViewInfo) {
    draw_with(model, width, height, &Theme::dark())
}

fn press(model: &mut Model, keys: &[Key]) {
    for key in keys {
        update(model, watchdeck_core::fixture::key_msg(*key));
    }
}

fn list() -> Model {
    let mut model = slo_model();
    press(&mut model, &[Key::Char('5')]);
    model
}

/// The detail of payment-errors in prod-us-1 with its charts answered.
fn detail() -> Model {
    let mut model = list();
    press(&mut model, &[Key::Enter]);
    let start = now().as_second() as f64 - 30.0 * 86_400.0;
    let line = |f: &dyn Fn(f64) -> f64| -> Vec<(Num, Num)> {
        (0..=120)
            .map(|i| (Num(start + f64::from(i) * 21_600.0), Num(f(f64::from(i)))))
            .collect()
    };
    let chart = SloChart {
        slo: 3,
        scope: Some(SloScope::Cluster(1)),
        seq: model.slos.chart_seq,
        budget: line(&|i| {
            if i < 100.0 {
                1.0 - i / 400.0
            } else {
                0.75 - (i - 100.0) * 0.055
            }
        }),
        burn: [
            (3600, line(&|i| if i < 110.0 { 0.3 } else { 80.0 })),
            (21_600, line(&|i| if i < 110.0 { 0.3 } else { 20.0 })),
        ]
        .into_iter()
        .collect(),
        status: QueryStatus::Ok,
    };
    update(&mut model, data(1, 0, Payload::SloChart(Box::new(chart))));
    model
}

#[test]
fn snapshot_slo_list_160x45() {
    let (screen, info) = draw(&list(), 160, 45);
    insta::assert_snapshot!("slo_list_160x45", screen);
    assert!(screen.contains("-35% overspent") && screen.contains("PAGE"));
    assert!(screen.contains("unknown: Prometheus: timeout after 10s"));
    assert!(screen.contains("waiting for the first reading"));
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{202e}'));
    assert_eq!(info.layout.slos.map(|a| a.y), Some(3));
}

#[test]
fn snapshot_slo_list_80x24() {
    let (screen, _) = draw(&list(), 80, 24);
    insta::assert_snapshot!("slo_list_80x24", screen);
}

#[test]
fn snapshot_slo_detail_160x45() {
    let (screen, info) = draw(&detail(), 160, 45);
    insta::assert_snapshot!("slo_detail_160x45", screen);
    assert!(screen.contains("43.2 min over 30d"));
    assert!(screen.contains("FIRING"));
    assert_eq!(
        info.layout.slos, None,
        "no list rows to click under the detail"
    );
}

#[test]
fn snapshot_slo_detail_80x24() {
    let (screen, _) = draw(&detail(), 80, 24);
    insta::assert_snapshot!("slo_detail_80x24", screen);
}

#[test]
fn snapshot_fleet_detail_names_the_charted_cluster_and_low_traffic() {
    let mut model = list();
    press(&mut model, &[Key::Char('/')]);
    for c in "auth".chars() {
        press(&mut model, &[Key::Char(c)]);
    }
    press(&mut model, &[Key::Enter, Key::Char('G'), Key::Enter]);
    let (screen, _) = draw(&model, 160, 45);
    insta::assert_snapshot!("slo_detail_low_traffic_160x45", screen);
    assert!(screen.contains("one failure would cross 14.4x"));
    let mut fleet = list();
    press(&mut fleet, &[Key::Char('/')]);
    for c in "api-availability".chars() {
        press(&mut fleet, &[Key::Char(c)]);
    }
    press(&mut fleet, &[Key::Enter, Key::Enter]);
    let (screen, _) = draw(&fleet, 160, 45);
    assert!(
        screen.contains("charts from prod-eu-1 (fleet SLO"),
        "{screen}"
    );
    assert!(screen.contains("loading…"));
}

#[test]
fn snapshot_sla_helper_160x45_and_80x24() {
    let mut model = list();
    press(&mut model, &[Key::Char('a')]);
    let (wide, _) = draw(&model, 160, 45);
    insta::assert_snapshot!("sla_helper_160x45", wide);
    assert!(wide.contains("52.56 min") && wide.contains("4.32 min") && wide.contains("8.64 s"));
    let (narrow, _) = draw(&model, 80, 24);
    insta::assert_snapshot!("sla_helper_80x24", narrow);
}

#[test]
fn snapshot_overview_slo_band_160x45_and_80x24() {
    let model = slo_model();
    let (wide, _) = draw(&model, 160, 45);
    insta::assert_snapshot!("overview_slos_160x45", wide);
    assert!(wide.contains("PAGE payment-errors 80.0x"));
    let (narrow, _) = draw(&model, 80, 24);
    insta::assert_snapshot!("overview_slos_80x24", narrow);
    assert!(narrow.contains("PAGE payment-errors (prod-us-1)"));
}

#[test]
fn no_color_keeps_the_states_readable() {
    let (screen, _) = draw_with(&list(), 160, 45, &Theme::monochrome());
    for word in [
        "PAGE",
        "ticket",
        "close",
        "overspent",
        "unknown:",
        "low traffic",
    ] {
        assert!(screen.contains(word), "{word} missing without colour");
    }
}

#[test]
fn slo_screens_survive_tiny_and_huge_terminals() {
    for model in [list(), detail(), {
        let mut m = list();
        press(&mut m, &[Key::Char('a')]);
        m
    }] {
        for (w, h) in [(1, 1), (20, 5), (40, 12), (300, 120)] {
            draw(&model, w, h);
        }
    }
    let mut empty = watchdeck_core::fixture::sample_model();
    press(&mut empty, &[Key::Char('5')]);
    let (screen, _) = draw(&empty, 120, 20);
    assert!(screen.contains("no SLOs defined"));
}
