//! How SLO figures read on screen, shared by the list, the detail, the SLA helper and the
//! overview band: budget gauges, burn rates coloured against the tier thresholds, tier
//! status words, times to exhaustion and budget durations. Text carries the meaning, colour
//! only repeats it (NO_COLOR stays readable).

use ratatui::style::Style;
use ratatui::text::Span;

use crate::model::services::Num;
use crate::model::slo::{Evaluation, Exhaustion, Severity, SloSpec, TierState};
use crate::ui::theme::Theme;

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

/// `80x`, `14.4x`, `0.25x`.
pub fn burn_text(burn: f64) -> String {
    if burn >= 100.0 {
        format!("{burn:.0}x")
    } else if burn >= 10.0 {
        format!("{burn:.1}x")
    } else {
        format!("{burn:.2}x")
    }
}

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
    if evaluation.paging() {
        return ("PAGE".to_string(), theme.critical);
    }
    if evaluation.ticketing() {
        return ("ticket".to_string(), theme.warning);
    }
    let close = evaluation
        .tiers
        .iter()
        .filter_map(|t| match t.state {
            TierState::Close { share } => finite(Some(share)),
            _ => None,
        })
        .max_by(f64::total_cmp);
    if let Some(share) = close {
        return (format!("close {:.0}%", share * 100.0), theme.warn);
    }
    if evaluation
        .tiers
        .iter()
        .any(|t| matches!(t.state, TierState::Unknown(_)))
    {
        return ("unknown".to_string(), theme.muted);
    }
    ("ok".to_string(), theme.ok)
}

/// `2d 4h`, `5h 12m`, `12m`, `40s`.
pub fn span_text(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) if d < 100 => format!("{d}d {h}h"),
        (d, _, _) => format!("{d}d"),
    }
}

/// Time to exhaustion: `2d 4h`, `exhausted`, `-` (not burning or unknown).
pub fn exhaustion_text(exhaustion: Option<Exhaustion>) -> String {
    match exhaustion {
        Some(Exhaustion::In(secs)) => span_text(secs),
        Some(Exhaustion::Exhausted) => "exhausted".to_string(),
        Some(Exhaustion::Never) | None => "-".to_string(),
    }
}

/// A duration of allowed downtime: `8.6 s`, `4.32 min`, `8.76 h`, `3.65 d`.
pub fn downtime_text(secs: f64) -> String {
    let (value, unit) = if secs < 60.0 {
        (secs, "s")
    } else if secs < 3600.0 {
        (secs / 60.0, "min")
    } else if secs < 86_400.0 {
        (secs / 3600.0, "h")
    } else {
        (secs / 86_400.0, "d")
    };
    format!("{} {unit}", significant(value))
}

/// Up to 4 significant digits without trailing zeros: `8.64`, `52.56`, `4.32`, `315.4`.
fn significant(value: f64) -> String {
    let decimals = if value >= 1000.0 {
        0
    } else if value >= 100.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// An SLI or share as a percentage with the precision targets need: `99.953%`, `100%`.
pub fn sli_text(sli: Option<Num>) -> String {
    match finite(sli) {
        Some(v) => {
            let text = format!("{:.3}", v * 100.0);
            format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
        }
        None => "–".to_string(),
    }
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

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(span_text(2 * 86_400 + 4 * 3600 + 59), "2d 4h");
        assert_eq!(span_text(5 * 3600 + 12 * 60), "5h 12m");
        assert_eq!(span_text(720), "12m");
        assert_eq!(exhaustion_text(Some(Exhaustion::Exhausted)), "exhausted");
        assert_eq!(exhaustion_text(Some(Exhaustion::Never)), "-");
        assert_eq!(downtime_text(8.64), "8.64 s");
        assert_eq!(downtime_text(259.2), "4.32 min");
        assert_eq!(downtime_text(3153.6), "52.56 min");
        assert_eq!(downtime_text(31_536.0), "8.76 h");
        assert_eq!(downtime_text(315.36), "5.26 min");
        assert_eq!(downtime_text(0.864), "0.86 s");
        assert_eq!(burn_text(80.0), "80.0x");
        assert_eq!(burn_text(0.5), "0.50x");
        assert_eq!(sli_text(Some(Num(0.99953))), "99.953%");
        assert_eq!(sli_text(Some(Num(1.0))), "100%");
    }
}
