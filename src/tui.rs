//! The terminal: raw mode and the alternate screen on entry, restored on every way out (drop,
//! panic, signal); and panic containment for background tasks, whose panics are logged to the
//! log file instead of tearing down the screen.

use std::cell::Cell;
use std::future::Future;
use std::io::{self, Stdout};
use std::pin::Pin;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use crossterm::cursor::Show;
use crossterm::event::{
    DisableFocusChange, DisableMouseCapture, EnableFocusChange, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Whether the terminal is in the console's mode (so restoring has something to undo).
static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

thread_local! {
    /// Set while a contained task is being polled on this thread.
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// Puts the terminal in raw mode on the alternate screen and returns a guard that restores
/// it when dropped. Installs the panic hook (once per process) first.
pub fn enter() -> io::Result<(Term, TerminalGuard)> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = TerminalGuard(());
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableFocusChange,
        EnableMouseCapture
    )?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.hide_cursor()?;
    terminal.clear()?;
    Ok((terminal, guard))
}

/// Leaves raw mode, mouse capture and the alternate screen and shows the cursor. Does nothing if the
/// terminal was not entered or is already restored, so every exit path may call it.
pub fn restore() -> io::Result<()> {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let raw = disable_raw_mode();
    let screen = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableFocusChange,
        LeaveAlternateScreen,
        Show
    );
    raw.and(screen)
}

/// Restores the terminal when dropped (normal return, `?` errors, unwinding).
#[must_use = "the terminal is restored when the guard is dropped"]
pub struct TerminalGuard(());

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if let Err(err) = restore() {
            tracing::error!(%err, "restoring the terminal");
        }
    }
}

/// The panic hook: a panic inside a contained task is logged and left to its owner; any
/// other panic restores the terminal first, then runs the previous hook (which prints the
/// message on the now normal screen).
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CONTAINED.with(Cell::get) && ACTIVE.load(Ordering::SeqCst) {
                tracing::error!(panic = %info, "background task panicked");
                return;
            }
            let _ = restore();
            previous(info);
        }));
    });
}

/// A future whose panics do not tear down the terminal: they are logged, and the task's
/// `JoinHandle` reports the panic to whoever supervises it.
pub struct Contained<F>(Pin<Box<F>>);

impl<F: Future> Contained<F> {
    pub fn new(future: F) -> Self {
        Contained(Box::pin(future))
    }
}

/// Clears the contained flag when polling ends, by return or by unwinding.
struct Reset(bool);

impl Drop for Reset {
    fn drop(&mut self) {
        CONTAINED.with(|flag| flag.set(self.0));
    }
}

impl<F: Future> Future for Contained<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _reset = Reset(CONTAINED.with(|flag| flag.replace(true)));
        self.0.as_mut().poll(cx)
    }
}

// ---- `watchdeck demo --cast` hook (story helper). The ui helper's asciicast writer is the
// one implementation meant to stay: at merge, `enter_recording` returns its terminal-output
// tee and `CastTee` below goes.

/// Enters the terminal as [`enter`] does and returns a writer that sends everything to the
/// terminal and also records it in `path` as asciicast v2 (output events timed on the wall
/// clock from the moment of entry).
pub fn enter_recording(path: &std::path::Path) -> io::Result<(CastTee, TerminalGuard)> {
    let (width, height) = crossterm::terminal::size()?;
    let mut file = io::BufWriter::new(std::fs::File::create(path)?);
    let header = serde_json::json!({
        "version": 2,
        "width": width,
        "height": height,
        "timestamp": jiff::Timestamp::now().as_second(),
        "env": {"TERM": std::env::var("TERM").unwrap_or_default()},
    });
    io::Write::write_all(&mut file, format!("{header}\n").as_bytes())?;
    let (terminal, guard) = enter()?;
    drop(terminal);
    let tee = CastTee {
        out: io::stdout(),
        file,
        start: std::time::Instant::now(),
        pending: Vec::new(),
    };
    Ok((tee, guard))
}

/// Terminal output teed into an asciicast v2 file: one output event per flush.
pub struct CastTee {
    out: Stdout,
    file: io::BufWriter<std::fs::File>,
    start: std::time::Instant,
    pending: Vec<u8>,
}

impl io::Write for CastTee {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.out.write(buf)?;
        self.pending.extend_from_slice(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()?;
        if !self.pending.is_empty() {
            let data = String::from_utf8_lossy(&self.pending).into_owned();
            let event = serde_json::json!([self.start.elapsed().as_secs_f64(), "o", data]);
            self.file.write_all(format!("{event}\n").as_bytes())?;
            self.file.flush()?;
            self.pending.clear();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_without_enter_is_a_no_op() {
        assert!(restore().is_ok());
        assert!(!ACTIVE.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn contained_flag_is_set_only_while_polling() {
        let inside = Contained::new(async { CONTAINED.with(Cell::get) }).await;
        assert!(inside);
        assert!(!CONTAINED.with(Cell::get));
        let panicked = tokio::spawn(Contained::new(async { panic!("boom") })).await;
        assert!(panicked.unwrap_err().is_panic());
        assert!(!CONTAINED.with(Cell::get));
    }
}
