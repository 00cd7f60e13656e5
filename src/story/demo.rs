//! `watchdeck demo STORY`: plays a story in the real terminal with its captions, on the
//! simulated fleet at `--speed` times real time. Space pauses and resumes, the right arrow
//! skips to the next step, `q` quits. Exit 0 when every expectation held, 1 naming the first
//! that did not.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use crossterm::event::{Event, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tokio::sync::mpsc;

use super::driver::{Control, Driver, Pace};
use super::parse::parse_size;
use super::player::{self, PlayOptions, Report};
use super::{Story, shipped};
use crate::cli::StoryDemoArgs;

/// Runs `watchdeck demo`.
pub async fn run(args: StoryDemoArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        print!("{}", list());
        return Ok(ExitCode::SUCCESS);
    }
    args.validate().map_err(anyhow::Error::msg)?;
    let name = args.story.as_deref().unwrap_or_default();
    let story = shipped::load(name)?;
    let size = match &args.size {
        Some(text) => parse_size(text).map_err(|e| anyhow::anyhow!("--size: {e}"))?,
        None => story.size,
    };
    let (columns, rows) = crossterm::terminal::size().context("reading the terminal's size")?;
    if columns < size.0 || rows < size.1 {
        anyhow::bail!(
            "story {} plays at {}x{} but this terminal is {columns}x{rows}: enlarge it, or give --size {columns}x{rows} (at least 80x24)",
            story.name,
            size.0,
            size.1
        );
    }
    watchdeck_io::install_tls_provider();
    eprintln!(
        "watchdeck demo: starting {} on the simulated fleet ...",
        story.name
    );
    let audit = std::env::temp_dir().join(format!("watchdeck-demo-{}.jsonl", std::process::id()));
    let (out, guard) =
        crate::tui::enter_output(args.cast.as_deref()).with_context(|| match &args.cast {
            Some(path) => format!("recording to {}", path.display()),
            None => "setting up the terminal".to_string(),
        })?;
    let report = play_on(out, size, &story, &args, audit.clone()).await;
    drop(guard);
    let report = report?;
    println!("{}", report.summary());
    println!("audit log of this demo: {}", audit.display());
    Ok(verdict(&story, &report))
}

/// The shipped stories, one per line with its description.
pub fn list() -> String {
    let mut text = String::new();
    for (name, source) in shipped::SHIPPED {
        let description = crate::story::parse(source, name)
            .map(|s| s.description)
            .unwrap_or_else(|e| format!("(invalid: {e})"));
        text.push_str(&format!("{name:<20} {description}\n"));
    }
    text
}

/// Exit 0 when the story closed; else 1, saying why on stderr.
fn verdict(story: &Story, report: &Report) -> ExitCode {
    if let Some(failure) = &report.failure {
        eprintln!("watchdeck demo: {failure}");
        return ExitCode::from(1);
    }
    if report.quit {
        eprintln!("watchdeck demo: {} stopped before its end", story.name);
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Plays the story on a terminal writing to `out`, at `size` in the top-left corner.
async fn play_on<W: Write>(
    out: W,
    size: (u16, u16),
    story: &Story,
    args: &StoryDemoArgs,
    audit: std::path::PathBuf,
) -> anyhow::Result<Report> {
    let viewport = Viewport::Fixed(Rect::new(0, 0, size.0, size.1));
    let mut terminal =
        Terminal::with_options(CrosstermBackend::new(out), TerminalOptions { viewport })
            .context("setting up the terminal")?;
    terminal.hide_cursor().context("hiding the cursor")?;
    terminal.clear().context("clearing the screen")?;
    let (tx, rx) = mpsc::channel(16);
    let viewer = tokio::spawn(controls(tx));
    let driver = Driver::start(
        &player::fleet_of(story),
        Pace::demo(args.speed),
        terminal,
        audit,
    )
    .await;
    let mut driver = match driver {
        Ok(driver) => driver.with_controls(rx),
        Err(error) => {
            viewer.abort();
            return Err(error);
        }
    };
    driver.set_theme(
        crate::app::AppOptions::from_env().effective_theme(std::env::var_os("NO_COLOR").as_deref()),
    );
    let options = PlayOptions {
        think_scale: args.think_scale,
        controls: true,
    };
    let report = player::play(story, &mut driver, options).await;
    viewer.abort();
    Ok(report)
}

/// The viewer's keys: space pauses or resumes, → skips to the next step, q or Ctrl-C quits.
async fn controls(tx: mpsc::Sender<Control>) {
    let mut events = EventStream::new();
    while let Some(Ok(event)) = events.next().await {
        let control = match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => match key.code {
                KeyCode::Char(' ') => Control::PauseResume,
                KeyCode::Right => Control::Skip,
                KeyCode::Char('q') => Control::Quit,
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    Control::Quit
                }
                _ => continue,
            },
            Event::Resize(..) => Control::Redraw,
            _ => continue,
        };
        if tx.send(control).await.is_err() {
            return;
        }
    }
}
