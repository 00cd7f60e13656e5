//! Small text helpers shared by the table and Markdown renderers.

use super::services::ServiceMetrics;
use watchdeck_core::model::time::human_duration;

/// `s` cut to at most `width` characters, ending in `…` when cut.
pub fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `s` cut or padded to exactly `width` characters, left-aligned.
pub fn cell(s: &str, width: usize) -> String {
    format!("{:<width$}", fit(s, width))
}

/// An age in seconds as kubectl prints it, `-` when unknown.
pub fn age(secs: Option<i64>) -> String {
    secs.map_or_else(|| "-".to_string(), human_duration)
}

/// Text safe inside a GitHub-flavoured Markdown table cell: pipes escaped, HTML and
/// emphasis characters inert, never empty.
pub fn md_cell(s: &str) -> String {
    if s.is_empty() {
        return "-".to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `0.0813` → `8.1%`.
pub fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// Rows of one list the table and Markdown show; JSON has them all.
pub const MAX_ROWS: usize = 20;

/// The line after a list cut to [`MAX_ROWS`]: how many more, and where to see them.
pub fn more(total: usize) -> Option<String> {
    (total > MAX_ROWS).then(|| {
        format!(
            "… and {} more (all of them in --format json)",
            total - MAX_ROWS
        )
    })
}

/// A service's rate, error ratio, p95 and p99 as text (`-` each when unknown); `ms` is the
/// unit written after milliseconds (`"ms"` or `" ms"`).
pub fn metric_cells(metrics: Option<ServiceMetrics>, ms: &str) -> [String; 4] {
    match metrics {
        Some(m) => [
            format!("{:.1}", m.requests_per_sec),
            percent(m.error_ratio),
            format!("{:.0}{ms}", m.p95_ms),
            format!("{:.0}{ms}", m.p99_ms),
        ],
        None => ["-", "-", "-", "-"].map(String::from),
    }
}
