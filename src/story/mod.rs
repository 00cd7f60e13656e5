//! Incident stories: an incident on the simulated fleet played at a person's pace (captions,
//! keys, typing, thinking, waiting, expectations), from TOML files. The same player shows a
//! story in the terminal (`watchdeck demo`) and plays it headless as an end-to-end test.
//!
//! - `parse`: story files, refused with `file:line:col: steps[3].wait: reason`.
//! - `condition`: what a `wait` or `expect` step checks on the model or the screen.
//! - `driver`: the console on the simulated fleet, its virtual clock owned by the driver.
//! - `player`: plays the steps on a driver and counts what a person did.
//! - `shipped`: the stories built into the binary; `demo`: the `watchdeck demo` command.

pub mod condition;
pub mod demo;
pub mod driver;
pub mod parse;
pub mod player;
pub mod shipped;

#[cfg(test)]
mod parse_tests;
#[cfg(test)]
mod play_tests;
#[cfg(test)]
mod same_outcome_tests;

use watchdeck_core::action::Key;
use watchdeck_sim::clock::Millis;

pub use condition::Condition;
pub use parse::{StoryError, parse};

/// A story: the fleet it plays on, the person's pace, and its steps in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// File name for messages (`bad-deploy.toml`).
    pub origin: String,
    pub name: String,
    pub description: String,
    /// Built-in scenario name or path to a scenario file.
    pub scenario: String,
    pub seed: u64,
    /// Terminal size, columns x rows.
    pub size: (u16, u16),
    /// Scenario time the story starts at (the fleet is warmed to it).
    pub at_ms: Millis,
    /// Virtual time between two keys of a `keys` step (a step may say otherwise).
    pub key_delay_ms: Millis,
    /// Characters typed per virtual second.
    pub typing_cps: f64,
    pub steps: Vec<Step>,
}

/// One step and the line of the story file it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub line: usize,
    pub kind: StepKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// Narration shown in the caption bar from now on.
    Caption(String),
    /// Keys pressed one after another, `delay_ms` of virtual time apart.
    Keys { keys: Vec<Key>, delay_ms: Millis },
    /// Text typed at the story's typing speed.
    Type(String),
    /// Virtual time spent reading before the next decision (scaled by the think scale).
    Think(Millis),
    /// Time runs until the condition holds; a timeout fails the story.
    Wait {
        until: Condition,
        timeout_ms: Millis,
    },
    /// The condition must hold now.
    Expect(Condition),
}

impl StepKind {
    /// How the step is named in messages and captions.
    pub fn label(&self) -> &'static str {
        match self {
            StepKind::Caption(_) => "caption",
            StepKind::Keys { .. } => "keys",
            StepKind::Type(_) => "type",
            StepKind::Think(_) => "think",
            StepKind::Wait { .. } => "wait",
            StepKind::Expect(_) => "expect",
        }
    }
}
