//! A pseudo-terminal harness for the real binary: runs `watchdeck` under util-linux
//! `script` (which owns the pty), records every byte it writes, answers its cursor-position
//! queries like a terminal would, and sends it signals. Plus a parser that checks every
//! escape sequence in that output against the ones the console itself emits.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a step may take before the test gives up (a deadline for failing, not a speed
/// assertion: the debug binary on a busy 2-core machine is slow to start).
pub const DEADLINE: Duration = Duration::from_secs(180);

/// The console running under a pty.
pub struct Console {
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    reader: Option<thread::JoinHandle<()>>,
}

/// Starts `watchdeck ARGS` in a 100x30 pty with `home` as HOME and XDG_CONFIG_HOME (so no
/// user config is found) and its log in `home`.
pub fn start(home: &Path, args: &[&str]) -> Console {
    let bin = env!("CARGO_BIN_EXE_watchdeck");
    let log = home.join("watchdeck.log");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let command = format!(
        "stty cols 100 rows 30; exec '{bin}' --log-file '{}' {}",
        log.display(),
        quoted.join(" ")
    );
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("util-linux `script` runs (apt-get install bsdutils)");
    let mut stdout = child.stdout.take().expect("stdout piped");
    let mut stdin = child.stdin.take().expect("stdin piped");
    let output = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&output);
    let reader = thread::spawn(move || {
        let mut buf = [0u8; 8192];
        let mut answered = 0;
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut all = sink.lock().unwrap();
            all.extend_from_slice(&buf[..n]);
            // A terminal answers "where is the cursor?" (ESC [ 6 n); so do we.
            let asked = count(&all, b"\x1b[6n");
            drop(all);
            while answered < asked {
                let _ = stdin.write_all(b"\x1b[1;1R");
                let _ = stdin.flush();
                answered += 1;
            }
        }
    });
    Console {
        child,
        output,
        reader: Some(reader),
    }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

impl Console {
    /// Everything written so far.
    pub fn output(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// Waits until the output satisfies `done`; panics with the output's tail at the deadline.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let text = String::from_utf8_lossy(&self.output()).into_owned();
            if done(&text) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("console exited ({status}) before {what}: {}", tail(&text));
            }
            assert!(
                start.elapsed() < DEADLINE,
                "no {what} after {DEADLINE:?}: {}",
                tail(&text)
            );
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// The watchdeck process: `script`'s child (the shell `exec`s it).
    pub fn watchdeck_pid(&self) -> u32 {
        let pid = self.child.id();
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
            .expect("children of script");
        children
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .expect("script has started watchdeck")
    }

    /// Sends `signal` (a `kill -s` name: TERM, HUP) to watchdeck.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args(["-s", signal, &self.watchdeck_pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -s {signal} failed");
    }

    /// Waits for the process to end; `script -e` exits with watchdeck's status.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                if let Some(reader) = self.reader.take() {
                    let _ = reader.join();
                }
                return status;
            }
            assert!(start.elapsed() < DEADLINE, "console did not exit");
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The last 600 characters of `text`, escapes made visible, for failure messages.
pub fn tail(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let from = chars.len().saturating_sub(600);
    chars[from..]
        .iter()
        .collect::<String>()
        .escape_debug()
        .to_string()
}

/// Private modes the console sets and resets: alternate screen, cursor, focus reports,
/// mouse reporting (1000, 1002, 1003, 1015, 1006), synchronized output.
const PRIVATE_MODES: &[&str] = &[
    "1049", "25", "1004", "1000", "1002", "1003", "1015", "1006", "2026",
];

/// Checks `output` byte by byte: every ESC must start a sequence the console emits itself
/// (SGR, cursor position and moves, erase, private modes from [`PRIVATE_MODES`], the
/// cursor-position query); no OSC, no other escape, no C1 control, no BEL, and no bidi or
/// invisible character anywhere. Returns the problems found.
pub fn foreign_sequences(output: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut i = 0;
    while i < output.len() {
        match output[i] {
            0x1b => {
                let (len, problem) = escape_at(&output[i..]);
                if let Some(problem) = problem {
                    problems.push(format!("byte {i}: {problem}"));
                }
                i += len.max(1);
            }
            b'\r' | b'\n' => i += 1,
            b if b < 0x20 || b == 0x7f => {
                problems.push(format!("byte {i}: control byte {b:#04x}"));
                i += 1;
            }
            _ => i += 1,
        }
    }
    let text = String::from_utf8_lossy(output);
    for (at, c) in text.char_indices() {
        let code = c as u32;
        if (0x80..0xa0).contains(&code)
            || matches!(code, 0x200b..=0x200f | 0x202a..=0x202e | 0x2066..=0x2069 | 0xfeff | 0x61c | 0x2028 | 0x2029)
        {
            problems.push(format!("char {at}: raw U+{code:04X}"));
        }
    }
    problems
}

/// Length of the escape sequence at the start of `bytes` and what is wrong with it.
fn escape_at(bytes: &[u8]) -> (usize, Option<String>) {
    match bytes.get(1) {
        Some(b'[') => {
            let mut end = 2;
            while end < bytes.len() && (0x20..0x40).contains(&bytes[end]) {
                end += 1;
            }
            let Some(&last) = bytes.get(end) else {
                return (bytes.len(), Some("unterminated CSI".into()));
            };
            let params = String::from_utf8_lossy(&bytes[2..end]).into_owned();
            let ok = match last {
                // SGR, cursor position, moves, erase in display/line.
                b'm' | b'H' | b'A' | b'B' | b'C' | b'D' | b'G' | b'J' | b'K' => params
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b';' || b == b':'),
                b'h' | b'l' => params
                    .strip_prefix('?')
                    .is_some_and(|modes| modes.split(';').all(|m| PRIVATE_MODES.contains(&m))),
                b'n' => params == "6",
                _ => false,
            };
            let problem =
                (!ok).then(|| format!("foreign CSI {:?}", String::from_utf8_lossy(&bytes[..=end])));
            (end + 1, problem)
        }
        Some(b']') => (2, Some("OSC sequence".into())),
        Some(other) => (2, Some(format!("foreign escape ESC {:?}", *other as char))),
        None => (1, Some("lone ESC at the end".into())),
    }
}

#[test]
fn parser_accepts_console_sequences_and_rejects_foreign_ones() {
    let ours = b"\x1b[?1049h\x1b[?25l\x1b[1;1H\x1b[38;5;12mok\x1b[0m\x1b[2J\x1b[6n\x1b[?1006l\x1b[?1049l\r\n";
    assert_eq!(foreign_sequences(ours), Vec::<String>::new());
    for hostile in [
        &b"\x1b]0;title\x07"[..],
        b"\x1b]52;c;eA==\x07",
        b"\x1b]8;;http://x\x1b\\",
        b"\x1b[?2004h",
        b"\x1b[5t",
        b"\x1bc",
        "\u{9b}2J".as_bytes(),
        "a\u{202e}b".as_bytes(),
        "a\u{200b}b".as_bytes(),
        b"\x07",
    ] {
        assert!(
            !foreign_sequences(hostile).is_empty(),
            "{:?} accepted",
            String::from_utf8_lossy(hostile)
        );
    }
}
