//! `b` on an alert: the chooser of its suggested runbooks, best first, each prefilled from the
//! alert's labels; or a notice that none matches.

use crate::effect::Effect;
use crate::model::Model;
use crate::model::alert_groups::selected_alert_entry;
use crate::model::run_form::{RunChooser, RunEntry};
use crate::model::suggest::{alert_text, start_from_alert, suggested};
use crate::text::Text;

/// `b` on the screens that list alerts (their descriptors call it: Overview, Alerts).
pub fn run_for_selected_alert(model: &mut Model) -> Vec<Effect> {
    let Some(entry) = selected_alert_entry(model) else {
        model.ui.notice = Some(Text::new("runbook: select an alert first"));
        return vec![Effect::Render];
    };
    let cluster = entry.cluster_name.as_str();
    let starts: Vec<_> = suggested(model, entry.alert)
        .into_iter()
        .map(|runbook| start_from_alert(runbook, entry.alert, cluster))
        .collect();
    if starts.is_empty() {
        let text = format!("no runbook is suggested for {}", entry.alert.name);
        model.ui.notice = Some(Text::new(&text));
        return vec![Effect::Render];
    }
    let chooser = RunChooser::new(alert_text(entry.alert), &starts);
    model.ui.run_entry = Some(RunEntry::Choose(chooser));
    vec![Effect::Render]
}
