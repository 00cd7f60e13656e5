//! The Alerts screen: alerts grouped by alertname and severity, with silences; `b` suggests
//! runbooks for the selected alert.

use super::Screen;
use crate::action::Action;
use crate::effect::Effect;
use crate::model::Model;
use crate::model::filter::FilterTarget;
use crate::screen::View;

pub(super) const SCREEN: Screen = Screen {
    view: View::Alerts,
    filter: |_| FilterTarget::Alerts,
    on_action,
    move_cursor,
    on_mouse: super::no_mouse,
    on_tick: super::no_tick,
    needs: super::no_needs,
    grouped_alerts: true,
    focus_on_click: false,
};

fn on_action(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::RunSuggested => Some(crate::update::suggest::run_for_selected_alert(model)),
        _ => None,
    }
}

fn move_cursor(model: &mut Model, action: Action) -> Vec<Effect> {
    crate::update::alerts::move_grouped(model, action);
    super::moved()
}
