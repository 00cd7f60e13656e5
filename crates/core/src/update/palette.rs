//! Runs a command chosen in the `:` palette: jump to a screen, show one or all clusters,
//! filter pods to a namespace, open a service, help, quit; and the command line
//! `run ID k=v ...`, which starts runbook ID with those parameters (or opens its parameter
//! form when some are missing or invalid; choosing a runbook entry opens the form too).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::effect::Effect;
use crate::model::Model;
use crate::model::palette::{Command, matching, run_id};
use crate::model::runs::StartRun;
use crate::runbook::params::validate;
use crate::screen::View;
use crate::text::Text;

/// Enter in the palette: a complete `run ID ...` line starts the run; otherwise the
/// highlighted entry runs (a runbook entry starts that runbook; its parameters are asked
/// when the run starts).
pub(super) fn enter(model: &mut Model, line: &str, selected: usize) -> Vec<Effect> {
    if let Some(id) = run_id(line) {
        let exact = model.runs.library.iter().any(|r| r.id == id);
        let has_args = line.split_whitespace().count() > 2;
        if exact || has_args || id.is_empty() && model.runs.library.is_empty() {
            return run_line(model, line);
        }
    }
    let chosen = matching(model, line).into_iter().nth(selected);
    match chosen {
        Some(entry) => run(model, entry.command),
        None if run_id(line).is_some() => run_line(model, line),
        None => vec![Effect::Render],
    }
}

fn notice(model: &mut Model, text: &str) -> Vec<Effect> {
    model.ui.notice = Some(Text::new(text));
    vec![Effect::Render]
}

/// `run ID k=v ...`: whitespace-separated `key=value` parameters (validated when the run
/// starts); an unknown id names the runbooks there are.
fn run_line(model: &mut Model, line: &str) -> Vec<Effect> {
    let mut words = line.split_whitespace().skip(1);
    let id = words.next().unwrap_or("");
    let Some(runbook) = model.runs.library.iter().find(|r| r.id == id).cloned() else {
        let mut ids: Vec<&str> = model.runs.library.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        let available = if ids.is_empty() {
            "none are loaded".to_string()
        } else {
            format!("available: {}", ids.join(", "))
        };
        let text = if id.is_empty() {
            format!("run: name a runbook ({available})")
        } else {
            format!("run: no runbook {id:?} ({available})")
        };
        return notice(model, &text);
    };
    let mut given = Vec::new();
    for word in words {
        match word.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                given.push((key.to_string(), value.to_string()))
            }
            _ => {
                let text = format!("run {id}: expected key=value, found {word:?}");
                return notice(model, &text);
            }
        }
    }
    let start = StartRun {
        runbook: Arc::clone(&runbook),
        given,
        alert: None,
    };
    // Every value given and valid, or a name the runbook does not declare (the run panel
    // says which): start. Otherwise the form asks for what is missing or wrong.
    let clusters = super::runbook_entry::cluster_names(model);
    let unknown = start.given.iter().any(|(k, _)| runbook.param(k).is_none());
    match validate(&runbook, &start.given, &clusters) {
        Err(_) if !unknown => super::runbook_entry::open_form(model, &start),
        _ => vec![Effect::Render, Effect::StartRun(Box::new(start))],
    }
}

pub(super) fn run(model: &mut Model, command: Command) -> Vec<Effect> {
    let ui = &mut model.ui;
    match command {
        Command::Show(view) => ui.view = view,
        Command::OnlyCluster(id) => ui.clusters_shown = Some(BTreeSet::from([id])),
        Command::AllClusters => ui.clusters_shown = None,
        Command::ToggleCluster(id) => {
            let all: BTreeSet<usize> = (0..model.clusters.len()).collect();
            let mut shown = ui.clusters_shown.clone().unwrap_or_else(|| all.clone());
            if !shown.remove(&id) {
                shown.insert(id);
            }
            // Hiding the last cluster would leave nothing to look at: keep it.
            if !shown.is_empty() {
                ui.clusters_shown = if shown == all { None } else { Some(shown) };
            }
        }
        Command::Namespace(ns) => {
            ui.view = View::Pods;
            ui.filter.pods = format!("ns:{ns}");
        }
        Command::Service(service) => {
            ui.view = View::Services;
            ui.filter.services = service;
        }
        Command::Help => ui.show_help = true,
        Command::Runbook(id) => {
            let Some(runbook) = model.runs.library.iter().find(|r| r.id == id).cloned() else {
                return notice(model, &format!("run: no runbook {id:?}"));
            };
            let start = StartRun {
                runbook,
                given: Vec::new(),
                alert: None,
            };
            return super::runbook_entry::open_form(model, &start);
        }
        Command::Quit => return super::runs::quit(model),
    }
    vec![Effect::Render]
}
