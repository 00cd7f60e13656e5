//! Silences from the alerts view: open the create form on the selected alert (matchers
//! prefilled from its labels), edit it, submit it as a one-step silence runbook; expire the
//! silence muting the selected alert as a one-step runbook too. Both are `Effect::StartRun`,
//! so they go through the engine, its guards (the run panel shows the change and asks) and
//! the audit log.

use std::sync::Arc;
use std::time::Duration;

use crate::action::Key;
use crate::effect::Effect;
use crate::model::Model;
use crate::model::alert::AlertState;
use crate::model::alert_groups::selected_alert_entry as selected_entry;
use crate::model::input::InputLine;
use crate::model::runs::StartRun;
use crate::model::silence_form::{Field, SilenceDraft, SilenceForm};
use crate::model::suggest::alert_text;
use crate::runbook::direct;
use crate::text::Text;

/// Longest text a field of the form keeps.
const MAX_FIELD: usize = 512;

/// Opens the create form for the selected alert; a status message when there is none.
pub fn open_form(model: &mut Model) -> Vec<Effect> {
    let Some(entry) = selected_entry(model) else {
        return Vec::new();
    };
    let form = SilenceForm::for_alert(entry.cluster, entry.alert, model.ui.user.as_str());
    model.ui.silence = Some(form);
    vec![Effect::Render]
}

/// Starts expiring the silence muting the selected alert (the first one known); the run
/// panel shows the silence, the alerts that notify again, and asks.
pub fn open_expire(model: &mut Model) -> Vec<Effect> {
    let Some(entry) = selected_entry(model) else {
        return Vec::new();
    };
    let AlertState::Suppressed { silenced_by, .. } = &entry.alert.state else {
        return Vec::new();
    };
    let Some(state) = model.clusters.get(entry.cluster) else {
        return Vec::new();
    };
    let Some(silence) = silenced_by
        .iter()
        .find_map(|id| state.silences.iter().find(|s| &s.id == id))
    else {
        return Vec::new();
    };
    let alert = alert_text(entry.alert);
    match direct::expire_silence(state.name.as_str(), silence.id.as_str()) {
        Ok(runbook) => vec![
            Effect::Render,
            Effect::StartRun(Box::new(StartRun {
                runbook: Arc::new(runbook),
                given: Vec::new(),
                alert: Some(alert),
            })),
        ],
        Err(error) => {
            model.ui.notice = Some(Text::new(&format!("expire silence: {error}")));
            vec![Effect::Render]
        }
    }
}

/// The silence runbook for a valid form. The author goes into the comment when it is not
/// the OS user (the audit log records the OS user and the Kubernetes identity itself).
fn silence_run(model: &Model, form: &SilenceForm, draft: SilenceDraft) -> Result<StartRun, String> {
    let cluster = model
        .clusters
        .get(form.cluster)
        .map(|c| c.name.as_str())
        .ok_or_else(|| "the alert's cluster is gone".to_string())?;
    let matchers = draft.matchers.clone();
    let mut comment = draft.comment.trim().to_string();
    let author = draft.created_by.trim();
    if author != model.ui.user.as_str() {
        comment = format!("{comment} (by {author})");
    }
    let duration = Duration::from_secs(u64::try_from(draft.duration_secs).unwrap_or(0));
    let runbook =
        direct::silence(cluster, matchers, duration, &comment).map_err(|e| e.to_string())?;
    let alert = selected_entry(model)
        .filter(|e| e.cluster == form.cluster)
        .map(|e| alert_text(e.alert));
    Ok(StartRun {
        runbook: Arc::new(runbook),
        given: Vec::new(),
        alert,
    })
}

/// A key while a popup is open (the popup takes every key).
pub fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    match model.ui.silence.take() {
        None => Vec::new(),
        Some(form) => form_key(model, form, key),
    }
}

fn form_key(model: &mut Model, mut form: SilenceForm, key: Key) -> Vec<Effect> {
    let mut effects = vec![Effect::Render];
    match key {
        Key::Esc => return effects,
        Key::Enter => match form.draft() {
            Err(error) => form.error = Some(Text::new(&error)),
            Ok(draft) => match silence_run(model, &form, draft) {
                // The run panel takes over from here: the form closes.
                Ok(start) => {
                    effects.push(Effect::StartRun(Box::new(start)));
                    return effects;
                }
                Err(error) => form.error = Some(Text::new(&error)),
            },
        },
        Key::Tab | Key::Down => form.focus = neighbour(&form, 1),
        Key::BackTab | Key::Up => form.focus = neighbour(&form, -1),
        Key::Ctrl('n') => {
            form.matchers.push(InputLine::default());
            form.focus = Field::Matcher(form.matchers.len() - 1);
        }
        key => {
            if let Some(line) = form.line_mut(form.focus) {
                line.edit_within(key, MAX_FIELD);
            }
        }
    }
    model.ui.silence = Some(form);
    effects
}

/// The field `delta` steps away from the focused one, wrapping around.
fn neighbour(form: &SilenceForm, delta: isize) -> Field {
    let fields = form.fields();
    let at = fields.iter().position(|f| *f == form.focus).unwrap_or(0) as isize;
    let len = fields.len() as isize;
    fields[((at + delta).rem_euclid(len)) as usize]
}
