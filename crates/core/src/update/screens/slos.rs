//! The SLOs screen: the SLO list (keys and mouse), Enter opens an SLO's detail with its
//! chart request (newest wins), Esc closes it, `c` charts a fleet SLO's next cluster. The
//! SLA helper popup is not the screen's: it opens anywhere (`update/sla.rs`).
//!
//! The file to copy for a new screen: its descriptor, then its handlers.

use super::Screen;
use crate::action::Action;
use crate::effect::{Effect, IoRequest};
use crate::event::{Mouse, MouseKind};
use crate::model::filter::FilterTarget;
use crate::model::range_step::choose_step;
use crate::model::slo_view::{SloDetail, selected_slo, slo_clusters, slo_rows};
use crate::model::{Cursor, Model, scroll_offset};
use crate::screen::View;
use crate::slo::SloScope;

/// Points the detail charts ask for (their width is not known to `update`).
pub const CHART_POINTS: u16 = 120;

pub(super) const SCREEN: Screen = Screen {
    view: View::Slos,
    filter: |_| FilterTarget::Slos,
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
        Action::ToggleDescribe => Some(open_detail(model)),
        Action::Close if model.ui.slo.detail.is_some() => {
            model.ui.slo.detail = None;
            Some(vec![Effect::Render])
        }
        Action::SloNextCluster => Some(next_cluster(model)),
        _ => None,
    }
}

/// Page size: the list's rows at the last frame.
fn page(model: &Model) -> usize {
    model
        .ui
        .layout
        .slos
        .map_or(10, |area| usize::from(area.height))
        .max(1)
}

/// Moves the cursor; an open detail follows the selection.
fn move_cursor(model: &mut Model, action: Action) -> Vec<Effect> {
    let rows = slo_rows(model);
    if rows.is_empty() {
        model.ui.slo.cursor = Cursor::default();
        return vec![Effect::Render];
    }
    let page = page(model);
    let target = crate::update::step(selected_slo(model, &rows), rows.len(), page, action);
    select(model, target, page);
    follow(model)
}

fn select(model: &mut Model, target: usize, page: usize) {
    let rows = slo_rows(model);
    let Some(key) = rows.get(target).map(|r| r.key()) else {
        return;
    };
    let offset = scroll_offset(target, model.ui.slo.cursor.offset, rows.len(), page);
    model.ui.slo.cursor = Cursor {
        key: Some(key),
        index: target,
        offset,
    };
}

/// With the detail open, re-opens it on the selected row.
fn follow(model: &mut Model) -> Vec<Effect> {
    if model.ui.slo.detail.is_some() {
        open_detail(model)
    } else {
        vec![Effect::Render]
    }
}

/// Opens the detail of the selected row and asks for its charts.
fn open_detail(model: &mut Model) -> Vec<Effect> {
    let rows = slo_rows(model);
    let Some(row) = rows.get(selected_slo(model, &rows)).copied() else {
        return Vec::new();
    };
    let chart_cluster = match row.scope {
        SloScope::Cluster(id) => Some(id),
        SloScope::Fleet => slo_clusters(model, row.slo)
            .into_iter()
            .find(|id| model.ui.shows_cluster(*id)),
    };
    model.ui.slo.detail = Some(SloDetail {
        slo: row.slo,
        scope: row.scope,
        chart_cluster,
    });
    let mut effects = vec![Effect::Render];
    effects.extend(chart_request(model));
    effects
}

/// A fleet SLO's detail: chart the next of its clusters.
fn next_cluster(model: &mut Model) -> Vec<Effect> {
    let Some(detail) = model.ui.slo.detail else {
        return Vec::new();
    };
    if detail.scope != SloScope::Fleet {
        return Vec::new();
    }
    let clusters = slo_clusters(model, detail.slo);
    let position = detail
        .chart_cluster
        .and_then(|c| clusters.iter().position(|id| *id == c));
    let next = match position {
        Some(i) => clusters.get((i + 1) % clusters.len().max(1)).copied(),
        None => clusters.first().copied(),
    };
    if next == detail.chart_cluster {
        return Vec::new();
    }
    model.ui.slo.detail = Some(SloDetail {
        chart_cluster: next,
        ..detail
    });
    let mut effects = vec![Effect::Render];
    effects.extend(chart_request(model));
    effects
}

/// The chart request for the open detail; each one supersedes the previous.
fn chart_request(model: &mut Model) -> Option<Effect> {
    let detail = model.ui.slo.detail?;
    let cluster = detail.chart_cluster?;
    let spec = model.slos.specs.get(detail.slo)?.clone();
    model.slos.chart_seq += 1;
    Some(Effect::Io {
        cluster,
        request: IoRequest::SloChart {
            slo: detail.slo,
            step: choose_step(spec.period.secs(), CHART_POINTS),
            spec: Box::new(spec),
            seq: model.slos.chart_seq,
        },
    })
}

/// Clicks and the wheel on the SLO list; `None` when the pointer is elsewhere.
fn on_mouse(model: &mut Model, mouse: Mouse) -> Option<Vec<Effect>> {
    if model.ui.slo.sla || model.ui.slo.detail.is_some() {
        return None;
    }
    let area = model.ui.layout.slos?;
    if !area.contains(mouse.column, mouse.row) {
        return None;
    }
    let page = usize::from(area.height).max(1);
    match mouse.kind {
        MouseKind::Click => {
            let rows = slo_rows(model);
            let selected = selected_slo(model, &rows);
            let offset = scroll_offset(selected, model.ui.slo.cursor.offset, rows.len(), page);
            let target = offset + usize::from(mouse.row - area.y);
            if target < rows.len() {
                model.ui.slo.cursor.offset = offset;
                select(model, target, page);
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
