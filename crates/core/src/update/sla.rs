//! The SLA helper popup (allowed downtime, latency objectives): `a` opens it on any screen,
//! so `update` asks it before the current screen's own actions; while open it is modal.

use crate::action::Action;
use crate::effect::Effect;
use crate::model::Model;

/// Actions while the helper is open, and the ones that open or close it; `None` leaves
/// `action` to the screen.
pub(super) fn on_action(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    let slo = &mut model.ui.slo;
    match action {
        Action::ToggleSla => {
            slo.sla = !slo.sla;
            Some(vec![Effect::Render])
        }
        Action::Close if slo.sla => {
            slo.sla = false;
            Some(vec![Effect::Render])
        }
        // The helper is modal: only help and quit pass.
        Action::ToggleHelp | Action::Quit => None,
        _ if slo.sla => Some(Vec::new()),
        _ => None,
    }
}
