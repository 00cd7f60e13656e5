//! Keys while a prompt is open in the bottom line: the `/` filter (applied live as it is
//! typed) and the `:` palette (arrows choose, Enter runs). Runs before the keymap.

use crate::action::Key;
use crate::effect::Effect;
use crate::model::Model;
use crate::model::filter::FilterTarget;
use crate::model::input::{Prompt, PromptKind};
use crate::model::palette::matching;

/// The list `/` filters on the current screen (its descriptor's `filter`).
pub fn filter_target(model: &Model) -> FilterTarget {
    (super::screens::of(model.ui.view).filter)(model.ui.focus)
}

/// `/`: opens the filter of the current list, holding its current text.
pub(super) fn open_filter(model: &mut Model) {
    let target = filter_target(model);
    let text = model.ui.filter.get(target).to_string();
    model.ui.prompt = Some(Prompt::new(PromptKind::Filter(target), &text));
}

/// `:`: opens the command palette with an empty query.
pub(super) fn open_palette(model: &mut Model) {
    model.ui.prompt = Some(Prompt::new(PromptKind::Palette, ""));
}

/// Esc outside a prompt: clears the current list's filter, if it has one.
pub(super) fn clear_filter(model: &mut Model) -> Vec<Effect> {
    let target = filter_target(model);
    if model.ui.filter.get(target).is_empty() {
        return Vec::new();
    }
    model.ui.filter.set(target, "");
    filtered(model, target)
}

/// After `target`'s filter changed: a render, and on the Services screen the chart of the
/// service now selected. A filter cleared keeps the selected item; an edited one selects
/// its first match.
fn filtered(model: &mut Model, target: FilterTarget) -> Vec<Effect> {
    if model.ui.filter.get(target).is_empty() {
        super::follow::resync(model, &[target]);
    } else {
        super::follow::select_first(model, target);
    }
    let mut effects = vec![Effect::Render];
    if target == FilterTarget::Services {
        effects.extend(super::metrics::ensure_chart(model));
    }
    effects
}

/// Handles `key` if a prompt is open: `None` lets the keymap have it (no prompt, or Ctrl-C,
/// which always quits).
pub(super) fn on_key(model: &mut Model, key: Key) -> Option<Vec<Effect>> {
    let prompt = model.ui.prompt.as_mut()?;
    let line = &mut prompt.line;
    let mut edited = false;
    match key {
        Key::Ctrl('c') => return None,
        Key::Esc => {
            let kind = prompt.kind;
            model.ui.prompt = None;
            return Some(match kind {
                PromptKind::Filter(target) => {
                    model.ui.filter.set(target, "");
                    filtered(model, target)
                }
                PromptKind::Palette => vec![Effect::Render],
            });
        }
        Key::Enter => {
            let prompt = model.ui.prompt.take()?;
            return Some(match prompt.kind {
                PromptKind::Filter(_) => vec![Effect::Render],
                PromptKind::Palette => {
                    super::palette::enter(model, prompt.line.text(), prompt.selected)
                }
            });
        }
        Key::Up | Key::Ctrl('p') | Key::BackTab => {
            prompt.selected = prompt.selected.saturating_sub(1)
        }
        Key::Down | Key::Ctrl('n') | Key::Tab => {
            prompt.selected = prompt.selected.saturating_add(1)
        }
        key => edited = line.edit(key).unwrap_or(false),
    }
    if edited {
        prompt.selected = 0;
    }
    let kind = prompt.kind;
    let text = prompt.line.text().to_string();
    match kind {
        PromptKind::Filter(target) if edited => {
            model.ui.filter.set(target, &text);
            Some(filtered(model, target))
        }
        PromptKind::Filter(_) => Some(vec![Effect::Render]),
        PromptKind::Palette => {
            let count = matching(model, &text).len();
            if let Some(prompt) = model.ui.prompt.as_mut() {
                prompt.selected = prompt.selected.min(count.saturating_sub(1));
            }
            Some(vec![Effect::Render])
        }
    }
}
