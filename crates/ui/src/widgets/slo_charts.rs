//! The SLO detail's charts over the period, from the board's chart when it answers the open
//! detail: the budget burning down, and the burn rates with the tiers' thresholds drawn as
//! flat lines. The heading says which cluster they come from (a fleet SLO charts one cluster
//! at a time).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

use super::slo_format::{budget_percent, burn_text};
use crate::theme::Theme;
use watchdeck_core::action::Action;
use watchdeck_core::model::Model;
use watchdeck_core::model::slo_view::SloDetail;
use watchdeck_core::series::{Num, QueryStatus};
use watchdeck_core::slo::windows::promql_duration;
use watchdeck_core::slo::{Severity, SloChart, SloScope, SloSpec};

fn points(line: &[(Num, Num)]) -> Vec<(f64, f64)> {
    line.iter()
        .filter(|(t, v)| t.0.is_finite() && v.0.is_finite())
        .map(|(t, v)| (t.0, v.0))
        .collect()
}

/// The chart answering the open detail, if it has arrived.
pub fn current<'a>(model: &'a Model, detail: &SloDetail) -> Option<&'a SloChart> {
    model.slos.chart.as_ref().filter(|c| {
        c.seq == model.slos.chart_seq
            && c.slo == detail.slo
            && detail
                .chart_cluster
                .is_none_or(|id| c.scope.is_none_or(|s| s == SloScope::Cluster(id)))
    })
}

struct Plot<'a> {
    title: String,
    lines: Vec<(Vec<(f64, f64)>, Style)>,
    y: [f64; 2],
    y_labels: [String; 2],
    period: &'a str,
}

fn x_bounds(lines: &[(Vec<(f64, f64)>, Style)]) -> [f64; 2] {
    let xs = lines.iter().flat_map(|(p, _)| p.iter().map(|(x, _)| *x));
    let (lo, hi) = xs.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    if lo > hi {
        [0.0, 1.0]
    } else {
        [lo, hi.max(lo + 1.0)]
    }
}

fn draw(frame: &mut Frame, area: Rect, plot: Plot, theme: &Theme) {
    let x = x_bounds(&plot.lines);
    let datasets: Vec<Dataset> = plot
        .lines
        .iter()
        .map(|(data, style)| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(*style)
                .data(data)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(
            Block::bordered()
                .border_style(theme.border)
                .title(Line::styled(plot.title, theme.title)),
        )
        .style(theme.base)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds(x)
                .labels([
                    Span::styled(format!("-{}", plot.period), theme.muted),
                    Span::styled("now", theme.muted),
                ])
                .style(theme.muted),
        )
        .y_axis(
            Axis::default()
                .bounds(plot.y)
                .labels(plot.y_labels.map(|l| Span::styled(l, theme.muted)))
                .style(theme.muted),
        );
    frame.render_widget(chart, area);
}

/// The heading: which cluster, the key that changes it for a fleet SLO, the answer's state.
fn heading<'a>(
    model: &Model,
    detail: &SloDetail,
    chart: Option<&SloChart>,
    theme: &Theme,
) -> Line<'a> {
    let cluster = detail
        .chart_cluster
        .and_then(|id| model.clusters.get(id))
        .map_or("no cluster", |c| c.name.as_str());
    let mut spans = vec![Span::styled(
        format!(" charts from {cluster}"),
        theme.header,
    )];
    if detail.scope == SloScope::Fleet {
        let key = model
            .keymap
            .first_key(Action::SloNextCluster)
            .map(|k| k.label())
            .unwrap_or_else(|| "-".into());
        spans.push(Span::styled(
            format!(" (fleet SLO: one cluster at a time, {key}: next cluster)"),
            theme.muted,
        ));
    }
    match chart.map(|c| &c.status) {
        None if detail.chart_cluster.is_some() => {
            spans.push(Span::styled("  loading…", theme.muted));
        }
        Some(QueryStatus::Partial(w)) => spans.push(Span::styled(
            format!("  partial: {}", w.first().map_or("", |w| w.as_str())),
            theme.warn,
        )),
        Some(QueryStatus::Error(e)) => spans.push(Span::styled(format!("  {e}"), theme.bad)),
        _ => {}
    }
    Line::from(spans)
}

/// Draws the heading and the two charts in `area`.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    detail: &SloDetail,
    spec: &SloSpec,
    theme: &Theme,
) {
    let chart = current(model, detail);
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(heading(model, detail, chart, theme)), head);
    let [left, right] = Layout::horizontal([Constraint::Fill(1); 2]).areas(body);
    let period = promql_duration(spec.period.secs());
    let empty = SloChart::default();
    let data = chart.unwrap_or(&empty);

    let budget = points(&data.budget);
    let low = budget.iter().map(|(_, v)| *v).fold(0.0_f64, f64::min);
    let last = budget
        .last()
        .map_or("–".to_string(), |(_, v)| budget_percent(*v));
    let style = super::slo_format::budget_style(theme, budget.last().map(|(_, v)| Num(*v)));
    draw(
        frame,
        left,
        Plot {
            title: format!(" budget left {last} "),
            lines: vec![(budget, style)],
            y: [low, 1.0],
            y_labels: [format!("{:.0}%", low * 100.0), "100%".into()],
            period: &period,
        },
        theme,
    );

    let x = x_bounds(
        &data
            .burn
            .values()
            .map(|l| (points(l), theme.base))
            .collect::<Vec<_>>(),
    );
    let tiers = spec.windows.tiers(spec.period.secs());
    let palette = [theme.info, theme.label, theme.ok, theme.base];
    let mut lines: Vec<(Vec<(f64, f64)>, Style)> = Vec::new();
    let mut names = Vec::new();
    let mut top = 1.0_f64;
    for (i, (window, line)) in data.burn.iter().enumerate() {
        let p = points(line);
        top = p.iter().map(|(_, v)| *v).fold(top, f64::max);
        names.push(promql_duration(*window));
        lines.push((p, palette[i % palette.len()]));
    }
    let mut thresholds = Vec::new();
    for tier in tiers
        .iter()
        .filter(|t| data.burn.contains_key(&t.long_secs))
    {
        let style = match tier.severity {
            Severity::Page => theme.bad,
            Severity::Ticket => theme.warn,
        };
        top = top.max(tier.factor);
        thresholds.push(burn_text(tier.factor));
        lines.push((vec![(x[0], tier.factor), (x[1], tier.factor)], style));
    }
    let mut title = format!(" burn rate {} ", names.join(" "));
    if !thresholds.is_empty() {
        title.push_str(&format!("· thresholds {} ", thresholds.join(" ")));
    }
    draw(
        frame,
        right,
        Plot {
            title,
            lines,
            y: [0.0, top * 1.1],
            y_labels: ["0x".into(), burn_text(top * 1.1)],
            period: &period,
        },
        theme,
    );
}
