//! The Alerts screen's list: group headers (alertname · severity, count), one row per alert
//! with age, cluster, key labels, summary and runbook link; silenced and inhibited alerts
//! apart at the end, dimmed, each with the reason it is muted.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{EmptyText, age_text, fit, pane_block, render_empty, severity_style};
use crate::theme::Theme;
use watchdeck_core::model::alert::Alert;
use watchdeck_core::model::alert_groups::{AlertLine, grouped_alerts, mute_reason};
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::model::rows::{AlertEntry, selected_alert};
use watchdeck_core::model::{Model, scroll_offset};

/// Labels shown in a row, in this order of preference, when the alert has them.
const KEY_LABELS: [&str; 8] = [
    "service",
    "namespace",
    "deployment",
    "pod",
    "job",
    "instance",
    "database",
    "node",
];
/// Labels never shown in a row (they have their own column or header).
const HIDDEN_LABELS: [&str; 4] = ["alertname", "severity", "cluster", "prometheus"];

/// `service=payment pod=api-1`: up to three telling labels of the alert.
pub fn key_labels(alert: &Alert) -> String {
    let mut picked: Vec<String> = KEY_LABELS
        .iter()
        .filter_map(|name| alert.label(name).map(|v| format!("{name}={v}")))
        .collect();
    if picked.len() < 3 {
        picked.extend(
            alert
                .labels
                .iter()
                .filter(|(k, _)| {
                    !HIDDEN_LABELS.contains(&k.as_str()) && !KEY_LABELS.contains(&k.as_str())
                })
                .map(|(k, v)| format!("{k}={v}")),
        );
    }
    picked.truncate(3);
    picked.join(" ")
}

/// Renders the list and returns how many lines fit (the page size for PgUp/PgDn).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    theme: &Theme,
    now: Timestamp,
) -> usize {
    let grouped = grouped_alerts(model);
    let page = usize::from(area.height.saturating_sub(2));
    let selected = selected_alert(model, &grouped.alerts);
    let firing = grouped
        .alerts
        .iter()
        .filter(|e| e.alert.is_active())
        .count();
    let muted = grouped.alerts.len() - firing;
    let title = Line::styled(
        format!(" Alerts: {firing} firing, {muted} silenced or inhibited "),
        theme.title,
    );
    let block = pane_block(theme, true, title, selected, grouped.alerts.len());
    if grouped.alerts.is_empty() {
        let text = EmptyText {
            source: SourceKind::Alerts,
            waiting: "waiting for Alertmanager…",
            empty: "no alerts",
        };
        render_empty(frame, area, block, model, theme, &text);
        return page;
    }
    let selected_line = grouped.line_of(selected);
    let offset = scroll_offset(
        selected_line,
        model.ui.alerts.offset,
        grouped.lines.len(),
        page,
    );
    let inner_width = usize::from(area.width.saturating_sub(2));
    let widths = Widths::new(inner_width, &grouped.alerts);
    let lines: Vec<Line> = grouped
        .lines
        .iter()
        .skip(offset)
        .take(page.max(1))
        .map(|line| match line {
            AlertLine::Muted { count } => {
                let text = format!("── Silenced and inhibited ({count}) ");
                let fill = inner_width.saturating_sub(text.chars().count());
                Line::styled(format!("{text}{}", "─".repeat(fill)), theme.muted)
            }
            AlertLine::Group {
                name,
                severity,
                count,
                muted,
            } => {
                let style = if *muted {
                    theme.muted
                } else {
                    severity_style(theme, severity)
                };
                Line::from(vec![
                    Span::styled(format!("{name}"), style.add_modifier(Modifier::BOLD)),
                    Span::styled(format!(" · {} ({count})", severity.label()), style),
                ])
            }
            AlertLine::Alert { entry, index } => {
                let row = alert_row(model, entry, &widths, now);
                let style = if *index == selected {
                    theme.selected
                } else if entry.alert.is_active() {
                    theme.base
                } else {
                    theme.muted
                };
                Line::styled(row, style)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block).style(theme.base), area);
    page
}

/// Column widths for the visible width.
struct Widths {
    age: usize,
    cluster: usize,
    labels: usize,
    text: usize,
    runbook: usize,
}

impl Widths {
    fn new(width: usize, alerts: &[AlertEntry<'_>]) -> Self {
        let cluster = alerts
            .iter()
            .map(|e| e.cluster_name.as_str().chars().count())
            .max()
            .unwrap_or(7)
            .clamp(7, 16);
        let age = 5;
        let longest_runbook = alerts
            .iter()
            .map(|e| e.alert.runbook.as_str().chars().count())
            .max()
            .unwrap_or(0);
        let runbook = if width >= 100 && longest_runbook > 0 {
            longest_runbook.clamp(10, 40)
        } else {
            0
        };
        let rest = width.saturating_sub(2 + age + 1 + cluster + 1 + runbook + 1);
        let labels = (rest * 2 / 5).clamp(0, 40);
        let text = rest.saturating_sub(labels + 1);
        Widths {
            age,
            cluster,
            labels,
            text,
            runbook,
        }
    }
}

fn alert_row(model: &Model, entry: &AlertEntry<'_>, widths: &Widths, now: Timestamp) -> String {
    let alert = entry.alert;
    let text = model
        .clusters
        .get(entry.cluster)
        .and_then(|cluster| mute_reason(cluster, entry, now))
        .unwrap_or_else(|| {
            watchdeck_core::model::rollout::summary_with_cause(
                model.clusters.get(entry.cluster),
                alert,
            )
        });
    // A muted row's reason may use the runbook column.
    let text_width = if alert.is_active() || widths.runbook == 0 {
        widths.text
    } else {
        widths.text + 1 + widths.runbook
    };
    let mut row = format!(
        "  {} {} {} {}",
        fit(&age_text(alert.starts_at, now), widths.age),
        fit(entry.cluster_name.as_str(), widths.cluster),
        fit(&key_labels(alert), widths.labels),
        fit(&text, text_width),
    );
    if alert.is_active() && widths.runbook > 0 && !alert.runbook.is_empty() {
        row.push(' ');
        row.push_str(&fit(alert.runbook.as_str(), widths.runbook));
    }
    row
}
