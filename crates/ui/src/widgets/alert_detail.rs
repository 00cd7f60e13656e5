//! Around the Alerts screen's list: one line with each cluster's Alertmanager replicas (a
//! replica down is a warning while the others still answer) and a panel describing the
//! selected alert (its service's latest rollout and whether the alert began right after it,
//! summary, description, why it is muted, runbook, rule link, receivers).

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{health_mark, health_span};
use crate::theme::Theme;
use watchdeck_core::model::alert_groups::{mute_reason, selected_alert_entry};
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::model::rollout::{alert_deployment, latest_rollout, rollout_cause};
use watchdeck_core::model::{ClusterState, Model};
use watchdeck_core::text::Text;

/// `Alertmanager  us-east-1 ✓ 2/2  eu-west-1 ⚠ 1/2: http://…:9094 connection refused`.
pub fn render_replicas(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    theme: &Theme,
    now: Timestamp,
) {
    let mut spans = vec![Span::styled(" Alertmanager", theme.header)];
    for cluster in &model.clusters {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(cluster.name.to_string(), theme.base));
        spans.push(Span::raw(" "));
        spans.extend(replica_spans(cluster, theme, now));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), area);
}

fn replica_spans(cluster: &ClusterState, theme: &Theme, now: Timestamp) -> Vec<Span<'static>> {
    let health = cluster.health(SourceKind::Alerts);
    if cluster.replicas.is_empty() || !health.is_ok() {
        return vec![health_span(theme, SourceKind::Alerts, health, now)];
    }
    let up = cluster.replicas.iter().filter(|r| r.health.is_ok()).count();
    let total = cluster.replicas.len();
    if up == total {
        let (mark, style) = health_mark(theme, health);
        return vec![Span::styled(format!("{mark} {up}/{total}"), style)];
    }
    let (mark, style) = health_mark(
        theme,
        &Health::Stale {
            since: now,
            reason: Default::default(),
        },
    );
    let down: Vec<String> = cluster
        .replicas
        .iter()
        .filter(|r| !r.health.is_ok())
        .map(|r| match r.health.reason() {
            Some(reason) => format!("{} {reason}", r.url),
            None => r.url.to_string(),
        })
        .collect();
    vec![Span::styled(
        format!("{mark} {up}/{total} replicas, down: {}", down.join(", ")),
        style,
    )]
}

/// Lines the detail panel wants, borders included.
pub const DETAIL_HEIGHT: u16 = 7;

/// The selected alert in full.
pub fn render_detail(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme, now: Timestamp) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(" Selected alert ", theme.title));
    let Some(entry) = selected_alert_entry(model) else {
        frame.render_widget(Paragraph::new("").block(block), area);
        return;
    };
    let alert = entry.alert;
    let field = |name: &'static str, value: String| {
        Line::from(vec![
            Span::styled(format!("{name:<12}"), theme.header),
            Span::styled(value, theme.base),
        ])
    };
    let mut lines = vec![field(
        "alert",
        format!(
            "{} · {} · {}",
            alert.name,
            alert.severity.label(),
            entry.cluster_name
        ),
    )];
    let cluster = model.clusters.get(entry.cluster);
    // The cause next to the symptom: the service's latest rollout, and whether the alert
    // began within 15 minutes after it.
    if let Some(cluster) = cluster
        && let Some(deployment) = alert_deployment(cluster, alert)
        && let Some(rollout) = latest_rollout(&cluster.kube, deployment)
    {
        let mut spans = vec![
            Span::styled(format!("{:<12}", "rollout"), theme.header),
            Span::styled(
                format!("{} {}", rollout.deployment, rollout.text(now)),
                theme.base,
            ),
        ];
        if let Some(cause) = rollout_cause(cluster, alert) {
            spans.push(Span::styled(
                format!(" · {}", cause.short_text()),
                theme.warn,
            ));
        }
        lines.push(Line::from(spans));
    }
    if let Some(reason) = cluster.and_then(|c| mute_reason(c, &entry, now)) {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<12}", "muted"), theme.header),
            Span::styled(reason, theme.warn),
        ]));
    }
    if !alert.summary.is_empty() {
        lines.push(field("summary", alert.summary.to_string()));
    }
    if !alert.description.is_empty() && alert.description != alert.summary {
        lines.push(field("description", alert.description.to_string()));
    }
    if !alert.runbook.is_empty() {
        lines.push(field("runbook", alert.runbook.to_string()));
    }
    let suggested = watchdeck_core::model::suggest::suggested(model, alert);
    if let Some((first, rest)) = suggested.split_first() {
        let key = model
            .keymap
            .first_key(watchdeck_core::action::Action::RunSuggested)
            .map_or_else(|| "-".to_string(), |k| k.label());
        let others: Vec<&str> = rest.iter().map(|r| r.id.as_str()).collect();
        let mut spans = vec![
            Span::styled(format!("{:<12}", "suggested"), theme.header),
            Span::styled(key, theme.selected),
            Span::styled(" run ", theme.muted),
            Span::styled(
                format!("{} · {}", first.id, Text::new(&first.title)),
                theme.base,
            ),
        ];
        if !others.is_empty() {
            spans.push(Span::styled(
                format!("  (also :run {})", others.join(", ")),
                theme.muted,
            ));
        }
        lines.push(Line::from(spans));
    }
    if !alert.generator_url.is_empty() {
        lines.push(field("source", alert.generator_url.to_string()));
    }
    if !alert.receivers.is_empty() {
        let names: Vec<&str> = alert.receivers.iter().map(|r| r.as_str()).collect();
        lines.push(field("receivers", names.join(", ")));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.base)
            .wrap(Wrap { trim: false }),
        area,
    );
}
