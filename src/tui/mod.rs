//! The terminal: raw mode and the alternate screen on entry, restored on every way out (drop,
//! panic, signal); and panic containment for background tasks, whose panics are logged to the
//! log file instead of tearing down the screen. `record` tees the output into an
//! asciicast file (`--cast`).

pub mod record;

use std::cell::Cell;
use std::future::Future;
use std::io::{self, Stdout, Write};
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};
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

pub use record::{Recording, SharedRecording, Tee};

/// The console's terminal: stdout, teed into the cast file when recording.
pub type Term = Terminal<CrosstermBackend<Tee<Stdout>>>;

/// Whether the terminal is in the console's mode (so restoring has something to undo).
static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();
/// The recording in progress, so `restore` writes the leaving sequences into the cast too.
static RECORDING: Mutex<Option<SharedRecording>> = Mutex::new(None);

thread_local! {
    /// Set while a contained task is being polled on this thread.
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// Puts the terminal in raw mode on the alternate screen and returns a guard that restores
/// it when dropped. Installs the panic hook (once per process) first.
pub fn enter() -> io::Result<(Term, TerminalGuard)> {
    enter_recording(None)
}

/// [`enter`], and with `cast` every byte sent to the terminal from here to the restore also
/// goes to that asciicast v2 file (timestamps: wall time since the recording started). A cast
/// file that cannot be created is an error before the terminal is touched.
pub fn enter_recording(cast: Option<&Path>) -> io::Result<(Term, TerminalGuard)> {
    let recording = match cast {
        Some(path) => {
            let (width, height) = crossterm::terminal::size().unwrap_or((80, 24));
            Some(Recording::create(path, width, height)?)
        }
        None => None,
    };
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    if let Ok(mut slot) = RECORDING.lock() {
        slot.clone_from(&recording);
    }
    let guard = TerminalGuard(());
    let mut out = Tee::new(io::stdout(), recording);
    execute!(
        out,
        EnterAlternateScreen,
        EnableFocusChange,
        EnableMouseCapture
    )?;
    let mut terminal = Terminal::new(CrosstermBackend::new(out))?;
    terminal.hide_cursor()?;
    terminal.clear()?;
    Ok((terminal, guard))
}

/// Leaves raw mode, mouse capture and the alternate screen and shows the cursor. Does nothing if the
/// terminal was not entered or is already restored, so every exit path may call it. A
/// recording gets the same sequences and is closed.
pub fn restore() -> io::Result<()> {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let raw = disable_raw_mode();
    // try_lock: restore runs in the panic hook, maybe while this thread holds the lock.
    let recording = RECORDING.try_lock().ok().and_then(|mut slot| slot.take());
    let mut out = Tee::new(io::stdout(), recording);
    let screen = execute!(
        out,
        DisableMouseCapture,
        DisableFocusChange,
        LeaveAlternateScreen,
        Show
    );
    let _ = out.flush();
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

#[cfg(test)]
mod cast_tests;
