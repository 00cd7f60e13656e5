//! A key press during a data flood shows on the very next frame: frames are counted by a
//! recording backend, and the key stream notes how many frames were drawn when the key was
//! handed to the loop. No clocks involved.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::StreamExt;
use futures::channel::mpsc as fmpsc;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use super::*;
use watchdeck_core::event::{Payload, PodsChange};
use watchdeck_core::fixture::{empty_model, pod};

/// Text only the help overlay shows: its border hint, drawn however long the help is.
const HELP_MARK: &str = "Esc closes";

/// A TestBackend that counts flushed frames and remembers whether each showed the help.
struct Recording {
    inner: TestBackend,
    frames: Arc<AtomicU64>,
    shown: Arc<Mutex<Vec<bool>>>,
}

impl Backend for Recording {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()?;
        let text: String = self
            .inner
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        self.shown.lock().unwrap().push(text.contains(HELP_MARK));
        self.frames.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn key(c: char) -> std::io::Result<TermEvent> {
    Ok(TermEvent::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_during_flood_shows_on_the_very_next_frame() {
    let frames = Arc::new(AtomicU64::new(0));
    let shown = Arc::new(Mutex::new(Vec::new()));
    let backend = Recording {
        inner: TestBackend::new(120, 40),
        frames: Arc::clone(&frames),
        shown: Arc::clone(&shown),
    };
    let mut terminal = Terminal::new(backend).unwrap();
    let mut model = empty_model();

    // Frames drawn when the loop took the key (usize::MAX until then).
    let frames_at_key = Arc::new(AtomicUsize::new(usize::MAX));
    let (keys, raw_keys) = fmpsc::unbounded();
    let (counter, noted) = (Arc::clone(&frames), Arc::clone(&frames_at_key));
    let terminal_events = raw_keys.map(move |event: std::io::Result<TermEvent>| {
        if let Ok(TermEvent::Key(k)) = &event
            && k.code == KeyCode::Char('?')
        {
            noted.store(counter.load(Ordering::SeqCst) as usize, Ordering::SeqCst);
        }
        event
    });
    let (tx, data) = mpsc::channel(CHANNEL_CAPACITY);
    let inputs = Inputs {
        data,
        supervisor: None,
        executor: None,
        terminal: terminal_events,
    };

    // The flood: pod updates as fast as the bounded channel takes them. After 3,000 it
    // presses `?`; once two more frames are out, `q`; it stops when the loop is gone.
    let (watch_frames, watch_key) = (Arc::clone(&frames), Arc::clone(&frames_at_key));
    let flood = tokio::spawn(async move {
        let mut sent = 0u64;
        let mut quit_sent = false;
        loop {
            let row = pod("flood", &format!("pod-{}", sent % 2000), "Running", 1, 1, 0);
            let event = DataEvent {
                cluster: (sent % 3) as usize,
                at: Timestamp::now(),
                payload: Payload::Pods(PodsChange::Upsert(row)),
            };
            if tx.send(event).await.is_err() {
                return sent;
            }
            sent += 1;
            if sent == 3_000 {
                keys.unbounded_send(key('?')).unwrap();
            }
            let at = watch_key.load(Ordering::SeqCst);
            if !quit_sent
                && at != usize::MAX
                && watch_frames.load(Ordering::SeqCst) as usize > at + 1
            {
                keys.unbounded_send(key('q')).unwrap();
                quit_sent = true;
            }
        }
    });
    let shutdown = std::pin::pin!(std::future::pending::<()>());
    let theme = Theme::dark();
    let run = event_loop(
        &mut terminal,
        &mut model,
        &theme,
        inputs,
        shutdown,
        Duration::from_secs(1),
    );
    let stats = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the loop quits")
        .unwrap();
    let sent = flood.await.unwrap();
    let at = frames_at_key.load(Ordering::SeqCst);
    let shown = shown.lock().unwrap().clone();
    assert!(stats.data_events >= 3_000, "{stats:?} sent {sent}");
    assert!(at != usize::MAX, "the key was never read");
    assert!(at >= 1, "frames were drawn before the key");
    assert!(!shown[at - 1], "help showed before the key");
    // Frame number `at + 1` (index `at`) is the first drawn after the key: it shows it.
    assert!(
        shown.get(at).copied().unwrap_or(false),
        "frame after the key: {:?} (key after frame {at})",
        shown.get(at)
    );
}
