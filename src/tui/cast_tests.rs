//! The `--cast` round trip: console frames drawn through the tee, the cast file parsed and
//! played into a terminal emulator (vt100), and the emulator's screen compared with the frame
//! the console drew.

use std::io;

use crossterm::execute;
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::record::{Recording, Tee};
use watchdeck_core::action::Key;
use watchdeck_core::fixture::{now, sample_model};
use watchdeck_core::model::Model;
use watchdeck_core::update::update;
use watchdeck_ui::theme::Theme;
use watchdeck_ui::view;

const WIDTH: u16 = 80;
const HEIGHT: u16 = 24;

fn rows_of_buffer(model: &Model) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    terminal
        .draw(|frame| {
            view(frame, model, &Theme::dark(), now());
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..HEIGHT)
        .map(|y| {
            let row: String = (0..WIDTH).map(|x| buffer[(x, y)].symbol()).collect();
            row.trim_end().to_string()
        })
        .collect()
}

/// The header and the output events of a cast file, checked line by line.
fn parse_cast(text: &str) -> (serde_json::Value, Vec<(f64, String)>) {
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let events = lines
        .map(|line| {
            let event: (f64, String, String) = serde_json::from_str(line).unwrap();
            assert_eq!(event.1, "o", "only output events: {line}");
            (event.0, event.2)
        })
        .collect();
    (header, events)
}

#[test]
fn the_cast_replays_to_the_frame_the_console_drew() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.cast");
    let recording = Recording::create(&path, WIDTH, HEIGHT).unwrap();
    let mut out = Tee::new(io::sink(), Some(recording.clone()));
    // What `tui::enter` sends first (its `clear` asks a real tty for the cursor).
    execute!(out, EnterAlternateScreen, Clear(ClearType::All)).unwrap();
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(out),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT)),
        },
    )
    .unwrap();
    let mut model = sample_model();
    let overview = rows_of_buffer(&model);
    let mut frames = 0;
    // Overview, then the Pods screen, then Alerts: each switch redraws most of the screen.
    for key in [None, Some('2'), Some('3')] {
        if let Some(key) = key {
            update(&mut model, watchdeck_core::fixture::key_msg(Key::Char(key)));
        }
        terminal
            .draw(|frame| {
                view(frame, &model, &Theme::dark(), now());
            })
            .unwrap();
        frames += 1;
    }
    drop(terminal);
    drop(recording);

    let text = std::fs::read_to_string(&path).unwrap();
    let (header, events) = parse_cast(&text);
    assert_eq!(header["version"], 2);
    assert_eq!(header["width"], WIDTH);
    assert_eq!(header["height"], HEIGHT);
    assert!(header["timestamp"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(header["title"], "watchdeck");
    // The alternate screen, the clear, and one event per frame (flushed per frame).
    assert!(events.len() >= frames, "{} events", events.len());
    assert!(
        events.windows(2).all(|pair| pair[0].0 <= pair[1].0),
        "timestamps never go back"
    );

    let mut emulator = vt100::Parser::new(
        std::num::NonZeroU16::new(HEIGHT).unwrap(),
        std::num::NonZeroU16::new(WIDTH).unwrap(),
        0,
    );
    for (_, data) in &events {
        emulator.process(data.as_bytes());
    }
    assert!(emulator.screen().alternate_screen());
    let played: Vec<String> = emulator
        .screen()
        .rows(0, WIDTH)
        .map(|row| row.trim_end().to_string())
        .collect();
    let drawn = rows_of_buffer(&model);
    assert_eq!(played, drawn);
    assert_ne!(drawn, overview, "the screen switched after the first frame");
}

#[test]
fn a_cast_path_that_cannot_be_written_is_refused_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir").join("x.cast");
    let Err(err) = Recording::create(&path, WIDTH, HEIGHT) else {
        panic!("a cast in a missing directory must be refused");
    };
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("writable directory"), "{message}");
}
