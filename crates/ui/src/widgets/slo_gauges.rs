//! The overview's SLO band: per cluster and fleet-wide, the lowest error budget left as a
//! gauge with its SLO, and the burn tiers that fire (`PAGE payment-errors 80x`). On short
//! terminals it folds into one line naming the lowest budget and the hot tiers with clusters.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::slo_format::{budget_span, burn_text, fit};
use crate::theme::Theme;
use watchdeck_core::model::Model;
use watchdeck_core::model::slo_view::{scope_name, shows_fleet};
use watchdeck_core::slo::{Severity, SloEntry, SloId, SloScope};

/// Screens shorter than this get the one-line band.
pub const FULL_HEIGHT: u16 = 30;

/// The scopes with at least one SLO: the fleet (if any SLO aggregates) then shown clusters.
fn scopes(model: &Model) -> Vec<SloScope> {
    let mut out = Vec::new();
    if (0..model.slos.specs.len()).any(|slo| shows_fleet(model, slo)) {
        out.push(SloScope::Fleet);
    }
    out.extend(
        (0..model.clusters.len())
            .filter(|id| model.ui.shows_cluster(*id))
            .filter(|id| {
                (0..model.slos.specs.len())
                    .any(|slo| model.slos.entry(slo, SloScope::Cluster(*id)).is_some())
            })
            .map(SloScope::Cluster),
    );
    out
}

/// Lines the band needs: 0 without SLOs, 1 on short screens, else one per scope and borders.
pub fn height(model: &Model, screen_height: u16) -> u16 {
    let scopes = scopes(model).len();
    if model.slos.specs.is_empty() || scopes == 0 {
        0
    } else if screen_height < FULL_HEIGHT {
        1
    } else {
        u16::try_from(scopes + 2).unwrap_or(u16::MAX)
    }
}

fn entries(model: &Model, scope: SloScope) -> Vec<(SloId, &SloEntry)> {
    (0..model.slos.specs.len())
        .filter(|slo| scope != SloScope::Fleet || shows_fleet(model, *slo))
        .filter_map(|slo| Some((slo, model.slos.entry(slo, scope)?)))
        .collect()
}

/// The entry with the lowest known budget left.
fn lowest<'a>(entries: &[(SloId, &'a SloEntry)]) -> Option<(SloId, &'a SloEntry, f64)> {
    entries
        .iter()
        .filter_map(|(slo, e)| {
            let left = e.evaluation.budget_remaining?.0;
            left.is_finite().then_some((*slo, *e, left))
        })
        .min_by(|a, b| a.2.total_cmp(&b.2))
}

/// Firing tiers: (severity, SLO, burn of the firing tier's long window), pages first.
fn hot(entries: &[(SloId, &SloEntry)]) -> Vec<(Severity, SloId, f64)> {
    let mut out: Vec<(Severity, SloId, f64)> = entries
        .iter()
        .filter_map(|(slo, e)| {
            let tier = e.evaluation.tiers.iter().find(|t| t.state.is_firing())?;
            Some((
                tier.tier.severity,
                *slo,
                tier.long_burn.map_or(0.0, |b| b.0),
            ))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)));
    out
}

fn hot_spans(
    model: &Model,
    theme: &Theme,
    items: &[(Severity, SloId, f64)],
    cluster: Option<&str>,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (severity, slo, burn) in items {
        let name = model.slos.specs.get(*slo).map_or("?", |s| s.name.as_str());
        let (word, style) = match severity {
            Severity::Page => ("PAGE", theme.critical),
            Severity::Ticket => ("ticket", theme.warning),
        };
        let place = cluster.map_or(String::new(), |c| format!(" ({c})"));
        spans.push(Span::styled(
            format!("  {word} {name}{place} {}", burn_text(*burn)),
            style,
        ));
    }
    spans
}

fn scope_line(model: &Model, theme: &Theme, scope: SloScope, name_width: usize) -> Line<'static> {
    let entries = entries(model, scope);
    let mut spans = vec![Span::styled(
        fit(scope_name(model, scope), name_width),
        theme.label,
    )];
    match lowest(&entries) {
        Some((slo, entry, _)) => {
            let budget = budget_span(theme, entry.evaluation.budget_remaining, 5);
            spans.push(Span::styled(fit(&budget.content, 22), budget.style));
            spans.push(Span::raw(" "));
            let name = model.slos.specs.get(slo).map_or("?", |s| s.name.as_str());
            spans.push(Span::styled(fit(name, 18), theme.base));
        }
        None => spans.push(Span::styled(fit("unknown", 41), theme.muted)),
    }
    let unknown = entries
        .iter()
        .filter(|(_, e)| e.evaluation.unknown.is_some())
        .count();
    let hot = hot(&entries);
    if hot.is_empty() {
        spans.push(Span::styled("  no tier firing", theme.ok));
    }
    spans.extend(hot_spans(model, theme, &hot, None));
    if unknown > 0 {
        spans.push(Span::styled(format!("  {unknown} unknown"), theme.muted));
    }
    Line::from(spans)
}

/// One line for short screens: the lowest budget anywhere and every firing tier.
fn compact_line(model: &Model, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled("SLOs ", theme.title)];
    let mut all = Vec::new();
    let mut hot_all = Vec::new();
    for scope in scopes(model) {
        let entries = entries(model, scope);
        if let Some((slo, entry, left)) = lowest(&entries) {
            all.push((scope, slo, entry, left));
        }
        for item in hot(&entries) {
            hot_all.push((scope, item));
        }
    }
    hot_all.sort_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.2.total_cmp(&a.1.2)));
    for (scope, item) in &hot_all {
        let place = scope_name(model, *scope).to_string();
        spans.extend(hot_spans(model, theme, &[*item], Some(&place)));
    }
    if let Some((scope, slo, entry, _)) = all.into_iter().min_by(|a, b| a.3.total_cmp(&b.3)) {
        let name = model.slos.specs.get(slo).map_or("?", |s| s.name.as_str());
        spans.push(Span::styled(
            format!("  lowest budget {name} ({}) ", scope_name(model, scope)),
            theme.muted,
        ));
        spans.push(budget_span(theme, entry.evaluation.budget_remaining, 3));
    }
    if hot_all.is_empty() {
        spans.insert(1, Span::styled(" no tier firing", theme.ok));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    if area.height < 3 {
        frame.render_widget(Paragraph::new(compact_line(model, theme)), area);
        return;
    }
    let scopes = scopes(model);
    let name_width = scopes
        .iter()
        .map(|s| scope_name(model, *s).chars().count())
        .max()
        .unwrap_or(5)
        + 2;
    let lines: Vec<Line> = scopes
        .iter()
        .map(|s| scope_line(model, theme, *s, name_width))
        .collect();
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(
            " SLOs: lowest budget left, firing tiers ",
            theme.title,
        ));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
