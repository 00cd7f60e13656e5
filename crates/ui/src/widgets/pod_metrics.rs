//! The metrics panel: the selected pod's own `/metrics`, read through the API server's pod
//! proxy every few seconds while open, shown raw (name, labels, value); live numbers even
//! when Prometheus is down.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::age_text;
use crate::theme::Theme;
use watchdeck_core::model::pod_view::{METRICS_REFRESH_TICKS, MetricSample, PodMetrics};
use watchdeck_core::model::rows::PodEntry;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    entry: Option<PodEntry<'_>>,
    metrics: Option<&PodMetrics>,
    theme: &Theme,
    now: Timestamp,
) {
    let mut title = vec![Span::styled(" /metrics ", theme.title)];
    if let Some(e) = &entry {
        title.push(Span::styled(
            format!(
                "{}/{} ({}) ",
                e.pod.key.namespace, e.pod.key.name, e.cluster_name
            ),
            theme.title,
        ));
    }
    let last = metrics.and_then(|m| m.last.as_ref());
    if let Some(Ok(samples)) = last.map(|l| &l.samples) {
        title.push(Span::styled(
            format!("· {} samples ", samples.len()),
            theme.muted,
        ));
    }
    if let Some(at) = metrics.and_then(|m| m.at) {
        title.push(Span::styled(
            format!("· read {} ago ", age_text(Some(at), now)),
            theme.muted,
        ));
    }
    if metrics.is_some_and(|m| m.in_flight) {
        title.push(Span::styled("· reading… ", theme.muted));
    }
    let mut block = Block::bordered()
        .border_style(theme.border)
        .title(Line::from(title));
    if let Some(issues) = last.map(|l| l.issues.len()).filter(|n| *n > 0) {
        block = block.title_bottom(Line::styled(
            format!(" parser guard: {issues} line(s) repaired or rejected "),
            theme.warn,
        ));
    }
    let Some(last) = last else {
        let text = if entry.is_none() {
            "no pod selected"
        } else {
            "reading /metrics through the API server's pod proxy…"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.muted))
                .style(theme.base)
                .block(block),
            area,
        );
        return;
    };
    let samples = match &last.samples {
        Ok(samples) => samples,
        Err(reason) => {
            let lines = vec![
                Line::styled(format!("✗ {reason}"), theme.bad),
                Line::styled(
                    format!("retrying every {METRICS_REFRESH_TICKS} s while this panel is open"),
                    theme.muted,
                ),
            ];
            frame.render_widget(Paragraph::new(lines).style(theme.base).block(block), area);
            return;
        }
    };
    if samples.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("the pod exposes no samples", theme.muted))
                .style(theme.base)
                .block(block),
            area,
        );
        return;
    }
    let visible = usize::from(area.height.saturating_sub(2));
    let values: Vec<&str> = samples
        .iter()
        .take(visible)
        .map(|s| s.value.as_str())
        .collect();
    let value_width = values
        .iter()
        .map(|v| Span::raw(*v).width())
        .max()
        .unwrap_or(1);
    let rows = samples.iter().take(visible).map(|sample| {
        Row::new([
            Cell::from(series_line(sample, theme)),
            Cell::from(Line::raw(sample.value.as_str()).right_aligned()),
        ])
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(u16::try_from(value_width).unwrap_or(u16::MAX)),
    ];
    frame.render_widget(
        Table::new(rows, widths)
            .column_spacing(1)
            .style(theme.base)
            .block(block),
        area,
    );
}

/// `name{key="value",...}` with the name highlighted.
fn series_line<'a>(sample: &'a MetricSample, theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::styled(sample.name.as_str(), theme.header)];
    if !sample.labels.is_empty() {
        let labels: Vec<String> = sample
            .labels
            .iter()
            .map(|(k, v)| {
                let escaped = v.as_str().replace('\\', "\\\\").replace('"', "\\\"");
                format!("{k}=\"{escaped}\"")
            })
            .collect();
        spans.push(Span::styled(
            format!("{{{}}}", labels.join(",")),
            theme.muted,
        ));
    }
    Line::from(spans)
}
