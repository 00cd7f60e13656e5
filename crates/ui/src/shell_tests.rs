//! Snapshots of every screen at 120x40 and 80x24 with the shell's overlays (help, palette,
//! filter prompt, one cluster shown), hostile text on every screen, terminals of any size,
//! and the layout reported for the mouse matching what is drawn.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::theme::Theme;
use super::{ViewInfo, view};
use watchdeck_core::action::Key;
use watchdeck_core::event::{Msg, Payload, PodsChange};
use watchdeck_core::fixture::{alert, data, empty_model, now, pod, sample_model};
use watchdeck_core::model::Model;
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::screen::View;
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

fn text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn press(model: &mut Model, keys: &str) {
    for c in keys.chars() {
        update(model, watchdeck_core::fixture::key_msg(Key::Char(c)));
    }
}

fn name(view: View) -> String {
    view.title().to_ascii_lowercase()
}

#[test]
fn snapshot_every_screen_at_both_sizes() {
    for screen in &super::views::SCREENS {
        for &(w, h) in screen.snapshot_sizes {
            let mut model = sample_model();
            model.ui.view = screen.view;
            let (terminal, _) = draw(&model, w, h);
            insta::assert_snapshot!(
                format!("screen_{}_{w}x{h}", name(screen.view)),
                terminal.backend()
            );
        }
    }
}

#[test]
fn snapshot_help_overlay_at_both_sizes() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut model = sample_model();
        model.ui.view = View::Pods;
        press(&mut model, "?");
        let (terminal, _) = draw(&model, w, h);
        insta::assert_snapshot!(format!("overlay_help_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn snapshot_palette_overlay_at_both_sizes() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut model = sample_model();
        press(&mut model, ":cl");
        let (terminal, _) = draw(&model, w, h);
        insta::assert_snapshot!(format!("overlay_palette_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn snapshot_filter_prompt_and_match_count() {
    let mut model = sample_model();
    model.ui.view = View::Pods;
    press(&mut model, "/ns:payments");
    let (terminal, _) = draw(&model, 80, 24);
    let screen = text(&terminal);
    assert!(screen.contains("Pods (3 match /ns:payments)"), "{screen}");
    assert!(screen.contains("/ns:payments"), "{screen}");
    insta::assert_snapshot!("filter_prompt_80x24", terminal.backend());
}

#[test]
fn snapshot_one_cluster_shown() {
    let mut model = sample_model();
    press(&mut model, ":staging only");
    update(&mut model, watchdeck_core::fixture::key_msg(Key::Enter));
    let (terminal, _) = draw(&model, 120, 40);
    let screen = text(&terminal);
    assert!(screen.contains("1 of 3 clusters: staging-eu-1"), "{screen}");
    assert!(!screen.contains("prod-eu-1"), "{screen}");
    insta::assert_snapshot!("one_cluster_120x40", terminal.backend());
}

/// Every string a cluster or Alertmanager can send, made hostile.
const HOSTILE: &[&str] = &[
    "\x1b[2J\x1b[H",                                     // CSI clear screen, cursor home
    "\x1b[10;20H\x1b[5A",                                // cursor moves
    "\x1b]0;pwned\x07",                                  // OSC title
    "\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\", // OSC 8 link
    "\x1b]52;c;cm0gLXJmIC8=\x07",                        // OSC 52 clipboard
    "\u{9b}2J",                                          // C1 CSI
    "ok\rFAILED",                                        // CR overwrite
    "txt\u{202e}exe.sh",                                 // bidi override
    "a\u{200d}b\u{200b}c\u{2066}d\u{feff}",              // zero-width and isolates
];

fn hostile_model() -> Model {
    let mut model = empty_model();
    let pods = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut row = pod(h, &format!("p{i}-{h}"), h, 0, 1, 1);
            row.node = Text::new(h);
            row
        })
        .collect();
    let alerts = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, h)| alert(&format!("f{i}"), h, h, h, 60))
        .collect();
    for msg in [
        data(0, -1, Payload::Pods(PodsChange::Reset(pods))),
        data(0, -1, Payload::Alerts(alerts)),
        data(
            1,
            -1,
            Payload::Failed {
                source: SourceKind::Pods,
                reason: Text::new(HOSTILE.concat().as_str()),
            },
        ),
    ] {
        update(&mut model, msg);
    }
    model
}

fn assert_inert(screen: &str, what: &str) {
    for c in screen.chars() {
        let code = c as u32;
        assert!(
            c == '\n' || !(code < 0x20 || (0x7f..0xa0).contains(&code)),
            "{what}: control U+{code:04X} on screen"
        );
        assert!(
            !matches!(code, 0x200b..=0x200f | 0x202a..=0x202e | 0x2066..=0x2069 | 0xfeff),
            "{what}: invisible or bidi U+{code:04X} on screen"
        );
    }
}

#[test]
fn hostile_text_is_inert_on_every_screen_and_overlay() {
    for view in View::ALL {
        let mut model = hostile_model();
        model.ui.view = view;
        let (terminal, _) = draw(&model, 120, 40);
        let screen = text(&terminal);
        assert_inert(&screen, &name(view));
        insta::assert_snapshot!(format!("hostile_{}_120x40", name(view)), terminal.backend());
    }
    let mut model = hostile_model();
    press(&mut model, ":namespace");
    let (terminal, _) = draw(&model, 120, 40);
    let screen = text(&terminal);
    assert_inert(&screen, "palette");
    assert!(screen.contains("namespace ␛[2J␛[H"), "{screen}");
    insta::assert_snapshot!("hostile_palette_120x40", terminal.backend());
}

#[test]
fn every_screen_and_overlay_survives_any_terminal_size() {
    let sizes = [
        (0, 0),
        (0, 10),
        (10, 0),
        (1, 1),
        (20, 5),
        (80, 3),
        (33, 12),
        (500, 200),
    ];
    for overlay in ["", "?", ":", "/x"] {
        for view in View::ALL {
            let mut model = sample_model();
            model.ui.view = view;
            press(&mut model, overlay);
            for (w, h) in sizes {
                let (_, info) = draw(&model, w, h);
                update(&mut model, Msg::Layout(info.layout));
            }
        }
    }
}

#[test]
fn reported_layout_matches_the_drawn_tabs_and_rows() {
    let model = sample_model();
    for (w, h) in [(120, 40), (80, 24), (40, 12)] {
        let (terminal, info) = draw(&model, w, h);
        let screen = text(&terminal);
        let title: Vec<char> = screen.lines().next().unwrap().chars().collect();
        for (i, view) in View::ALL.iter().enumerate() {
            let tab = info.layout.tabs[i];
            let drawn: String = title[usize::from(tab.x)..usize::from(tab.x + tab.width)]
                .iter()
                .collect();
            let label = crate::widgets::status::tab_label(w, i, *view);
            assert_eq!(drawn, label, "{w}x{h}");
            assert!(label.starts_with(&format!("{} {}", i + 1, &view.title()[..3])));
        }
    }
    let mut model = sample_model();
    model.ui.view = View::Pods;
    let (terminal, info) = draw(&model, 120, 40);
    let rows = info.layout.pods.unwrap();
    let line = text(&terminal)
        .lines()
        .nth(usize::from(rows.y))
        .unwrap()
        .to_string();
    assert!(line.contains("api-7d9f8c-q8w2z"), "first pod row: {line}");
    assert_eq!(usize::from(rows.height), info.pods_rows);
}
