//! Durations as runbooks and Prometheus write them (`90s`, `15m`, `1h30m`, `1d`), read
//! strictly and printed in one canonical form so a validated value reads the same everywhere.

use std::time::Duration;

const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 86_400_000),
    ("w", 7 * 86_400_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

const EXPECTED: &str = "expected a duration such as 90s, 15m, 2h, 1d or 1h30m";

/// Parses a Prometheus-style duration: numbers with units `y w d h m s ms`, largest unit
/// first, each unit at most once. No signs, spaces or fractions.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("{EXPECTED}, found {}", super::shown(text));
    if text.is_empty() {
        return Err(bad());
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut next_unit = 0;
    let mut total: u64 = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = text.get(start..i).ok_or_else(bad)?;
        if digits.is_empty() || digits.len() > 12 {
            return Err(bad());
        }
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = text.get(unit_start..i).ok_or_else(bad)?;
        let position = UNITS[next_unit..]
            .iter()
            .position(|(name, _)| *name == unit)
            .ok_or_else(|| {
                if UNITS.iter().any(|(name, _)| *name == unit) {
                    format!(
                        "{EXPECTED} (largest unit first, each unit once), found {}",
                        super::shown(text)
                    )
                } else {
                    bad()
                }
            })?;
        let (_, millis) = UNITS[next_unit + position];
        next_unit += position + 1;
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(millis)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("duration {} is too long", super::shown(text)))?;
    }
    Ok(Duration::from_millis(total))
}

/// The canonical text of a duration, as Prometheus prints it: `1h30m`, `90d`, `0s`
/// (years and weeks only when exact). Sub-millisecond parts are dropped.
pub fn format_duration(duration: Duration) -> String {
    let mut rest = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    if rest == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    for (unit, millis) in UNITS {
        let exact_only = matches!(unit, "y" | "w");
        if exact_only && rest % millis != 0 {
            continue;
        }
        let count = rest / millis;
        if count > 0 {
            out.push_str(&format!("{count}{unit}"));
            rest -= count * millis;
        }
    }
    out
}
