//! `--cast FILE`: a tee under the terminal backend's writer, so every byte watchdeck sends to
//! the terminal also goes to an asciicast v2 file, one event per flush (ratatui flushes once
//! per frame). Timestamps are wall time since the recording started (not the simulated
//! fleet's virtual clock), so the cast plays at the pace the session had.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::asciicast::{CastWriter, Header};

/// An open recording: the cast file, its start, and output not yet written as an event.
pub struct Recording {
    cast: CastWriter<BufWriter<File>>,
    start: Instant,
    buffer: Vec<u8>,
}

/// A recording shared by the terminal's writer and the restore path.
pub type SharedRecording = Arc<Mutex<Recording>>;

impl Recording {
    /// Creates (or truncates) `path` and writes the header for a `width` x `height` terminal.
    /// The error names the file and says what to do.
    pub fn create(path: &Path, width: u16, height: u16) -> io::Result<SharedRecording> {
        let file = File::create(path).map_err(|err| {
            io::Error::new(
                err.kind(),
                format!(
                    "cannot write the cast file {}: {err}; give --cast a path in a writable directory",
                    path.display()
                ),
            )
        })?;
        let header = Header {
            width,
            height,
            timestamp: jiff::Timestamp::now().as_second(),
            title: "watchdeck".to_string(),
            term: std::env::var("TERM").ok(),
            shell: std::env::var("SHELL").ok(),
        };
        let cast = CastWriter::new(BufWriter::new(file), &header)?;
        Ok(Arc::new(Mutex::new(Recording {
            cast,
            start: Instant::now(),
            buffer: Vec::new(),
        })))
    }

    fn record(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// Writes what was sent since the last flush as one event.
    fn flush(&mut self) -> io::Result<()> {
        let bytes = std::mem::take(&mut self.buffer);
        self.cast.output(self.start.elapsed(), &bytes)
    }
}

/// The terminal's writer: `out` (stdout in the console) plus, when recording, the cast.
pub struct Tee<W: Write> {
    out: W,
    recording: Option<SharedRecording>,
}

impl<W: Write> Tee<W> {
    pub fn new(out: W, recording: Option<SharedRecording>) -> Self {
        Tee { out, recording }
    }
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.out.write(buf)?;
        if let Some(recording) = &self.recording
            && let Ok(mut recording) = recording.lock()
        {
            recording.record(&buf[..written]);
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = self.out.flush();
        if let Some(recording) = &self.recording {
            // A cast that cannot be written must not stop the console: logged, and the
            // terminal goes on.
            match recording.lock() {
                Ok(mut recording) => {
                    if let Err(err) = recording.flush() {
                        tracing::warn!(%err, "writing the cast file");
                    }
                }
                Err(_) => tracing::warn!("the cast recording is poisoned"),
            }
        }
        flushed
    }
}
