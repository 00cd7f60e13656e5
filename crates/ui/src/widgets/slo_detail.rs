//! The SLO detail's text: the definition (target, period, SLI queries shown sanitized,
//! windows, data source, origin), the budget in time, every alert tier's long and short burn
//! against its factor and state, and what low traffic means for the thresholds.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::slo_format::{budget_percent, budget_style, burn_text, downtime_text, sli_text};
use super::slo_format::{exhaustion_text, tier_word};
use crate::theme::Theme;
use watchdeck_core::slo::math::LowTraffic;
use watchdeck_core::slo::windows::promql_duration;
use watchdeck_core::slo::{Exhaustion, SloEntry, SloSpec, TierState, TierStatus};
use watchdeck_core::text::Text;

fn field<'a>(name: &'a str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("  {name:<12}"), theme.muted),
        Span::styled(value, theme.base),
    ])
}

fn heading<'a>(text: String, theme: &Theme) -> Line<'a> {
    Line::styled(text, theme.header)
}

/// A query under its label, cut into lines of `width` (sanitized: queries come from files
/// and clusters).
fn query<'a>(name: &'a str, query: &str, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let text = Text::new(query);
    let chars: Vec<char> = text.as_str().chars().collect();
    let width = width.saturating_sub(6).max(20);
    let mut lines = vec![Line::styled(format!("  {name}"), theme.muted)];
    lines.extend(
        chars
            .chunks(width)
            .map(|c| Line::styled(format!("    {}", c.iter().collect::<String>()), theme.base)),
    );
    lines
}

/// Target, period, SLI, windows, source and origin.
pub fn definition<'a>(
    spec: &'a SloSpec,
    entry: Option<&SloEntry>,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'a>> {
    let source = match entry {
        Some(e) => format!(
            "{} (this reading: {})",
            spec.data.label(),
            e.reading.source.label()
        ),
        None => spec.data.label().to_string(),
    };
    let mut lines = vec![
        heading("Definition".into(), theme),
        field(
            "target",
            format!("{} of events good over {}", spec.target, spec.period),
            theme,
        ),
    ];
    if !spec.description.as_str().is_empty() {
        lines.push(field("about", spec.description.as_str().to_string(), theme));
    }
    lines.push(field("SLI", spec.sli.kind_label(), theme));
    lines.extend(query(
        "failed events per second",
        &spec.sli.errors_template(),
        width,
        theme,
    ));
    lines.extend(query(
        "all events per second",
        &spec.sli.total_template(),
        width,
        theme,
    ));
    lines.extend([
        field(
            "windows",
            format!("{} alert tiers", spec.windows.label()),
            theme,
        ),
        field("data", source, theme),
        field("origin", spec.origin.as_str().to_string(), theme),
    ]);
    lines
}

/// The budget in time and how much of it is used and left.
pub fn budget<'a>(spec: &SloSpec, entry: Option<&SloEntry>, theme: &Theme) -> Vec<Line<'a>> {
    let total = spec.budget_secs();
    let mut lines = vec![
        heading("Error budget".into(), theme),
        field(
            "budget",
            format!("{} over {}", downtime_text(total), spec.period),
            theme,
        ),
    ];
    let Some(entry) = entry else {
        lines.push(field("now", "waiting for the first reading".into(), theme));
        return lines;
    };
    let eval = &entry.evaluation;
    if let Some(why) = &eval.unknown {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<12}", "now"), theme.muted),
            Span::styled(format!("unknown: {why}"), theme.warn),
        ]));
        return lines;
    }
    if let (Some(used), Some(left)) = (eval.budget_consumed, eval.budget_remaining) {
        let style = budget_style(theme, Some(left));
        let used_text = if used.0 >= 0.0 {
            downtime_text(used.0 * total)
        } else {
            "0 s".to_string()
        };
        let left_text = if left.0 >= 0.0 {
            downtime_text(left.0 * total)
        } else {
            format!("-{}", downtime_text(-left.0 * total))
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<12}", "used"), theme.muted),
            Span::styled(format!("{used_text} ({:.0}%)", used.0 * 100.0), theme.base),
            Span::styled("  left ", theme.muted),
            Span::styled(format!("{left_text} ({})", budget_percent(left.0)), style),
        ]));
    }
    lines.push(field(
        "SLI",
        format!(
            "{} now · {} over the period",
            sli_text(eval.sli_now),
            sli_text(eval.period_sli)
        ),
        theme,
    ));
    let fastest = eval
        .tiers
        .first()
        .map_or(String::new(), |t| promql_duration(t.tier.long_secs));
    let runs_out = match eval.exhaustion {
        Some(Exhaustion::Exhausted) => "already spent".to_string(),
        Some(Exhaustion::Never) => format!("never at the {fastest} burn rate"),
        Some(Exhaustion::In(_)) => format!(
            "in {} at the {fastest} burn rate",
            exhaustion_text(eval.exhaustion, spec.period.secs())
        ),
        None => "-".to_string(),
    };
    lines.push(field("runs out", runs_out, theme));
    lines
}

fn state_span(theme: &Theme, state: &TierState) -> Span<'static> {
    match state {
        TierState::Firing => Span::styled("FIRING", theme.critical),
        TierState::Close { share } => Span::styled(
            format!("close ({:.0}% of factor)", share.0 * 100.0),
            theme.warn,
        ),
        TierState::Clear => Span::styled("clear", theme.ok),
        TierState::Unknown(why) => Span::styled(format!("unknown: {why}"), theme.muted),
    }
}

fn tier_line<'a>(status: &TierStatus, theme: &Theme) -> Line<'a> {
    let tier = status.tier;
    let burn =
        |b: Option<watchdeck_core::series::Num>| b.map_or("–".to_string(), |n| burn_text(n.0));
    let style: Style = match tier.severity {
        watchdeck_core::slo::Severity::Page => theme.critical,
        watchdeck_core::slo::Severity::Ticket => theme.warning,
    };
    Line::from(vec![
        Span::styled(format!("  {:<7}", tier.severity.label()), style),
        Span::styled(
            format!(
                "{:<9}",
                format!(
                    "{}/{}",
                    promql_duration(tier.long_secs),
                    promql_duration(tier.short_secs)
                )
            ),
            theme.base,
        ),
        Span::styled(format!("> {:<7}", burn_text(tier.factor)), theme.muted),
        Span::styled(
            format!(
                "long {:<7} short {:<7} ",
                burn(status.long_burn),
                burn(status.short_burn)
            ),
            theme.base,
        ),
        state_span(theme, &status.state),
    ])
}

/// "12 requests in 5m; one failure would cross 14.4x (70 needed)".
pub fn low_traffic_text(low: &LowTraffic) -> String {
    format!(
        "{:.0} requests in {}; one failure would cross {} ({:.0} needed)",
        low.events.0,
        promql_duration(low.window_secs),
        burn_text(low.factor.0),
        low.min_events.0
    )
}

/// The tiers and the low-traffic notes.
pub fn tiers<'a>(spec: &SloSpec, entry: Option<&SloEntry>, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![heading(
        format!(
            "Alert tiers ({} windows, burn rate > factor)",
            spec.windows.label()
        ),
        theme,
    )];
    let Some(entry) = entry.filter(|e| e.evaluation.unknown.is_none()) else {
        lines.push(Line::styled(
            "  no figures: the SLO is not known now",
            theme.muted,
        ));
        return lines;
    };
    let (word, style) = tier_word(theme, &entry.evaluation);
    lines.push(Line::from(vec![
        Span::styled(format!("  {:<12}", "status"), theme.muted),
        Span::styled(word, style),
    ]));
    lines.extend(entry.evaluation.tiers.iter().map(|t| tier_line(t, theme)));
    if !entry.evaluation.low_traffic.is_empty() {
        lines.push(heading("Low traffic".into(), theme));
        lines.extend(
            entry
                .evaluation
                .low_traffic
                .iter()
                .map(|l| Line::styled(format!("  {}", low_traffic_text(l)), theme.warn)),
        );
    }
    lines
}

/// Draws the text: two columns when wide, one otherwise.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    spec: &SloSpec,
    entry: Option<&SloEntry>,
    theme: &Theme,
) {
    let mut left = definition(spec, entry, theme, usize::from(area.width / 2));
    left.push(Line::default());
    left.extend(budget(spec, entry, theme));
    let right = tiers(spec, entry, theme);
    if area.width >= 120 {
        let [l, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(area);
        frame.render_widget(Paragraph::new(left), l);
        frame.render_widget(Paragraph::new(right), r);
    } else {
        // Narrow: budget and tiers first, the definition after them.
        let mut lines = budget(spec, entry, theme);
        lines.extend(right);
        lines.push(Line::default());
        lines.extend(definition(spec, entry, theme, usize::from(area.width)));
        frame.render_widget(Paragraph::new(lines), area);
    }
}
