//! How SLO figures read on screen, shared by the list, the detail, the SLA helper and the
//! overview band: budget gauges, burn rates coloured against the tier thresholds, tier
//! status words, times to exhaustion and budget durations. Text carries the meaning, colour
//! only repeats it (NO_COLOR stays readable).

use ratatui::style::Style;
use ratatui::text::Span;

use crate::theme::Theme;
use watchdeck_core::series::Num;
use watchdeck_core::slo::format;
use watchdeck_core::slo::{Evaluation, Exhaustion, Headline, Severity, SloSpec};

/// Budget left under which the gauge is red.
pub const BUDGET_BAD: f64 = 0.10;
/// Budget left under which the gauge is amber.
pub const BUDGET_WARN: f64 = 0.25;

fn finite(n: Option<Num>) -> Option<f64> {
    n.map(|n| n.0).filter(|v| v.is_finite())
}

/// The colour of a budget share left.
pub fn budget_style(theme: &Theme, remaining: Option<Num>) -> Style {
    match finite(remaining) {
        Some(v) if v < BUDGET_BAD => theme.bad,
        Some(v) if v < BUDGET_WARN => theme.warn,
        Some(_) => theme.ok,
        None => theme.muted,
    }
}

/// `35%`, or `-35% overspent` once the budget is gone.
pub fn budget_percent(remaining: f64) -> String {
    let pct = (remaining * 100.0).round();
    if remaining < 0.0 {
        format!("{pct:.0}% overspent")
    } else {
        format!("{pct:.0}%")
    }
}

/// A gauge of `cells` characters: `■■■□□` (empty when the budget is spent).
pub fn gauge_bar(remaining: f64, cells: usize) -> String {
    let filled = (remaining.clamp(0.0, 1.0) * cells as f64).round() as usize;
    let filled = if remaining > 0.0 { filled.max(1) } else { 0 };
    format!(
        "{}{}",
        "■".repeat(filled),
        "□".repeat(cells - filled.min(cells))
    )
}

/// `■■□□□ 35%` in the budget's colour; `–` when unknown.
pub fn budget_span(theme: &Theme, remaining: Option<Num>, cells: usize) -> Span<'static> {
    match finite(remaining) {
        Some(v) => Span::styled(
            format!("{} {}", gauge_bar(v, cells), budget_percent(v)),
            budget_style(theme, remaining),
        ),
        None => Span::styled("–", theme.muted),
    }
}

pub use watchdeck_core::slo::format::{amount as downtime_text, burn as burn_text};

/// The colour of a burn rate over a window: red above a page tier's threshold that uses
/// the window (long or short), amber above a ticket tier's, muted below 1x.
pub fn burn_style(theme: &Theme, spec: &SloSpec, window: u64, burn: f64) -> Style {
    let tiers = spec.windows.tiers(spec.period.secs());
    let over = |severity: Severity| {
        tiers.iter().any(|t| {
            t.severity == severity
                && (t.long_secs == window || t.short_secs == window)
                && burn > t.factor
        })
    };
    if over(Severity::Page) {
        theme.bad
    } else if over(Severity::Ticket) {
        theme.warn
    } else if burn > 1.0 {
        theme.base
    } else {
        theme.muted
    }
}

/// The row's alert status: `PAGE`, `ticket`, `close 75%`, `unknown` or `ok`, with its style.
pub fn tier_word(theme: &Theme, evaluation: &Evaluation) -> (String, Style) {
    let headline = evaluation.headline();
    let style = match headline {
        Headline::Page => theme.critical,
        Headline::Ticket => theme.warning,
        Headline::Close(_) => theme.warn,
        Headline::PartlyUnknown => theme.muted,
        Headline::Ok => theme.ok,
    };
    (format::headline(headline), style)
}

/// Time to exhaustion: `2d 4h`, `exhausted`, `never`, `> 30d` (outlasts the period), `-`.
pub fn exhaustion_text(exhaustion: Option<Exhaustion>, period_secs: u64) -> String {
    format::exhaustion(exhaustion, period_secs)
}

/// An SLI or share as a percentage with the precision targets need: `99.9612%`, `92.31%`.
pub fn sli_text(sli: Option<Num>) -> String {
    finite(sli).map_or_else(|| "–".to_string(), format::sli)
}

pub use super::fit;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_reads_as_gauge_and_percent() {
        assert_eq!(budget_percent(0.35), "35%");
        assert_eq!(budget_percent(-0.35), "-35% overspent");
        assert_eq!(gauge_bar(0.35, 5), "■■□□□");
        assert_eq!(gauge_bar(0.01, 5), "■□□□□", "a little left is not empty");
        assert_eq!(gauge_bar(-2.0, 5), "□□□□□");
        assert_eq!(gauge_bar(1.0, 5), "■■■■■");
    }
}
