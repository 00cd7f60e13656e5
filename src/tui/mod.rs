//! The terminal: raw mode and the alternate screen on entry, restored on every way out (drop,
//! panic, signal); and panic containment for background tasks, whose panics are logged to the
//! log file instead of tearing down the screen. `record` tees the output into an
//! asciicast file (`--cast`).

pub mod input;
pub mod record;

use std::io::{self, Stdout, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

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

/// Puts the terminal in raw mode on the alternate screen and returns a guard that restores
/// it when dropped. Installs the panic hook (once per process) first.
pub fn enter() -> io::Result<(Term, TerminalGuard)> {
    enter_recording(None)
}

/// [`enter`], and with `cast` every byte sent to the terminal from here to the restore also
/// goes to that asciicast v2 file (timestamps: wall time since the recording started). A cast
/// file that cannot be created is an error before the terminal is touched.
pub fn enter_recording(cast: Option<&Path>) -> io::Result<(Term, TerminalGuard)> {
    let (out, guard) = enter_output(cast)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(out))?;
    terminal.hide_cursor()?;
    terminal.clear()?;
    Ok((terminal, guard))
}

/// Raw mode, the alternate screen, mouse and focus reporting; the output teed into
/// `recording` when there is one.
fn enter_with(recording: Option<SharedRecording>) -> io::Result<(Tee<Stdout>, TerminalGuard)> {
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
    Ok((out, guard))
}

/// [`enter_recording`] without the ratatui terminal: the output (teed into `cast` when
/// given) for a caller that sets up its own viewport, such as `watchdeck demo`.
pub fn enter_output(cast: Option<&Path>) -> io::Result<(Tee<Stdout>, TerminalGuard)> {
    let recording = match cast {
        Some(path) => {
            let (width, height) = crossterm::terminal::size().unwrap_or((80, 24));
            Some(Recording::create(path, width, height)?)
        }
        None => None,
    };
    enter_with(recording)
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
            if watchdeck_io::contained::polling_contained() && ACTIVE.load(Ordering::SeqCst) {
                tracing::error!(panic = %info, "background task panicked");
                return;
            }
            let _ = restore();
            previous(info);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_without_enter_is_a_no_op() {
        assert!(restore().is_ok());
        assert!(!ACTIVE.load(Ordering::SeqCst));
    }
}

#[cfg(test)]
mod cast_tests;
