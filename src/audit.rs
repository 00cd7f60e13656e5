//! `watchdeck audit`: the audit file as a table of actions (an attempt and its result joined
//! into one row; an attempt without a result is an action whose process ended mid-way, shown
//! as such) or as the stored JSON lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::cli::{AuditArgs, AuditFormat};
use watchdeck_core::runbook::audit::{AuditPhase, AuditRecord};
use watchdeck_core::text::Text;
use watchdeck_io::audit::{AuditLine, read_all};

/// One action as the table shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    pub at: String,
    pub who: String,
    pub target: String,
    pub verb: String,
    pub origin: String,
    pub result: String,
    pub alert: String,
}

/// Exit code and output of `watchdeck audit`.
pub fn run(config_path: Option<PathBuf>, args: &AuditArgs) -> u8 {
    let path = match audit_path(config_path.as_deref(), args.file.as_deref()) {
        Ok(path) => path,
        Err(message) => {
            eprintln!("watchdeck audit: {message}");
            return crate::check::exit::USAGE;
        }
    };
    let lines = match read_all(&path) {
        Ok(lines) => lines,
        Err(error) => {
            eprintln!("watchdeck audit: {error}");
            return 74;
        }
    };
    for line in &lines {
        if let AuditLine::Damaged { line, reason } = line {
            eprintln!(
                "watchdeck audit: {}:{line}: not an audit record ({reason}); left out",
                path.display()
            );
        }
    }
    let records: Vec<&AuditRecord> = lines
        .iter()
        .filter_map(|l| match l {
            AuditLine::Record(r) => Some(r.as_ref()),
            AuditLine::Damaged { .. } => None,
        })
        .collect();
    let text = match args.format {
        AuditFormat::Json => json_lines(&records, args.last),
        AuditFormat::Table => table(&rows(&records, args.last), &path),
    };
    crate::check::run::print(&text);
    0
}

/// The audit file: `--file`, else the config's `[runbooks] audit_file`, else the default.
pub fn audit_path(config_path: Option<&Path>, given: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = given {
        return Ok(path.to_owned());
    }
    let configured = watchdeck_core::config::discover(config_path)
        .map_err(|e| e.to_string())?
        .and_then(|loaded| loaded.config.runbooks.audit_file);
    configured
        .or_else(watchdeck_io::audit::default_path)
        .ok_or_else(|| "no audit file: set HOME or XDG_STATE_HOME, or pass --file".to_owned())
}

fn json_lines(records: &[&AuditRecord], last: Option<usize>) -> String {
    let ids = newest_actions(records, last);
    let mut out = String::new();
    for record in records.iter().filter(|r| ids.contains(&r.action_id)) {
        if let Ok(line) = serde_json::to_string(record) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// The ids of the newest `last` actions (all when `None`).
fn newest_actions(records: &[&AuditRecord], last: Option<usize>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for record in records {
        if !ids.contains(&record.action_id) {
            ids.push(record.action_id.clone());
        }
    }
    let skip = last.map_or(0, |n| ids.len().saturating_sub(n));
    ids.split_off(skip)
}

/// One row per action, oldest first.
pub fn rows(records: &[&AuditRecord], last: Option<usize>) -> Vec<ActionRow> {
    let ids = newest_actions(records, last);
    let mut by_id: BTreeMap<&str, Vec<&AuditRecord>> = BTreeMap::new();
    for record in records {
        by_id.entry(&record.action_id).or_default().push(record);
    }
    ids.iter()
        .filter_map(|id| by_id.get(id.as_str()))
        .filter_map(|records| row(records))
        .collect()
}

fn row(records: &[&AuditRecord]) -> Option<ActionRow> {
    let first = records.first()?;
    let last = records.last()?;
    let result = match last.phase {
        AuditPhase::Attempt => {
            "NO RESULT: the process ended during the action; verify the target".to_owned()
        }
        AuditPhase::Result | AuditPhase::Refused => last.result.clone(),
    };
    let who = match &first.who.kubernetes {
        // The table names the user; groups stay in the JSON.
        Some(k8s) => format!(
            "{} as {}",
            first.who.os_user,
            k8s.split(" (groups:").next().unwrap_or(k8s)
        ),
        None => first.who.os_user.clone(),
    };
    let target = if first.cluster.is_empty() {
        first.object.clone()
    } else {
        format!("{}/{}/{}", first.cluster, first.namespace, first.object)
    };
    let mut verb = first.verb.clone();
    if first.dry_run {
        verb.push_str(" (dry run)");
    }
    Some(ActionRow {
        at: first.at.clone(),
        who,
        target,
        verb,
        origin: format!("{} / {}", first.runbook, first.step),
        result,
        alert: first.alert.clone().unwrap_or_default(),
    })
}

fn table(rows: &[ActionRow], path: &Path) -> String {
    if rows.is_empty() {
        return format!("No actions recorded in {}.\n", path.display());
    }
    let headers = [
        "WHEN",
        "WHO",
        "TARGET",
        "VERB",
        "RUNBOOK / STEP",
        "RESULT",
        "ALERT",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            [
                &r.at, &r.who, &r.target, &r.verb, &r.origin, &r.result, &r.alert,
            ]
            .map(|s| Text::new(s).as_str().to_owned())
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count()).min(60);
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let shown: String = cell.chars().take(width).collect();
            if i + 1 == cells.len() {
                text.push_str(&shown);
            } else {
                text.push_str(&format!("{shown:<width$}  "));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(headers.to_vec());
    for row in &cells {
        line(row.iter().map(String::as_str).collect());
    }
    out
}
