//! `update(&mut Model, Msg) -> Vec<Effect>`: the only place the model changes. Pure and
//! synchronous: no IO, no clock (times arrive inside the messages).

use std::collections::BTreeMap;

use crate::action::{Action, action_for};
use crate::effect::Effect;
use crate::event::{DataEvent, Msg, Payload};
use crate::model::alert::sort_alerts;
use crate::model::pod_view::PodPanel;
use crate::model::rows::{merged_alerts, pod_list, selected_alert};
use crate::model::{Cursor, Model, Pane, View, scroll_offset};

mod kube;

#[cfg(test)]
mod tests;

/// Applies one message to the model and returns what the app loop should do next.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Data(event) => apply_data(model, event),
        Msg::Key(key) => match action_for(key) {
            Some(action) => apply_action(model, action),
            None => Vec::new(),
        },
        Msg::Action(action) => apply_action(model, action),
        Msg::Tick => {
            let mut effects = kube::on_tick(model);
            effects.push(Effect::Render);
            effects
        }
        Msg::Resize => vec![Effect::Render],
        Msg::Viewport { pods, alerts } => {
            // Zero means the list was not on screen: keep the last page size.
            if pods > 0 {
                model.ui.pods_page = pods;
            }
            if alerts > 0 {
                model.ui.alerts_page = alerts;
            }
            Vec::new()
        }
    }
}

fn apply_data(model: &mut Model, event: DataEvent) -> Vec<Effect> {
    let DataEvent {
        cluster,
        at,
        payload,
    } = event;
    let payload = match payload {
        Payload::PodMetrics(result) => return kube::apply_metrics(model, cluster, at, result),
        Payload::Pods(change) if cluster < model.clusters.len() => {
            kube::apply_pods(model, cluster, change);
            Payload::Alive(crate::model::health::SourceKind::Pods)
        }
        other => other,
    };
    let Some(state) = model.clusters.get_mut(cluster) else {
        return Vec::new();
    };
    let source = payload.source();
    let current = state.health(source).clone();
    let health = match payload {
        Payload::Pods(_) | Payload::PodMetrics(_) => current.on_data(at),
        Payload::Kube(data) => {
            kube::apply_kube(&mut state.kube, at, *data);
            return vec![Effect::Render];
        }
        Payload::Alerts(alerts) => {
            // Deduplicate by fingerprint (HA replicas, repeated entries): the first one wins.
            let mut unique = BTreeMap::new();
            for alert in alerts {
                unique.entry(alert.fingerprint.clone()).or_insert(alert);
            }
            let mut alerts: Vec<_> = unique.into_values().collect();
            sort_alerts(&mut alerts);
            state.alerts = alerts;
            current.on_data(at)
        }
        Payload::Alive(_) => current.on_data(at),
        Payload::Failed { reason, .. } => current.on_failure(at, reason),
    };
    state.health.insert(source, health);
    vec![Effect::Render]
}

fn apply_action(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::ToggleHelp => model.ui.show_help = !model.ui.show_help,
        Action::Close if model.ui.show_help => model.ui.show_help = false,
        Action::Close if model.ui.view == View::Pods && kube::close_panel(model) => {}
        Action::Close => return Vec::new(),
        // Help is modal: movement waits until it is closed.
        _ if model.ui.show_help => return Vec::new(),
        Action::SortNext => kube::sort_next(model),
        Action::SortReverse => kube::sort_reverse(model),
        Action::ToggleDescribe if model.ui.view == View::Pods => {
            return kube::toggle_panel(model, PodPanel::Describe);
        }
        Action::ToggleMetrics if model.ui.view == View::Pods => {
            return kube::toggle_panel(model, PodPanel::Metrics);
        }
        Action::ToggleDescribe | Action::ToggleMetrics => return Vec::new(),
        Action::ShowView(view) => model.ui.view = view,
        Action::NextView => model.ui.view = model.ui.view.next(),
        Action::PreviousView => model.ui.view = model.ui.view.previous(),
        Action::FocusNext => {
            model.ui.focus = match model.ui.focus {
                Pane::Pods => Pane::Alerts,
                Pane::Alerts => Pane::Pods,
            }
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => match (model.ui.view, model.ui.focus) {
            (View::Pods, _) | (View::Overview, Pane::Pods) => {
                move_pods(model, action);
                let mut effects = kube::follow_selection(model);
                effects.push(Effect::Render);
                return effects;
            }
            (View::Alerts, _) | (View::Overview, Pane::Alerts) => move_alerts(model, action),
            (View::Services, _) => {}
        },
    }
    vec![Effect::Render]
}

/// The row a movement lands on, clamped to the list.
fn step(current: usize, len: usize, page: usize, action: Action) -> usize {
    let last = len.saturating_sub(1);
    let page = page.max(1);
    match action {
        Action::Up => current.saturating_sub(1),
        Action::Down => (current + 1).min(last),
        Action::PageUp => current.saturating_sub(page),
        Action::PageDown => (current + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => current.min(last),
    }
}

fn move_pods(model: &mut Model, action: Action) {
    let rows = pod_list(model);
    if rows.is_empty() {
        model.ui.pods = Cursor::default();
        return;
    }
    let page = model.ui.pods_page;
    let target = step(rows.selected(), rows.len(), page, action);
    let Some(key) = rows.get(target).map(|row| row.key()) else {
        return;
    };
    let offset = scroll_offset(target, model.ui.pods.offset, rows.len(), page);
    model.ui.pods = Cursor {
        key: Some(key),
        index: target,
        offset,
    };
}

fn move_alerts(model: &mut Model, action: Action) {
    let rows = merged_alerts(model);
    if rows.is_empty() {
        model.ui.alerts = Cursor::default();
        return;
    }
    let page = model.ui.alerts_page;
    let target = step(selected_alert(model, &rows), rows.len(), page, action);
    let key = rows[target].key();
    let offset = scroll_offset(target, model.ui.alerts.offset, rows.len(), page);
    model.ui.alerts = Cursor {
        key: Some(key),
        index: target,
        offset,
    };
}
