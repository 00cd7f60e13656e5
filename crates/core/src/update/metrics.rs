//! The Services screen's state changes: RED metrics and chart answers from Prometheus, the
//! service cursor, the chart range, and the chart requests they call for (one at a time,
//! newest wins, refreshed when new metrics for the selected cluster arrive).

use crate::action::Action;
use crate::cluster::ClusterId;
use crate::effect::{Effect, IoRequest};
use crate::event::{DataEvent, Payload};
use crate::model::health::SourceKind;
use crate::model::range_step::choose_step;
use crate::model::services::{ServiceRef, merged_services, selected_service};
use crate::model::{Cursor, Model, scroll_offset};
use crate::screen::View;

/// Chart width assumed until the screen has been drawn once.
pub const DEFAULT_CHART_COLUMNS: u16 = 100;

/// True for the payloads this module applies.
pub fn handles(payload: &Payload) -> bool {
    matches!(payload, Payload::Metrics(_) | Payload::Chart(_))
}

/// Applies a metrics or chart answer.
pub fn apply(model: &mut Model, event: DataEvent) -> Vec<Effect> {
    let DataEvent {
        cluster,
        at,
        payload,
    } = event;
    let seq = model.ui.chart_seq;
    let Some(state) = model.clusters.get_mut(cluster) else {
        return Vec::new();
    };
    match payload {
        Payload::Metrics(update) => {
            state.metrics.services = update
                .services
                .into_iter()
                .map(|s| (s.name.clone(), s))
                .collect();
            state.metrics.status = update.status;
            state.metrics.updated = Some(at);
            let health = state.health(SourceKind::Metrics).on_data(at);
            state.health.insert(SourceKind::Metrics, health);
            let mut effects = vec![Effect::Render];
            // Fresh numbers for the selected cluster: refresh its chart too.
            let selected = selected_key(model);
            if model.ui.view == View::Services && selected.as_ref().map(|k| k.0) == Some(cluster) {
                model.ui.chart_for = None;
            }
            effects.extend(ensure_chart(model));
            effects
        }
        Payload::Chart(chart) => {
            if chart.seq != seq {
                return Vec::new();
            }
            for other in &mut model.clusters {
                other.metrics.chart = None;
            }
            if let Some(state) = model.clusters.get_mut(cluster) {
                state.metrics.chart = Some(chart);
            }
            vec![Effect::Render]
        }
        _ => Vec::new(),
    }
}

/// The selected (cluster, service), following the cursor's key.
pub fn selected_key(model: &Model) -> Option<ServiceRef> {
    let rows = merged_services(model);
    if rows.is_empty() {
        return None;
    }
    let (cluster, service) = rows[selected_service(model, &rows)];
    Some((cluster, service.name.clone()))
}

/// `s` on the Services screen: the next order; the selection stays on its service.
pub fn sort_next(model: &mut Model) -> Vec<Effect> {
    let selected = selected_key(model);
    model.ui.services_sort = model.ui.services_sort.next();
    if let Some(key) = selected {
        let rows = merged_services(model);
        let index = rows
            .iter()
            .position(|(c, s)| *c == key.0 && s.name == key.1)
            .unwrap_or(0);
        model.ui.services = Cursor {
            key: Some(key),
            index,
            offset: scroll_offset(index, 0, rows.len(), model.ui.services_page),
        };
    }
    vec![Effect::Render]
}

/// Moves the Services screen's cursor.
pub fn move_services(model: &mut Model, action: Action) -> Vec<Effect> {
    let rows = merged_services(model);
    if rows.is_empty() {
        model.ui.services = Cursor::default();
        return vec![Effect::Render];
    }
    let page = model.ui.services_page.max(1);
    let target = super::step(selected_service(model, &rows), rows.len(), page, action);
    let (cluster, service) = rows[target];
    let key: ServiceRef = (cluster, service.name.clone());
    let offset = scroll_offset(target, model.ui.services.offset, rows.len(), page);
    model.ui.services = Cursor {
        key: Some(key),
        index: target,
        offset,
    };
    let mut effects = vec![Effect::Render];
    effects.extend(ensure_chart(model));
    effects
}

/// Switches the chart range.
pub fn change_range(model: &mut Model, action: Action) -> Vec<Effect> {
    model.ui.chart_range = match action {
        Action::ChartRangePrevious => model.ui.chart_range.previous(),
        _ => model.ui.chart_range.next(),
    };
    let mut effects = vec![Effect::Render];
    effects.extend(ensure_chart(model));
    effects
}

/// The chart request the screen needs now, if it differs from the last one asked for.
pub fn ensure_chart(model: &mut Model) -> Option<Effect> {
    if model.ui.view != View::Services {
        return None;
    }
    let (cluster, service) = selected_key(model)?;
    let range = model.ui.chart_range;
    let columns = match model.ui.chart_columns {
        0 => DEFAULT_CHART_COLUMNS,
        n => n,
    };
    let step = choose_step(range.seconds(), columns);
    let want = ((cluster, service.clone()), range, step);
    if model.ui.chart_for.as_ref() == Some(&want) {
        return None;
    }
    model.ui.chart_for = Some(want);
    model.ui.chart_seq += 1;
    Some(chart_request(cluster, service.as_str(), model))
}

fn chart_request(cluster: ClusterId, service: &str, model: &Model) -> Effect {
    let range = model.ui.chart_range;
    let step = model.ui.chart_for.as_ref().map_or(60, |(_, _, step)| *step);
    Effect::Io {
        cluster,
        request: IoRequest::MetricsChart {
            service: service.to_string(),
            range,
            step,
            seq: model.ui.chart_seq,
        },
    }
}

/// Records the services table's rows and the chart's columns from the last frame.
pub fn viewport(model: &mut Model, rows: usize, columns: u16) -> Vec<Effect> {
    if rows > 0 {
        model.ui.services_page = rows;
    }
    if columns > 0 && columns != model.ui.chart_columns {
        model.ui.chart_columns = columns;
        return ensure_chart(model).into_iter().collect();
    }
    Vec::new()
}
