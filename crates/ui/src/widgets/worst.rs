//! The overview's worst services, fleet-wide: highest error ratio first, then slowest p99,
//! each with its cluster, numbers and error-ratio and latency sparklines.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};

use super::column_width;
use super::red::{
    ERROR_SCALE_FLOOR, LATENCY_SCALE_FLOOR, error_style, latency, percent, rate, sparkline_scaled,
};
use crate::theme::Theme;
use watchdeck_core::model::Model;
use watchdeck_core::model::services::worst_services;

/// Rows of services shown for a screen `height` rows tall.
pub fn limit(height: u16) -> usize {
    match height {
        36.. => 5,
        30..36 => 3,
        // 80x24: leave room for the firing alerts and the pods below.
        _ => 2,
    }
}

/// Lines the box needs (0 when no cluster has service metrics yet).
pub fn height(model: &Model, screen_height: u16) -> u16 {
    let rows = worst_services(model, limit(screen_height)).len();
    if rows == 0 {
        0
    } else {
        u16::try_from(rows + 3).unwrap_or(u16::MAX)
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let rows = worst_services(model, limit(frame.area().height));
    let names: Vec<&str> = rows
        .iter()
        .map(|(c, _)| model.clusters.get(*c).map_or("?", |c| c.name.as_str()))
        .collect();
    let spark = usize::from(area.width.saturating_sub(60) / 2).clamp(6, 30);
    let widths = [
        Constraint::Length(column_width("CLUSTER", names.iter().copied(), 7, 20)),
        Constraint::Length(column_width(
            "SERVICE",
            rows.iter().map(|(_, s)| s.name.as_str()),
            7,
            28,
        )),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Length(spark as u16),
        Constraint::Fill(1),
    ];
    let table_rows = rows.iter().enumerate().map(|(i, (_, s))| {
        let style = error_style(theme, s.error_ratio);
        Row::new(vec![
            Cell::from(names[i]),
            Cell::from(s.name.as_str()),
            Cell::from(percent(s.error_ratio)).style(style),
            Cell::from(latency(s.p99)),
            Cell::from(rate(s.rate)),
            Cell::from(sparkline_scaled(&s.error_history, spark, ERROR_SCALE_FLOOR)).style(style),
            Cell::from(sparkline_scaled(
                &s.latency_history,
                spark,
                LATENCY_SCALE_FLOOR,
            ))
            .style(theme.muted),
        ])
        .style(theme.base)
    });
    let header = Row::new(
        [
            "CLUSTER",
            "SERVICE",
            "ERR %",
            "P99",
            "RATE",
            "ERRORS",
            "P95 LATENCY",
        ]
        .into_iter()
        .map(|h| Cell::from(h).style(theme.header)),
    );
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::from(Span::styled(" Worst services ", theme.title)));
    let table = Table::new(table_rows, widths)
        .header(header)
        .column_spacing(1)
        .block(block);
    frame.render_widget(table, area);
}
