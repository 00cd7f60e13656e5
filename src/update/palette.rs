//! Runs a command chosen in the `:` palette: jump to a screen, show one or all clusters,
//! filter pods to a namespace, open a service, help, quit.

use std::collections::BTreeSet;

use crate::effect::Effect;
use crate::model::palette::Command;
use crate::model::{Model, View};

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
        Command::Quit => return vec![Effect::Quit],
    }
    vec![Effect::Render]
}
