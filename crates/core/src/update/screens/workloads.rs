//! The Workloads screen: Deployments, StatefulSets and CNPG databases in two tables (Ctrl-W
//! switches, movement stays in the focused one; keys and mouse), sortable, with the direct
//! actions of the views: `x` scale (here and, through `screens/pods.rs`, on the Pods
//! screen), `u` roll back and `P` promote, each asking what it needs in a popup and then
//! emitting `Effect::StartRun` with a one-step runbook from `runbook::direct`, so every
//! action goes through the engine.

use std::sync::Arc;

use super::Screen;
use crate::action::{Action, Key};
use crate::cluster::ClusterId;
use crate::effect::Effect;
use crate::event::{Mouse, MouseKind};
use crate::model::filter::FilterTarget;
use crate::model::input::InputLine;
use crate::model::rows::{pod_list, selected_pod};
use crate::model::runs::StartRun;
use crate::model::workload::{WorkloadKey, WorkloadKind, WorkloadRow};
use crate::model::workload_view::{
    ActionPopup, RollbackPopup, RowKey, ScalePopup, database_ref, previous_revision, revisions,
    row_keys, selected_key, selected_row, workload_ref,
};
use crate::model::{Cursor, Model, scroll_offset};
use crate::runbook::direct::{self, DirectError};
use crate::runbook::spec::Runbook;
use crate::screen::View;
use crate::text::Text;

pub(super) const SCREEN: Screen = Screen {
    view: View::Workloads,
    filter: |_| FilterTarget::Workloads,
    on_action,
    move_cursor,
    on_mouse,
    on_tick: super::no_tick,
    needs: super::no_needs,
    grouped_alerts: false,
    focus_on_click: false,
};

fn on_action(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Scale => Some(open_scale(model)),
        Action::Rollback => Some(open_rollback(model)),
        Action::Promote => Some(promote(model)),
        Action::SortNext => {
            model.ui.workloads.sort = model.ui.workloads.sort.next();
            Some(vec![Effect::Render])
        }
        Action::SortReverse => {
            model.ui.workloads.reversed = !model.ui.workloads.reversed;
            Some(vec![Effect::Render])
        }
        Action::FocusNext => Some(switch_pane(model)),
        _ => None,
    }
}

/// Digits the replica count takes (up to `direct::MAX_REPLICAS`).
const MAX_DIGITS: usize = 4;

/// The rows of the pane holding row `index`: workloads `0..first_db`, databases
/// `first_db..len`.
fn pane_of(keys: &[RowKey], index: usize) -> std::ops::Range<usize> {
    let first_db = keys
        .iter()
        .position(|k| matches!(k, RowKey::Database(..)))
        .unwrap_or(keys.len());
    if index < first_db {
        0..first_db
    } else {
        first_db..keys.len()
    }
}

/// Ctrl-W: focus the other table (workloads / databases), back on the row it had.
fn switch_pane(model: &mut Model) -> Vec<Effect> {
    let keys = row_keys(model);
    if keys.is_empty() {
        return vec![Effect::Render];
    }
    let current = selected_row(model, &keys);
    let here = pane_of(&keys, current);
    let there = if here.start == 0 {
        here.end..keys.len()
    } else {
        0..here.start
    };
    if there.is_empty() {
        return vec![Effect::Render];
    }
    let back = model
        .ui
        .workloads
        .other_pane
        .as_ref()
        .and_then(|key| keys.iter().position(|k| k == key))
        .filter(|i| there.contains(i))
        .unwrap_or(there.start);
    model.ui.workloads.other_pane = keys.get(current).cloned();
    select(model, keys, back);
    vec![Effect::Render]
}

fn page(model: &Model) -> usize {
    let layout = &model.ui.layout;
    let rows = |a: Option<crate::model::layout::Area>| a.map_or(0, |a| usize::from(a.height));
    (rows(layout.workloads) + rows(layout.databases)).max(1)
}

fn move_cursor(model: &mut Model, action: Action) -> Vec<Effect> {
    let keys = row_keys(model);
    if keys.is_empty() {
        model.ui.workloads.cursor = Cursor::default();
        return vec![Effect::Render];
    }
    // Movement stays in the focused table: `G` on a workload goes to the last workload.
    let current = selected_row(model, &keys);
    let pane = pane_of(&keys, current);
    let target =
        pane.start + crate::update::step(current - pane.start, pane.len(), page(model), action);
    select(model, keys, target);
    vec![Effect::Render]
}

fn select(model: &mut Model, keys: Vec<RowKey>, target: usize) {
    let len = keys.len();
    if let Some(key) = keys.into_iter().nth(target) {
        let offset = scroll_offset(target, model.ui.workloads.cursor.offset, len, page(model));
        model.ui.workloads.cursor = Cursor {
            key: Some(key),
            index: target,
            offset,
        };
    }
}

/// Clicks and the wheel on the workloads or databases table; `None` elsewhere.
fn on_mouse(model: &mut Model, mouse: Mouse) -> Option<Vec<Effect>> {
    if model.ui.workloads.popup.is_some() {
        return None;
    }
    let layout = model.ui.layout;
    let (column, row) = (mouse.column, mouse.row);
    let workloads = layout.workloads.filter(|a| a.contains(column, row));
    let databases = layout.databases.filter(|a| a.contains(column, row));
    if workloads.is_none() && databases.is_none() {
        return None;
    }
    match mouse.kind {
        MouseKind::Click => {
            let keys = row_keys(model);
            let selected = selected_row(model, &keys);
            let first_db = keys
                .iter()
                .position(|k| matches!(k, RowKey::Database(..)))
                .unwrap_or(keys.len());
            // The renderer scrolls each table on its own: recompute its offset the same way.
            let target = if let Some(area) = workloads {
                let page = usize::from(area.height).max(1);
                let at = if selected < first_db { selected } else { 0 };
                let offset = scroll_offset(at, model.ui.workloads.cursor.offset, first_db, page);
                (offset + usize::from(row - area.y) < first_db)
                    .then(|| offset + usize::from(row - area.y))
            } else {
                let area = databases?;
                let page = usize::from(area.height).max(1);
                let count = keys.len() - first_db;
                let at = selected.saturating_sub(first_db);
                let offset = scroll_offset(at, 0, count, page);
                let line = offset + usize::from(row - area.y);
                (line < count).then_some(first_db + line)
            };
            if let Some(target) = target {
                select(model, keys, target);
            }
            Some(vec![Effect::Render])
        }
        MouseKind::ScrollUp | MouseKind::ScrollDown => {
            crate::update::mouse::wheel(mouse.kind, |action| {
                move_cursor(model, action);
            });
            Some(vec![Effect::Render])
        }
    }
}

/// Says why an action cannot start, in the bottom line.
fn notice(model: &mut Model, text: &str) -> Vec<Effect> {
    model.ui.notice = Some(Text::new(text));
    vec![Effect::Render]
}

fn selected_workload(model: &Model) -> Option<(ClusterId, &WorkloadRow)> {
    let Some(RowKey::Workload(cluster, key)) = selected_key(model) else {
        return None;
    };
    let row = model.clusters.get(cluster)?.kube.workloads.get(&key)?;
    Some((cluster, row))
}

fn open_scale(model: &mut Model) -> Vec<Effect> {
    let Some((cluster, row)) = selected_workload(model) else {
        return notice(model, "scale: select a Deployment or StatefulSet first");
    };
    open_scale_for(model, cluster, &row.clone())
}

fn open_scale_for(model: &mut Model, cluster: ClusterId, row: &WorkloadRow) -> Vec<Effect> {
    let Some(target) = workload_ref(model, cluster, row) else {
        return notice(
            model,
            "scale: only Deployments and StatefulSets can be scaled",
        );
    };
    model.ui.workloads.popup = Some(ActionPopup::Scale(ScalePopup {
        target,
        current: row.desired,
        input: InputLine::with_text(&row.desired.to_string()),
        prefilled: true,
        error: None,
    }));
    vec![Effect::Render]
}

/// `x` on the Pods screen: scale the selected pod's owner (its ReplicaSet's Deployment).
pub(super) fn scale_pod_owner(model: &mut Model) -> Vec<Effect> {
    let rows = pod_list(model);
    let all = rows.all();
    let Some(entry) = all.get(selected_pod(model, &all)).copied() else {
        return notice(model, "scale: select a pod first");
    };
    let kube = &model.clusters[entry.cluster].kube;
    let pod = entry.pod;
    let owner = pod
        .detail
        .owner
        .as_ref()
        .and_then(|o| kube.owner_workload(&pod.key.namespace, o.kind.as_str(), &o.name));
    let owner = owner.or_else(|| {
        // Without the pod's owner reference, its generated name names the workload.
        let name = crate::model::palette::workload_of(pod.key.name.as_str())?;
        [WorkloadKind::Deployment, WorkloadKind::StatefulSet]
            .iter()
            .find_map(|kind| {
                kube.workloads
                    .get(&WorkloadKey::new(*kind, pod.key.namespace.as_str(), name))
            })
    });
    match owner
        .filter(|w| w.key.kind != WorkloadKind::ReplicaSet)
        .cloned()
    {
        Some(row) => open_scale_for(model, entry.cluster, &row),
        None => notice(
            model,
            &format!(
                "scale: no Deployment or StatefulSet found owning pod {}",
                pod.key.name
            ),
        ),
    }
}

fn open_rollback(model: &mut Model) -> Vec<Effect> {
    let Some((cluster, row)) = selected_workload(model) else {
        return notice(model, "roll back: select a Deployment first");
    };
    if row.key.kind != WorkloadKind::Deployment {
        return notice(model, "roll back: only Deployments keep a revision history");
    }
    let history = revisions(&model.clusters[cluster].kube, row);
    let Some(target) = workload_ref(model, cluster, row) else {
        return Vec::new();
    };
    if history.len() < 2 {
        return notice(
            model,
            &format!("roll back: {target} has no earlier revision to roll back to"),
        );
    }
    let selected = previous_revision(&history);
    model.ui.workloads.popup = Some(ActionPopup::Rollback(RollbackPopup {
        target,
        revisions: history,
        selected,
    }));
    vec![Effect::Render]
}

/// `P`: a replica cluster leaves replica mode; on a primary cluster, its first ready replica
/// instance (a pod `NAME-N` other than the primary) becomes the primary.
fn promote(model: &mut Model) -> Vec<Effect> {
    let Some(RowKey::Database(cluster, key)) = selected_key(model) else {
        return notice(model, "promote: select a database first");
    };
    let Some(state) = model.clusters.get(cluster) else {
        return Vec::new();
    };
    let Some(db) = state.kube.databases.get(&key) else {
        return Vec::new();
    };
    let Some(target) = database_ref(model, cluster, db) else {
        return Vec::new();
    };
    let instance = if db.replica {
        None
    } else {
        let prefix = format!("{}-", db.key.name);
        let replica = state
            .pods
            .values()
            .filter(|p| p.key.namespace == db.key.namespace && p.key.name != db.primary)
            .filter(|p| {
                p.key
                    .name
                    .as_str()
                    .strip_prefix(&prefix)
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .find(|p| p.ready == p.total && p.total > 0);
        match replica {
            Some(pod) => Some(pod.key.name.as_str().to_string()),
            None => {
                return notice(
                    model,
                    &format!(
                        "promote: {target} is a primary and no ready replica instance is known"
                    ),
                );
            }
        }
    };
    start(model, direct::promote_cnpg(target, instance))
}

/// Emits the run, or says why the action could not be built.
fn start(model: &mut Model, runbook: Result<Runbook, DirectError>) -> Vec<Effect> {
    match runbook {
        Ok(runbook) => vec![
            Effect::Render,
            Effect::StartRun(Box::new(StartRun {
                runbook: Arc::new(runbook),
                given: Vec::new(),
                alert: None,
            })),
        ],
        Err(error) => notice(model, &error.to_string()),
    }
}

/// A key while a popup is open (the popup takes every key but Ctrl-C).
pub(in crate::update) fn on_key(model: &mut Model, key: Key) -> Option<Vec<Effect>> {
    if key == Key::Ctrl('c') {
        return None;
    }
    let popup = model.ui.workloads.popup.take()?;
    Some(match popup {
        ActionPopup::Scale(popup) => scale_key(model, popup, key),
        ActionPopup::Rollback(popup) => rollback_key(model, popup, key),
    })
}

fn scale_key(model: &mut Model, mut popup: ScalePopup, key: Key) -> Vec<Effect> {
    match key {
        Key::Esc => return vec![Effect::Render],
        Key::Enter => {
            let replicas = popup.input.text().parse::<i32>();
            match replicas {
                Ok(n) if popup.current == u32::try_from(n).unwrap_or(u32::MAX) => {
                    popup.error = Some(Text::new(&format!(
                        "{} already has {n} replicas: nothing to do",
                        popup.target
                    )));
                }
                Ok(n) => {
                    let current = i32::try_from(popup.current).ok();
                    match direct::scale(popup.target.clone(), n, current) {
                        Ok(runbook) => return start(model, Ok(runbook)),
                        Err(error) => popup.error = Some(Text::new(&error.to_string())),
                    }
                }
                Err(_) => popup.error = Some(Text::new("type the number of replicas")),
            }
        }
        Key::Char(c) if c.is_ascii_digit() => {
            if popup.prefilled {
                popup.input.clear();
                popup.prefilled = false;
            }
            popup.input.edit_within(Key::Char(c), MAX_DIGITS);
            popup.error = None;
        }
        Key::Backspace | Key::Ctrl('h') => {
            popup.prefilled = false;
            popup.input.backspace();
            popup.error = None;
        }
        Key::Up | Key::Char('+') => bump(&mut popup, 1),
        Key::Down | Key::Char('-') => bump(&mut popup, -1),
        _ => {}
    }
    model.ui.workloads.popup = Some(ActionPopup::Scale(popup));
    vec![Effect::Render]
}

fn bump(popup: &mut ScalePopup, delta: i64) {
    let now: i64 = popup
        .input
        .text()
        .parse()
        .unwrap_or(i64::from(popup.current));
    let next = (now + delta).clamp(0, i64::from(direct::MAX_REPLICAS));
    popup.input = InputLine::with_text(&next.to_string());
    popup.prefilled = false;
    popup.error = None;
}

fn rollback_key(model: &mut Model, mut popup: RollbackPopup, key: Key) -> Vec<Effect> {
    let last = popup.revisions.len().saturating_sub(1);
    match key {
        Key::Esc => return vec![Effect::Render],
        Key::Up | Key::Char('k') => popup.selected = popup.selected.saturating_sub(1),
        Key::Down | Key::Char('j') => popup.selected = (popup.selected + 1).min(last),
        Key::Home | Key::Char('g') => popup.selected = 0,
        Key::End | Key::Char('G') => popup.selected = last,
        Key::Enter => {
            let Some(revision) = popup.revisions.get(popup.selected) else {
                return vec![Effect::Render];
            };
            if revision.current {
                let text = format!(
                    "{} already runs revision {}: choose an earlier one",
                    popup.target, revision.number
                );
                model.ui.notice = Some(Text::new(&text));
            } else {
                return start(
                    model,
                    direct::rollback(popup.target.clone(), Some(revision.number)),
                );
            }
        }
        _ => {}
    }
    model.ui.workloads.popup = Some(ActionPopup::Rollback(popup));
    vec![Effect::Render]
}

#[cfg(test)]
#[path = "workloads_tests.rs"]
mod tests;
