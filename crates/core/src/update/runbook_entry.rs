//! Keys in the runbook chooser and the parameter form. The chooser: ↑/↓ (j/k) choose, Enter
//! opens the highlighted runbook's form, Esc closes. The form: Tab/↓ and Shift-Tab/↑ move
//! between fields, typing edits the focused one, Enter starts the run once every value is
//! valid (else the cursor goes to the first invalid one), Esc closes.

use std::sync::Arc;

use crate::action::Key;
use crate::effect::Effect;
use crate::model::Model;
use crate::model::run_form::{ParamForm, RunEntry, library_runbook};
use crate::model::runs::StartRun;
use crate::text::Text;

/// The configured cluster names a `cluster` parameter may take.
pub(crate) fn cluster_names(model: &Model) -> Vec<String> {
    model.clusters.iter().map(|c| c.name.to_string()).collect()
}

/// Opens the parameter form for `start` (from the palette, or a chooser's choice).
pub(super) fn open_form(model: &mut Model, start: &StartRun) -> Vec<Effect> {
    model.ui.run_entry = Some(RunEntry::Form(ParamForm::new(start)));
    vec![Effect::Render]
}

pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    if key == Key::Ctrl('c') {
        return super::runs::quit(model);
    }
    if key == Key::Esc {
        model.ui.run_entry = None;
        return vec![Effect::Render];
    }
    match model.ui.run_entry.take() {
        Some(RunEntry::Choose(mut chooser)) => {
            match key {
                Key::Up | Key::Char('k') | Key::BackTab => {
                    chooser.selected = chooser.selected.saturating_sub(1);
                }
                Key::Down | Key::Char('j') | Key::Tab => {
                    chooser.selected =
                        (chooser.selected + 1).min(chooser.options.len().saturating_sub(1));
                }
                Key::Enter => {
                    if let Some(form) = chooser.form(model) {
                        model.ui.run_entry = Some(RunEntry::Form(form));
                        return vec![Effect::Render];
                    }
                    model.ui.notice = Some(Text::new("runbook: it is no longer loaded"));
                    return vec![Effect::Render];
                }
                _ => {}
            }
            model.ui.run_entry = Some(RunEntry::Choose(chooser));
            vec![Effect::Render]
        }
        Some(RunEntry::Form(form)) => form_key(model, form, key),
        None => Vec::new(),
    }
}

fn form_key(model: &mut Model, mut form: ParamForm, key: Key) -> Vec<Effect> {
    if key == Key::Enter {
        let Some(runbook) = library_runbook(model, &form.runbook).map(Arc::clone) else {
            model.ui.notice = Some(Text::new("runbook: it is no longer loaded"));
            return vec![Effect::Render];
        };
        match form.submit(&runbook, &cluster_names(model)) {
            Ok(start) => return vec![Effect::Render, Effect::StartRun(Box::new(start))],
            Err(bad) => form.focus = bad,
        }
        model.ui.run_entry = Some(RunEntry::Form(form));
        return vec![Effect::Render];
    }
    match key {
        Key::Tab | Key::Down => form.next(),
        Key::BackTab | Key::Up => form.previous(),
        _ => {
            if let Some(line) = form.focused_mut() {
                line.edit(key);
            }
        }
    }
    model.ui.run_entry = Some(RunEntry::Form(form));
    vec![Effect::Render]
}
