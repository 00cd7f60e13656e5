//! `watchdeck check`: one headless snapshot of the fleet for cron jobs and daily reviews. The
//! same sources and `update` as the console fill a `Model` (no terminal); a pure function turns
//! it into a `Report`, printed as a table, JSON or Markdown, with an exit status.

pub mod collect;
pub mod exit;
pub mod markdown;
pub mod report;
pub mod run;
pub mod services;
pub mod sim;
pub mod slo;
pub mod slo_cmd;
pub mod slo_text;
pub mod table;
mod text;

pub use collect::Collector;
pub use report::{Report, Status};
pub use run::run;

#[cfg(test)]
mod slo_tests;
#[cfg(test)]
mod tests;
