//! One band per cluster: name and labels, source health with data age, pods ready/total,
//! crash-looping pods and firing alerts by severity, plus a line of reasons when a source is
//! stale or failed.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{column_width, health_mark, health_span};
use crate::theme::Theme;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::model::kube::KubeScope;
use watchdeck_core::model::time::age;
use watchdeck_core::model::{ClusterState, ClusterSummary, Model};

/// Lines the bands block needs: borders, header, one line per cluster, one more for each
/// cluster with a degraded source.
pub fn height(model: &Model) -> u16 {
    let lines: usize = model
        .clusters
        .iter()
        .enumerate()
        .filter(|(id, _)| model.ui.shows_cluster(*id))
        .map(|(_, c)| 1 + usize::from(has_reasons(c)))
        .sum();
    u16::try_from(lines + 3).unwrap_or(u16::MAX)
}

fn has_reasons(cluster: &ClusterState) -> bool {
    cluster.health.values().any(|h| h.reason().is_some())
        || cluster.kube.scope != KubeScope::Cluster
}

/// The worst health among a cluster's sources decides its glyph.
fn cluster_mark(theme: &Theme, cluster: &ClusterState) -> (&'static str, Style) {
    let rank = |h: &Health| match h {
        Health::Failed { .. } => 0,
        Health::Stale { .. } => 1,
        Health::Connecting => 2,
        Health::Ok { .. } | Health::Disabled => 3,
    };
    let worst = cluster.health.values().min_by_key(|h| rank(h));
    match worst {
        Some(h @ (Health::Failed { .. } | Health::Stale { .. } | Health::Connecting)) => {
            health_mark(theme, h)
        }
        _ => ("●", theme.ok),
    }
}

struct Columns {
    widths: Vec<Constraint>,
    env: bool,
    region: bool,
    /// Sources in the compact form (narrow terminals).
    compact: bool,
}

fn columns(model: &Model, width: u16) -> Columns {
    let names = model.clusters.iter().map(|c| c.name.as_str());
    let name = column_width("CLUSTER", names, 8, 24) + 2;
    let env = width >= 90;
    let region = width >= 100;
    let mut widths = vec![Constraint::Length(name)];
    if env {
        let values = model
            .clusters
            .iter()
            .filter_map(|c| c.label("env"))
            .map(|t| t.as_str());
        widths.push(Constraint::Length(column_width("ENV", values, 3, 12)));
    }
    if region {
        let values = model
            .clusters
            .iter()
            .filter_map(|c| c.label("region"))
            .map(|t| t.as_str());
        widths.push(Constraint::Length(column_width("REGION", values, 6, 16)));
    }
    // Wide screens show all three sources (k8s, alerts, prom) with their ages; narrow ones
    // a compact form that still shows each source's mark.
    let sources = if width >= 110 { 36 } else { 24 };
    widths.extend([
        Constraint::Length(sources),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Fill(1),
    ]);
    Columns {
        widths,
        env,
        region,
        compact: width < 110,
    }
}

/// `k8s ✓ am ⚠ 50s prom ✗ 2m`: the narrow form of [`health_span`], with the age only when a
/// source is not fine, so all three sources fit at 80 columns.
fn compact_health_span(
    theme: &Theme,
    source: SourceKind,
    health: &Health,
    now: Timestamp,
) -> Span<'static> {
    let (mark, style) = health_mark(theme, health);
    let label = match source {
        SourceKind::Alerts => "am",
        other => other.label(),
    };
    let when = match health {
        Health::Stale { since, .. } | Health::Failed { since, .. } => {
            format!(" {}", age(*since, now))
        }
        _ => String::new(),
    };
    Span::styled(format!("{label} {mark}{when}"), style)
}

fn firing_line(theme: &Theme, cluster: &ClusterState) -> Line<'static> {
    let counts = cluster.summary().alerts;
    if counts.total() == 0 {
        return Line::styled("none", theme.muted);
    }
    let parts = [
        (counts.critical, "crit", theme.critical),
        (counts.warning, "warn", theme.warning),
        (counts.info, "info", theme.info),
        (counts.other, "other", theme.info),
    ];
    let mut spans = Vec::new();
    for (count, label, style) in parts.into_iter().filter(|(count, _, _)| *count > 0) {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme.muted));
        }
        spans.push(Span::styled(format!("{count} {label}"), style));
    }
    Line::from(spans)
}

fn band_cells(
    theme: &Theme,
    cluster: &ClusterState,
    cols: &Columns,
    now: Timestamp,
) -> Vec<Line<'static>> {
    let (mark, mark_style) = cluster_mark(theme, cluster);
    let summary = cluster.summary();
    let label = |key: &str| {
        Line::styled(
            cluster.label(key).map_or("-", |t| t.as_str()).to_string(),
            theme.label,
        )
    };
    let mut cells = vec![Line::from(vec![
        Span::styled(format!("{mark} "), mark_style),
        Span::styled(cluster.name.to_string(), theme.title),
    ])];
    if cols.env {
        cells.push(label("env"));
    }
    if cols.region {
        cells.push(label("region"));
    }
    let mut sources = Vec::new();
    for kind in SourceKind::ALL {
        if !sources.is_empty() {
            sources.push(Span::raw(if cols.compact { " " } else { "  " }));
        }
        let health = cluster.health(kind);
        sources.push(if cols.compact {
            compact_health_span(theme, kind, health, now)
        } else {
            health_span(theme, kind, health, now)
        });
    }
    cells.push(Line::from(sources));
    if let Some(mark) = unknown(cluster.health(SourceKind::Pods), cluster.pods.is_empty()) {
        cells.push(Line::styled(mark, theme.muted));
        cells.push(Line::styled(mark, theme.muted));
    } else {
        pods_cells(theme, &summary, &mut cells);
    }
    match unknown(
        cluster.health(SourceKind::Alerts),
        cluster.alerts.is_empty(),
    ) {
        Some(mark) => cells.push(Line::styled(mark, theme.muted)),
        None => cells.push(firing_line(theme, cluster)),
    }
    cells
}

/// What to show instead of counts when a source has no data to count: `–` when it is not
/// configured, `…` while connecting, `?` when it failed before sending anything.
fn unknown(health: &Health, empty: bool) -> Option<&'static str> {
    match health {
        Health::Disabled => Some("–"),
        Health::Connecting if empty => Some("…"),
        Health::Failed { .. } if empty => Some("?"),
        _ => None,
    }
}

fn pods_cells(theme: &Theme, summary: &ClusterSummary, cells: &mut Vec<Line<'static>>) {
    let ready_style = if summary.pods_ready < summary.pods_total {
        theme.warn
    } else {
        theme.base
    };
    cells.push(Line::styled(
        format!("{}/{}", summary.pods_ready, summary.pods_total),
        ready_style,
    ));
    let crash_style = if summary.crash_looping > 0 {
        theme.bad
    } else {
        theme.muted
    };
    cells.push(Line::styled(summary.crash_looping.to_string(), crash_style));
}

fn reasons_line(theme: &Theme, cluster: &ClusterState, now: Timestamp) -> Line<'static> {
    let mut spans = vec![Span::raw("  ↳ ")];
    for kind in SourceKind::ALL {
        let health = cluster.health(kind);
        let text = match health {
            Health::Stale { since, reason } => {
                format!("{} stale {}: {reason}", kind.label(), age(*since, now))
            }
            Health::Failed { since, reason } => {
                format!("{} failed {}: {reason}", kind.label(), age(*since, now))
            }
            _ => continue,
        };
        if spans.len() > 1 {
            spans.push(Span::styled(" · ", theme.muted));
        }
        let (mark, style) = health_mark(theme, health);
        spans.push(Span::styled(format!("{mark} {text}"), style));
    }
    if cluster.kube.scope != KubeScope::Cluster {
        if spans.len() > 1 {
            spans.push(Span::styled(" · ", theme.muted));
        }
        spans.push(Span::styled(
            format!("k8s: {}", cluster.kube.scope.describe()),
            theme.warn,
        ));
    }
    Line::from(spans)
}

fn render_cells(frame: &mut Frame, area: Rect, widths: &[Constraint], cells: Vec<Line<'static>>) {
    let rects = Layout::horizontal(widths.iter().copied())
        .spacing(1)
        .split(area);
    for (rect, cell) in rects.iter().zip(cells) {
        frame.render_widget(Paragraph::new(cell), *rect);
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme, now: Timestamp) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(
            format!(" Clusters ({}) ", model.clusters.len()),
            theme.title,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = columns(model, inner.width);
    let mut header = vec![Line::styled("  CLUSTER", theme.header)];
    if cols.env {
        header.push(Line::styled("ENV", theme.header));
    }
    if cols.region {
        header.push(Line::styled("REGION", theme.header));
    }
    for title in ["SOURCES", "READY", "CRASH", "FIRING"] {
        header.push(Line::styled(title, theme.header));
    }
    let mut y = inner.y;
    let bottom = inner.y.saturating_add(inner.height);
    let line_at = |y: &mut u16| -> Option<Rect> {
        (*y < bottom).then(|| {
            let rect = Rect {
                x: inner.x,
                y: *y,
                width: inner.width,
                height: 1,
            };
            *y += 1;
            rect
        })
    };
    if let Some(rect) = line_at(&mut y) {
        render_cells(frame, rect, &cols.widths, header);
    }
    let shown = model
        .clusters
        .iter()
        .enumerate()
        .filter(|(id, _)| model.ui.shows_cluster(*id));
    for (_, cluster) in shown {
        let Some(rect) = line_at(&mut y) else { break };
        render_cells(
            frame,
            rect,
            &cols.widths,
            band_cells(theme, cluster, &cols, now),
        );
        if has_reasons(cluster) {
            let Some(rect) = line_at(&mut y) else { break };
            frame.render_widget(Paragraph::new(reasons_line(theme, cluster, now)), rect);
        }
    }
}
