//! The SLOs screen: the SLO list (keys and mouse), Enter opens an SLO's detail with its
//! chart, Esc closes it, `c` charts a fleet SLO's next cluster (`slo_view`). The SLA helper
//! popup is not the screen's: it opens anywhere and `update` handles it before any screen.
//!
//! The file to copy for a new screen: a descriptor, and the screen's own handlers next to it
//! or in the module of its concern.

use super::Screen;
use crate::action::Action;
use crate::effect::Effect;
use crate::model::Model;
use crate::model::filter::FilterTarget;
use crate::screen::View;
use crate::update::slo_view;

pub(super) const SCREEN: Screen = Screen {
    view: View::Slos,
    filter: |_| FilterTarget::Slos,
    on_action,
    move_cursor: slo_view::move_cursor,
    on_mouse: slo_view::on_mouse,
    on_tick: super::no_tick,
    needs: super::no_needs,
    grouped_alerts: false,
    focus_on_click: false,
};

fn on_action(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::ToggleDescribe => Some(slo_view::open_detail(model)),
        Action::Close if model.ui.slo.detail.is_some() => {
            model.ui.slo.detail = None;
            Some(vec![Effect::Render])
        }
        Action::SloNextCluster => Some(slo_view::next_cluster(model)),
        _ => None,
    }
}
