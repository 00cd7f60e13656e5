//! Snapshots of the Alerts screen (grouped, a silenced and an inhibited alert apart, one
//! replica down) and of the silence popups, at 120x40 and 80x24.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::theme::Theme;
use super::view;
use watchdeck_core::action::{Action, Key};
use watchdeck_core::fixture::alerts::alerts_model;
use watchdeck_core::fixture::{act, now};
use watchdeck_core::model::Model;
use watchdeck_core::screen::View;

fn draw(model: &Model, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            view(frame, model, &Theme::dark(), now());
        })
        .unwrap();
    terminal
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

fn alerts_screen() -> Model {
    let mut model = alerts_model();
    act(&mut model, Action::ShowView(View::Alerts));
    act(&mut model, Action::Top);
    model
}

fn form_open() -> Model {
    let mut model = alerts_screen();
    act(&mut model, Action::Silence);
    for c in "rollback running".chars() {
        watchdeck_core::update::update(&mut model, watchdeck_core::fixture::key_msg(Key::Char(c)));
    }
    model
}

#[test]
fn snapshot_alerts_screen_120x40() {
    let terminal = draw(&alerts_screen(), 120, 40);
    let text = screen(&terminal);
    assert!(
        text.contains("silenced by alice: deploy window until 14:00 UTC (in 120m)"),
        "{text}"
    );
    assert!(text.contains("inhibited by HighErrorRate"), "{text}");
    assert!(
        text.contains("1/2 replicas, down: http://am-1.eu:9093 connection refused"),
        "{text}"
    );
    assert!(
        text.contains("https://runbooks.example.com/high-error-rate"),
        "{text}"
    );
    insta::assert_snapshot!("alerts_120x40", terminal.backend());
}

/// Alice's silence a moment after it was created on one replica: both replicas answer, only
/// the first lists it, so the silenced row (and the detail panel once it is selected) says
/// it is propagating.
#[test]
fn snapshot_alerts_screen_with_a_silence_propagating_120x40() {
    use watchdeck_core::fixture::alerts::{eu_snapshot_propagating, snapshot_msg};
    let mut model = alerts_screen();
    watchdeck_core::update::update(&mut model, snapshot_msg(0, -1, eu_snapshot_propagating()));
    // The silenced alert is the first of the muted part, after the three firing ones.
    for _ in 0..3 {
        act(&mut model, Action::Down);
    }
    let terminal = draw(&model, 120, 40);
    let text = screen(&terminal);
    // The row is cut at the screen's edge; the detail panel has the whole reason.
    assert!(text.contains("(in 120m), propagating (1 …"), "{text}");
    assert!(
        text.contains("muted       silenced by alice: deploy window until 14:00 UTC (in 120m), propagating (1 of 2 replicas)"),
        "{text}"
    );
    assert!(text.contains("✓ 2/2"), "{text}");
    insta::assert_snapshot!("alerts_silence_propagating_120x40", terminal.backend());
}

#[test]
fn snapshot_alerts_screen_80x24() {
    let mut model = alerts_screen();
    act(&mut model, Action::Bottom);
    insta::assert_snapshot!("alerts_80x24", draw(&model, 80, 24).backend());
}

#[test]
fn muted_alerts_are_dimmed() {
    let theme = Theme::dark();
    let terminal = draw(&alerts_screen(), 120, 40);
    let buffer = terminal.backend().buffer();
    let text = screen(&terminal);
    let row = text
        .lines()
        .position(|l| l.contains("silenced by alice"))
        .unwrap() as u16;
    let col = text
        .lines()
        .nth(row as usize)
        .unwrap()
        .find("silenced")
        .unwrap() as u16;
    // Byte and cell positions agree on this ASCII row after the border.
    let cell = &buffer[(col.min(buffer.area.width - 1), row)];
    assert_eq!(
        Some(cell.fg),
        theme.muted.fg.or(Some(ratatui::style::Color::Reset))
    );
}

#[test]
fn snapshot_silence_form_120x40() {
    let terminal = draw(&form_open(), 120, 40);
    let text = screen(&terminal);
    assert!(
        text.contains("Catches 1 alert in prod-eu-1 (+1 in other clusters, not affected)"),
        "{text}"
    );
    insta::assert_snapshot!("silence_form_120x40", terminal.backend());
}

#[test]
fn snapshot_silence_form_80x24() {
    insta::assert_snapshot!("silence_form_80x24", draw(&form_open(), 80, 24).backend());
}

#[test]
fn alerts_screen_and_popups_survive_tiny_terminals() {
    for model in [alerts_screen(), form_open()] {
        for (w, h) in [(1, 1), (20, 5), (40, 8), (250, 80)] {
            draw(&model, w, h);
        }
    }
}

#[test]
fn alert_detail_names_the_suggested_runbook_and_its_key() {
    let mut model = alerts_model();
    watchdeck_core::fixture::runbooks::library(&mut model);
    act(&mut model, Action::ShowView(View::Alerts));
    act(&mut model, Action::Top);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|frame| {
            crate::view(
                frame,
                &model,
                &crate::theme::Theme::dark(),
                watchdeck_core::fixture::now(),
            );
        })
        .unwrap();
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("suggested   b run rollback-bad-deploy · rollback-bad-deploy title"),
        "{text}"
    );
}
