//! `update(&mut Model, Msg) -> Vec<Effect>`: the only place the model changes. Pure and
//! synchronous: no IO, no clock (times arrive inside the messages).

use std::collections::BTreeMap;

use crate::action::Action;
use crate::effect::Effect;
use crate::event::{DataEvent, Msg, Payload};
use crate::model::alert::sort_alerts;
use crate::model::rows::{merged_alerts, pod_list, selected_alert};
use crate::model::{Cursor, Model, Pane, scroll_offset};

mod input;
mod mouse;
mod palette;

#[cfg(test)]
mod alert_tests;
mod alerts;
mod follow;
#[cfg(test)]
mod follow_tests;
pub mod kube;
pub(crate) mod metrics;
#[cfg(test)]
mod metrics_tests;
mod runbook_entry;
#[cfg(test)]
mod runbook_entry_tests;
pub mod runs;
pub mod screens;
#[cfg(test)]
mod shell_tests;
mod silence;
mod sla;
mod slo;
#[cfg(test)]
mod slo_view_tests;
mod suggest;
#[cfg(test)]
mod suggest_tests;

#[cfg(test)]
mod tests;

/// Applies one message to the model and returns what the app loop should do next.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    // Every data event carries the loop's now: SLO readings that stopped coming turn stale.
    if let Msg::Data(event) = &msg {
        slo::mark_stale(model, event.at);
        let lists = follow::lists_of(&event.payload);
        let effects = update_inner(model, msg);
        follow::resync(model, lists);
        return effects;
    }
    update_inner(model, msg)
}

fn update_inner(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Data(event) if metrics::handles(&event.payload) => metrics::apply(model, event),
        Msg::Data(event) if slo::handles(&event.payload) => slo::apply(model, event),
        Msg::Data(event) => apply_data(model, event),
        Msg::StartRun { start, now } => runs::start(model, *start, now),
        Msg::RunOutcome {
            run,
            id,
            outcome,
            now,
        } => runs::on_outcome(model, run, id, *outcome, now),
        Msg::RunAuditFailed { run, phase, error } => {
            runs::on_audit_failed(model, run, phase, error)
        }
        Msg::Key { key, .. } if model.runs.quit_question.is_some() => runs::on_quit_key(model, key),
        Msg::Key { key, now } if model.runs.panel.visible => runs::on_key(model, key, now),
        Msg::Key { key, .. } if model.ui.silence.is_some() => silence::on_key(model, key),
        Msg::Key { key, .. } if model.ui.run_entry.is_some() => runbook_entry::on_key(model, key),
        Msg::Key { key, now } if model.ui.notice.take().is_some() => {
            // A key after a notice dismisses it and then does what it always does.
            let mut effects = update(model, Msg::Key { key, now });
            effects.push(Effect::Render);
            effects
        }
        Msg::Key { key, .. } if model.ui.workloads.popup.is_some() => {
            screens::workloads::on_key(model, key).unwrap_or_else(|| runs::quit(model))
        }
        Msg::Key { key, .. } => match input::on_key(model, key) {
            Some(effects) => effects,
            None => match model.keymap.action_for(key) {
                Some(action) => with_chart(model, action),
                None => Vec::new(),
            },
        },
        Msg::Mouse(event) => mouse::on_mouse(model, event),
        Msg::Layout(layout) => {
            model.ui.layout = layout;
            Vec::new()
        }
        Msg::Action(action) => with_chart(model, action),
        Msg::ServicesViewport {
            rows,
            chart_columns,
        } => metrics::viewport(model, rows, chart_columns),
        Msg::Tick { now } => {
            slo::mark_stale(model, now);
            let mut effects = (screens::of(model.ui.view).on_tick)(model);
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

/// Applies an action, then asks for the data the screen now shown needs (the Services
/// screen's chart), if any.
fn with_chart(model: &mut Model, action: Action) -> Vec<Effect> {
    let mut effects = apply_action(model, action);
    effects.extend((screens::of(model.ui.view).needs)(model));
    effects
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
        Payload::AlertSnapshot(snapshot) => {
            alerts::apply_snapshot(state, *snapshot, at);
            current.on_data(at)
        }
        Payload::Alive(_) => current.on_data(at),
        // Applied by `metrics::apply` before this match.
        Payload::Metrics(_)
        | Payload::Chart(_)
        | Payload::SloReadings(_)
        | Payload::SloChart(_) => current,
        Payload::Failed { reason, .. } => current.on_failure(at, reason),
    };
    state.health.insert(source, health);
    vec![Effect::Render]
}

fn apply_action(model: &mut Model, action: Action) -> Vec<Effect> {
    // The SLA helper (it opens anywhere), then the screen's own actions.
    if !model.ui.show_help
        && let Some(effects) = sla::on_action(model, action)
    {
        return effects;
    }
    if !model.ui.show_help
        && let Some(effects) = (screens::of(model.ui.view).on_action)(model, action)
    {
        return effects;
    }
    match action {
        Action::Quit => return runs::quit(model),
        Action::ToggleHelp => {
            model.ui.show_help = !model.ui.show_help;
            model.ui.help_scroll = 0;
        }
        Action::Close if model.ui.show_help => model.ui.show_help = false,
        Action::Close => return input::clear_filter(model),
        // Help is modal: movement waits until it is closed.
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
            if model.ui.show_help =>
        {
            // Headings and lines; the renderer clamps further to what fits on screen.
            let lines: usize = model
                .keymap
                .help_groups()
                .iter()
                .map(|(_, lines)| lines.len() + 1)
                .sum();
            model.ui.help_scroll = step(model.ui.help_scroll, lines, 10, action);
        }
        _ if model.ui.show_help => return Vec::new(),
        Action::ShowRun => return runs::show_panel(model),
        Action::Silence => return silence::open_form(model),
        Action::ExpireSilence => return silence::open_expire(model),
        Action::Filter => input::open_filter(model),
        Action::Palette => input::open_palette(model),
        // The pods sort, unless the screen sorts something of its own (`on_action` above).
        Action::SortNext => kube::sort_next(model),
        Action::SortReverse => kube::sort_reverse(model),
        // Handled above by `sla::on_action` or by the screens they apply to.
        Action::ToggleDescribe
        | Action::ToggleMetrics
        | Action::ToggleSla
        | Action::SloNextCluster
        | Action::Scale
        | Action::Rollback
        | Action::Promote
        | Action::RunSuggested => return Vec::new(),
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
        | Action::Bottom => return (screens::of(model.ui.view).move_cursor)(model, action),
        Action::ChartRangeNext | Action::ChartRangePrevious => {
            return metrics::change_range(model, action);
        }
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
