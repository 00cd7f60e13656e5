//! How RED numbers read on screen: request rates, error percentages and latencies in short
//! units, colours for error ratios and latencies, and text sparklines for table cells.

use ratatui::style::Style;

use crate::theme::Theme;
use watchdeck_core::series::Num;

/// Error ratio at or above which a service is shown as failing.
pub const ERROR_BAD: f64 = 0.05;
/// Error ratio at or above which a service is shown as degraded.
pub const ERROR_WARN: f64 = 0.01;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn finite(n: Option<Num>) -> Option<f64> {
    n.map(|n| n.0).filter(|v| v.is_finite())
}

/// `1.2k/s`, `35.0/s`, `0.40/s`; `–` when unknown.
pub fn rate(n: Option<Num>) -> String {
    match finite(n) {
        None => "–".to_string(),
        Some(v) if v >= 10_000.0 => format!("{:.0}k/s", v / 1000.0),
        Some(v) if v >= 1000.0 => format!("{:.1}k/s", v / 1000.0),
        Some(v) if v >= 10.0 => format!("{v:.1}/s"),
        Some(v) => format!("{v:.2}/s"),
    }
}

/// `8.12%`, `0.04%`; `–` when unknown.
pub fn percent(n: Option<Num>) -> String {
    match finite(n) {
        None => "–".to_string(),
        Some(v) if v * 100.0 >= 10.0 => format!("{:.1}%", v * 100.0),
        Some(v) => format!("{:.2}%", v * 100.0),
    }
}

/// `850ms`, `1.25s`, `0.4ms`; `–` when unknown.
pub fn latency(n: Option<Num>) -> String {
    match finite(n) {
        None => "–".to_string(),
        Some(v) if v >= 1.0 => format!("{v:.2}s"),
        Some(v) if v >= 0.01 => format!("{:.0}ms", v * 1000.0),
        Some(v) => format!("{:.1}ms", v * 1000.0),
    }
}

/// The colour of an error ratio.
pub fn error_style(theme: &Theme, n: Option<Num>) -> Style {
    match finite(n) {
        Some(v) if v >= ERROR_BAD => theme.bad,
        Some(v) if v >= ERROR_WARN => theme.warn,
        Some(_) => theme.ok,
        None => theme.muted,
    }
}

/// Error-ratio sparklines reach full height at 1% or their maximum, whichever is larger:
/// a steady 0.04% stays low instead of filling the cell.
pub const ERROR_SCALE_FLOOR: f64 = 0.01;
/// Latency sparklines reach full height at 1 s or their maximum, whichever is larger.
pub const LATENCY_SCALE_FLOOR: f64 = 1.0;

/// The last `width` values as bars scaled from zero to their maximum (NaN as a space).
pub fn sparkline(values: &[Num], width: usize) -> String {
    sparkline_scaled(values, width, 0.0)
}

/// Like [`sparkline`], with full height at `floor` at least, so small, steady values read
/// as small.
pub fn sparkline_scaled(values: &[Num], width: usize, floor: f64) -> String {
    let start = values.len().saturating_sub(width);
    let shown = &values[start..];
    let max = shown
        .iter()
        .map(|n| n.0)
        .filter(|v| v.is_finite())
        .fold(floor.max(0.0), f64::max);
    shown
        .iter()
        .map(|n| {
            if !n.0.is_finite() {
                ' '
            } else if max <= 0.0 {
                BARS[0]
            } else {
                let level = (n.0.max(0.0) / max * (BARS.len() - 1) as f64).round() as usize;
                BARS[level.min(BARS.len() - 1)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_short() {
        assert_eq!(rate(Some(Num(1234.0))), "1.2k/s");
        assert_eq!(rate(Some(Num(35.04))), "35.0/s");
        assert_eq!(rate(Some(Num(0.4))), "0.40/s");
        assert_eq!(rate(None), "–");
        assert_eq!(percent(Some(Num(0.0812))), "8.12%");
        assert_eq!(percent(Some(Num(0.1234))), "12.3%");
        assert_eq!(percent(Some(Num(f64::NAN))), "–");
        assert_eq!(latency(Some(Num(0.85))), "850ms");
        assert_eq!(latency(Some(Num(1.25))), "1.25s");
        assert_eq!(latency(Some(Num(0.0004))), "0.4ms");
    }

    #[test]
    fn sparklines_scale_to_their_maximum() {
        let values: Vec<Num> = [0.0, 1.0, 2.0, 4.0, f64::NAN, 8.0]
            .into_iter()
            .map(Num)
            .collect();
        assert_eq!(sparkline(&values, 10), "▁▂▃▅ █");
        assert_eq!(sparkline(&values, 2), " █");
        assert_eq!(sparkline(&[Num(0.0), Num(0.0)], 5), "▁▁");
    }

    #[test]
    fn a_scale_floor_keeps_small_steady_values_low() {
        let steady: Vec<Num> = [0.0004, 0.0004, 0.0004].into_iter().map(Num).collect();
        assert_eq!(sparkline(&steady, 3), "███");
        assert_eq!(sparkline_scaled(&steady, 3, ERROR_SCALE_FLOOR), "▁▁▁");
        let rising: Vec<Num> = [0.0004, 0.02, 0.08].into_iter().map(Num).collect();
        assert_eq!(sparkline_scaled(&rising, 3, ERROR_SCALE_FLOOR), "▁▃█");
    }
}
