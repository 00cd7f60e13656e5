//! Quitting while a run is in the middle of a change: a change sent and not verified yet,
//! or a run still working, asks first ("payment rollback is verifying; quit anyway? the
//! audit will show NO RESULT"); y quits, n or Esc stays. Otherwise quitting is immediate.

use crate::action::Key;
use crate::effect::Effect;
use crate::model::Model;
use crate::model::runs::RunPhase;

/// The quit keys and commands land here: quit now, or ask first.
pub fn quit(model: &mut Model) -> Vec<Effect> {
    let question = model.runs.active.as_ref().and_then(|run| {
        if model.runs.halted.is_some() {
            return None;
        }
        if let Some(what) = run.unverified_change() {
            return Some(format!(
                "{what}; quit anyway? the audit will show NO RESULT"
            ));
        }
        (model.runs.phase() == Some(RunPhase::Working)).then(|| {
            let step = run.current().map_or(0, |s| s + 1);
            format!(
                "run {} is working on step {step}/{}; quit anyway? it stops where it is",
                run.runbook().id,
                run.steps().len()
            )
        })
    });
    match question {
        Some(question) => {
            model.runs.quit_question = Some(question);
            model.runs.panel.visible = true;
            vec![Effect::Render]
        }
        None => vec![Effect::Quit],
    }
}

/// A key while the quit question is shown: y quits, n or Esc stays, others are ignored.
pub fn on_quit_key(model: &mut Model, key: Key) -> Vec<Effect> {
    match key {
        Key::Char('y' | 'Y') => vec![Effect::Quit],
        Key::Char('n' | 'N') | Key::Esc => {
            model.runs.quit_question = None;
            vec![Effect::Render]
        }
        _ => Vec::new(),
    }
}
