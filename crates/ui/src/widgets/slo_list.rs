//! The SLO list: one line per SLO and scope with target, SLI now, budget gauge, burn rates
//! over 5m 1h 6h 1d 3d, tier status, time to exhaustion and flags. Columns drop by priority
//! on narrow terminals; an unknown SLO shows why in place of its figures.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::slo_format::{
    budget_span, burn_style, burn_text, exhaustion_text, fit, sli_text, tier_word,
};
use super::{columns, pane_block};
use crate::theme::Theme;
use watchdeck_core::model::layout::Area;
use watchdeck_core::model::slo_view::{SloRow, scope_name, selected_slo, slo_rows};
use watchdeck_core::model::{Model, scroll_offset};
use watchdeck_core::slo::windows::{DISPLAY_WINDOWS, promql_duration};
use watchdeck_core::slo::{ReadingSource, SloEntry, SloSpec};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Name,
    Service,
    Scope,
    Target,
    Sli,
    Budget,
    Burn(u64),
    Tier,
    Exhaust,
    Flags,
}

impl Col {
    fn head(self) -> String {
        match self {
            Col::Name => "SLO".into(),
            Col::Service => "SERVICE".into(),
            Col::Scope => "SCOPE".into(),
            Col::Target => "TARGET".into(),
            Col::Sli => "SLI NOW".into(),
            Col::Budget => "BUDGET LEFT".into(),
            Col::Burn(w) => promql_duration(w),
            Col::Tier => "TIER".into(),
            Col::Exhaust => "EXHAUST".into(),
            Col::Flags => "FLAGS".into(),
        }
    }

    /// Lower goes first when the terminal is narrow.
    fn priority(self) -> u8 {
        match self {
            Col::Name | Col::Scope | Col::Budget | Col::Tier => 9,
            Col::Burn(3600) => 8,
            Col::Sli => 7,
            Col::Exhaust | Col::Burn(300) => 6,
            Col::Target => 5,
            Col::Burn(21_600) => 4,
            Col::Service => 3,
            Col::Burn(86_400) => 2,
            Col::Burn(_) => 1,
            Col::Flags => 0,
        }
    }
}

/// The columns that fit in `width`, with their widths.
fn columns(model: &Model, rows: &[SloRow], width: u16) -> Vec<(Col, usize)> {
    let widest = |texts: &mut dyn Iterator<Item = usize>, head: usize, max: usize| {
        texts.max().unwrap_or(0).max(head).min(max)
    };
    let spec = |row: &SloRow| model.slos.specs.get(row.slo);
    let name = widest(
        &mut rows
            .iter()
            .filter_map(spec)
            .map(|s| s.name.as_str().chars().count()),
        3,
        22,
    );
    let service = widest(
        &mut rows
            .iter()
            .filter_map(spec)
            .map(|s| s.service.as_str().chars().count()),
        7,
        16,
    );
    let scope = widest(
        &mut rows
            .iter()
            .map(|r| scope_name(model, r.scope).chars().count()),
        5,
        16,
    );
    let mut cols = vec![
        (Col::Name, name),
        (Col::Service, service),
        (Col::Scope, scope),
        (Col::Target, 8),
        (Col::Sli, 8),
        (Col::Budget, 20),
    ];
    cols.extend(DISPLAY_WINDOWS.iter().map(|w| (Col::Burn(*w), 6)));
    cols.extend([(Col::Tier, 9), (Col::Exhaust, 9), (Col::Flags, 12)]);
    let width = usize::from(width);
    columns::drop_to_fit(&mut cols, width, |c| c.priority());
    // Narrow screens: a shorter gauge.
    if columns::total(&cols) > width
        && let Some(budget) = cols.iter_mut().find(|(c, _)| *c == Col::Budget)
    {
        budget.1 = 16;
    }
    // The flags column takes what is left.
    columns::grow_into(&mut cols, width, |c| *c == Col::Flags);
    cols
}

/// `low traffic`, `sloth rules`, `partial`: what qualifies the row's numbers.
fn flags(entry: &SloEntry) -> String {
    let mut flags = Vec::new();
    if !entry.evaluation.low_traffic.is_empty() {
        flags.push("low traffic");
    }
    match entry.reading.source {
        ReadingSource::Query => {}
        other => flags.push(other.label()),
    }
    flags.join(" · ")
}

fn cell(col: Col, width: usize, spec: &SloSpec, entry: &SloEntry, theme: &Theme) -> Span<'static> {
    let eval = &entry.evaluation;
    let text = |t: String, style: Style| Span::styled(fit(&t, width), style);
    match col {
        Col::Sli => text(sli_text(eval.sli_now), theme.base),
        Col::Budget => {
            let cells = if width >= 20 { 5 } else { 3 };
            let span = budget_span(theme, eval.budget_remaining, cells);
            Span::styled(fit(&span.content, width), span.style)
        }
        Col::Burn(w) => match eval.burn.get(&w) {
            Some(b) if b.0.is_finite() => {
                let style = burn_style(theme, spec, w, b.0);
                Span::styled(format!("{:>w$}", burn_text(b.0), w = width), style)
            }
            _ => text(format!("{:>width$}", "–"), theme.muted),
        },
        Col::Tier => {
            let (word, style) = tier_word(theme, eval);
            text(word, style)
        }
        Col::Exhaust => {
            let t = exhaustion_text(eval.exhaustion, spec.period.secs());
            let style = if t == "exhausted" {
                theme.bad
            } else {
                theme.base
            };
            text(t, style)
        }
        Col::Flags => text(flags(entry), theme.muted),
        Col::Name | Col::Service | Col::Scope | Col::Target => text(String::new(), theme.base),
    }
}

fn line<'a>(
    model: &'a Model,
    row: &SloRow,
    cols: &[(Col, usize)],
    theme: &Theme,
    selected: bool,
) -> Line<'a> {
    let Some(spec) = model.slos.specs.get(row.slo) else {
        return Line::default();
    };
    let mut spans = Vec::new();
    let mut rest = 0usize;
    let why = match row.entry {
        None => Some("waiting for the first reading".to_string()),
        Some(entry) => entry
            .evaluation
            .unknown
            .as_ref()
            .map(|w| format!("unknown: {w}")),
    };
    for (col, width) in cols {
        let (col, width) = (*col, *width);
        let span = match col {
            Col::Name => Span::styled(fit(spec.name.as_str(), width), theme.base),
            Col::Service => Span::styled(fit(spec.service.as_str(), width), theme.base),
            Col::Scope => Span::styled(fit(scope_name(model, row.scope), width), theme.label),
            Col::Target => Span::styled(fit(&spec.target.to_string(), width), theme.base),
            _ if why.is_some() => {
                rest += width + 1;
                continue;
            }
            _ => match row.entry {
                Some(entry) => cell(col, width, spec, entry, theme),
                None => continue,
            },
        };
        spans.push(span);
        spans.push(Span::raw(" "));
    }
    if let Some(why) = why {
        let style = if row.entry.is_some() {
            theme.warn
        } else {
            theme.muted
        };
        spans.push(Span::styled(fit(&why, rest.saturating_sub(1)), style));
    }
    let line = Line::from(spans);
    if selected {
        line.style(theme.selected)
    } else {
        line
    }
}

/// Renders the list in `area`; returns where its rows are (for the mouse and paging).
pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) -> Area {
    let rows = slo_rows(model);
    let selected = selected_slo(model, &rows);
    let title = Line::styled(
        super::list_title("SLOs", rows.len(), &model.ui.filter.slos),
        theme.title,
    );
    let block = pane_block(theme, true, title, selected, rows.len());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows_area = crate::list_rows_area(area);
    if rows.is_empty() {
        let text = if model.slos.specs.is_empty() {
            "no SLOs defined: add [[slos]] to the config or import Sloth, OpenSLO or Pyrra files"
        } else {
            "no SLO matches the filter"
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.muted)), inner);
        return rows_area;
    }
    let cols = columns(model, &rows, inner.width);
    let header: Vec<Span> = cols
        .iter()
        .flat_map(|(col, width)| {
            let head = match col {
                Col::Burn(_) => format!("{:>width$}", col.head(), width = *width),
                _ => fit(&col.head(), *width),
            };
            [Span::styled(head, theme.header), Span::raw(" ")]
        })
        .collect();
    let page = usize::from(rows_area.height).max(1);
    let offset = scroll_offset(selected, model.ui.slo.cursor.offset, rows.len(), page);
    let mut lines = vec![Line::from(header)];
    lines.extend(
        rows.iter()
            .enumerate()
            .skip(offset)
            .take(page)
            .map(|(i, row)| line(model, row, &cols, theme, i == selected)),
    );
    frame.render_widget(Paragraph::new(lines).style(theme.base), inner);
    rows_area
}
