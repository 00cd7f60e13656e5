//! The silence popups' keys and results: open the create form on the selected alert (matchers
//! prefilled from its labels), edit it, submit it as a one-step silence runbook
//! (`Effect::StartRun`, so it goes through the engine, its guards and the audit log); confirm
//! and send `IoRequest::ExpireSilence` for a silenced alert; show the replica's read-back
//! answer.

use std::sync::Arc;
use std::time::Duration;

use crate::action::Key;
use crate::effect::{Effect, IoRequest};
use crate::model::alert::AlertState;
use crate::model::alert_groups::selected_alert_entry as selected_entry;
use crate::model::runs::StartRun;
use crate::model::silence::{SilenceOutcome, SilenceStatus};
use crate::model::silence_form::{
    ExpireConfirm, Field, SilenceDraft, SilenceForm, SilencePopup, Stage,
};
use crate::model::suggest::alert_text;
use crate::model::{ClusterId, Model, Text};
use crate::runbook::action::Matcher as RunMatcher;
use crate::runbook::direct;

/// Opens the create form for the selected alert; a status message when there is none.
pub fn open_form(model: &mut Model) -> Vec<Effect> {
    let Some(entry) = selected_entry(model) else {
        return Vec::new();
    };
    let form = SilenceForm::for_alert(entry.cluster, entry.alert, model.ui.user.as_str());
    model.ui.silence = Some(SilencePopup::Create(form));
    vec![Effect::Render]
}

/// Asks to expire the silence muting the selected alert (the first one known).
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
    let confirm = ExpireConfirm {
        cluster: entry.cluster,
        replica: silence.replica,
        id: silence.id.clone(),
        stage: Stage::Editing,
    };
    model.ui.silence = Some(SilencePopup::Expire(confirm));
    vec![Effect::Render]
}

/// The silence runbook for a valid form. The author goes into the comment when it is not
/// the OS user (the audit log records the OS user and the Kubernetes identity itself).
fn silence_run(model: &Model, form: &SilenceForm, draft: SilenceDraft) -> Result<StartRun, String> {
    let cluster = model
        .clusters
        .get(form.cluster)
        .map(|c| c.name.as_str())
        .ok_or_else(|| "the alert's cluster is gone".to_string())?;
    let matchers = draft
        .matchers
        .iter()
        .map(|m| RunMatcher {
            name: m.name.clone(),
            value: m.value.clone(),
            is_regex: m.op.is_regex(),
            is_equal: m.op.is_equal(),
        })
        .collect();
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
        Some(SilencePopup::Create(form)) => form_key(model, form, key),
        Some(SilencePopup::Expire(confirm)) => expire_key(model, confirm, key),
    }
}

fn form_key(model: &mut Model, mut form: SilenceForm, key: Key) -> Vec<Effect> {
    let mut effects = vec![Effect::Render];
    match (&form.stage, key) {
        (_, Key::Esc) => return effects,
        (Stage::Done(_), _) => return effects,
        (Stage::Failed(_), Key::Enter) => form.stage = Stage::Editing,
        (Stage::Sending | Stage::Failed(_), _) => {}
        (Stage::Editing, Key::Enter) => match form.draft() {
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
        (Stage::Editing, Key::Tab | Key::Down) => form.focus = neighbour(&form, 1),
        (Stage::Editing, Key::BackTab | Key::Up) => form.focus = neighbour(&form, -1),
        (Stage::Editing, Key::Ctrl('n')) => {
            form.matchers.push(String::new());
            form.focus = Field::Matcher(form.matchers.len() - 1);
        }
        (Stage::Editing, Key::Ctrl('u')) => {
            if let Some(text) = form.text_mut(form.focus) {
                text.clear();
            }
        }
        (Stage::Editing, Key::Backspace) => {
            if let Some(text) = form.text_mut(form.focus) {
                text.pop();
            }
        }
        (Stage::Editing, Key::Char(c)) if !c.is_control() => {
            if let Some(text) = form.text_mut(form.focus)
                && text.chars().count() < 512
            {
                text.push(c);
            }
        }
        (Stage::Editing, _) => {}
    }
    model.ui.silence = Some(SilencePopup::Create(form));
    effects
}

/// The field `delta` steps away from the focused one, wrapping around.
fn neighbour(form: &SilenceForm, delta: isize) -> Field {
    let fields = form.fields();
    let at = fields.iter().position(|f| *f == form.focus).unwrap_or(0) as isize;
    let len = fields.len() as isize;
    fields[((at + delta).rem_euclid(len)) as usize]
}

fn expire_key(model: &mut Model, mut confirm: ExpireConfirm, key: Key) -> Vec<Effect> {
    let mut effects = vec![Effect::Render];
    match (&confirm.stage, key) {
        (_, Key::Esc) | (Stage::Editing, Key::Char('n')) | (Stage::Done(_), _) => return effects,
        (Stage::Editing | Stage::Failed(_), Key::Char('y') | Key::Enter) => {
            confirm.stage = Stage::Sending;
            effects.push(Effect::Io {
                cluster: confirm.cluster,
                request: IoRequest::ExpireSilence {
                    replica: confirm.replica,
                    id: confirm.id.clone(),
                },
            });
        }
        _ => {}
    }
    model.ui.silence = Some(SilencePopup::Expire(confirm));
    effects
}

/// An expire request's answer: the silence list follows what the replica read back, and the
/// open popup for that request shows the result.
pub fn on_outcome(model: &mut Model, cluster: ClusterId, outcome: SilenceOutcome) -> Vec<Effect> {
    let Some(state) = model.clusters.get_mut(cluster) else {
        return Vec::new();
    };
    let replica_url = state.replicas.get(outcome.replica).map_or_else(
        || format!("replica {}", outcome.replica + 1),
        |r| r.url.to_string(),
    );
    let stage = match &outcome.result {
        Ok(silence) => {
            state.silences.retain(|s| s.id != silence.id);
            if silence.status != SilenceStatus::Expired {
                state.silences.push(silence.clone());
                state.silences.sort_by(|a, b| a.id.cmp(&b.id));
            }
            Stage::Done(Text::new(&format!(
                "silence {} expired: {} (read back from {replica_url})",
                silence.id,
                silence.status.label(),
            )))
        }
        Err(reason) => Stage::Failed(reason.clone()),
    };
    if let Some(SilencePopup::Expire(confirm)) = &mut model.ui.silence
        && confirm.cluster == cluster
        && confirm.stage == Stage::Sending
    {
        confirm.stage = stage;
    }
    vec![Effect::Render]
}
