//! Go's float formatting, reproduced where clients compare our text with Prometheus's: API
//! sample values (`'f', -1`), exposition and template `%v` (`'g', -1`), `%.4g`, `'e', -1`.

use crate::clock::Millis;

fn special(f: f64) -> Option<&'static str> {
    if f.is_nan() {
        Some("NaN")
    } else if f == f64::INFINITY {
        Some("+Inf")
    } else if f == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

/// A sample value as the Prometheus API writes it: `strconv.FormatFloat(f, 'f', -1, 64)`.
pub fn api_value(f: f64) -> String {
    match special(f) {
        Some(s) => s.to_string(),
        None => format!("{f}"),
    }
}

/// A timestamp in the API's unix-seconds form: whole seconds, then `.` and three digits
/// only when the milliseconds are not zero (Prometheus's `marshalTimestamp`).
pub fn api_timestamp(ms: Millis) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let abs = ms.unsigned_abs();
    let (secs, frac) = (abs / 1000, abs % 1000);
    if frac == 0 {
        format!("{sign}{secs}")
    } else {
        format!("{sign}{secs}.{frac:03}")
    }
}

/// Splits `{:e}` output of a finite float into mantissa digits text and decimal exponent.
fn sci_parts(formatted: &str) -> (&str, i32) {
    match formatted.split_once('e') {
        Some((mantissa, exp)) => (mantissa, exp.parse().unwrap_or(0)),
        None => (formatted, 0),
    }
}

fn go_exponent(mantissa: &str, exp: i32) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// `strconv.FormatFloat(f, 'e', -1, 64)`: shortest mantissa, two-digit exponent ("1e+00").
pub fn format_e(f: f64) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    let text = format!("{f:e}");
    let (mantissa, exp) = sci_parts(&text);
    go_exponent(mantissa, exp)
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` (also fmt's `%v`): shortest digits, exponent form
/// when the decimal exponent is below -4 or at least 6 (so 1234567 is "1.234567e+06").
pub fn format_g(f: f64) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let text = format!("{f:e}");
    let (mantissa, exp) = sci_parts(&text);
    if !(-4..6).contains(&exp) {
        return go_exponent(mantissa, exp);
    }
    format!("{f}")
}

/// fmt's `%.{prec}g`: `prec` significant digits, trailing zeros removed, exponent form when
/// the exponent is below -4 or not below `prec`.
pub fn format_g_prec(f: f64, prec: usize) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    let prec = prec.max(1);
    let text = format!("{f:.*e}", prec - 1);
    let (mantissa, exp) = sci_parts(&text);
    if exp < -4 || exp >= prec as i32 {
        return go_exponent(trim_fraction(mantissa), exp);
    }
    let decimals = (prec as i32 - 1 - exp).max(0) as usize;
    trim_fraction(&format!("{f:.decimals$}")).to_string()
}

/// fmt's `%.{prec}f`.
pub fn format_f_prec(f: f64, prec: usize) -> String {
    match special(f) {
        Some(s) => s.to_string(),
        None => format!("{f:.prec$}"),
    }
}

fn trim_fraction(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        let cases: [(&str, String, &str); 16] = [
            ("api 0.1", api_value(0.1), "0.1"),
            ("api 1e21", api_value(1e21), "1000000000000000000000"),
            ("api +Inf", api_value(f64::INFINITY), "+Inf"),
            ("api NaN", api_value(f64::NAN), "NaN"),
            ("ts whole", api_timestamp(1_435_781_451_000), "1435781451"),
            (
                "ts frac",
                api_timestamp(1_435_781_451_500),
                "1435781451.500",
            ),
            ("ts small frac", api_timestamp(1_005), "1.005"),
            ("e one", format_e(1.0), "1e+00"),
            ("e frac", format_e(0.35), "3.5e-01"),
            ("g small", format_g(0.0001), "0.0001"),
            ("g tiny", format_g(0.00001), "1e-05"),
            ("g big", format_g(123456.0), "123456"),
            ("4g", format_g_prec(12345.0, 4), "1.234e+04"),
            ("4g frac", format_g_prec(0.12345678, 4), "0.1235"),
            ("4g int", format_g_prec(5.0, 4), "5"),
            ("2f", format_f_prec(0.12345, 2), "0.12"),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn shortest_g_switches_to_exponent_at_six_digits() {
        assert_eq!(format_g(999_999.0), "999999");
        assert_eq!(format_g(1_234_567.0), "1.234567e+06");
        assert_eq!(format_g(-0.5), "-0.5");
    }
}
