//! The one duration grammar of watchdeck. Config files, runbooks and their parameters, SLO
//! periods, scenario files, the silence form and the command line all read durations as
//! Prometheus writes them, `90s`, `15m`, `1h30m`, `1d`, `500ms`: whole numbers with the units
//! `y w d h m s ms`, largest unit first, each unit at most once, no signs, spaces or
//! fractions. Durations are printed back in the same form.

use std::fmt;
use std::time::Duration;

/// The units, largest first, in milliseconds.
const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 86_400_000),
    ("w", 7 * 86_400_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// Examples of the grammar for error messages.
pub const EXAMPLES: &str = "90s, 15m, 2h, 1d or 1h30m";

/// Why a text is not a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationError {
    /// Not numbers with units (empty, a bare number, an unknown unit, a sign or a space).
    Malformed,
    /// Known units, but not largest first or one used twice (`30m1h`, `1h1h`).
    UnitOrder,
    /// More than the milliseconds a `u64` holds.
    TooLong,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Malformed => write!(f, "expected a duration such as {EXAMPLES}"),
            DurationError::UnitOrder => write!(
                f,
                "expected a duration such as {EXAMPLES} (largest unit first, each unit once)"
            ),
            DurationError::TooLong => f.write_str("the duration is too long"),
        }
    }
}

impl std::error::Error for DurationError {}

/// Parses a duration in the grammar above. Zero (`0s`) is a duration; callers that need a
/// positive one or bounds check them.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    if text.is_empty() {
        return Err(DurationError::Malformed);
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
        let digits = text.get(start..i).ok_or(DurationError::Malformed)?;
        if digits.is_empty() || digits.len() > 12 {
            return Err(DurationError::Malformed);
        }
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = text.get(unit_start..i).ok_or(DurationError::Malformed)?;
        let position = UNITS[next_unit..]
            .iter()
            .position(|(name, _)| *name == unit)
            .ok_or_else(|| {
                if UNITS.iter().any(|(name, _)| *name == unit) {
                    DurationError::UnitOrder
                } else {
                    DurationError::Malformed
                }
            })?;
        let (_, millis) = UNITS[next_unit + position];
        next_unit += position + 1;
        let n: u64 = digits.parse().map_err(|_| DurationError::Malformed)?;
        total = n
            .checked_mul(millis)
            .and_then(|v| total.checked_add(v))
            .ok_or(DurationError::TooLong)?;
    }
    Ok(Duration::from_millis(total))
}

/// The canonical text of a duration: `1h30m`, `90d`, `0s` (years and weeks only when
/// exact). Sub-millisecond parts are dropped.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_reads_prometheus_durations() {
        let ok = [
            ("90s", 90_000),
            ("15m", 900_000),
            ("1h30m", 5_400_000),
            ("1d", 86_400_000),
            ("500ms", 500),
            ("2w", 1_209_600_000),
            ("1y", 31_536_000_000),
            ("1h0m5s", 3_605_000),
            ("0s", 0),
        ];
        for (text, millis) in ok {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_millis(millis)),
                "{text}"
            );
        }
        let malformed = [
            "", "5", "h", "2x", "-5s", "1.5h", "1h 30m", " 1d", "PT5S", "5 s",
        ];
        for text in malformed {
            assert_eq!(
                parse_duration(text),
                Err(DurationError::Malformed),
                "{text:?}"
            );
        }
        for text in ["30m1h", "1h1h", "5s1m"] {
            assert_eq!(
                parse_duration(text),
                Err(DurationError::UnitOrder),
                "{text}"
            );
        }
        assert_eq!(parse_duration("999999999999y"), Err(DurationError::TooLong));
    }

    #[test]
    fn durations_print_in_the_grammar_and_read_back() {
        for (millis, text) in [
            (0, "0s"),
            (90_000, "1m30s"),
            (5_400_000, "1h30m"),
            (86_400_000, "1d"),
            (604_800_000, "1w"),
            (691_200_000, "8d"),
            (1_500, "1s500ms"),
        ] {
            let d = Duration::from_millis(millis);
            assert_eq!(format_duration(d), text);
            assert_eq!(parse_duration(text), Ok(d));
        }
    }
}
