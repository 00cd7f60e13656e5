//! The error-budget arithmetic, pure: budget, burn rates, budget remaining and consumed over the
//! period, time until the budget runs out, and each alert tier's multiwindow status. The same
//! formulas as Sloth's and Pyrra's rules, so the console and the team's alerts agree.

use std::collections::BTreeMap;

use super::reading::{SloReading, WindowRatio};
use super::spec::SloSpec;
use super::windows::{BurnTier, Severity};
use crate::series::Num;
use crate::text::Text;

/// A tier counts as close to firing from this share of its threshold on.
pub const CLOSE_SHARE: f64 = 0.5;

/// How fast the budget burns: the error ratio over the budget (1 spends exactly the budget
/// over the period).
pub fn burn_rate(error_ratio: f64, budget: f64) -> f64 {
    error_ratio / budget
}

/// The share of the period's budget left: 1 - period error ratio / budget. Negative once the
/// budget is overspent.
pub fn budget_remaining(period_error_ratio: f64, budget: f64) -> f64 {
    1.0 - period_error_ratio / budget
}

/// The error ratio above which a tier with `factor` fires (1.44% for 14.4x at 99.9%).
pub fn threshold_ratio(factor: f64, budget: f64) -> f64 {
    factor * budget
}

/// When the budget runs out if it keeps burning at `burn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exhaustion {
    /// Already spent.
    Exhausted,
    /// Not burning (burn rate 0): never.
    Never,
    /// In this many seconds.
    In(u64),
}

/// Time until exhaustion: the remaining share of the budget, spent at `burn` budgets per
/// period, lasts `remaining x period / burn`. Burn rate 1 from a full budget ends exactly at
/// the period's end.
pub fn time_to_exhaustion(remaining: f64, burn: f64, period_secs: u64) -> Exhaustion {
    if remaining <= 0.0 {
        Exhaustion::Exhausted
    } else if burn <= 0.0 || !burn.is_finite() {
        Exhaustion::Never
    } else {
        let secs = remaining * period_secs as f64 / burn;
        if secs >= u64::MAX as f64 {
            Exhaustion::Never
        } else {
            Exhaustion::In(secs.round() as u64)
        }
    }
}

/// A tier's state now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TierState {
    /// Both windows above the threshold: the alert fires (after its `for`).
    Firing,
    /// Not firing, but the lower of the two windows is at `share` of the threshold (>= 50%).
    Close {
        share: Num,
    },
    Clear,
    /// A window has no data or no traffic.
    Unknown(Text),
}

impl TierState {
    pub fn is_firing(&self) -> bool {
        matches!(self, TierState::Firing)
    }
}

/// One tier's figures and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierStatus {
    pub tier: BurnTier,
    pub long_burn: Option<Num>,
    pub short_burn: Option<Num>,
    pub state: TierState,
}

/// A window whose request count is too low for a tier's threshold to mean much: one failed
/// request alone would move its ratio above the threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowTraffic {
    pub window_secs: u64,
    pub events: Num,
    /// The fewest events at which a single failure stays under the tier's threshold.
    pub min_events: Num,
    pub factor: Num,
}

/// Everything the screens and reports show about one SLO in one scope (a cluster or the fleet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// Why nothing is known; when set the figures below are empty.
    pub unknown: Option<Text>,
    /// The SLI now: good events over the shortest window (1 - error ratio).
    pub sli_now: Option<Num>,
    /// The SLI over the period.
    pub period_sli: Option<Num>,
    /// Share of the period's budget left (1 - consumed); negative once overspent.
    pub budget_remaining: Option<Num>,
    pub budget_consumed: Option<Num>,
    /// Burn rate by window length in seconds.
    pub burn: BTreeMap<u64, Num>,
    pub tiers: Vec<TierStatus>,
    /// At the burn rate of the fastest tier's long window.
    pub exhaustion: Option<Exhaustion>,
    pub low_traffic: Vec<LowTraffic>,
}

impl Evaluation {
    fn unknown(reason: Text) -> Self {
        Evaluation {
            unknown: Some(reason),
            sli_now: None,
            period_sli: None,
            budget_remaining: None,
            budget_consumed: None,
            burn: BTreeMap::new(),
            tiers: Vec::new(),
            exhaustion: None,
            low_traffic: Vec::new(),
        }
    }

    /// Whether a page tier fires.
    pub fn paging(&self) -> bool {
        self.tiers
            .iter()
            .any(|t| t.tier.severity == Severity::Page && t.state.is_firing())
    }

    /// Whether a ticket tier fires.
    pub fn ticketing(&self) -> bool {
        self.tiers
            .iter()
            .any(|t| t.tier.severity == Severity::Ticket && t.state.is_firing())
    }
}

/// The one-word summary of an SLO's tiers, hottest first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Headline {
    Page,
    Ticket,
    /// Not firing; the closest tier is at this share of its threshold.
    Close(f64),
    /// Nothing hot, but some tier could not be judged.
    PartlyUnknown,
    Ok,
}

impl Evaluation {
    pub fn headline(&self) -> Headline {
        if self.paging() {
            return Headline::Page;
        }
        if self.ticketing() {
            return Headline::Ticket;
        }
        let close = self
            .tiers
            .iter()
            .filter_map(|t| match t.state {
                TierState::Close { share } if share.0.is_finite() => Some(share.0),
                _ => None,
            })
            .max_by(f64::total_cmp);
        if let Some(share) = close {
            return Headline::Close(share);
        }
        if self
            .tiers
            .iter()
            .any(|t| matches!(t.state, TierState::Unknown(_)))
        {
            return Headline::PartlyUnknown;
        }
        Headline::Ok
    }
}

/// Judges `reading` against `spec`.
pub fn evaluate(spec: &SloSpec, reading: &SloReading) -> Evaluation {
    if let Some(problem) = &reading.problem {
        return Evaluation::unknown(problem.clone());
    }
    if !reading.warnings.is_empty() {
        let first = reading.warnings.first().map_or("", Text::as_str);
        return Evaluation::unknown(Text::new(&format!("partial data from Prometheus: {first}")));
    }
    let budget = spec.target.budget();
    let burn: BTreeMap<u64, Num> = reading
        .windows
        .iter()
        .filter_map(|(w, r)| Some((*w, Num(burn_rate(r.ratio?.0, budget)))))
        .collect();
    let sli_now = reading
        .windows
        .values()
        .find_map(|w| w.ratio)
        .map(|r| Num(1.0 - r.0));
    let period_ratio = reading.period.ratio.map(|r| r.0);
    let remaining = period_ratio.map(|r| budget_remaining(r, budget));
    let tiers: Vec<TierStatus> = spec
        .windows
        .tiers(spec.period.secs())
        .into_iter()
        .map(|tier| tier_status(tier, reading, budget))
        .collect();
    let exhaustion = tiers.first().and_then(|fastest| {
        let burn = burn.get(&fastest.tier.long_secs)?.0;
        Some(time_to_exhaustion(remaining?, burn, spec.period.secs()))
    });
    Evaluation {
        unknown: None,
        sli_now,
        period_sli: period_ratio.map(|r| Num(1.0 - r)),
        budget_remaining: remaining.map(Num),
        budget_consumed: remaining.map(|r| Num(1.0 - r)),
        burn,
        low_traffic: low_traffic(&tiers, reading, budget),
        tiers,
        exhaustion,
    }
}

fn tier_status(tier: BurnTier, reading: &SloReading, budget: f64) -> TierStatus {
    let burn_of = |secs: u64| -> Result<f64, String> {
        let window = reading.window(secs).copied().unwrap_or_default();
        match window {
            WindowRatio { ratio: Some(r), .. } => Ok(burn_rate(r.0, budget)),
            WindowRatio {
                events: Some(e), ..
            } if e.0 == 0.0 => Err(format!(
                "no traffic in {}",
                super::windows::promql_duration(secs)
            )),
            _ => Err(format!(
                "no data for {}",
                super::windows::promql_duration(secs)
            )),
        }
    };
    let long = burn_of(tier.long_secs);
    let short = burn_of(tier.short_secs);
    let state = match (&long, &short) {
        (Ok(l), Ok(s)) if *l > tier.factor && *s > tier.factor => TierState::Firing,
        (Ok(l), Ok(s)) => {
            let share = l.min(*s) / tier.factor;
            if share >= CLOSE_SHARE {
                TierState::Close { share: Num(share) }
            } else {
                TierState::Clear
            }
        }
        (Err(why), _) | (_, Err(why)) => TierState::Unknown(Text::new(why)),
    };
    TierStatus {
        tier,
        long_burn: long.ok().map(Num),
        short_burn: short.ok().map(Num),
        state,
    }
}

/// The fewest events in a window for which one failure stays under `factor x budget`.
pub fn min_events(factor: f64, budget: f64) -> f64 {
    (1.0 / threshold_ratio(factor, budget)).ceil()
}

fn low_traffic(tiers: &[TierStatus], reading: &SloReading, budget: f64) -> Vec<LowTraffic> {
    let mut out: Vec<LowTraffic> = Vec::new();
    for status in tiers {
        for secs in [status.tier.short_secs, status.tier.long_secs] {
            let Some(events) = reading.window(secs).and_then(|w| w.events) else {
                continue;
            };
            let needed = min_events(status.tier.factor, budget);
            if events.0 < needed && !out.iter().any(|l| l.window_secs == secs) {
                out.push(LowTraffic {
                    window_secs: secs,
                    events,
                    min_events: Num(needed),
                    factor: Num(status.tier.factor),
                });
            }
        }
    }
    out.sort_by_key(|l| l.window_secs);
    out
}

#[cfg(test)]
#[path = "math_tests.rs"]
mod tests;
