//! The screens' behaviour, declared once: one [`Screen`] descriptor per screen, each in its
//! own file under `update/screens/`, registered in [`ALL`] in tab order. `update` asks the
//! current screen's descriptor wherever screens differ (the actions a screen takes first,
//! cursor moves, the list `/` filters, mouse on its own lists, ticks, the data it needs after
//! an action) instead of matching on `View` in each place.
//!
//! The shape, and why: a screen has three parts that live in three layers. What it is
//! (`View`, its title and tab order) is data in the model and stays in `core::screen`; its
//! key is its `ShowView` entry in `action::ACTIONS`, the one table of keys (see
//! [`Screen::tab`]). Its behaviour is here: it changes the model, so it sits in `update`.
//! Its rendering is the UI crate's half, `watchdeck_ui::views::SCREENS` (core cannot name
//! ratatui), in the same order; tests on both sides check the lists against `View::ALL`.
//!
//! A screen's file holds its descriptor and the handlers only it uses (`screens/slos.rs`,
//! `screens/workloads.rs`); a hook may point at code shared with the data side, which stays
//! in the module of its concern (`kube` for the pods table and panels, `metrics` for the
//! services table and chart, `alerts`). A new screen copies `screens/slos.rs`.

use crate::action::{Action, ActionSpec, spec};
use crate::effect::Effect;
use crate::event::Mouse;
use crate::model::filter::FilterTarget;
use crate::model::{Model, Pane};
use crate::screen::View;

mod alerts;
mod overview;
mod pods;
mod services;
mod slos;
pub(super) mod workloads;

/// Everything `update` needs to know about one screen. Hooks that do not apply are the
/// `no_*` functions below.
pub struct Screen {
    pub view: View,
    /// The list `/` filters (and Esc clears) with `Pane` focused.
    pub filter: fn(Pane) -> FilterTarget,
    /// Actions the screen takes before the general handling (outside help and the SLA
    /// helper); `None` leaves the action to it.
    pub on_action: fn(&mut Model, Action) -> Option<Vec<Effect>>,
    /// Up, Down, PageUp, PageDown, Top and Bottom.
    pub move_cursor: fn(&mut Model, Action) -> Vec<Effect>,
    /// Clicks and the wheel on the screen's own lists, before the tabs and the shared pods
    /// and alerts lists; `None` when the pointer is elsewhere.
    pub on_mouse: fn(&mut Model, Mouse) -> Option<Vec<Effect>>,
    /// Every tick while the screen is shown.
    pub on_tick: fn(&mut Model) -> Vec<Effect>,
    /// After every action: a request for data the screen now lacks (the services chart).
    pub needs: fn(&mut Model) -> Option<Effect>,
    /// Whether the alerts list is grouped by alertname and severity (the Alerts screen)
    /// rather than the flat firing list.
    pub grouped_alerts: bool,
    /// Whether a click on the pods or alerts pane focuses it (the overview's two panes).
    pub focus_on_click: bool,
}

impl Screen {
    pub fn title(&self) -> &'static str {
        self.view.title()
    }

    /// The screen's entry in `ACTIONS`: its name in `[keys]`, its default key, its help.
    pub fn tab(&self) -> Option<&'static ActionSpec> {
        spec(Action::ShowView(self.view))
    }
}

/// Every screen's behaviour, in `View::ALL` (tab) order.
pub static ALL: [Screen; View::ALL.len()] = [
    overview::SCREEN,
    services::SCREEN,
    pods::SCREEN,
    alerts::SCREEN,
    slos::SCREEN,
    workloads::SCREEN,
];

/// The descriptor of `view`.
pub fn of(view: View) -> &'static Screen {
    &ALL[view.index()]
}

/// `on_action` of a screen that takes no action of its own.
pub fn no_action(_: &mut Model, _: Action) -> Option<Vec<Effect>> {
    None
}

/// `on_mouse` of a screen without lists of its own.
pub fn no_mouse(_: &mut Model, _: Mouse) -> Option<Vec<Effect>> {
    None
}

/// `on_tick` of a screen that does nothing on ticks.
pub fn no_tick(_: &mut Model) -> Vec<Effect> {
    Vec::new()
}

/// `needs` of a screen that asks for nothing after an action.
pub fn no_needs(_: &mut Model) -> Option<Effect> {
    None
}

/// Movement re-renders: the general handling's answer for a screen that moves something.
fn moved() -> Vec<Effect> {
    vec![Effect::Render]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_is_registered_once_in_tab_order() {
        let views: Vec<View> = ALL.iter().map(|screen| screen.view).collect();
        assert_eq!(views, View::ALL);
        for view in View::ALL {
            assert_eq!(of(view).view, view);
        }
    }

    #[test]
    fn every_screen_has_a_tab_key() {
        for screen in &ALL {
            let tab = screen.tab();
            assert!(
                tab.is_some_and(|t| !t.keys.is_empty()),
                "{}",
                screen.title()
            );
        }
    }
}
