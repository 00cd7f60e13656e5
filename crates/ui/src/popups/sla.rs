//! The SLA helper: allowed downtime per day, 30-day month and 365-day year for the common
//! availability targets, and for the design's latency objectives the share of requests that
//! must finish inside the threshold, with the share measured now (1 - error ratio over 5m)
//! wherever a latency SLO with that bucket bound is on the board.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::theme::Theme;
use crate::widgets::slo_format::{downtime_text, fit, sli_text};
use watchdeck_core::model::Model;
use watchdeck_core::model::slo_view::{scope_name, shows_fleet, slo_clusters};
use watchdeck_core::slo::sla::{AVAILABILITY_TARGETS, LatencyObjective, allowed_downtime};
use watchdeck_core::slo::windows::MINUTE;
use watchdeck_core::slo::{Sli, SloScope, Target};

/// The window the measured share is read over.
const NOW_WINDOW: u64 = 5 * MINUTE;

fn downtime_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled("Allowed downtime", theme.title),
        Line::styled(
            format!(
                "{}{}{}{}",
                fit("TARGET", 10),
                fit("PER DAY", 12),
                fit("30-DAY MONTH", 14),
                "365-DAY YEAR"
            ),
            theme.header,
        ),
    ];
    for target in AVAILABILITY_TARGETS
        .iter()
        .filter_map(|p| Target::from_ppm(*p))
    {
        let [day, month, year] = allowed_downtime(target).map(downtime_text);
        lines.push(Line::from(vec![
            Span::styled(fit(&target.to_string(), 10), theme.label),
            Span::styled(
                format!("{}{}{year}", fit(&day, 12), fit(&month, 14)),
                theme.base,
            ),
        ]));
    }
    lines
}

fn same_bound(a: &str, b: &str) -> bool {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// Measurements of `objective` on the board: (SLO name, scope, share inside now or why not).
fn measured(model: &Model, objective: &LatencyObjective) -> Vec<(String, Result<f64, String>)> {
    let mut out = Vec::new();
    for (slo, spec) in model.slos.specs.iter().enumerate() {
        let Sli::Latency { le, .. } = &spec.sli else {
            continue;
        };
        if !same_bound(le, objective.le) {
            continue;
        }
        let mut scopes = Vec::new();
        if shows_fleet(model, slo) {
            scopes.push(SloScope::Fleet);
        }
        scopes.extend(slo_clusters(model, slo).into_iter().map(SloScope::Cluster));
        for scope in scopes {
            let label = format!("{} {}", spec.name, scope_name(model, scope));
            let share = match model.slos.entry(slo, scope) {
                None => Err("waiting for the first reading".to_string()),
                Some(e) if e.reading.problem.is_some() || !e.reading.warnings.is_empty() => {
                    Err(format!(
                        "unknown: {}",
                        e.evaluation.unknown.as_ref().map_or("", |t| t.as_str())
                    ))
                }
                Some(e) => match e.reading.window(NOW_WINDOW).and_then(|w| w.ratio) {
                    Some(r) if r.0.is_finite() => Ok(1.0 - r.0),
                    _ => Err("no requests in 5m".to_string()),
                },
            };
            out.push((label, share));
        }
    }
    out
}

fn latency_lines(model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled("Latency objectives", theme.title),
        Line::styled(
            format!(
                "{}{}{}",
                fit("OBJECTIVE", 14),
                fit("INSIDE", 9),
                "MEASURED NOW (5m)"
            ),
            theme.header,
        ),
    ];
    for objective in watchdeck_core::slo::sla::latency_objectives() {
        let head = vec![
            Span::styled(fit(&objective.label(), 14), theme.label),
            Span::styled(fit(&format!(">= {}", objective.quantile), 9), theme.base),
        ];
        let found = measured(model, &objective);
        if found.is_empty() {
            let mut spans = head;
            spans.push(Span::styled(
                format!("no latency SLO with le {}", objective.le),
                theme.muted,
            ));
            lines.push(Line::from(spans));
            continue;
        }
        for (i, (label, share)) in found.into_iter().enumerate() {
            let mut spans = if i == 0 {
                head.clone()
            } else {
                vec![Span::raw(" ".repeat(23))]
            };
            spans.push(Span::styled(format!("{label} "), theme.base));
            match share {
                Ok(v) => {
                    let met = objective.met_by(v);
                    spans.push(Span::styled(
                        format!(
                            "{} {}",
                            sli_text(Some(watchdeck_core::series::Num(v))),
                            if met { "met" } else { "NOT MET" }
                        ),
                        if met { theme.ok } else { theme.bad },
                    ));
                }
                Err(why) => spans.push(Span::styled(why, theme.muted)),
            }
            lines.push(Line::from(spans));
        }
    }
    lines
}

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme) {
    let mut lines = downtime_lines(theme);
    lines.push(Line::default());
    lines.extend(latency_lines(model, theme));
    let width = lines.iter().map(Line::width).max().unwrap_or(0) + 4;
    let area = centered(
        frame.area(),
        u16::try_from(width).unwrap_or(u16::MAX),
        u16::try_from(lines.len() + 2).unwrap_or(u16::MAX),
    );
    let key = model
        .keymap
        .first_key(watchdeck_core::action::Action::ToggleSla)
        .map_or_else(String::new, |k| format!("{} or ", k.label()));
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .style(theme.base)
        .title(Line::styled(" SLA helper ", theme.title))
        .title_bottom(Line::styled(format!(" {key}Esc closes "), theme.muted).right_aligned());
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(block.padding(ratatui::widgets::Padding::horizontal(1))),
        area,
    );
}
