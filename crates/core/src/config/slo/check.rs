//! The value checks every SLO source shares (TOML `[[slos]]`, Sloth, OpenSLO, Pyrra files and
//! cluster objects): names, exact targets, periods and PromQL templates. Each failure is a
//! sentence that completes "field: ..." for the user.

use crate::slo::Target;
use crate::slo::spec::{SELECTOR, WINDOW};

/// What a SLO name must look like, for messages.
pub(crate) const NAME_RULE: &str = "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters";

/// A DNS-1123 subdomain-like name: `payment-availability`, `api.latency-p99`.
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    let bytes = name.as_bytes();
    let ok = !bytes.is_empty()
        && bytes.len() <= 253
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.'))
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric);
    if ok {
        Ok(())
    } else {
        Err(format!("expected a name of {NAME_RULE}, found {name:?}"))
    }
}

/// A target written as a percentage (`99.9`, `"99.95%"`), read digit by digit.
pub(crate) fn percent(text: &str) -> Result<Target, String> {
    Target::parse_percent(&plain_decimal(text)).map_err(|e| e.to_string())
}

/// A number as written in a file, as plain decimal text: `99_9.5` loses its underscores and
/// an exponent form (`9.99e1`) becomes the shortest decimal text of that float, so exact
/// values are never passed through float arithmetic unless the file itself used an exponent.
pub(crate) fn plain_decimal(text: &str) -> String {
    let trimmed = text.trim();
    let unders = trimmed.replace('_', "");
    let is_exponent = unders.contains(['e', 'E'])
        && unders
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    match is_exponent.then(|| unders.parse::<f64>()) {
        Some(Ok(f)) if f.is_finite() => format!("{f}"),
        _ => unders,
    }
}

/// A period such as `30d`, `4w`, `28d`, `1d12h` (`crate::duration`'s grammar), in whole
/// seconds (at least one hour).
pub(crate) fn period(text: &str) -> Result<u64, String> {
    let bad =
        || format!("expected a period such as \"30d\", \"28d\", \"4w\" or \"7d\", found {text:?}");
    let d = crate::duration::parse_duration(text.trim()).map_err(|_| bad())?;
    if d.subsec_nanos() != 0 {
        return Err(bad());
    }
    let total = d.as_secs();
    if total < 3600 {
        return Err(format!(
            "expected a period of at least one hour, found {text:?}"
        ));
    }
    Ok(total)
}

/// Placeholders an SLI template may use.
pub(crate) const TEMPLATE_PLACEHOLDERS: [&str; 2] = [WINDOW, SELECTOR];

/// Checks an SLI template: it must use `$window`, no other placeholder than `$window` and
/// `$selector`, and be valid PromQL once they are filled in.
pub(crate) fn template(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("expected a PromQL template, found an empty string".to_string());
    }
    if let Some(word) = unknown_placeholder(text) {
        return Err(format!(
            "expected only the placeholders $window and $selector, found {word}"
        ));
    }
    if !text.contains(WINDOW) {
        return Err(format!(
            "expected a template with $window in its range selectors (rate(x[$window])), found none in {text:?}"
        ));
    }
    let filled = text
        .replace(WINDOW, "5m")
        .replace(SELECTOR, "watchdeck_selector=\"x\"");
    promql_parser::parser::parse(&filled)
        .map(|_| ())
        .map_err(|e| format!("expected valid PromQL, found {text:?}: {}", e.trim()))
}

fn unknown_placeholder(template: &str) -> Option<String> {
    crate::config::metrics::first_unknown_placeholder(template, &TEMPLATE_PLACEHOLDERS)
}

/// A Prometheus series selector (`http_requests_total{service="x"}`), checked by parsing.
pub(crate) fn selector(text: &str) -> Result<(), String> {
    match promql_parser::parser::parse(text) {
        Ok(promql_parser::parser::Expr::VectorSelector(_)) => Ok(()),
        Ok(_) => Err(format!(
            "expected a series selector such as http_requests_total{{service=\"x\"}}, found {text:?}"
        )),
        Err(e) => Err(format!(
            "expected a series selector, found {text:?}: {}",
            e.trim()
        )),
    }
}

/// A histogram bucket bound as written in the `le` label (`"0.2"`, `"1"`, `"+Inf"` refused).
pub(crate) fn le(text: &str) -> Result<String, String> {
    let t = plain_decimal(text);
    let ok = !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().filter(|c| *c == '.').count() <= 1
        && t.parse::<f64>().is_ok_and(|v| v > 0.0);
    if ok {
        Ok(t)
    } else {
        Err(format!(
            "expected a bucket bound in seconds such as \"0.2\", found {text:?}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slo::windows::DAY;

    #[test]
    fn periods_read_prometheus_units() {
        assert_eq!(period("30d"), Ok(30 * DAY));
        assert_eq!(period("4w"), Ok(28 * DAY));
        assert_eq!(period("1d12h"), Ok(36 * 3600));
        assert!(period("30").is_err());
        assert!(period("5m").unwrap_err().contains("at least one hour"));
        assert!(period("d").is_err());
    }

    #[test]
    fn numbers_keep_their_written_digits() {
        assert_eq!(plain_decimal("99.9"), "99.9");
        assert_eq!(plain_decimal("9_9.95"), "99.95");
        assert_eq!(plain_decimal("9.99e1"), "99.9");
        assert_eq!(percent("99.99").map(Target::ppm), Ok(999_900));
        assert!(percent("99.99999").unwrap_err().contains("precision"));
    }

    #[test]
    fn templates_need_window_and_valid_promql() {
        assert_eq!(template("sum(rate(x{a=\"b\",$selector}[$window]))"), Ok(()));
        assert!(
            template("sum(rate(x[5m]))")
                .unwrap_err()
                .contains("$window")
        );
        assert!(
            template("rate(x[$interval])")
                .unwrap_err()
                .contains("$interval")
        );
        assert!(
            template("sum(rate(x[$window])")
                .unwrap_err()
                .contains("expected valid PromQL")
        );
        assert!(selector("x{a=\"b\"}").is_ok());
        assert!(selector("rate(x[5m])").is_err());
        assert_eq!(le("0.25"), Ok("0.25".to_string()));
        assert!(le("fast").is_err());
        assert!(check_name("payment-availability").is_ok());
        assert!(check_name("Payment").is_err());
    }
}
