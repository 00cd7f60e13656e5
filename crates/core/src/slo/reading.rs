//! What the SLO source reports for one SLO in one cluster at one instant: the error ratio and
//! the number of events in every window and over the period, or why it could not tell.
//! Readings of several clusters aggregate by summing failed and total events.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::series::Num;
use crate::text::Text;

/// One window's figures. Both `None` when Prometheus returned nothing for the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowRatio {
    /// Failed events over all events, 0..1; `None` when there were no events (0/0).
    pub ratio: Option<Num>,
    /// All events in the window (requests); `None` when unknown.
    pub events: Option<Num>,
}

impl WindowRatio {
    /// The ratio is kept as Prometheus computed it, even slightly below zero (`total - good`
    /// of counters scraped a moment apart), so it equals the team's recording rules; the text
    /// shown to people clamps it (`model::slo::format`).
    pub fn new(ratio: Option<f64>, events: Option<f64>) -> Self {
        WindowRatio {
            ratio: ratio.filter(|r| r.is_finite()).map(Num),
            events: events.filter(|e| e.is_finite()).map(Num),
        }
    }

    /// Failed events: ratio x events, when both are known.
    pub fn errors(&self) -> Option<f64> {
        Some(self.ratio?.0 * self.events?.0)
    }
}

/// Where a reading's ratios came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadingSource {
    /// The console's own queries from the SLI templates.
    #[default]
    Query,
    /// Sloth's recording rules.
    SlothRules,
    /// Pyrra's recording rules.
    PyrraRules,
}

impl ReadingSource {
    pub fn label(self) -> &'static str {
        match self {
            ReadingSource::Query => "query",
            ReadingSource::SlothRules => "sloth rules",
            ReadingSource::PyrraRules => "pyrra rules",
        }
    }
}

/// One SLO in one cluster at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SloReading {
    /// The evaluation time Prometheus used.
    pub at: Timestamp,
    /// By window length in seconds.
    pub windows: BTreeMap<u64, WindowRatio>,
    /// Over the whole SLO period.
    pub period: WindowRatio,
    pub source: ReadingSource,
    /// Why the SLO cannot be judged (fetch failed, data stale, query rejected); when set, no
    /// figure of this reading is shown.
    pub problem: Option<Text>,
    /// Prometheus warnings (partial answer): the figures are shown as unknown with these.
    pub warnings: Vec<Text>,
}

impl SloReading {
    /// A reading that only says why nothing is known.
    pub fn unknown(at: Timestamp, problem: &str) -> Self {
        SloReading {
            at,
            windows: BTreeMap::new(),
            period: WindowRatio::default(),
            source: ReadingSource::Query,
            problem: Some(Text::new(problem)),
            warnings: Vec::new(),
        }
    }

    pub fn window(&self, secs: u64) -> Option<&WindowRatio> {
        self.windows.get(&secs)
    }
}

/// The fleet-wide reading: per window, the sum of failed events over the sum of all events
/// of every cluster. Unknown (with the clusters named) as soon as one cluster is unknown, so a
/// missing cluster never makes the fleet look healthier than it is.
pub fn aggregate(readings: &[(&str, &SloReading)]) -> Option<SloReading> {
    let at = readings.iter().map(|(_, r)| r.at).min()?;
    let troubled: Vec<String> = readings
        .iter()
        .filter_map(|(cluster, r)| {
            r.problem
                .as_ref()
                .map(|p| format!("{cluster}: {p}"))
                .or_else(|| (!r.warnings.is_empty()).then(|| format!("{cluster}: partial data")))
        })
        .collect();
    if !troubled.is_empty() {
        return Some(SloReading::unknown(at, &troubled.join("; ")));
    }
    let mut windows: Vec<u64> = readings
        .iter()
        .flat_map(|(_, r)| r.windows.keys().copied())
        .collect();
    windows.sort_unstable();
    windows.dedup();
    let sum = |pick: &dyn Fn(&SloReading) -> Option<WindowRatio>| -> WindowRatio {
        let mut events = 0.0;
        let mut errors = 0.0;
        for (_, reading) in readings {
            let Some(w) = pick(reading) else {
                return WindowRatio::default();
            };
            let Some(e) = w.events else {
                return WindowRatio::default();
            };
            events += e.0;
            // No events means no failures, whatever the (undefined) ratio.
            if e.0 > 0.0 {
                match w.ratio {
                    Some(r) => errors += r.0 * e.0,
                    None => return WindowRatio::default(),
                }
            }
        }
        let ratio = (events > 0.0).then(|| errors / events);
        WindowRatio::new(ratio, Some(events))
    };
    Some(SloReading {
        at,
        windows: windows
            .into_iter()
            .map(|w| (w, sum(&|r: &SloReading| r.windows.get(&w).copied())))
            .collect(),
        period: sum(&|r: &SloReading| Some(r.period)),
        source: readings
            .first()
            .map_or(ReadingSource::Query, |(_, r)| r.source),
        problem: None,
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(ratio_5m: f64, events_5m: f64) -> SloReading {
        SloReading {
            at: Timestamp::from_second(1_000).unwrap(),
            windows: BTreeMap::from([(300, WindowRatio::new(Some(ratio_5m), Some(events_5m)))]),
            period: WindowRatio::new(Some(ratio_5m), Some(events_5m * 100.0)),
            source: ReadingSource::Query,
            problem: None,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn fleet_ratio_is_sum_of_errors_over_sum_of_events() {
        let a = reading(0.10, 1_000.0); // 100 errors
        let b = reading(0.00, 9_000.0); // 0 errors
        let fleet = aggregate(&[("a", &a), ("b", &b)]).unwrap();
        let w = fleet.window(300).unwrap();
        assert_eq!(w.events, Some(Num(10_000.0)));
        assert!(
            (w.ratio.unwrap().0 - 0.01).abs() < 1e-15,
            "not the mean of ratios (5%)"
        );
    }

    #[test]
    fn one_unknown_cluster_makes_the_fleet_unknown_and_names_it() {
        let a = reading(0.1, 10.0);
        let b = SloReading::unknown(a.at, "Prometheus: timeout");
        let fleet = aggregate(&[("us-east-1", &a), ("eu-west-1", &b)]).unwrap();
        assert_eq!(
            fleet.problem.as_ref().map(Text::as_str),
            Some("eu-west-1: Prometheus: timeout")
        );
    }

    #[test]
    fn a_cluster_without_traffic_adds_no_errors() {
        let a = reading(0.02, 500.0);
        let mut idle = reading(0.0, 0.0);
        idle.windows.insert(300, WindowRatio::new(None, Some(0.0)));
        let fleet = aggregate(&[("a", &a), ("idle", &idle)]).unwrap();
        assert_eq!(fleet.window(300).unwrap().ratio, Some(Num(0.02)));
    }
}
