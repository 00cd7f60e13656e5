//! SLO rows as text: the full table of `watchdeck slo` (every burn window), the compact
//! section `watchdeck check` adds under its clusters (100 columns), and Markdown for tickets.

use std::fmt::Write;

use super::slo::SloRow;
use super::text::{cell, fit, md_cell};

/// The burn windows of the full table.
const WINDOWS: [&str; 5] = ["5m", "1h", "6h", "1d", "3d"];

/// The text after the identifying columns of an unknown SLO.
fn unknown_text(row: &SloRow) -> Option<String> {
    row.unknown.as_ref().map(|why| format!("unknown: {why}"))
}

/// `watchdeck slo`'s table: every column, one line per SLO and scope, low-traffic notes under
/// the line they belong to.
pub fn full_table(rows: &[SloRow]) -> String {
    let mut out = String::new();
    let mut header = format!(
        "{} {} {} {} {}",
        cell("SLO", 18),
        cell("SCOPE", 14),
        cell("TARGET", 8),
        cell("SLI NOW", 9),
        cell("BUDGET", 8)
    );
    for w in WINDOWS {
        let _ = write!(header, " {}", cell(&format!("{w} burn"), 7));
    }
    let _ = write!(header, " {} EXHAUSTED IN", cell("STATE", 10));
    let _ = writeln!(out, "{}", header.trim_end());
    for row in rows {
        let lead = format!(
            "{} {} {}",
            cell(&row.name, 18),
            cell(&row.scope, 14),
            cell(&row.target, 8)
        );
        if let Some(text) = unknown_text(row) {
            let _ = writeln!(out, "{lead} {}", fit(&text, 80));
            continue;
        }
        let mut line = format!(
            "{lead} {} {}",
            cell(&row.sli_text(), 9),
            cell(&row.budget_text(), 8)
        );
        for w in WINDOWS {
            let _ = write!(line, " {}", cell(&row.burn_text(w), 7));
        }
        let _ = write!(line, " {} {}", cell(&row.state, 10), row.exhaustion);
        let _ = writeln!(out, "{}", line.trim_end());
        for note in &row.low_traffic {
            let _ = writeln!(out, "{}low traffic: {note}", " ".repeat(20));
        }
    }
    out
}

/// `watchdeck check`'s SLO section: compact, at most 100 columns.
pub fn compact_table(rows: &[SloRow]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} {} {} {} {} {} EXHAUSTED IN",
        cell("SLO", 22),
        cell("SCOPE", 14),
        cell("TARGET", 8),
        cell("BUDGET", 8),
        cell("1h burn", 7),
        cell("5m burn", 7),
        cell("STATE", 10),
    );
    for row in rows {
        let lead = format!(
            "{} {} {}",
            cell(&row.name, 22),
            cell(&row.scope, 14),
            cell(&row.target, 8)
        );
        let line = match unknown_text(row) {
            Some(text) => format!("{lead} {}", fit(&text, 53)),
            None => format!(
                "{lead} {} {} {} {} {}",
                cell(&row.budget_text(), 8),
                cell(&row.burn_text("1h"), 7),
                cell(&row.burn_text("5m"), 7),
                cell(&row.state, 10),
                fit(&row.exhaustion, 12),
            ),
        };
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// A GitHub-flavoured Markdown table of every row.
pub fn markdown(rows: &[SloRow]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| SLO | Scope | Target | SLI now | Budget left | 5m | 1h | 6h | 1d | 3d | State | Exhausted in |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    for row in rows {
        let lead = format!(
            "| {} | {} | {} |",
            md_cell(&row.name),
            md_cell(&row.scope),
            md_cell(&row.target)
        );
        if let Some(text) = unknown_text(row) {
            let _ = writeln!(out, "{lead} {} |{}", md_cell(&text), " - |".repeat(8));
            continue;
        }
        let burns: Vec<String> = WINDOWS.iter().map(|w| md_cell(&row.burn_text(w))).collect();
        let _ = writeln!(
            out,
            "{lead} {} | {} | {} | **{}** | {} |",
            md_cell(&row.sli_text()),
            md_cell(&row.budget_text()),
            burns.join(" | "),
            md_cell(&row.state),
            md_cell(&row.exhaustion),
        );
    }
    let notes: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            r.low_traffic
                .iter()
                .map(move |n| format!("- {} ({}): low traffic: {}", r.name, r.scope, n))
        })
        .collect();
    if !notes.is_empty() {
        out.push('\n');
        for note in notes {
            let _ = writeln!(out, "{}", md_cell(&note).replace("\\-", "-"));
        }
    }
    out
}
