//! The multiwindow, multi-burn-rate alert tiers of Sloth and Pyrra, so the console judges an
//! SLO with exactly the windows and factors the team's own alert rules use.

use std::fmt;

/// Seconds in common units.
pub const MINUTE: u64 = 60;
pub const HOUR: u64 = 3600;
pub const DAY: u64 = 86_400;

/// The burn-rate windows every SLO list shows, whatever its tiers use.
pub const DISPLAY_WINDOWS: [u64; 5] = [5 * MINUTE, HOUR, 6 * HOUR, DAY, 3 * DAY];

/// How urgent a tier's alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Wake someone up (Sloth `page`, Pyrra `critical`).
    Page,
    /// Look at it during working hours (Sloth `ticket`, Pyrra `warning`).
    Ticket,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Page => "page",
            Severity::Ticket => "ticket",
        }
    }
}

/// One multiwindow alert condition: fires when the error ratio over both the long and the
/// short window exceeds `factor` times the error budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnTier {
    pub severity: Severity,
    pub long_secs: u64,
    pub short_secs: u64,
    /// The burn-rate threshold.
    pub factor: f64,
    /// How long the condition must hold before the alert fires (Pyrra's `for`; 0 for Sloth).
    pub for_secs: u64,
}

impl Eq for BurnTier {}

/// Whose windows and factors an SLO uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WindowPolicy {
    /// Sloth: fixed windows (1h/5m, 6h/30m, 1d/2h, 3d/6h), factor = budget share x period /
    /// long window (14.4, 6, 3, 1 for 30 days).
    #[default]
    Sloth,
    /// Pyrra: windows scaled to the period from the 28-day ones (1h/5m, 6h/30m, 1d/2h,
    /// 4d/6h), rounded to the minute; factors 14, 7, 2, 1.
    Pyrra,
}

impl WindowPolicy {
    pub fn label(self) -> &'static str {
        match self {
            WindowPolicy::Sloth => "sloth",
            WindowPolicy::Pyrra => "pyrra",
        }
    }

    /// The four tiers for an SLO period of `period_secs`, fastest first.
    pub fn tiers(self, period_secs: u64) -> [BurnTier; 4] {
        match self {
            WindowPolicy::Sloth => sloth_tiers(period_secs),
            WindowPolicy::Pyrra => pyrra_tiers(period_secs),
        }
    }
}

/// Sloth's default windows with the share of the budget each may consume.
fn sloth_tiers(period_secs: u64) -> [BurnTier; 4] {
    // (severity, long, short, budget share)
    const TIERS: [(Severity, u64, u64, f64); 4] = [
        (Severity::Page, HOUR, 5 * MINUTE, 0.02),
        (Severity::Page, 6 * HOUR, 30 * MINUTE, 0.05),
        (Severity::Ticket, DAY, 2 * HOUR, 0.10),
        (Severity::Ticket, 3 * DAY, 6 * HOUR, 0.10),
    ];
    TIERS.map(|(severity, long, short, share)| BurnTier {
        severity,
        long_secs: long,
        short_secs: short,
        factor: share * period_secs as f64 / long as f64,
        for_secs: 0,
    })
}

/// Pyrra's windows: each a fixed fraction of the period, rounded to the minute as Go's
/// `Duration.Round(time.Minute)` does (halves away from zero).
fn pyrra_tiers(period_secs: u64) -> [BurnTier; 4] {
    // (severity, for divisor, long divisor or multiplier, short divisor, factor) for 28 days:
    // for = period / d_for, long = period / d_long, short = period / d_short.
    let scaled = |divisor: u64| round_minute(period_secs as f64 / divisor as f64);
    [
        BurnTier {
            severity: Severity::Page,
            for_secs: scaled(28 * 24 * 30),
            long_secs: scaled(28 * 24),
            short_secs: scaled(28 * 24 * 12),
            factor: 14.0,
        },
        BurnTier {
            severity: Severity::Page,
            for_secs: scaled(28 * 24 * 4),
            long_secs: scaled(28 * 4),
            short_secs: scaled(28 * 24 * 2),
            factor: 7.0,
        },
        BurnTier {
            severity: Severity::Ticket,
            for_secs: scaled(28 * 24),
            long_secs: scaled(28),
            short_secs: scaled(28 * 12),
            factor: 2.0,
        },
        BurnTier {
            severity: Severity::Ticket,
            for_secs: scaled(28 * 8),
            long_secs: scaled(7),
            short_secs: scaled(28 * 4),
            factor: 1.0,
        },
    ]
}

fn round_minute(secs: f64) -> u64 {
    ((secs / 60.0).round() as u64) * 60
}

/// Every window an SLO needs: the display windows and its tiers' windows, ascending, unique.
pub fn needed_windows(policy: WindowPolicy, period_secs: u64) -> Vec<u64> {
    let mut windows: Vec<u64> = DISPLAY_WINDOWS.to_vec();
    for tier in policy.tiers(period_secs) {
        windows.push(tier.long_secs);
        windows.push(tier.short_secs);
    }
    windows.retain(|w| *w > 0);
    windows.sort_unstable();
    windows.dedup();
    windows
}

/// A duration in seconds in Prometheus notation: `5m`, `1h`, `1h4m`, `30d`, `90s`.
pub fn promql_duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = secs;
    for (unit, name) in [(DAY, "d"), (HOUR, "h"), (MINUTE, "m"), (1, "s")] {
        if rest >= unit {
            out.push_str(&format!("{}{name}", rest / unit));
            rest %= unit;
        }
    }
    out
}

/// A period such as 30 days, in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period(pub u64);

impl Period {
    pub const DAYS_7: Period = Period(7 * DAY);
    pub const DAYS_28: Period = Period(28 * DAY);
    pub const DAYS_30: Period = Period(30 * DAY);

    pub fn secs(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&promql_duration(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factors(policy: WindowPolicy, period: Period) -> Vec<f64> {
        policy
            .tiers(period.secs())
            .iter()
            .map(|t| (t.factor * 1000.0).round() / 1000.0)
            .collect()
    }

    #[test]
    fn sloth_factors_follow_budget_share_times_period_over_long_window() {
        assert_eq!(
            factors(WindowPolicy::Sloth, Period::DAYS_30),
            [14.4, 6.0, 3.0, 1.0]
        );
        assert_eq!(
            factors(WindowPolicy::Sloth, Period::DAYS_28),
            [13.44, 5.6, 2.8, 0.933]
        );
        let windows: Vec<(u64, u64)> = WindowPolicy::Sloth
            .tiers(Period::DAYS_30.secs())
            .iter()
            .map(|t| (t.long_secs, t.short_secs))
            .collect();
        assert_eq!(
            windows,
            [
                (HOUR, 300),
                (6 * HOUR, 1800),
                (DAY, 2 * HOUR),
                (3 * DAY, 6 * HOUR)
            ]
        );
    }

    #[test]
    fn pyrra_windows_scale_with_the_period() {
        let w = |period: Period| -> Vec<(u64, u64, u64)> {
            WindowPolicy::Pyrra
                .tiers(period.secs())
                .iter()
                .map(|t| (t.long_secs, t.short_secs, t.for_secs))
                .collect()
        };
        assert_eq!(
            w(Period::DAYS_28),
            [
                (HOUR, 5 * MINUTE, 2 * MINUTE),
                (6 * HOUR, 30 * MINUTE, 15 * MINUTE),
                (DAY, 2 * HOUR, HOUR),
                (4 * DAY, 6 * HOUR, 3 * HOUR),
            ]
        );
        // 30d / 672 = 3857.14 s, which Go rounds to 1h4m; 30d / 8064 = 321.4 s -> 5m.
        assert_eq!(
            w(Period::DAYS_30),
            [
                (64 * MINUTE, 5 * MINUTE, 2 * MINUTE),
                (386 * MINUTE, 32 * MINUTE, 16 * MINUTE),
                (1543 * MINUTE, 129 * MINUTE, 64 * MINUTE),
                (6171 * MINUTE, 386 * MINUTE, 193 * MINUTE),
            ]
        );
        assert_eq!(
            factors(WindowPolicy::Pyrra, Period::DAYS_30),
            [14.0, 7.0, 2.0, 1.0]
        );
        assert_eq!(
            factors(WindowPolicy::Pyrra, Period::DAYS_7),
            [14.0, 7.0, 2.0, 1.0],
            "Pyrra keeps its factors and scales the windows"
        );
        let seven = WindowPolicy::Pyrra.tiers(Period::DAYS_7.secs());
        assert_eq!(
            (seven[0].long_secs, seven[0].short_secs),
            (15 * MINUTE, MINUTE)
        );
    }

    #[test]
    fn needed_windows_cover_display_and_tiers() {
        assert_eq!(
            needed_windows(WindowPolicy::Sloth, Period::DAYS_30.secs()),
            [300, 1800, HOUR, 2 * HOUR, 6 * HOUR, DAY, 3 * DAY]
        );
        let pyrra = needed_windows(WindowPolicy::Pyrra, Period::DAYS_28.secs());
        assert!(pyrra.contains(&(4 * DAY)) && pyrra.contains(&(3 * DAY)));
    }

    #[test]
    fn durations_print_like_prometheus() {
        assert_eq!(promql_duration(300), "5m");
        assert_eq!(promql_duration(3840), "1h4m");
        assert_eq!(promql_duration(30 * DAY), "30d");
        assert_eq!(promql_duration(90), "1m30s");
        assert_eq!(Period::DAYS_28.to_string(), "28d");
    }
}
