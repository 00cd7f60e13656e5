//! SLO answers into the model: each refresh's readings are stored and re-evaluated (with the
//! fleet aggregate), and a detail chart is kept only when it answers the newest request. A
//! reading that stops being refreshed turns unknown ("stale: last answer 2m ago") once it is
//! older than the board's limit, judged by the `now` of incoming events, never the clock.

use jiff::Timestamp;

use crate::effect::Effect;
use crate::event::{DataEvent, Payload};
use crate::model::Model;
use crate::model::slo::SloReading;
use crate::model::time::{age, seconds_between};

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

/// Turns readings older than the board's limit at `now` into unknown ones that say how old
/// the last answer is; true when any changed.
pub fn mark_stale(model: &mut Model, now: Timestamp) -> bool {
    let limit = model.slos.stale_after_secs;
    if limit == 0 {
        return false;
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let stale: Vec<_> = model
        .slos
        .entries
        .iter()
        .filter(|(_, e)| e.reading.problem.is_none())
        .filter(|(_, e)| seconds_between(e.reading.at, now) > limit)
        .map(|(key, e)| (*key, e.reading.at))
        .collect();
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
    use crate::model::Text;
    use crate::model::slo::{
        Period, ReadingSource, Sli, SloBoard, SloData, SloSpec, Target, WindowPolicy, WindowRatio,
    };
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
