//! Screen snapshots on a TestBackend at a fixed `now`, plus checks of colours, NO_COLOR and
//! hostile text.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

use super::theme::Theme;
use super::{ViewInfo, view};
use watchdeck_core::action::Action;
use watchdeck_core::fixture::act;
use watchdeck_core::fixture::{now, sample_model};
use watchdeck_core::model::Model;

fn draw(
    model: &Model,
    theme: &Theme,
    width: u16,
    height: u16,
) -> (Terminal<TestBackend>, ViewInfo) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut info = ViewInfo::default();
    terminal
        .draw(|frame| {
            info = view(frame, model, theme, now());
        })
        .unwrap();
    (terminal, info)
}

fn screen_text(buffer: &Buffer) -> String {
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

/// The cell where `needle` starts, on the first line that also contains `row`.
fn find_in_row(buffer: &Buffer, row: &str, needle: &str) -> Option<(u16, u16)> {
    let text = screen_text(buffer);
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(row))
        .find_map(|(y, line)| {
            line.find(needle)
                .map(|byte| (line[..byte].chars().count() as u16, y as u16))
        })
}

fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    find_in_row(buffer, needle, needle)
}

#[test]
fn snapshot_dashboard_120x40() {
    let (terminal, info) = draw(&sample_model(), &Theme::dark(), 120, 40);
    insta::assert_snapshot!("dashboard_120x40", terminal.backend());
    assert!(info.pods_rows > 5 && info.alerts_rows >= 4, "{info:?}");
}

#[test]
fn snapshot_dashboard_80x24() {
    let (terminal, _) = draw(&sample_model(), &Theme::dark(), 80, 24);
    insta::assert_snapshot!("dashboard_80x24", terminal.backend());
}

#[test]
fn snapshot_help_overlay_80x24() {
    let mut model = sample_model();
    act(&mut model, Action::ToggleHelp);
    let (terminal, _) = draw(&model, &Theme::dark(), 80, 24);
    insta::assert_snapshot!("help_80x24", terminal.backend());
}

#[test]
fn snapshot_alerts_focused_and_scrolled_80x24() {
    let mut model = sample_model();
    model.ui.pods_page = 3;
    act(&mut model, Action::PageDown);
    act(&mut model, Action::Down);
    act(&mut model, Action::FocusNext);
    act(&mut model, Action::Bottom);
    let (terminal, _) = draw(&model, &Theme::dark(), 80, 24);
    insta::assert_snapshot!("scrolled_80x24", terminal.backend());
}

#[test]
fn snapshot_empty_fleet_80x24() {
    let (terminal, _) = draw(
        &watchdeck_core::fixture::empty_model(),
        &Theme::dark(),
        80,
        24,
    );
    insta::assert_snapshot!("connecting_80x24", terminal.backend());
}

#[test]
fn render_is_stable_for_same_model_and_now() {
    let model = sample_model();
    let (a, _) = draw(&model, &Theme::dark(), 120, 40);
    let (b, _) = draw(&model, &Theme::dark(), 120, 40);
    assert_eq!(a.backend().buffer(), b.backend().buffer());
}

#[test]
fn render_hostile_text_is_inert() {
    let (terminal, _) = draw(&sample_model(), &Theme::dark(), 120, 40);
    let buffer = terminal.backend().buffer();
    let text = screen_text(buffer);
    for c in text.chars() {
        let code = c as u32;
        assert!(
            c == '\n' || !(code < 0x20 || (0x7f..0xa0).contains(&code)),
            "control {code:#x} on screen"
        );
        assert!(
            !matches!(code, 0x200b..=0x200d | 0x202a..=0x202e | 0x2066..=0x2069 | 0xfeff),
            "{code:#x}"
        );
    }
    assert!(
        text.contains("frontend-␛[2J␛]0;pwned␇-evil\\u{202e}"),
        "{text}"
    );
    assert!(
        text.contains("Always firing ␛]52;c;cm0gLXJmIC8=␇\\u{9b}2J␍"),
        "{text}"
    );
}

#[test]
fn render_status_colours_follow_theme() {
    let theme = Theme::dark();
    let (terminal, _) = draw(&sample_model(), &theme, 120, 40);
    let buffer = terminal.backend().buffer();
    let check = |row: &str, needle: &str, want: Option<Color>| {
        let (x, y) =
            find_in_row(buffer, row, needle).unwrap_or_else(|| panic!("{needle} not on screen"));
        assert_eq!(
            Some(buffer[(x, y)].fg),
            want.or(Some(Color::Reset)),
            "{row}: {needle}"
        );
    };
    check("CrashLoopBackOff", "CrashLoopBackOff", theme.bad.fg);
    check("ContainerCreating", "ContainerCreating", theme.warn.fg);
    check("Completed", "Completed", theme.done.fg);
    check("coredns", "Running", theme.ok.fg);
    check("canary-2", "Running", theme.warn.fg);
    check("canary-2", "1/2", theme.warn.fg);
    check("HighErrorRate", "critical", theme.critical.fg);
    check("Watchdog", "info", theme.info.fg);
    check("connection refused", "connection refused", theme.bad.fg);
    check("connection refused", "alerts stale", theme.warn.fg);
    // The selected row (the first pod; the pods table has the focus) is highlighted.
    let (x, y) = find(buffer, "api-7d9f8c-q8w2z").unwrap_or_default();
    assert_eq!(Some(buffer[(x, y)].bg), theme.selected.bg);
    let (x, y) = find(buffer, "coredns").unwrap_or_default();
    assert_ne!(Some(buffer[(x, y)].bg), theme.selected.bg);
}

#[test]
fn render_no_color_uses_no_colours() {
    let mut model = sample_model();
    act(&mut model, Action::ToggleHelp);
    let (terminal, _) = draw(&model, &Theme::monochrome(), 120, 40);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
    let (x, y) = find(buffer, "CrashLoopBackOff").unwrap_or_default();
    assert!(
        buffer[(x, y)]
            .modifier
            .contains(ratatui::style::Modifier::BOLD)
    );
}

#[test]
fn render_tiny_terminal_does_not_panic() {
    let model = sample_model();
    for (w, h) in [(1, 1), (10, 5), (40, 8), (80, 3), (200, 60)] {
        draw(&model, &Theme::dark(), w, h);
    }
}

#[test]
fn help_taller_than_the_terminal_scrolls_to_its_last_line() {
    let mut model = sample_model();
    act(&mut model, Action::ToggleHelp);
    let (terminal, _) = draw(&model, &Theme::dark(), 80, 24);
    let first = screen_text(terminal.backend().buffer());
    assert!(
        first.contains("more"),
        "the help says there is more:\n{first}"
    );
    assert!(
        !first.contains("quit"),
        "quit is below the fold at 80x24:\n{first}"
    );
    act(&mut model, Action::Bottom);
    let (terminal, _) = draw(&model, &Theme::dark(), 80, 24);
    let last = screen_text(terminal.backend().buffer());
    assert!(
        last.contains("quit"),
        "scrolled to the end shows quit:\n{last}"
    );
    act(&mut model, Action::Top);
    let (terminal, _) = draw(&model, &Theme::dark(), 80, 24);
    assert_eq!(screen_text(terminal.backend().buffer()), first);
}

#[test]
fn a_namespace_scoped_cluster_says_what_it_watches_under_its_band() {
    use watchdeck_core::model::kube::KubeScope;
    use watchdeck_core::text::Text;
    let mut model = sample_model();
    let theme = Theme::dark();
    let (terminal, _) = draw(&model, &theme, 120, 40);
    assert!(!screen_text(terminal.backend().buffer()).contains("only ("));
    model.clusters[0].kube.scope = KubeScope::Namespaces {
        names: vec![Text::new("shop")],
        reason: Text::new("forbidden at cluster scope: list pods"),
    };
    for (width, height) in [(120, 40), (80, 24)] {
        let (terminal, _) = draw(&model, &theme, width, height);
        let buffer = terminal.backend().buffer();
        let text = screen_text(buffer);
        let needle = "k8s: namespace shop only";
        let (x, y) = find(buffer, needle).unwrap_or_else(|| panic!("{width}x{height}:\n{text}"));
        assert_eq!(buffer[(x, y)].fg, theme.warn.fg.unwrap_or(Color::Reset));
        // Right under the first cluster's band.
        let first = model.clusters[0].name.as_str();
        let (_, band) = find(buffer, first).expect("first band");
        assert_eq!(y, band + 1, "{width}x{height}:\n{text}");
    }
}
