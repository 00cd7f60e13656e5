//! The RED table: one row per (cluster, service) with request rate, error ratio, p95, p99
//! and an error-ratio sparkline; the selected row follows its service. Above it, one note
//! per cluster whose metrics are partial, rejected or unreachable.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::red::{ERROR_SCALE_FLOOR, error_style, latency, percent, rate, sparkline_scaled};
use super::{EmptyText, column_width, health_span, pane_block, render_empty};
use crate::theme::Theme;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::model::services::{merged_services, selected_service};
use watchdeck_core::model::{Model, scroll_offset};
use watchdeck_core::series::QueryStatus;

/// Notes about clusters whose metrics are not simply current.
pub fn notes<'a>(model: &'a Model, theme: &Theme, now: Timestamp) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for cluster in &model.clusters {
        let health = cluster.health(SourceKind::Metrics);
        let name = Span::styled(format!("{} ", cluster.name), theme.header);
        match health {
            Health::Stale { reason, .. } | Health::Failed { reason, .. } => {
                lines.push(Line::from(vec![
                    name,
                    health_span(theme, SourceKind::Metrics, health, now),
                    Span::styled(format!(" {reason}"), theme.bad),
                ]));
                continue;
            }
            Health::Disabled => {
                lines.push(Line::from(vec![
                    name,
                    Span::styled("no Prometheus configured", theme.muted),
                ]));
                continue;
            }
            _ => {}
        }
        match &cluster.metrics.status {
            QueryStatus::Partial(warnings) => {
                let first = warnings.first().map_or("", |w| w.as_str());
                lines.push(Line::from(vec![
                    name,
                    Span::styled(format!("partial data: {first}"), theme.warn),
                ]));
            }
            QueryStatus::Error(message) => lines.push(Line::from(vec![
                name,
                Span::styled(message.as_str().to_string(), theme.bad),
            ])),
            QueryStatus::Ok | QueryStatus::Waiting => {}
        }
    }
    lines
}

/// Renders the table; returns how many rows fit.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    theme: &Theme,
    now: Timestamp,
) -> usize {
    let rows = merged_services(model);
    let selected = selected_service(model, &rows);
    let title = Line::from(vec![Span::styled(
        format!(
            " Services ({}) sorted by {} ",
            rows.len(),
            model.ui.services_sort.label()
        ),
        theme.title,
    )]);
    let block = pane_block(theme, true, title, selected, rows.len());
    let notes = notes(model, theme, now);
    let inner = block.inner(area);
    let note_height = (notes.len() as u16).min(inner.height / 2);
    let [notes_area, table_area] =
        Layout::vertical([Constraint::Length(note_height), Constraint::Fill(1)]).areas(inner);
    let page = usize::from(table_area.height.saturating_sub(1));
    if rows.is_empty() {
        let text = EmptyText {
            source: SourceKind::Metrics,
            waiting: "waiting for Prometheus…",
            empty: "no services with request metrics",
        };
        render_empty(frame, area, block, model, theme, &text);
        if note_height > 0 {
            let below = Rect {
                y: inner.y + 1,
                height: inner.height.saturating_sub(1),
                ..inner
            };
            frame.render_widget(Paragraph::new(notes), below);
        }
        return page;
    }
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(notes), notes_area);
    let offset = scroll_offset(selected, model.ui.services.offset, rows.len(), page);
    let visible = &rows[offset..rows.len().min(offset + page.max(1))];
    let cluster_names: Vec<&str> = visible
        .iter()
        .map(|(c, _)| model.clusters.get(*c).map_or("?", |c| c.name.as_str()))
        .collect();
    let widths = [
        Constraint::Length(column_width(
            "CLUSTER",
            cluster_names.iter().copied(),
            7,
            20,
        )),
        Constraint::Length(column_width(
            "SERVICE",
            visible.iter().map(|(_, s)| s.name.as_str()),
            7,
            32,
        )),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Fill(1),
    ];
    let spark_width = usize::from(table_area.width.saturating_sub(70)).clamp(8, 30);
    let table_rows = visible.iter().enumerate().map(|(i, (_, service))| {
        let cells = vec![
            Cell::from(cluster_names[i]),
            Cell::from(service.name.as_str()),
            Cell::from(rate(service.rate)),
            Cell::from(percent(service.error_ratio)).style(error_style(theme, service.error_ratio)),
            Cell::from(latency(service.p95)),
            Cell::from(latency(service.p99)),
            Cell::from(sparkline_scaled(
                &service.error_history,
                spark_width,
                ERROR_SCALE_FLOOR,
            ))
            .style(error_style(theme, service.error_ratio)),
        ];
        let row = Row::new(cells).style(theme.base);
        if offset + i == selected {
            row.style(theme.selected)
        } else {
            row
        }
    });
    let header = Row::new(
        [
            "CLUSTER",
            "SERVICE",
            "RATE",
            "ERR %",
            "P95",
            "P99",
            "ERRORS (15m)",
        ]
        .into_iter()
        .map(|h| Cell::from(h).style(theme.header)),
    );
    let table = Table::new(table_rows, widths)
        .header(header)
        .column_spacing(1);
    frame.render_widget(table, table_area);
    page
}
