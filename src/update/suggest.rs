//! `b` on an alert: start its first suggested runbook with parameters prefilled from the
//! alert's labels, or say that none matches.

use crate::effect::Effect;
use crate::model::alert_groups::selected_alert_entry;
use crate::model::suggest::{start_from_alert, suggested};
use crate::model::{Model, Text, View};

pub fn run_for_selected_alert(model: &mut Model) -> Vec<Effect> {
    if !matches!(model.ui.view, View::Alerts | View::Overview) {
        return Vec::new();
    }
    let Some(entry) = selected_alert_entry(model) else {
        model.ui.notice = Some(Text::new("runbook: select an alert first"));
        return vec![Effect::Render];
    };
    let cluster = entry.cluster_name.as_str();
    let start = suggested(model, entry.alert)
        .first()
        .map(|runbook| start_from_alert(runbook, entry.alert, cluster));
    match start {
        Some(start) => vec![Effect::Render, Effect::StartRun(Box::new(start))],
        None => {
            let text = format!("no runbook is suggested for {}", entry.alert.name);
            model.ui.notice = Some(Text::new(&text));
            vec![Effect::Render]
        }
    }
}
