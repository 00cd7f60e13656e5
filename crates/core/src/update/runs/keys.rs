//! Keys while the run panel is shown: answers to the prompt (`y`/`n`, typed text and Enter,
//! recovery letters), browsing steps and scrolling their detail, Esc to hide the panel (the
//! run goes on).

use jiff::Timestamp;

use crate::action::{Action, Key};
use crate::effect::Effect;
use crate::model::Model;
use crate::model::input::InputLine;
use crate::runbook::engine::{Answer, Expect, RunInput};

/// Longest typed confirmation kept (a cluster/namespace/name fits with room to spare).
const MAX_TYPED: usize = 400;
/// Lines PgUp/PgDn scroll the step detail.
const PAGE: u16 = 10;

/// Shows the run panel (the keymap's "run panel" key): the active run, or the last notice,
/// or a hint on how to start one.
pub fn show_panel(model: &mut Model) -> Vec<Effect> {
    if model.runs.active.is_none() && model.runs.notice.is_none() {
        model.runs.notice = Some(crate::model::runs::Notice {
            title: "no runbook run".to_string(),
            lines: vec![
                "start one with :run ID key=value, from an alert's suggested runbooks, or with a direct action on the Workloads screen".to_string(),
            ],
        });
    }
    model.runs.panel.visible = true;
    vec![Effect::Render]
}

/// Handles a key while the panel is shown; the panel takes every key but the quit keys
/// that use Ctrl.
pub fn on_key(model: &mut Model, key: Key, now: Timestamp) -> Vec<Effect> {
    if matches!(key, Key::Ctrl(_)) && model.keymap.action_for(key) == Some(Action::Quit) {
        return super::quit(model);
    }
    if key == Key::Esc {
        model.runs.panel.visible = false;
        model.runs.notice = None;
        return vec![Effect::Render];
    }
    let expect = model
        .runs
        .busy()
        .then(|| {
            model
                .runs
                .active
                .as_ref()?
                .prompt()
                .map(|p| p.expect.clone())
        })
        .flatten();
    let typing = matches!(expect, Some(Expect::Typed(_)));
    if let Some(effects) = browse(model, key, typing) {
        return effects;
    }
    let answer = match (&expect, key) {
        (Some(Expect::YesNo), Key::Char('y' | 'Y')) => Answer::Yes,
        (Some(Expect::YesNo), Key::Char('n' | 'N')) => Answer::No,
        (Some(Expect::Typed(_)), key) => match type_key(&mut model.runs.panel.input, key) {
            // No target is ever "no": it has slashes.
            Some(text) if text.trim().eq_ignore_ascii_case("no") => Answer::No,
            Some(text) => Answer::Typed(text),
            None => return vec![Effect::Render],
        },
        (Some(Expect::Choice(choices)), Key::Char(c)) => {
            match choices.iter().find(|r| r.key() == c) {
                Some(recovery) => Answer::Recover(*recovery),
                None => return Vec::new(),
            }
        }
        _ => return Vec::new(),
    };
    model.runs.panel.input.clear();
    super::feed(model, RunInput::Answer(answer), now)
}

/// Step browsing and detail scrolling; letters only when they are not typed text.
fn browse(model: &mut Model, key: Key, typing: bool) -> Option<Vec<Effect>> {
    let steps = model.runs.active.as_ref().map_or(0, |r| r.steps().len());
    let shown = model.runs.shown_step().unwrap_or(0);
    let panel = &mut model.runs.panel;
    match key {
        Key::Up | Key::Char('k') if key == Key::Up || !typing => {
            panel.selected = Some(shown.saturating_sub(1));
            panel.scroll = 0;
        }
        Key::Down | Key::Char('j') if key == Key::Down || !typing => {
            panel.selected = Some((shown + 1).min(steps.saturating_sub(1)));
            panel.scroll = 0;
        }
        Key::Home | Key::Char('g') if key == Key::Home || !typing => {
            panel.selected = None;
            panel.scroll = 0;
        }
        Key::PageDown | Key::Ctrl('d') => panel.scroll = panel.scroll.saturating_add(PAGE),
        Key::PageUp | Key::Ctrl('u') if key == Key::PageUp || !typing => {
            panel.scroll = panel.scroll.saturating_sub(PAGE);
        }
        _ => return None,
    }
    Some(vec![Effect::Render])
}

/// Edits the typed confirmation; `Some` with the text on Enter.
fn type_key(input: &mut InputLine, key: Key) -> Option<String> {
    if key == Key::Enter {
        return Some(input.text().to_string());
    }
    input.edit_within(key, MAX_TYPED);
    None
}
