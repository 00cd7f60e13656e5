//! Plays a story's steps on a [`Driver`]: captions into the caption bar, keys and typing at
//! the story's pace, think and wait time as virtual time, expectations checked and recorded
//! with their line. Counts what the person did (keys, characters typed, questions answered)
//! and reports the run's recovery time and data at risk when its runbook has objectives.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use ratatui::backend::Backend;

use super::condition::Condition;
use super::driver::{Driver, FleetSpec, Pace, Until};
use super::{StepKind, Story};
use watchdeck_core::action::Key;
use watchdeck_core::runbook::engine::RecoveryReport;
use watchdeck_core::text::Text;
use watchdeck_sim::clock::Millis;
use watchdeck_ui::widgets::caption::Caption;

/// How a story is played.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlayOptions {
    /// Think times are multiplied by this (1.0 as written).
    pub think_scale: f64,
    /// The caption bar shows the viewer's keys (a demo).
    pub controls: bool,
}

impl Default for PlayOptions {
    fn default() -> Self {
        PlayOptions {
            think_scale: 1.0,
            controls: false,
        }
    }
}

/// A `wait` or `expect` that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub origin: String,
    pub line: usize,
    /// `wait` or `expect`.
    pub step: &'static str,
    /// What was asked for, in words.
    pub wanted: String,
    /// What was seen instead.
    pub seen: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = if self.step == "wait" {
            "timed out waiting for"
        } else {
            "expected"
        };
        write!(
            f,
            "{}:{}: {} {how} {}; seen: {}",
            self.origin, self.line, self.step, self.wanted, self.seen
        )
    }
}

/// What playing a story did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub story: String,
    /// Keys pressed in `keys` steps.
    pub keys: u32,
    /// Characters typed in `type` steps.
    pub typed: u32,
    /// Questions the runs asked.
    pub prompts: u32,
    /// Virtual time from the first step to the last.
    pub virtual_ms: Millis,
    pub wall: Duration,
    /// The last run with objectives: its recovery time and data at risk.
    pub recovery: Option<RecoveryReport>,
    /// Every `expect`, by line, and whether it held.
    pub expects: Vec<(usize, bool)>,
    /// The first `wait` or `expect` that did not hold.
    pub failure: Option<Failure>,
    /// The viewer quit, or the console did, before the end.
    pub quit: bool,
}

impl Report {
    /// Every step ran and every expectation held.
    pub fn closed(&self) -> bool {
        self.failure.is_none() && !self.quit
    }

    /// One line for logs and the test output.
    pub fn summary(&self) -> String {
        let secs = |d: Duration| watchdeck_core::model::time::human_duration(d.as_secs() as i64);
        let recovery = match &self.recovery {
            Some(r) => format!(
                " rto {} (objective {}) rpo {} (objective {})",
                secs(r.elapsed),
                r.rto.map_or("-".to_string(), secs),
                r.data_at_risk.map_or("-".to_string(), secs),
                r.rpo.map_or("-".to_string(), secs),
            ),
            None => String::new(),
        };
        format!(
            "{}: keys {} typed {} prompts {} virtual {} wall {:.1}s{recovery}",
            self.story,
            self.keys,
            self.typed,
            self.prompts,
            secs(Duration::from_millis(self.virtual_ms.max(0) as u64)),
            self.wall.as_secs_f64(),
        )
    }
}

/// The fleet a story plays on.
pub fn fleet_of(story: &Story) -> FleetSpec {
    FleetSpec::new(&story.scenario, story.seed, story.at_ms)
}

/// Starts the console for `story` on `terminal` at `pace`, audit records into `audit`.
pub async fn start<B>(
    story: &Story,
    pace: Pace,
    terminal: ratatui::Terminal<B>,
    audit: PathBuf,
) -> anyhow::Result<Driver<B>>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    Driver::start(&fleet_of(story), pace, terminal, audit).await
}

/// Plays every step of `story` on `driver`; stops at a `wait` that times out or when the
/// viewer quits, records every `expect`.
pub async fn play<B>(story: &Story, driver: &mut Driver<B>, options: PlayOptions) -> Report
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let wall = std::time::Instant::now();
    let begin = driver.virtual_ms();
    let prompts_before = driver.prompts;
    let mut report = Report {
        story: story.name.clone(),
        ..Report::default()
    };
    let mut caption = Caption {
        story: Text::new(&story.name),
        controls: options.controls,
        ..Caption::default()
    };
    driver.time_runs = true;
    let total = story.steps.len();
    'steps: for (index, step) in story.steps.iter().enumerate() {
        caption.progress = format!("step {}/{total}", index + 1);
        caption.elapsed = elapsed(driver.virtual_ms() - begin);
        caption.paused = driver.paused();
        if let StepKind::Caption(text) = &step.kind {
            caption.text = Text::new(text);
        }
        driver.set_caption(Some(caption.clone()));
        let until = match &step.kind {
            StepKind::Caption(_) => Until::Done,
            StepKind::Keys { keys, delay_ms } => {
                let delay = if *delay_ms >= 0 {
                    *delay_ms
                } else {
                    story.key_delay_ms
                };
                let mut until = Until::Done;
                for key in keys {
                    report.keys += 1;
                    if driver.press(*key) {
                        until = Until::Quit;
                        break;
                    }
                    until = driver.run_for(delay, None).await;
                    if until != Until::Done {
                        break;
                    }
                }
                until
            }
            StepKind::Type(text) => {
                let per_char = (1000.0 / story.typing_cps).round() as Millis;
                let mut until = Until::Done;
                for c in text.chars() {
                    report.typed += 1;
                    driver.press(Key::Char(c));
                    until = driver.run_for(per_char, None).await;
                    if until != Until::Done {
                        break;
                    }
                }
                until
            }
            StepKind::Think(ms) => {
                let scaled = (*ms as f64 * options.think_scale).round() as Millis;
                driver.run_for(scaled, None).await
            }
            StepKind::Wait { until, timeout_ms } => {
                let holds = |d: &mut Driver<B>| check(until, d);
                let outcome = driver.run_for(*timeout_ms, Some(&holds)).await;
                if outcome == Until::TimedOut {
                    let timed_out = failure(story, step.line, "wait", until, driver);
                    report.failure.get_or_insert(timed_out);
                    break 'steps;
                }
                outcome
            }
            StepKind::Expect(condition) => {
                let held = check(condition, driver);
                report.expects.push((step.line, held));
                if !held && report.failure.is_none() {
                    report.failure = Some(failure(story, step.line, "expect", condition, driver));
                }
                Until::Done
            }
        };
        remember_recovery(driver, &mut report);
        if until == Until::Quit {
            report.quit = true;
            break;
        }
    }
    driver.time_runs = false;
    remember_recovery(driver, &mut report);
    report.prompts = driver.prompts - prompts_before;
    report.virtual_ms = driver.virtual_ms() - begin;
    report.wall = wall.elapsed();
    report
}

/// Whether `condition` holds now (the screen drawn fresh when it is about the screen).
fn check<B>(condition: &Condition, driver: &mut Driver<B>) -> bool
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let screen = match condition {
        Condition::Screen(_) => driver.console_screen(),
        _ => String::new(),
    };
    condition.holds(&driver.model, &screen, driver.clock.now())
}

fn failure<B>(
    story: &Story,
    line: usize,
    step: &'static str,
    condition: &Condition,
    driver: &mut Driver<B>,
) -> Failure
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let screen = driver.screen();
    Failure {
        origin: story.origin.clone(),
        line,
        step,
        wanted: condition.describe(),
        seen: condition.seen(&driver.model, &screen, driver.clock.now()),
    }
}

/// Keeps the active run's recovery report when its runbook has objectives.
fn remember_recovery<B: Backend>(driver: &Driver<B>, report: &mut Report) {
    let Some(run) = driver.model.runs.active.as_ref() else {
        return;
    };
    let objectives = &run.runbook().objectives;
    if objectives.rto.is_none() && objectives.rpo.is_none() {
        return;
    }
    report.recovery = Some(run.recovery(driver.clock.now()));
}

/// `+2m05s` of virtual time.
fn elapsed(ms: Millis) -> String {
    let secs = ms.max(0) / 1000;
    format!("+{}m{:02}s", secs / 60, secs % 60)
}
