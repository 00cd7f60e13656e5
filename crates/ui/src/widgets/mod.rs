//! The dashboard's building blocks and the style and text helpers they share.

pub mod alert_detail;
pub mod alert_groups;
pub mod alerts;
pub mod bands;
pub mod caption;
pub mod chart;
pub mod columns;
pub mod images;
pub mod input;
pub mod pod_describe;
pub mod pod_metrics;
pub mod pods;
pub mod red;
pub mod run_prompt;
pub mod run_steps;
pub mod run_text;
pub mod services;
pub mod slo_charts;
pub mod slo_detail;
pub mod slo_format;
pub mod slo_gauges;
pub mod slo_list;
pub mod status;
pub mod workloads_table;
pub mod worst;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::theme::Theme;
use watchdeck_core::model::Model;
use watchdeck_core::model::alert::Severity;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::model::pod::PodHealth;
use watchdeck_core::model::time::{age, human_duration, seconds_between};

/// The frame of a scrollable pane: focus-coloured border, a title, and the selected
/// row's position ("3/81") on the right.
pub fn pane_block<'a>(
    theme: &Theme,
    focused: bool,
    title: Line<'a>,
    selected: usize,
    rows: usize,
) -> Block<'a> {
    let position = if rows == 0 {
        String::new()
    } else {
        format!(" {}/{rows} ", selected + 1)
    };
    Block::bordered()
        .border_style(if focused {
            theme.border_focus
        } else {
            theme.border
        })
        .title(title)
        .title(Line::styled(position, theme.muted).right_aligned())
}

/// A list pane's title: ` Pods (12) `, or with a filter ` Pods (3 match /shop) `.
pub fn list_title(name: &str, rows: usize, filter: &str) -> String {
    if filter.is_empty() {
        format!(" {name} ({rows}) ")
    } else {
        format!(" {name} ({rows} match /{filter}) ")
    }
}

/// What an empty pane says: still waiting for a source of this kind in some cluster, or
/// that there is nothing to show.
pub struct EmptyText {
    pub source: SourceKind,
    pub waiting: &'static str,
    pub empty: &'static str,
}

/// Draws an empty pane inside `block` with the text `empty` calls for.
pub fn render_empty(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    model: &Model,
    theme: &Theme,
    empty: &EmptyText,
) {
    let waiting = model
        .clusters
        .iter()
        .any(|c| matches!(c.health(empty.source), Health::Connecting));
    let text = if waiting { empty.waiting } else { empty.empty };
    frame.render_widget(
        Paragraph::new(Line::styled(text, theme.muted)).block(block),
        area,
    );
}

pub fn pod_style(theme: &Theme, health: PodHealth) -> Style {
    match health {
        PodHealth::Failing => theme.bad,
        PodHealth::Progressing => theme.warn,
        PodHealth::Healthy => theme.ok,
        PodHealth::Done => theme.done,
    }
}

pub fn severity_style(theme: &Theme, severity: &Severity) -> Style {
    match severity {
        Severity::Critical => theme.critical,
        Severity::Warning => theme.warning,
        Severity::Info | Severity::Other(_) => theme.info,
    }
}

/// Glyph and style for a source's health: ✓ ok, ⚠ stale, ✗ failed, … connecting, – off.
pub fn health_mark(theme: &Theme, health: &Health) -> (&'static str, Style) {
    match health {
        Health::Ok { .. } => ("✓", theme.ok),
        Health::Stale { .. } => ("⚠", theme.warn),
        Health::Failed { .. } => ("✗", theme.bad),
        Health::Connecting => ("…", theme.muted),
        Health::Disabled => ("–", theme.muted),
    }
}

/// `k8s ✓ 2s`: the source, its mark, and the age of its data (or of its failure).
pub fn health_span(
    theme: &Theme,
    source: SourceKind,
    health: &Health,
    now: Timestamp,
) -> Span<'static> {
    let (mark, style) = health_mark(theme, health);
    let when = match health {
        Health::Ok { at } => format!(" {}", age(*at, now)),
        Health::Stale { since, .. } | Health::Failed { since, .. } => {
            format!(" {}", age(*since, now))
        }
        Health::Connecting | Health::Disabled => String::new(),
    };
    Span::styled(format!("{} {mark}{when}", source.label()), style)
}

/// Age text for an optional timestamp (`?` when unknown).
pub fn age_text(then: Option<Timestamp>, now: Timestamp) -> String {
    then.map_or_else(
        || "?".to_string(),
        |t| human_duration(seconds_between(t, now)),
    )
}

/// Column width from the widest cell, at least the header's and within `min..=max`.
pub fn column_width<'a>(
    header: &str,
    cells: impl Iterator<Item = &'a str>,
    min: u16,
    max: u16,
) -> u16 {
    let widest = cells.map(|cell| Span::raw(cell).width()).max().unwrap_or(0);
    let widest = u16::try_from(widest).unwrap_or(u16::MAX);
    widest.max(Span::raw(header).width() as u16).clamp(min, max)
}

/// `text` cut (with `…`) or padded to `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        format!("{text}{}", " ".repeat(width - count))
    } else if width == 0 {
        String::new()
    } else {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}
