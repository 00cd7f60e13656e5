use std::collections::BTreeMap;

use jiff::Timestamp;

use super::*;
use crate::slo::reading::{ReadingSource, SloReading, WindowRatio};
use crate::slo::spec::{Sli, SloData, SloSpec};
use crate::slo::target::Target;
use crate::slo::windows::{DAY, HOUR, Period, WindowPolicy};

fn spec(target: &str, period: Period, windows: WindowPolicy) -> SloSpec {
    SloSpec {
        name: Text::new("api-availability"),
        service: Text::new("api"),
        description: Text::default(),
        clusters: Vec::new(),
        fleet: false,
        target: Target::parse_percent(target).unwrap(),
        period,
        sli: Sli::Ratio {
            errors: "e".into(),
            total: "t".into(),
        },
        windows,
        data: SloData::Query,
        origin: Text::new("test"),
    }
}

fn reading(ratios: &[(u64, f64)], period_ratio: f64, events: f64) -> SloReading {
    SloReading {
        at: Timestamp::from_second(1_700_000_000).unwrap(),
        windows: ratios
            .iter()
            .map(|(w, r)| (*w, WindowRatio::new(Some(*r), Some(events))))
            .collect(),
        period: WindowRatio::new(Some(period_ratio), Some(events * 100.0)),
        source: ReadingSource::Query,
        problem: None,
        warnings: Vec::new(),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn budget_in_time_matches_the_known_figures() {
    let cases = [
        ("99.9", 43.2 * 60.0),
        ("99.99", 4.32 * 60.0),
        ("99.999", 25.92),
        ("99.5", 216.0 * 60.0),
    ];
    for (target, secs) in cases {
        let s = spec(target, Period::DAYS_30, WindowPolicy::Sloth);
        assert!(
            close(s.budget_secs(), secs),
            "{target}: {} s",
            s.budget_secs()
        );
    }
}

#[test]
fn page_threshold_at_three_nines_is_a_1_44_percent_error_ratio() {
    let s = spec("99.9", Period::DAYS_30, WindowPolicy::Sloth);
    let tier = s.windows.tiers(s.period.secs())[0];
    assert!(close(
        threshold_ratio(tier.factor, s.target.budget()),
        0.0144
    ));
}

#[test]
fn burn_rate_is_error_ratio_over_budget() {
    assert!(close(burn_rate(0.0144, 0.001), 14.4));
    assert!(close(burn_rate(0.0, 0.001), 0.0));
    assert!(close(burn_rate(0.08, 0.0001), 800.0));
}

#[test]
fn page_tier_fires_only_when_both_windows_exceed_the_factor() {
    let s = spec("99.9", Period::DAYS_30, WindowPolicy::Sloth);
    let both = reading(&[(300, 0.02), (HOUR, 0.015)], 0.0001, 10_000.0);
    let e = evaluate(&s, &both);
    assert_eq!(e.tiers[0].state, TierState::Firing);
    assert!(e.paging());
    // The short window has recovered: the long one alone does not page (reset quickly).
    let recovered = reading(&[(300, 0.0001), (HOUR, 0.015)], 0.0001, 10_000.0);
    let e = evaluate(&s, &recovered);
    assert_eq!(e.tiers[0].state, TierState::Clear);
    assert!(!e.paging());
}

#[test]
fn close_to_firing_reports_how_close() {
    let s = spec("99.9", Period::DAYS_30, WindowPolicy::Sloth);
    // 1h burns at 12x and 5m at 10.8x of a 14.4x threshold: 75% of the way.
    let r = reading(&[(300, 0.0108), (HOUR, 0.012)], 0.0, 10_000.0);
    let e = evaluate(&s, &r);
    match &e.tiers[0].state {
        TierState::Close { share } => assert!(close(share.0, 0.75)),
        other => panic!("expected close, got {other:?}"),
    }
}

#[test]
fn missing_window_makes_the_tier_unknown_never_clear() {
    let s = spec("99.9", Period::DAYS_30, WindowPolicy::Sloth);
    let r = reading(&[(300, 0.5)], 0.0, 10_000.0);
    let e = evaluate(&s, &r);
    assert_eq!(
        e.tiers[0].state,
        TierState::Unknown(Text::new("no data for 1h"))
    );
    let mut idle = reading(&[(300, 0.0)], 0.0, 0.0);
    idle.windows.insert(HOUR, WindowRatio::new(None, Some(0.0)));
    let e = evaluate(&s, &idle);
    assert_eq!(
        e.tiers[0].state,
        TierState::Unknown(Text::new("no traffic in 1h"))
    );
}

#[test]
fn a_problem_or_partial_answer_makes_the_whole_slo_unknown() {
    let s = spec("99.9", Period::DAYS_30, WindowPolicy::Sloth);
    let mut r = reading(&[(300, 0.0)], 0.0, 100.0);
    r.warnings.push(Text::new("store eu unavailable"));
    let e = evaluate(&s, &r);
    assert!(
        e.unknown
            .as_ref()
            .unwrap()
            .as_str()
            .contains("store eu unavailable")
    );
    assert_eq!(e.budget_remaining, None);
    let r = SloReading::unknown(r.at, "stale: last answer 3m ago");
    assert_eq!(
        evaluate(&s, &r).unknown,
        Some(Text::new("stale: last answer 3m ago"))
    );
}

#[test]
fn budget_remaining_and_consumed_over_the_period() {
    let s = spec("99.9", Period::DAYS_30, WindowPolicy::Sloth);
    let e = evaluate(&s, &reading(&[(300, 0.0)], 0.00025, 1e6));
    assert!(close(e.budget_remaining.unwrap().0, 0.75));
    assert!(close(e.budget_consumed.unwrap().0, 0.25));
    assert!(close(e.period_sli.unwrap().0, 0.99975));
    let overspent = evaluate(&s, &reading(&[(300, 0.0)], 0.003, 1e6));
    assert!(close(overspent.budget_remaining.unwrap().0, -2.0));
    assert_eq!(overspent.exhaustion, None, "no 1h window in this reading");
}

#[test]
fn exhaustion_uses_the_fastest_tiers_long_window() {
    let s = spec("99.9", Period::DAYS_30, WindowPolicy::Sloth);
    // Half the budget left, burning at 10x over 1h: 0.5 * 30d / 10 = 1.5 days.
    let e = evaluate(&s, &reading(&[(300, 0.0), (HOUR, 0.01)], 0.0005, 1e6));
    assert_eq!(e.exhaustion, Some(Exhaustion::In(36 * HOUR)));
    let idle = evaluate(&s, &reading(&[(300, 0.0), (HOUR, 0.0)], 0.0005, 1e6));
    assert_eq!(idle.exhaustion, Some(Exhaustion::Never));
    let spent = evaluate(&s, &reading(&[(HOUR, 0.01)], 0.002, 1e6));
    assert_eq!(spent.exhaustion, Some(Exhaustion::Exhausted));
}

#[test]
fn low_traffic_is_flagged_when_one_failure_would_cross_the_threshold() {
    // 99.9% at 14.4x: threshold 1.44%, so fewer than 70 requests cannot be judged.
    assert_eq!(min_events(14.4, 0.001), 70.0);
    // 99.99%: 0.144% -> 695 requests.
    assert_eq!(min_events(14.4, 0.0001), 695.0);
    let s = spec("99.9", Period::DAYS_30, WindowPolicy::Sloth);
    let e = evaluate(&s, &reading(&[(300, 0.0), (HOUR, 0.0)], 0.0, 40.0));
    let flagged: Vec<u64> = e.low_traffic.iter().map(|l| l.window_secs).collect();
    assert!(
        flagged.contains(&300) && flagged.contains(&HOUR),
        "{flagged:?}"
    );
    let busy = evaluate(&s, &reading(&[(300, 0.0), (HOUR, 0.0)], 0.0, 1e6));
    assert!(busy.low_traffic.is_empty());
}

#[test]
fn pyrra_slo_is_judged_with_pyrra_windows() {
    let s = spec("99.9", Period::DAYS_28, WindowPolicy::Pyrra);
    // 13.7x sits between Sloth's 13.44x (28 days) and Pyrra's 14x: the policy decides.
    let r = reading(&[(300, 0.0137), (HOUR, 0.0137)], 0.0, 1e6);
    let e = evaluate(&s, &r);
    assert!(close(e.tiers[0].tier.factor, 14.0));
    assert!(!e.tiers[0].state.is_firing(), "13.7x is under Pyrra's 14x");
    let sloth = spec("99.9", Period::DAYS_28, WindowPolicy::Sloth);
    assert!(
        evaluate(&sloth, &r).tiers[0].state.is_firing(),
        "but over Sloth's 13.44x"
    );
    assert_eq!(e.tiers[3].tier.long_secs, 4 * DAY);
}

/// A small deterministic generator for the property tests (no extra crate needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn property_budget_remaining_is_one_minus_period_ratio_over_budget() {
    let mut rng = Lcg(7);
    for ppm in [
        900_000, 990_000, 999_000, 999_500, 999_900, 999_990, 999_999,
    ] {
        let target = Target::from_ppm(ppm).unwrap();
        for _ in 0..200 {
            let ratio = rng.next() * 3.0 * target.budget();
            let remaining = budget_remaining(ratio, target.budget());
            assert!(close(remaining, 1.0 - ratio / target.budget()));
            assert!(close(remaining + ratio / target.budget(), 1.0));
            assert_eq!(remaining <= 0.0, ratio >= target.budget());
        }
    }
}

#[test]
fn property_burn_rate_one_exhausts_exactly_at_the_period_end() {
    let mut rng = Lcg(42);
    for period in [
        Period::DAYS_7,
        Period::DAYS_28,
        Period::DAYS_30,
        Period(90 * DAY),
    ] {
        assert_eq!(
            time_to_exhaustion(1.0, 1.0, period.secs()),
            Exhaustion::In(period.secs())
        );
        for _ in 0..200 {
            let remaining = rng.next().max(1e-6);
            let burn = 0.1 + rng.next() * 100.0;
            let Exhaustion::In(secs) = time_to_exhaustion(remaining, burn, period.secs()) else {
                panic!("a positive budget and burn must exhaust");
            };
            // Spending `burn` budgets per period for `secs` uses up exactly `remaining`.
            let spent = burn * secs as f64 / period.secs() as f64;
            assert!((spent - remaining).abs() <= burn / period.secs() as f64);
        }
    }
}

#[test]
fn property_tiers_fire_exactly_above_the_factor() {
    let mut rng = Lcg(3);
    let s = spec("99.95", Period::DAYS_30, WindowPolicy::Sloth);
    let budget = s.target.budget();
    for _ in 0..500 {
        let long = rng.next() * 20.0;
        let short = rng.next() * 20.0;
        let windows: BTreeMap<u64, f64> = [(300, short * budget), (HOUR, long * budget)].into();
        let r = reading(&windows.into_iter().collect::<Vec<_>>(), 0.0, 1e6);
        let e = evaluate(&s, &r);
        let b = |w: Option<Num>| w.unwrap().0;
        let (lb, sb) = (b(e.tiers[0].long_burn), b(e.tiers[0].short_burn));
        assert_eq!(
            e.tiers[0].state.is_firing(),
            lb > 14.4 && sb > 14.4,
            "{lb} {sb}"
        );
    }
}
