//! How `watchdeck run` shows a run: each step's title and guidance when it starts, facts as
//! they are learned, the diff of a change, every question, and each step's outcome; plain
//! text, one event per line, so it reads the same in a terminal, a pipe or a CI log.

use std::io::Write;

use jiff::Timestamp;

use watchdeck_core::runbook::engine::{Run, StepStatus};
use watchdeck_core::runbook::op::DiffLine;
use watchdeck_core::runbook::resolve::display_text;
use watchdeck_io::runner::Progress;

/// What has been printed of each step.
#[derive(Debug, Default, Clone)]
struct Shown {
    started: bool,
    log_lines: usize,
    diff: Vec<DiffLine>,
    status: String,
}

/// Writes progress to `out` (stdout in the command, a buffer in tests).
pub struct TextProgress<W: Write> {
    out: W,
    shown: Vec<Shown>,
    last_prompt: Option<String>,
}

impl<W: Write> TextProgress<W> {
    pub fn new(out: W) -> Self {
        TextProgress {
            out,
            shown: Vec::new(),
            last_prompt: None,
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> Progress for TextProgress<W> {
    fn update(&mut self, run: &Run, _now: Timestamp) {
        let steps = run.steps();
        let total = steps.len();
        self.shown.resize(total, Shown::default());
        let mut text = String::new();
        for (index, (state, shown)) in steps.iter().zip(self.shown.iter_mut()).enumerate() {
            if matches!(state.status, StepStatus::Pending) {
                continue;
            }
            let Some(step) = run.runbook().steps.get(index) else {
                continue;
            };
            if !shown.started {
                shown.started = true;
                let title = display_text(&step.title, run.values());
                text.push_str(&format!("\n[{}/{total}] {title}\n", index + 1));
                let guidance = display_text(&step.guidance, run.values());
                for line in guidance.lines().filter(|l| !l.trim().is_empty()) {
                    text.push_str(&format!("    | {}\n", line.trim_end()));
                }
            }
            for line in state.log.iter().skip(shown.log_lines) {
                text.push_str(&format!("    {line}\n"));
            }
            shown.log_lines = state.log.len();
            if state.diff != shown.diff && !state.diff.is_empty() {
                text.push_str("    diff:\n");
                for line in &state.diff {
                    let (sign, body) = match line {
                        DiffLine::Context(t) => (' ', t),
                        DiffLine::Removed(t) => ('-', t),
                        DiffLine::Added(t) => ('+', t),
                    };
                    text.push_str(&format!("    {sign} {body}\n"));
                }
                shown.diff = state.diff.clone();
            }
            let status = status_line(&state.status);
            if !status.is_empty() && status != shown.status {
                text.push_str(&format!("    {status}\n"));
                shown.status = status;
            }
        }
        if let Some(prompt) = run.prompt() {
            let key = format!("{:?}{}", prompt.gate, prompt.message);
            if self.last_prompt.as_ref() != Some(&key) {
                let message = prompt.message.replace('\n', "\n      ");
                text.push_str(&format!("    ? {}: {message}\n", prompt.gate.label()));
                self.last_prompt = Some(key);
            }
        }
        if !text.is_empty() {
            let _ = self.out.write_all(text.as_bytes());
            let _ = self.out.flush();
        }
    }

    fn note(&mut self, text: &str) {
        let _ = writeln!(self.out, "    > {text}");
        let _ = self.out.flush();
    }
}

fn status_line(status: &StepStatus) -> String {
    match status {
        StepStatus::Pending | StepStatus::Asking => String::new(),
        StepStatus::Running(what) => format!("... {what}"),
        StepStatus::Done(what) => format!("done: {what}"),
        StepStatus::Skipped(why) => format!("skipped: {why}"),
        StepStatus::Failed(why) => format!("FAILED: {why}"),
        StepStatus::Unknown(what) => format!("OUTCOME UNKNOWN: {what}"),
    }
}
