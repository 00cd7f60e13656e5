//! SLO answers into the model: each refresh's readings are stored and re-evaluated (with the
//! fleet aggregate), and a detail chart is kept only when it answers the newest request. A
//! reading that stops being refreshed turns unknown ("stale: last answer 2m ago") once it is
//! older than the board's limit, judged by the `now` of incoming events, never the clock.

use jiff::Timestamp;

use crate::effect::Effect;
use crate::event::{DataEvent, Payload};
use crate::model::Model;
use crate::model::time::{age, seconds_between};
use crate::slo::SloReading;

/// True for the payloads this module applies.
pub fn handles(payload: &Payload) -> bool {
    matches!(payload, Payload::SloReadings(_) | Payload::SloChart(_))
}

fn cluster_names(model: &Model) -> Vec<String> {
    model
        .clusters
        .iter()
        .map(|c| c.name.as_str().to_string())
        .collect()
}

pub fn apply(model: &mut Model, event: DataEvent) -> Vec<Effect> {
    let DataEvent {
        cluster,
        at,
        payload,
    } = event;
    if cluster >= model.clusters.len() {
        return Vec::new();
    }
    match payload {
        Payload::SloReadings(readings) => {
            let names = cluster_names(model);
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            for (slo, mut reading) in readings {
                // A failure is as of when it reached the console (the loop's clock).
                if reading.problem.is_some() {
                    reading.at = at;
                } else {
                    stale_no_later_than(model, reading.at);
                }
                model.slos.record(slo, cluster, reading, &names);
            }
            vec![Effect::Render]
        }
        Payload::SloChart(chart) => {
            if chart.seq != model.slos.chart_seq {
                return Vec::new();
            }
            model.slos.chart = Some(*chart);
            vec![Effect::Render]
        }
        _ => Vec::new(),
    }
}

/// Makes the next staleness scan come no later than when a reading taken `at` can go stale
/// (a reading may carry an evaluation time older than the events around it).
fn stale_no_later_than(model: &mut Model, at: Timestamp) {
    let limit = i64::try_from(model.slos.stale_after_secs).unwrap_or(i64::MAX);
    if let Ok(due) = at.checked_add(jiff::SignedDuration::from_secs(limit.saturating_add(1))) {
        let next = &mut model.slos.next_stale_check;
        *next = Some(next.map_or(due, |n| n.min(due)));
    }
}

/// Turns readings older than the board's limit at `now` into unknown ones that say how old
/// the last answer is; true when any changed.
pub fn mark_stale(model: &mut Model, now: Timestamp) -> bool {
    let limit = model.slos.stale_after_secs;
    if limit == 0 || model.slos.next_stale_check.is_some_and(|next| now < next) {
        return false;
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stale = Vec::new();
    // The oldest reading that stays fresh decides when the next scan can find anything; a
    // reading recorded later is newer, so it cannot turn stale earlier.
    let mut oldest_fresh = now;
    for (key, entry) in &model.slos.entries {
        let at = entry.reading.at;
        if entry.reading.problem.is_some() {
            continue;
        }
        if seconds_between(at, now) > limit {
            stale.push((*key, at));
        } else {
            oldest_fresh = oldest_fresh.min(at);
        }
    }
    model.slos.next_stale_check = oldest_fresh
        .checked_add(jiff::SignedDuration::from_secs(limit.saturating_add(1)))
        .ok();
    if stale.is_empty() {
        return false;
    }
    let names = cluster_names(model);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for ((slo, cluster), at) in stale {
        let why = format!("stale: last answer {} ago", age(at, now));
        model
            .slos
            .record(slo, cluster, SloReading::unknown(at, &why), &names);
    }
    true
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::event::Msg;
    use crate::slo::{
        Period, ReadingSource, Sli, SloBoard, SloData, SloSpec, Target, WindowPolicy, WindowRatio,
    };
    use crate::text::Text;
    use crate::update::update;

    fn spec() -> SloSpec {
        SloSpec {
            name: Text::new("payment-errors"),
            service: Text::new("payment"),
            description: Text::new(""),
            clusters: Vec::new(),
            fleet: false,
            target: Target::parse_percent("99.9").unwrap(),
            period: Period::DAYS_30,
            sli: Sli::http_availability("service", "payment"),
            windows: WindowPolicy::Sloth,
            data: SloData::Query,
            origin: Text::new("test"),
        }
    }

    fn model() -> Model {
        let labels = BTreeMap::new();
        let mut model = Model::new([("us-east-1", &labels)]);
        model.slos = SloBoard::new(vec![spec()]);
        model.slos.stale_after_secs = 9;
        model
    }

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_767_225_600 + secs).unwrap()
    }

    fn good(at: Timestamp) -> SloReading {
        let w = WindowRatio::new(Some(0.0), Some(100.0));
        SloReading {
            at,
            windows: [300, 1800, 3600, 7200, 21_600, 86_400, 259_200]
                .into_iter()
                .map(|s| (s, w))
                .collect(),
            period: w,
            source: ReadingSource::Query,
            problem: None,
            warnings: Vec::new(),
        }
    }

    fn readings(at: Timestamp, reading: SloReading) -> Msg {
        Msg::Data(DataEvent {
            cluster: 0,
            at,
            payload: Payload::SloReadings(vec![(0, reading)]),
        })
    }

    #[test]
    fn the_scan_waits_until_the_oldest_fresh_reading_can_be_stale() {
        let mut model = model();
        update(&mut model, readings(t(0), good(t(0))));
        assert_eq!(
            model.slos.next_stale_check,
            Some(t(10)),
            "0 s + 9 s limit + 1 s"
        );
        // A newer reading does not pull the next scan earlier, and before it nothing is scanned.
        update(&mut model, readings(t(5), good(t(5))));
        assert_eq!(model.slos.next_stale_check, Some(t(10)));
        assert!(!mark_stale(&mut model, t(9)));
        // At t(10) the scan runs, finds the t(5) reading fresh and moves the next check.
        assert!(!mark_stale(&mut model, t(10)));
        assert_eq!(model.slos.next_stale_check, Some(t(15)));
        assert!(
            mark_stale(&mut model, t(15)),
            "the t(5) reading is 10 s old at t(15), over the 9 s limit"
        );
        // A reading evaluated long before the event that brings it pulls the next scan earlier.
        update(&mut model, readings(t(20), good(t(12))));
        assert_eq!(model.slos.next_stale_check, Some(t(22)));
    }

    #[test]
    fn readings_turn_unknown_after_three_refresh_intervals() {
        let mut model = model();
        update(&mut model, readings(t(0), good(t(0))));
        let entry = |m: &Model| m.slos.entries[&(0, 0)].clone();
        assert!(entry(&model).evaluation.unknown.is_none());
        assert!(!mark_stale(&mut model, t(9)), "9 s is within the limit");
        assert!(mark_stale(&mut model, t(130)));
        assert_eq!(
            entry(&model).evaluation.unknown.as_ref().map(Text::as_str),
            Some("stale: last answer 2m10s ago")
        );
        assert!(!mark_stale(&mut model, t(200)), "already unknown");
        // A new answer is current again.
        update(&mut model, readings(t(201), good(t(201))));
        assert!(entry(&model).evaluation.unknown.is_none());
    }

    #[test]
    fn any_data_event_carries_the_now_that_ages_readings() {
        let mut model = model();
        update(&mut model, readings(t(0), good(t(0))));
        let alive = Msg::Data(DataEvent {
            cluster: 0,
            at: t(60),
            payload: Payload::Alive(crate::model::health::SourceKind::Pods),
        });
        update(&mut model, alive);
        let entry = &model.slos.entries[&(0, 0)];
        assert_eq!(
            entry.evaluation.unknown.as_ref().map(Text::as_str),
            Some("stale: last answer 60s ago")
        );
    }

    #[test]
    fn failures_are_dated_when_they_reach_the_console() {
        let mut model = model();
        let failed = SloReading::unknown(t(-5000), "Prometheus at http://p: timeout after 30 s");
        update(&mut model, readings(t(10), failed));
        let entry = &model.slos.entries[&(0, 0)];
        assert_eq!(entry.reading.at, t(10));
        assert_eq!(
            entry.evaluation.unknown.as_ref().map(Text::as_str),
            Some("Prometheus at http://p: timeout after 30 s")
        );
    }
}
