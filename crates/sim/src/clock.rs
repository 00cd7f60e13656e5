//! Virtual time for the simulator: the world advances in fixed ticks, and every API answers
//! from the time of the last tick, so the same seed and scenario give the same answers.

/// Milliseconds since the Unix epoch, in the simulator's virtual time.
pub type Millis = i64;

/// Formats virtual milliseconds as RFC 3339 with second precision, as Kubernetes does.
pub fn rfc3339(ms: Millis) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Formats virtual milliseconds as RFC 3339 with millisecond precision, as Alertmanager does.
pub fn rfc3339_millis(ms: Millis) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_string())
}

/// Parses an RFC 3339 timestamp into milliseconds.
pub fn parse_rfc3339(text: &str) -> Option<Millis> {
    text.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let ms = 1_767_225_600_123; // 2026-01-01T00:00:00.123Z
        assert_eq!(rfc3339(ms), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339_millis(ms), "2026-01-01T00:00:00.123Z");
        assert_eq!(parse_rfc3339("2026-01-01T00:00:00.123Z"), Some(ms));
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
