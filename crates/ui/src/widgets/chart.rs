//! The selected service's charts over the chosen range: request rate, error ratio, and p95
//! with p99 latency, side by side (ratatui `Chart`), with the answer's status when it is
//! partial or failed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

use super::red::{latency, percent, rate};
use crate::theme::Theme;
use watchdeck_core::model::Model;
use watchdeck_core::model::services;
use watchdeck_core::model::services::{ChartRange, current_chart};
use watchdeck_core::series::{Num, QueryStatus};

/// Columns the y-axis labels and borders take from a chart's width.
const CHROME: u16 = 10;

fn points(line: &[(Num, Num)]) -> Vec<(f64, f64)> {
    line.iter()
        .filter(|(t, v)| t.0.is_finite() && v.0.is_finite())
        .map(|(t, v)| (t.0, v.0))
        .collect()
}

fn bounds(lines: &[&[(f64, f64)]]) -> ([f64; 2], [f64; 2]) {
    let all = lines.iter().flat_map(|l| l.iter());
    let (mut x0, mut x1, mut y1) = (f64::MAX, f64::MIN, 0.0_f64);
    for (x, y) in all {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y1 = y1.max(*y);
    }
    if x0 > x1 {
        (x0, x1) = (0.0, 1.0);
    }
    if y1 <= 0.0 {
        y1 = 1.0;
    }
    ([x0, x1.max(x0 + 1.0)], [0.0, y1 * 1.1])
}

/// One line of a panel: its name, its points and its style.
type PanelLine<'a> = (&'a str, Vec<(f64, f64)>, Style);

struct Panel<'a> {
    title: &'a str,
    lines: Vec<PanelLine<'a>>,
    format: fn(Option<Num>) -> String,
}

fn draw_panel(frame: &mut Frame, area: Rect, panel: &Panel, range: ChartRange, theme: &Theme) {
    let refs: Vec<&[(f64, f64)]> = panel.lines.iter().map(|(_, p, _)| p.as_slice()).collect();
    let (x, y) = bounds(&refs);
    let last = panel
        .lines
        .first()
        .and_then(|(_, p, _)| p.last())
        .map(|(_, v)| Num(*v));
    let title = Line::from(vec![
        Span::styled(format!(" {} ", panel.title), theme.title),
        Span::styled(format!("{} ", (panel.format)(last)), theme.base),
    ]);
    let datasets: Vec<Dataset> = panel
        .lines
        .iter()
        .map(|(name, data, style)| {
            Dataset::default()
                .name(*name)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(*style)
                .data(data)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(Block::bordered().border_style(theme.border).title(title))
        .style(theme.base)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds(x)
                .labels([
                    Span::styled(format!("-{}", range.label()), theme.muted),
                    Span::styled("now", theme.muted),
                ])
                .style(theme.muted),
        )
        .y_axis(
            Axis::default()
                .bounds(y)
                .labels([
                    Span::styled((panel.format)(Some(Num(0.0))), theme.muted),
                    Span::styled((panel.format)(Some(Num(y[1]))), theme.muted),
                ])
                .style(theme.muted),
        );
    frame.render_widget(chart, area);
}

/// Draws the charts; returns the columns one plot has (the query step follows it).
pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) -> u16 {
    let range = model.ui.chart_range;
    let wanted = model.ui.chart_for.as_ref().map(|((c, s), _, _)| (*c, s));
    let chart = current_chart(model)
        .filter(|(c, chart)| Some((*c, &chart.service)) == wanted && chart.range == range);
    let [status_area, charts_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let panels_areas: [Rect; 3] = Layout::horizontal([Constraint::Fill(1); 3]).areas(charts_area);
    let columns = panels_areas[0].width.saturating_sub(CHROME);
    let key = watchdeck_core::action::first_key(watchdeck_core::action::Action::ChartRangeNext)
        .map(|k| k.label())
        .unwrap_or_default();
    let heading = match wanted {
        Some((cluster, service)) => format!(
            " {} · {} · last {} ({key}: range)",
            model.clusters.get(cluster).map_or("?", |c| c.name.as_str()),
            service,
            range.label()
        ),
        None => " no service selected".to_string(),
    };
    let mut spans = vec![Span::styled(heading, theme.header)];
    match chart.map(|(_, c)| &c.status) {
        None if wanted.is_some() => spans.push(Span::styled("  loading…", theme.muted)),
        Some(QueryStatus::Partial(w)) => spans.push(Span::styled(
            format!("  partial: {}", w.first().map_or("", |w| w.as_str())),
            theme.warn,
        )),
        Some(QueryStatus::Error(e)) => {
            spans.push(Span::styled(format!("  {e}"), theme.bad));
        }
        _ => {}
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), status_area);
    let empty = services::Chart::default();
    let data = chart.map_or(&empty, |(_, c)| c);
    let panels = [
        Panel {
            title: "requests",
            lines: vec![("rate", points(&data.rate), theme.ok)],
            format: rate,
        },
        Panel {
            title: "errors",
            lines: vec![("5xx", points(&data.error_ratio), theme.bad)],
            format: percent,
        },
        Panel {
            title: "latency p95/p99",
            lines: vec![
                ("p95", points(&data.p95), theme.warn),
                ("p99", points(&data.p99), theme.info),
            ],
            format: latency,
        },
    ];
    for (panel, area) in panels.iter().zip(panels_areas) {
        draw_panel(frame, area, panel, range, theme);
    }
    columns
}
