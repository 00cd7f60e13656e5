//! Firing alerts of every cluster: severity, alert name, cluster, summary and age.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table};

use super::{EmptyText, age_text, column_width, pane_block, render_empty, severity_style};
use crate::theme::Theme;
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::model::rows::{merged_alerts, selected_alert};
use watchdeck_core::model::{Model, scroll_offset};

/// Lines the alerts block wants: borders, header and every alert, capped by the caller.
pub fn wanted_height(model: &Model) -> u16 {
    let alerts = model.alert_count();
    if alerts == 0 {
        3
    } else {
        u16::try_from(alerts + 3).unwrap_or(u16::MAX)
    }
}

/// Renders the list and returns how many rows fit (the page size for PgUp/PgDn).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    theme: &Theme,
    now: Timestamp,
    focused: bool,
) -> usize {
    let rows = merged_alerts(model);
    let page = usize::from(area.height.saturating_sub(3));
    let selected = selected_alert(model, &rows);
    let offset = scroll_offset(selected, model.ui.alerts.offset, rows.len(), page);
    let title = Line::styled(
        super::list_title("Firing alerts", rows.len(), &model.ui.filter.alerts),
        theme.title,
    );
    let block = pane_block(theme, focused, title, selected, rows.len());

    if rows.is_empty() {
        let text = EmptyText {
            source: SourceKind::Alerts,
            waiting: "waiting for Alertmanager…",
            empty: "no firing alerts",
        };
        render_empty(frame, area, block, model, theme, &text);
        return page;
    }

    let visible = &rows[offset..rows.len().min(offset + page.max(1))];
    let ages: Vec<String> = visible
        .iter()
        .map(|r| age_text(r.alert.starts_at, now))
        .collect();
    let widths = [
        Constraint::Length(column_width(
            "SEVERITY",
            visible.iter().map(|r| r.alert.severity.label()),
            8,
            10,
        )),
        Constraint::Length(column_width(
            "ALERTNAME",
            visible.iter().map(|r| r.alert.name.as_str()),
            9,
            28,
        )),
        Constraint::Length(column_width(
            "CLUSTER",
            visible.iter().map(|r| r.cluster_name.as_str()),
            7,
            20,
        )),
        Constraint::Fill(1),
        Constraint::Length(column_width("AGE", ages.iter().map(String::as_str), 3, 8)),
    ];
    let table_rows = visible
        .iter()
        .zip(&ages)
        .enumerate()
        .map(|(i, (row, age))| {
            let alert = row.alert;
            let table_row = Row::new([
                Cell::from(alert.severity.label()).style(severity_style(theme, &alert.severity)),
                Cell::from(alert.name.as_str()).style(theme.base),
                Cell::from(row.cluster_name.as_str()).style(theme.base),
                Cell::from(watchdeck_core::model::rollout::summary_with_cause(
                    model.clusters.get(row.cluster),
                    alert,
                ))
                .style(theme.base),
                Cell::from(age.clone()).style(theme.base),
            ]);
            if focused && offset + i == selected {
                table_row.style(theme.selected)
            } else {
                table_row
            }
        });
    let header = Row::new(
        ["SEVERITY", "ALERTNAME", "CLUSTER", "SUMMARY", "AGE"]
            .into_iter()
            .map(|h| Cell::from(h).style(theme.header)),
    );
    let table = Table::new(table_rows, widths)
        .header(header)
        .column_spacing(1)
        .block(block);
    frame.render_widget(table, area);
    page
}
