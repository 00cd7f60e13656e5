//! The describe panel: the selected pod's status line, owner workload, conditions,
//! containers (state, reason, restarts, last termination) and its recent events.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{age_text, pod_style};
use crate::theme::Theme;
use watchdeck_core::model::event::ObjectRef;
use watchdeck_core::model::health::Health;
use watchdeck_core::model::kube::{KubeResource, KubeState};
use watchdeck_core::model::pod::PodHealth;
use watchdeck_core::model::rows::PodEntry;

/// Most events listed.
pub const MAX_EVENTS: usize = 8;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    entry: Option<PodEntry<'_>>,
    kube: Option<&KubeState>,
    theme: &Theme,
    now: Timestamp,
) {
    let title = match &entry {
        Some(e) => format!(
            " Describe {}/{} ({}) ",
            e.pod.key.namespace, e.pod.key.name, e.cluster_name
        ),
        None => " Describe ".to_string(),
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(title, theme.title));
    let lines = match (entry, kube) {
        (Some(entry), Some(kube)) => describe_lines(entry, kube, theme, now),
        _ => vec![Line::styled("no pod selected", theme.muted)],
    };
    frame.render_widget(Paragraph::new(lines).style(theme.base).block(block), area);
}

fn heading(text: &'static str, theme: &Theme) -> Line<'static> {
    Line::styled(text, theme.header)
}

fn describe_lines<'a>(
    entry: PodEntry<'a>,
    kube: &'a KubeState,
    theme: &Theme,
    now: Timestamp,
) -> Vec<Line<'a>> {
    let pod = entry.pod;
    let detail = &pod.detail;
    let mut lines = vec![Line::from(vec![
        Span::styled(pod.status.as_str(), pod_style(theme, entry.health)),
        Span::styled(
            format!(
                "  ready {}  restarts {}  age {}  node {}  ip {}",
                pod.ready_text(),
                pod.restarts,
                age_text(pod.created, now),
                pod.node,
                if detail.ip.is_empty() {
                    "-"
                } else {
                    detail.ip.as_str()
                },
            ),
            theme.base,
        ),
    ])];
    if let Some(owner) = &detail.owner {
        let mut spans = vec![
            Span::styled("owner ", theme.muted),
            Span::raw(format!("{} {}", owner.kind, owner.name)),
        ];
        if let Some(workload) =
            kube.owner_workload(&pod.key.namespace, owner.kind.as_str(), &owner.name)
        {
            let mut text = format!(
                " → {} {}: {}/{} ready, {} updated",
                workload.key.kind.label(),
                workload.key.name,
                workload.ready,
                workload.desired,
                workload.updated
            );
            if !workload.revision.is_empty() {
                text.push_str(&format!(", revision {}", workload.revision));
            }
            if workload.paused {
                text.push_str(", paused");
            }
            let style = if workload.ready < workload.desired {
                theme.warn
            } else {
                theme.base
            };
            spans.push(Span::styled(text, style));
        }
        lines.push(Line::from(spans));
    }

    lines.push(heading("Conditions", theme));
    if detail.conditions.is_empty() {
        lines.push(Line::styled("  none reported", theme.muted));
    }
    for condition in &detail.conditions {
        let (mark, style) = if condition.is_true() {
            ("✓", theme.ok)
        } else {
            ("✗", theme.bad)
        };
        let mut spans = vec![
            Span::styled(format!("  {mark} "), style),
            Span::raw(condition.kind.as_str()),
        ];
        if !condition.reason.is_empty() {
            spans.push(Span::styled(format!("  {}", condition.reason), style));
        }
        if !condition.message.is_empty() {
            spans.push(Span::styled(
                format!(": {}", condition.message),
                theme.muted,
            ));
        }
        if let Some(since) = condition.since {
            spans.push(Span::styled(
                format!("  {} ago", age_text(Some(since), now)),
                theme.muted,
            ));
        }
        lines.push(Line::from(spans));
    }

    lines.push(heading("Containers", theme));
    if detail.containers.is_empty() {
        lines.push(Line::styled("  no container status yet", theme.muted));
    }
    for container in &detail.containers {
        let health = if container.ready {
            PodHealth::Healthy
        } else if container.reason.is_empty() || container.state.as_str() == "running" {
            PodHealth::Progressing
        } else if container.reason.as_str() == "Completed" {
            PodHealth::Done
        } else {
            PodHealth::Failing
        };
        let mut state = container.state.to_string();
        if !container.reason.is_empty() {
            state.push(' ');
            state.push_str(container.reason.as_str());
        }
        let mut spans = vec![
            Span::raw(format!(
                "  {}{} ",
                container.name,
                if container.init { " (init)" } else { "" }
            )),
            Span::styled(state, pod_style(theme, health)),
            Span::styled(
                format!(
                    "  ready {}  restarts {}",
                    if container.ready { "yes" } else { "no" },
                    container.restarts
                ),
                theme.base,
            ),
        ];
        if let Some(last) = &container.last {
            let reason = if last.reason.is_empty() {
                "terminated"
            } else {
                last.reason.as_str()
            };
            spans.push(Span::styled(
                format!(
                    "  last: {reason} (exit {}) {} ago",
                    last.exit_code,
                    age_text(last.finished, now)
                ),
                theme.warn,
            ));
        }
        lines.push(Line::from(spans));
    }

    lines.push(heading("Events", theme));
    match kube.health(KubeResource::Events) {
        Health::Failed { reason, .. } | Health::Stale { reason, .. } => {
            lines.push(Line::styled(format!("  events: {reason}"), theme.bad));
        }
        _ => {}
    }
    let object = ObjectRef {
        kind: watchdeck_core::text::Text::new("Pod"),
        namespace: pod.key.namespace.clone(),
        name: pod.key.name.clone(),
    };
    let events = kube.events_for(&object, MAX_EVENTS);
    if events.is_empty() {
        lines.push(Line::styled("  no recent events", theme.muted));
    }
    for event in events {
        let style = if event.is_warning() {
            theme.warn
        } else {
            theme.muted
        };
        let count = if event.count > 1 {
            format!(" x{}", event.count)
        } else {
            String::new()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<7} {}{count}", event.kind, event.reason),
                style,
            ),
            Span::styled(
                format!("  {} ago  ", age_text(event.last_seen, now)),
                theme.muted,
            ),
            Span::raw(event.message.as_str()),
        ]));
    }
    lines
}
