//! The `[runbooks]` section: where extra runbook files live, where the audit log goes, and
//! what runbooks may reach outside Kubernetes (allowlisted commands, Patroni endpoints).
//!
//! ```toml
//! [runbooks]
//! dirs = ["~/runbooks"]                      # *.md files; same id overrides a built-in
//! audit_file = "~/.local/state/watchdeck/audit.jsonl"
//! allow_commands = true                      # off by default
//! [runbooks.commands]
//! aws-rds-promote = ["aws", "rds", "promote-read-replica"]
//! [runbooks.patroni]
//! orders = "http://10.0.0.5:8008"
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use toml::de::DeValue;

use super::model::HttpUrl;
use super::paths::PathResolver;
use super::values::{has_control_chars, quoted};
use super::walk::{Tab, Walker, describe};
use crate::runbook::params::CommandPolicy;

const KEYS: [&str; 5] = [
    "dirs",
    "audit_file",
    "allow_commands",
    "commands",
    "patroni",
];

/// The resolved `[runbooks]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunbooksConfig {
    /// Directories of extra runbook files, in order.
    pub dirs: Vec<PathBuf>,
    /// The audit file; `None` means the default in the XDG state dir.
    pub audit_file: Option<PathBuf>,
    pub commands: CommandPolicy,
    /// Patroni REST endpoints by name.
    pub patroni: BTreeMap<String, HttpUrl>,
}

pub(crate) fn runbooks(
    w: &mut Walker<'_>,
    root: &Tab<'_, '_>,
    paths: &PathResolver,
) -> RunbooksConfig {
    let Some(tab) = w.table(root, "runbooks", "a table [runbooks]") else {
        return RunbooksConfig::default();
    };
    w.deny_unknown(&tab, &KEYS, &[]);
    let dirs = string_list(
        w,
        &tab,
        "dirs",
        "a list of directories such as [\"~/runbooks\"]",
    )
    .into_iter()
    .filter_map(|(text, span, key)| match paths.resolve(text) {
        Ok(path) => Some(path),
        Err(message) => {
            w.report(span, &key, message);
            None
        }
    })
    .collect();
    let audit_file =
        w.string(&tab, "audit_file", "a file path")
            .and_then(|s| match paths.resolve(s.value) {
                Ok(path) => Some(path),
                Err(message) => {
                    w.report(s.span(), &tab.child("audit_file"), message);
                    None
                }
            });
    let enabled = w.boolean(&tab, "allow_commands", false);
    let programs = commands(w, &tab);
    let patroni = patroni(w, &tab);
    RunbooksConfig {
        dirs,
        audit_file,
        commands: CommandPolicy { enabled, programs },
        patroni,
    }
}

/// `[runbooks.commands]`: name -> non-empty argv prefix of plain strings.
fn commands(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Some(map) = w.table(tab, "commands", "a table [runbooks.commands]") else {
        return out;
    };
    for (key, value) in map.table.iter() {
        let name: &str = key.get_ref().as_ref();
        let path = map.child(name);
        if !is_entry_name(name) {
            let message = format!(
                "expected a command name of lowercase letters, digits and '-', found {}",
                quoted(name)
            );
            w.report(key.span(), &path, message);
            continue;
        }
        let DeValue::Array(items) = value.get_ref() else {
            let message = format!(
                "expected an argv list such as [\"aws\", \"rds\", \"promote-read-replica\"], found {}",
                describe(value.get_ref())
            );
            w.report(value.span(), &path, message);
            continue;
        };
        let mut argv = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::String(s) if !s.is_empty() && !has_control_chars(s) => {
                    argv.push(s.to_string());
                }
                other => {
                    let message = format!(
                        "expected a non-empty argument without control characters, found {}",
                        describe(other)
                    );
                    w.report(item.span(), &format!("{path}[{i}]"), message);
                }
            }
        }
        if items.is_empty() {
            w.report(
                value.span(),
                &path,
                "expected at least the program, found an empty list",
            );
        } else if argv.len() == items.len() {
            out.insert(name.to_owned(), argv);
        }
    }
    out
}

/// `[runbooks.patroni]`: name -> REST API URL.
fn patroni(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> BTreeMap<String, HttpUrl> {
    let mut out = BTreeMap::new();
    for (name, key_span, path, value) in w.string_map(
        tab,
        "patroni",
        "a table [runbooks.patroni] of name = \"http://host:8008\"",
    ) {
        if !is_entry_name(name) {
            let message = format!(
                "expected an endpoint name of lowercase letters, digits and '-', found {}",
                quoted(name)
            );
            w.report(key_span, &path, message);
            continue;
        }
        match value.value.parse::<HttpUrl>() {
            Ok(url) => {
                out.insert(name.to_owned(), url);
            }
            Err(e) => w.report(value.span(), &path, e.to_string()),
        }
    }
    out
}

fn is_entry_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
}

/// A list of strings: (text, span, key path) of each well-typed element.
fn string_list<'t>(
    w: &mut Walker<'_>,
    tab: &Tab<'t, '_>,
    key: &str,
    expected: &str,
) -> Vec<(&'t str, super::walk::Span, String)> {
    let Some(value) = tab.get(key) else {
        return Vec::new();
    };
    let path = tab.child(key);
    let DeValue::Array(items) = value.get_ref() else {
        let message = format!("expected {expected}, found {}", describe(value.get_ref()));
        w.report(value.span(), &path, message);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.get_ref() {
            DeValue::String(s) => out.push((s.as_ref(), item.span(), format!("{path}[{i}]"))),
            other => {
                let message = format!("expected a directory path, found {}", describe(other));
                w.report(item.span(), &format!("{path}[{i}]"), message);
            }
        }
    }
    out
}
