//! The Pods screen: every pod of every cluster, sortable and filterable; Enter opens the
//! describe panel and `m` the live `/metrics` panel (re-read on ticks, in `kube`), Esc closes
//! them; `x` scales the selected pod's owner.

use super::Screen;
use super::workloads;
use crate::action::Action;
use crate::effect::Effect;
use crate::model::Model;
use crate::model::filter::FilterTarget;
use crate::model::pod_view::PodPanel;
use crate::screen::View;
use crate::update::kube;

pub(super) const SCREEN: Screen = Screen {
    view: View::Pods,
    filter: |_| FilterTarget::Pods,
    on_action,
    move_cursor,
    on_mouse: super::no_mouse,
    on_tick: kube::on_tick,
    needs: super::no_needs,
    grouped_alerts: false,
    focus_on_click: false,
};

fn on_action(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Scale => Some(workloads::scale_pod_owner(model)),
        Action::Close if kube::close_panel(model) => Some(vec![Effect::Render]),
        Action::ToggleDescribe => Some(kube::toggle_panel(model, PodPanel::Describe)),
        Action::ToggleMetrics => Some(kube::toggle_panel(model, PodPanel::Metrics)),
        _ => None,
    }
}

/// Moves the pods cursor; an open panel follows the selection. The overview's pods pane
/// moves the same way.
pub(super) fn move_cursor(model: &mut Model, action: Action) -> Vec<Effect> {
    crate::update::move_pods(model, action);
    let mut effects = kube::follow_selection(model);
    effects.push(Effect::Render);
    effects
}
