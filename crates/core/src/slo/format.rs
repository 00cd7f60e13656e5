//! SLO figures as short text, shared by the screens and the headless reports so both say the
//! same thing: burn rates `12.3x`, SLIs `99.961%`, budgets `74.3%`, exhaustion `1d 12h`.

use super::math::{Exhaustion, Headline, TierState, TierStatus};
use super::windows::promql_duration;

/// A burn rate: `0.02x`, `1.3x`, `14.4x`, `812x`.
pub fn burn(rate: f64) -> String {
    if !rate.is_finite() {
        return "-".to_string();
    }
    // A hair below zero comes from counters scraped a moment apart: it means no burn.
    let rate = rate.max(0.0);
    if rate >= 100.0 {
        format!("{rate:.0}x")
    } else if rate >= 0.995 {
        format!("{rate:.1}x")
    } else {
        format!("{rate:.2}x")
    }
}

/// An SLI (good share): enough decimals to tell 99.99% from 99.999%, without trailing
/// zeros: `99.9612%`, `92.31%`, `100%`.
pub fn sli(good: f64) -> String {
    let percent = good.clamp(0.0, 1.0) * 100.0;
    let text = if percent >= 99.0 {
        format!("{percent:.4}")
    } else {
        format!("{percent:.2}")
    };
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Budget left: `74.3%`, `-35.0%` (overspent).
pub fn budget(remaining: f64) -> String {
    format!("{:.1}%", remaining * 100.0)
}

/// A horizon in its two largest units: `1d 12h`, `3h 20m`, `12m`, `45s`.
pub fn horizon(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) if h > 0 && d < 10 => format!("{d}d {h}h"),
        (d, _, _) => format!("{d}d"),
    }
}

/// Time until the budget runs out; beyond the period it is `> 30d` (the budget outlasts it).
pub fn exhaustion(e: Option<Exhaustion>, period_secs: u64) -> String {
    match e {
        None => "-".to_string(),
        Some(Exhaustion::Exhausted) => "exhausted".to_string(),
        Some(Exhaustion::Never) => "never".to_string(),
        Some(Exhaustion::In(secs)) if secs > period_secs => {
            format!("> {}", promql_duration(period_secs))
        }
        Some(Exhaustion::In(secs)) => horizon(secs),
    }
}

/// An amount of time with up to 4 significant digits: `8.64 s`, `4.32 min`, `52.56 min`,
/// `8.76 h`, `3.65 d` (budgets and allowed downtime).
pub fn amount(secs: f64) -> String {
    let (value, unit) = if secs < 60.0 {
        (secs, "s")
    } else if secs < 3600.0 {
        (secs / 60.0, "min")
    } else if secs < 86_400.0 {
        (secs / 3600.0, "h")
    } else {
        (secs / 86_400.0, "d")
    };
    let decimals = if value >= 1000.0 {
        0
    } else if value >= 100.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text} {unit}")
}

/// The SLO's headline state: `PAGE`, `ticket`, `close 75%`, `partly unknown` or `ok`.
pub fn headline(h: Headline) -> String {
    match h {
        Headline::Page => "PAGE".to_string(),
        Headline::Ticket => "ticket".to_string(),
        Headline::Close(share) => format!("close {:.0}%", share * 100.0),
        Headline::PartlyUnknown => "partly unknown".to_string(),
        Headline::Ok => "ok".to_string(),
    }
}

/// A tier's state in a word or two: `FIRING`, `close 75%`, `ok`, `unknown: no data for 1h`.
pub fn tier_state(state: &TierState) -> String {
    match state {
        TierState::Firing => "FIRING".to_string(),
        TierState::Close { share } => format!("close {:.0}%", share.0 * 100.0),
        TierState::Clear => "ok".to_string(),
        TierState::Unknown(why) => format!("unknown: {why}"),
    }
}

/// A tier's windows and factor: `1h/5m > 14.4x`.
pub fn tier_rule(status: &TierStatus) -> String {
    format!(
        "{}/{} > {}",
        promql_duration(status.tier.long_secs),
        promql_duration(status.tier.short_secs),
        burn(status.tier.factor)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_well() {
        assert_eq!(burn(14.4), "14.4x");
        assert_eq!(burn(0.933), "0.93x");
        assert_eq!(burn(812.4), "812x");
        assert_eq!(burn(-0.0016), "0.00x");
        assert_eq!(sli(1.000006), "100%");
        assert_eq!(sli(0.999612), "99.9612%");
        assert_eq!(sli(0.9231), "92.31%");
        assert_eq!(sli(1.0), "100%");
        assert_eq!(sli(0.92), "92%");
        assert_eq!(budget(-0.35), "-35.0%");
        assert_eq!(horizon(36 * 3600), "1d 12h");
        assert_eq!(horizon(3 * 3600 + 20 * 60), "3h 20m");
        assert_eq!(horizon(45), "45s");
        assert_eq!(horizon(40 * 86_400), "40d");
        assert_eq!(amount(43.2 * 60.0), "43.2 min");
        assert_eq!(amount(25.92), "25.92 s");
        assert_eq!(amount(8.64), "8.64 s");
        assert_eq!(amount(259.2), "4.32 min");
        assert_eq!(amount(3153.6), "52.56 min");
        assert_eq!(amount(31_536.0), "8.76 h");
        assert_eq!(amount(315.36), "5.26 min");
        assert_eq!(amount(0.864), "0.86 s");
        assert_eq!(headline(Headline::Close(0.754)), "close 75%");
        assert_eq!(exhaustion(Some(Exhaustion::Exhausted), 86_400), "exhausted");
        assert_eq!(exhaustion(Some(Exhaustion::In(90_000)), 86_400), "> 1d");
        assert_eq!(exhaustion(Some(Exhaustion::In(3_600)), 86_400), "1h");
    }
}
