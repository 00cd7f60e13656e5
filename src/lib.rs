//! watchdeck: a terminal operations console for site reliability engineers.
//!
//! The workspace's crates are its layers (docs/ARCHITECTURE.md): `watchdeck-core` (data and
//! pure logic), `watchdeck-io` (sources, effects, runbook operations, audit),
//! `watchdeck-ui` (rendering) and `watchdeck-sim` (the simulated fleet). This crate is the
//! program on top:
//! - `cli`: the command line (clap); `console`: starts the console on the configured
//!   clusters or on the built-in simulated fleet; `app`: the one async loop that owns the
//!   model; `tui`: terminal setup, restore and input; `asciicast`: `--cast` recordings;
//!   `theme_files`: themes read from disk.
//! - One module per command: `check` (and `slo`), `run`, `audit`, `story` (`demo`).

pub mod app;
pub mod asciicast;
pub mod audit;
pub mod check;
pub mod cli;
pub mod console;
pub mod run;
pub mod story;
pub mod theme_files;
pub mod tui;
