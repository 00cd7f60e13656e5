//! The Services screen: RED metrics per service with a chart of the selected one; `s` sorts
//! the table, and after every action the chart the selection needs is asked for (`metrics`).

use super::Screen;
use crate::action::Action;
use crate::effect::Effect;
use crate::model::Model;
use crate::model::filter::FilterTarget;
use crate::screen::View;
use crate::update::metrics;

pub(super) const SCREEN: Screen = Screen {
    view: View::Services,
    filter: |_| FilterTarget::Services,
    on_action,
    move_cursor: metrics::move_services,
    on_mouse: super::no_mouse,
    on_tick: super::no_tick,
    needs: metrics::ensure_chart,
    grouped_alerts: false,
    focus_on_click: false,
};

fn on_action(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::SortNext => Some(metrics::sort_next(model)),
        _ => None,
    }
}
