//! asciicast v2 files (the format `asciinema play` reads): a JSON header line, then one
//! `[seconds, "o", data]` line per chunk of terminal output. Writing only; the terminal tee
//! in `tui::record` decides what to write and when.

use std::io::{self, Write};
use std::time::Duration;

/// The header line's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub width: u16,
    pub height: u16,
    /// Unix seconds at the start of the recording.
    pub timestamp: i64,
    pub title: String,
    /// `TERM` and `SHELL` of the recording terminal, when set.
    pub term: Option<String>,
    pub shell: Option<String>,
}

impl Header {
    fn to_json(&self) -> serde_json::Value {
        let mut env = serde_json::Map::new();
        if let Some(term) = &self.term {
            env.insert("TERM".into(), term.clone().into());
        }
        if let Some(shell) = &self.shell {
            env.insert("SHELL".into(), shell.clone().into());
        }
        serde_json::json!({
            "version": 2,
            "width": self.width,
            "height": self.height,
            "timestamp": self.timestamp,
            "title": self.title,
            "env": env,
        })
    }
}

/// Writes an asciicast v2 stream: the header at creation, then output events. Bytes that end
/// in the middle of a UTF-8 character wait for the rest (JSON strings hold characters).
pub struct CastWriter<W: Write> {
    out: W,
    pending: Vec<u8>,
}

impl<W: Write> CastWriter<W> {
    /// Writes the header line.
    pub fn new(mut out: W, header: &Header) -> io::Result<Self> {
        writeln!(out, "{}", header.to_json())?;
        out.flush()?;
        Ok(CastWriter {
            out,
            pending: Vec::new(),
        })
    }

    /// Writes one output event of `bytes` at `elapsed` since the start, and flushes the file.
    /// Nothing is written for no bytes.
    pub fn output(&mut self, elapsed: Duration, bytes: &[u8]) -> io::Result<()> {
        self.pending.extend_from_slice(bytes);
        let complete = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            // An incomplete character at the end waits; an invalid one is replaced below.
            Err(err) if err.error_len().is_none() => err.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        if complete == 0 {
            return Ok(());
        }
        let rest = self.pending.split_off(complete);
        let data = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending = rest;
        let line = serde_json::json!([seconds(elapsed), "o", data]);
        writeln!(self.out, "{line}")?;
        self.out.flush()
    }
}

/// Seconds with microsecond precision, as asciinema writes them.
fn seconds(elapsed: Duration) -> f64 {
    (elapsed.as_micros() as f64) / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            width: 80,
            height: 24,
            timestamp: 1_767_225_600,
            title: "watchdeck".into(),
            term: Some("xterm-256color".into()),
            shell: None,
        }
    }

    fn lines(bytes: &[u8]) -> Vec<serde_json::Value> {
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn header_then_one_event_per_output_with_escapes_kept() {
        let mut file = Vec::new();
        let mut cast = CastWriter::new(&mut file, &header()).unwrap();
        cast.output(Duration::from_millis(0), b"\x1b[?1049h")
            .unwrap();
        cast.output(Duration::from_micros(1_250_500), b"ok \"q\"\r\n")
            .unwrap();
        cast.output(Duration::from_secs(2), b"").unwrap();
        let lines = lines(&file);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["version"], 2);
        assert_eq!(lines[0]["width"], 80);
        assert_eq!(lines[0]["height"], 24);
        assert_eq!(lines[0]["env"]["TERM"], "xterm-256color");
        assert!(lines[0]["env"].get("SHELL").is_none());
        assert_eq!(lines[1], serde_json::json!([0.0, "o", "\u{1b}[?1049h"]));
        assert_eq!(lines[2], serde_json::json!([1.2505, "o", "ok \"q\"\r\n"]));
    }

    #[test]
    fn a_character_split_across_writes_is_written_whole() {
        let mut file = Vec::new();
        let mut cast = CastWriter::new(&mut file, &header()).unwrap();
        let bar = "█".as_bytes();
        cast.output(Duration::ZERO, &[b'a', bar[0]]).unwrap();
        cast.output(Duration::from_secs(1), &bar[1..]).unwrap();
        let lines = lines(&file);
        assert_eq!(lines[1][2], "a");
        assert_eq!(lines[2][2], "█");
    }
}
