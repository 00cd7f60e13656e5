//! The Overview screen: two panes, pods needing attention and firing alerts, with a focus
//! (Ctrl-W, or a click) that `/` and the cursor follow; `b` suggests runbooks for the
//! selected alert.

use super::Screen;
use crate::action::Action;
use crate::effect::Effect;
use crate::model::filter::FilterTarget;
use crate::model::{Model, Pane};
use crate::screen::View;

pub(super) const SCREEN: Screen = Screen {
    view: View::Overview,
    filter: |pane| match pane {
        Pane::Pods => FilterTarget::Pods,
        Pane::Alerts => FilterTarget::Alerts,
    },
    on_action,
    move_cursor,
    on_mouse: super::no_mouse,
    on_tick: super::no_tick,
    needs: super::no_needs,
    grouped_alerts: false,
    focus_on_click: true,
};

fn on_action(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::RunSuggested => Some(crate::update::suggest::run_for_selected_alert(model)),
        _ => None,
    }
}

fn move_cursor(model: &mut Model, action: Action) -> Vec<Effect> {
    match model.ui.focus {
        Pane::Pods => super::pods::move_cursor(model, action),
        Pane::Alerts => {
            crate::update::move_alerts(model, action);
            super::moved()
        }
    }
}
