//! `watchdeck slo`: the SLO table alone, for a terminal, a script or a ticket, with an exit
//! code a cron job can act on: 2 when a page tier fires (it wins), 3 when an SLO cannot be
//! judged, 1 when a ticket tier fires or a budget is spent, 0 otherwise.

use std::path::PathBuf;

use serde::Serialize;

use super::exit;
use super::report::Status;
use super::run::{collect, print};
use super::slo::SloRow;
use crate::cli::{CheckArgs, CheckFormat};

/// What `--format json` prints.
#[derive(Debug, Serialize)]
struct SloReport<'a> {
    at: &'a str,
    subject: &'a str,
    exit_code: u8,
    slos: &'a [SloRow],
}

/// Runs `watchdeck slo` and returns the process exit code.
pub async fn run(config_path: Option<PathBuf>, args: CheckArgs) -> u8 {
    let report = match collect("slo", config_path, &args).await {
        Ok(report) => report,
        Err(code) => return code,
    };
    if report.slos.is_empty() {
        eprintln!(
            "watchdeck slo: no SLOs are defined for {}; add [[slos]] entries or slo_files to the \
             config (see fixtures/config/example.toml)",
            report.subject
        );
        return exit::USAGE;
    }
    let code = exit_code(&report.slos);
    let text = match args.format {
        CheckFormat::Table => format!(
            "watchdeck slo · {} · {}\n{}",
            report.at,
            report.subject,
            super::slo_text::full_table(&report.slos)
        ),
        CheckFormat::Markdown => format!(
            "# SLOs · {}\n\n{}\n\n{}",
            report.at,
            super::text::md_cell(&report.subject),
            super::slo_text::markdown(&report.slos)
        ),
        CheckFormat::Json => {
            let json = SloReport {
                at: &report.at,
                subject: &report.subject,
                exit_code: code,
                slos: &report.slos,
            };
            let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|error| {
                format!("{{\"error\": \"cannot serialize the SLO report: {error}\"}}")
            });
            text.push('\n');
            text
        }
    };
    print(&text);
    code
}

/// 2 when any page tier fires; else 3 when an SLO is unknown; else 1 for a ticket tier or a
/// spent budget; else 0.
pub fn exit_code(rows: &[SloRow]) -> u8 {
    if rows.iter().any(|r| r.status == Status::Critical) {
        exit::CRITICAL
    } else if rows.iter().any(|r| r.unknown.is_some()) {
        exit::UNREACHABLE
    } else if rows.iter().any(|r| r.status == Status::Warning) {
        exit::WARNING
    } else {
        exit::OK
    }
}
