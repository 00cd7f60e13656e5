//! The Workloads screen: Deployments, StatefulSets and CNPG databases in two tables (Ctrl-W
//! switches), sortable, with the direct actions `x` scale, `u` roll back and `P` promote
//! (`workloads`: popups, then a one-step runbook through the engine).

use super::Screen;
use crate::action::Action;
use crate::effect::Effect;
use crate::model::Model;
use crate::model::filter::FilterTarget;
use crate::screen::View;
use crate::update::workloads;

pub(super) const SCREEN: Screen = Screen {
    view: View::Workloads,
    filter: |_| FilterTarget::Workloads,
    on_action,
    move_cursor: workloads::move_cursor,
    on_mouse: workloads::on_mouse,
    on_tick: super::no_tick,
    needs: super::no_needs,
    grouped_alerts: false,
    focus_on_click: false,
};

fn on_action(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Scale => Some(workloads::open_scale(model)),
        Action::Rollback => Some(workloads::open_rollback(model)),
        Action::Promote => Some(workloads::promote(model)),
        Action::SortNext => {
            model.ui.workloads.sort = model.ui.workloads.sort.next();
            Some(vec![Effect::Render])
        }
        Action::SortReverse => {
            model.ui.workloads.reversed = !model.ui.workloads.reversed;
            Some(vec![Effect::Render])
        }
        Action::FocusNext => Some(workloads::switch_pane(model)),
        _ => None,
    }
}
