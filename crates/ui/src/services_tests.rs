//! Snapshots of the Services screen and of the overview's worst services, on a fleet with a
//! failing service, an unreachable Prometheus, partial data and a hostile service name.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::theme::Theme;
use super::{ViewInfo, view};
use watchdeck_core::action::Action;
use watchdeck_core::event::{Msg, Payload};
use watchdeck_core::fixture::services::{metrics, red};
use watchdeck_core::fixture::{act, data, now, sample_model};
use watchdeck_core::model::Model;
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::model::services::{Chart, ChartRange};
use watchdeck_core::screen::View;
use watchdeck_core::series::{Num, QueryStatus};
use watchdeck_core::text::Text;
use watchdeck_core::update::update;

fn draw(model: &Model, width: u16, height: u16) -> (Terminal<TestBackend>, ViewInfo) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut info = ViewInfo::default();
    terminal
        .draw(|frame| info = view(frame, model, &Theme::dark(), now()))
        .unwrap();
    (terminal, info)
}

/// The sample fleet with metrics: payment failing in prod-eu-1, prod-us-1's Prometheus
/// refusing connections, staging answering with a warning.
fn with_metrics() -> Model {
    let mut model = sample_model();
    let eu = vec![
        red("payment", 212.4, 0.0812, 0.42),
        red("auth", 310.0, 0.0004, 0.045),
        red("search", 95.5, 0.012, 0.9),
        red("evil\x1b[2J\u{202e}svc", 1.0, 0.0, 0.01),
    ];
    update(&mut model, data(0, -3, metrics(eu, QueryStatus::Ok)));
    update(
        &mut model,
        data(
            1,
            -40,
            Payload::Failed {
                source: SourceKind::Metrics,
                reason: Text::new("connection refused"),
            },
        ),
    );
    let staging = vec![red("payment", 20.0, 0.0, 0.3)];
    update(
        &mut model,
        data(
            2,
            -5,
            metrics(
                staging,
                QueryStatus::Partial(vec![Text::new("store staging-b is unreachable")]),
            ),
        ),
    );
    model
}

/// The Services screen with payment (prod-eu-1) selected and its chart answered.
fn services_screen() -> Model {
    let mut model = with_metrics();
    act(&mut model, Action::ShowView(View::Services));
    // Worst error ratio first: payment in prod-eu-1 is the first row, already selected.
    let seq = model.ui.chart_seq;
    let start = now().as_second() as f64 - 900.0;
    let line = |f: &dyn Fn(f64) -> f64| -> Vec<(Num, Num)> {
        (0..=90)
            .map(|i| (Num(start + f64::from(i) * 10.0), Num(f(f64::from(i)))))
            .collect()
    };
    let chart = Chart {
        service: Text::new("payment"),
        range: ChartRange::M15,
        seq,
        rate: line(&|i| 200.0 + i / 10.0),
        error_ratio: line(&|i| if i < 45.0 { 0.001 } else { 0.08 }),
        p95: line(&|_| 0.2),
        p99: line(&|i| 0.3 + i / 1000.0),
        status: QueryStatus::Ok,
    };
    update(&mut model, data(0, -1, Payload::Chart(chart)));
    model
}

#[test]
fn snapshot_services_120x40() {
    let model = services_screen();
    let (terminal, info) = draw(&model, 120, 40);
    insta::assert_snapshot!("services_120x40", terminal.backend());
    assert!(info.services_rows >= 5, "{info:?}");
    assert!(info.chart_columns > 20, "{info:?}");
}

#[test]
fn snapshot_services_80x24() {
    let model = services_screen();
    let (terminal, _) = draw(&model, 80, 24);
    insta::assert_snapshot!("services_80x24", terminal.backend());
}

#[test]
fn snapshot_services_chart_error_and_rejected_query() {
    let mut model = with_metrics();
    update(
        &mut model,
        data(
            2,
            -1,
            metrics(
                vec![],
                QueryStatus::Error(Text::new(
                    "errors: query rejected (HTTP 400): bad_data: parse error",
                )),
            ),
        ),
    );
    act(&mut model, Action::ShowView(View::Services));
    let seq = model.ui.chart_seq;
    let chart = Chart {
        service: Text::new("payment"),
        seq,
        status: QueryStatus::Error(Text::new(
            "not a Prometheus API answer: an HTML page with HTTP 502 (a proxy or login page?)",
        )),
        ..Chart::default()
    };
    update(&mut model, data(0, -1, Payload::Chart(chart)));
    let (terminal, _) = draw(&model, 120, 30);
    insta::assert_snapshot!("services_errors_120x30", terminal.backend());
}

#[test]
fn snapshot_overview_worst_services_120x40() {
    let model = with_metrics();
    let (terminal, _) = draw(&model, 120, 40);
    insta::assert_snapshot!("overview_worst_120x40", terminal.backend());
}

/// The demo's first screen at 80x24: a simulated fleet with SLOs, worst services, pods and
/// firing alerts all on screen, and the title saying what is simulated.
#[test]
fn snapshot_overview_simulated_demo_80x24() {
    let mut model = with_metrics();
    model.slos = watchdeck_core::fixture::slos::slo_model().slos;
    model.simulation = Some(watchdeck_core::model::Simulation {
        scenario: Text::new("bad-deploy"),
        start: now() - jiff::SignedDuration::from_secs(12 * 60 + 40),
    });
    let (terminal, _) = draw(&model, 80, 24);
    let text = format!("{:?}", terminal.backend());
    for want in [
        "SIM bad-deploy +00:12:40",
        "HighErrorRate",
        "payment",
        "prom ✗",
        "api-7d9f8c-q8w2z",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    insta::assert_snapshot!("overview_simulated_80x24", terminal.backend());
}

#[test]
fn snapshot_overview_worst_services_80x24() {
    let model = with_metrics();
    let (terminal, _) = draw(&model, 80, 24);
    insta::assert_snapshot!("overview_worst_80x24", terminal.backend());
}

#[test]
fn services_screen_survives_tiny_and_huge_terminals() {
    let model = services_screen();
    for (w, h) in [(20, 5), (1, 1), (300, 120)] {
        draw(&model, w, h);
    }
    let mut empty = sample_model();
    update(&mut empty, Msg::Action(Action::ShowView(View::Services)));
    draw(&empty, 20, 5);
    draw(&empty, 120, 40);
}
