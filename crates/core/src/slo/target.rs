//! SLO targets held exactly, as parts per million of good events, so that the error budget is
//! an integer subtraction (`1_000_000 - 999_900`) and never `100.0 - 99.99` in floating point.

use std::fmt;

/// Parts per million in a whole.
pub const MILLION: u32 = 1_000_000;

/// An objective: the share of events that must be good, exactly, in parts per million.
/// 99.9% is 999_000 ppm; 99.999% is 999_990 ppm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target(u32);

/// Why a target string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("`{0}` is not a number (write a percentage such as 99.9)")]
    NotANumber(String),
    #[error(
        "`{0}` has more precision than watchdeck keeps (at most 4 decimals of a percent, 0.0001%)"
    )]
    TooPrecise(String),
    #[error(
        "`{0}` is outside (0, 100): a target must leave some error budget and allow some success"
    )]
    OutOfRange(String),
}

impl Target {
    /// A target from parts per million; `None` unless strictly between 0 and 1,000,000.
    pub const fn from_ppm(ppm: u32) -> Option<Target> {
        if ppm > 0 && ppm < MILLION {
            Some(Target(ppm))
        } else {
            None
        }
    }

    /// A percentage such as `99.9`, `99.95%` or `99.999`, read digit by digit (no float).
    pub fn parse_percent(text: &str) -> Result<Target, TargetError> {
        let trimmed = text.trim();
        let number = trimmed.strip_suffix('%').unwrap_or(trimmed).trim();
        // A percent with 4 decimals is ppm: 99.9999% = 999_999 ppm.
        Self::from_decimal(number, 4, text)
    }

    /// A ratio such as `0.999` (Pyrra's and OpenSLO's `target`), read digit by digit.
    pub fn parse_ratio(text: &str) -> Result<Target, TargetError> {
        Self::from_decimal(text.trim(), 6, text)
    }

    /// `number` scaled by 10^`decimals` must be a whole number of ppm.
    fn from_decimal(number: &str, decimals: usize, original: &str) -> Result<Target, TargetError> {
        let not_a_number = || TargetError::NotANumber(original.trim().to_string());
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
            return Err(not_a_number());
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > decimals {
            return Err(TargetError::TooPrecise(original.trim().to_string()));
        }
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|_| TargetError::OutOfRange(original.trim().to_string()))?
        };
        let mut scaled = whole.checked_mul(10u64.pow(decimals as u32));
        if !fraction.is_empty() {
            let frac: u64 = fraction.parse().map_err(|_| not_a_number())?;
            let pad = 10u64.pow((decimals - fraction.len()) as u32);
            scaled = scaled.and_then(|s| s.checked_add(frac * pad));
        }
        scaled
            .and_then(|ppm| u32::try_from(ppm).ok())
            .and_then(Target::from_ppm)
            .ok_or_else(|| TargetError::OutOfRange(original.trim().to_string()))
    }

    pub const fn ppm(self) -> u32 {
        self.0
    }

    /// The error budget in parts per million: exact.
    pub const fn budget_ppm(self) -> u32 {
        MILLION - self.0
    }

    /// The error budget as a ratio (0.001 for 99.9%): one division of exact integers.
    pub fn budget(self) -> f64 {
        f64::from(self.budget_ppm()) / f64::from(MILLION)
    }

    /// The target as a ratio (0.999 for 99.9%).
    pub fn ratio(self) -> f64 {
        f64::from(self.0) / f64::from(MILLION)
    }

    /// The target as a ratio in the shortest decimal text (`0.999`), for PromQL and exports.
    pub fn ratio_text(self) -> String {
        decimal(self.0, 6)
    }
}

/// `value / 10^decimals` written exactly, without trailing zeros.
fn decimal(value: u32, decimals: u32) -> String {
    let scale = 10u32.pow(decimals);
    let whole = value / scale;
    let fraction = value % scale;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:0width$}", width = decimals as usize);
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

impl fmt::Display for Target {
    /// As a percentage: `99.9%`, `99.995%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", decimal(self.0, 4))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_parse_exactly() {
        let cases = [
            ("99.9", 999_000),
            ("99.95%", 999_500),
            ("99.99", 999_900),
            ("99.999", 999_990),
            ("99.9999", 999_999),
            ("99.90000", 999_000),
            ("95", 950_000),
            (" 99.5 % ", 995_000),
            (".5", 5_000),
        ];
        for (text, ppm) in cases {
            assert_eq!(
                Target::parse_percent(text).map(Target::ppm),
                Ok(ppm),
                "{text}"
            );
        }
    }

    #[test]
    fn ratios_parse_exactly() {
        assert_eq!(Target::parse_ratio("0.999").map(Target::ppm), Ok(999_000));
        assert_eq!(Target::parse_ratio("0.99995").map(Target::ppm), Ok(999_950));
        assert_eq!(
            Target::parse_ratio("0.999999").map(Target::ppm),
            Ok(999_999)
        );
    }

    #[test]
    fn bad_targets_say_why() {
        assert!(matches!(
            Target::parse_percent("abc"),
            Err(TargetError::NotANumber(_))
        ));
        assert!(matches!(
            Target::parse_percent("99.99999"),
            Err(TargetError::TooPrecise(_))
        ));
        assert!(matches!(
            Target::parse_percent("100"),
            Err(TargetError::OutOfRange(_))
        ));
        assert!(matches!(
            Target::parse_percent("0"),
            Err(TargetError::OutOfRange(_))
        ));
        assert!(matches!(
            Target::parse_percent("-1"),
            Err(TargetError::NotANumber(_))
        ));
        assert!(matches!(
            Target::parse_percent("1e3"),
            Err(TargetError::NotANumber(_))
        ));
        assert!(matches!(
            Target::parse_ratio("1.5"),
            Err(TargetError::OutOfRange(_))
        ));
        assert!(matches!(
            Target::parse_percent("99999999999999999999"),
            Err(TargetError::OutOfRange(_))
        ));
    }

    #[test]
    fn budget_is_exact_integer_arithmetic() {
        let t = Target::parse_percent("99.99").unwrap();
        assert_eq!(t.budget_ppm(), 100);
        // 100.0 - 99.99 in f64 is 0.010000000000005116; the budget must not carry that error.
        assert_eq!(t.budget(), 0.0001);
        assert_eq!(Target::parse_percent("99.9").unwrap().budget(), 0.001);
    }

    #[test]
    fn targets_display_as_percent_and_ratio() {
        let t = Target::parse_percent("99.995").unwrap();
        assert_eq!(t.to_string(), "99.995%");
        assert_eq!(t.ratio_text(), "0.99995");
        assert_eq!(Target::parse_percent("95").unwrap().to_string(), "95%");
    }
}
