//! SLO answers into the model: each refresh's readings are stored and re-evaluated (with the
//! fleet aggregate), and a detail chart is kept only when it answers the newest request.

use crate::effect::Effect;
use crate::event::{DataEvent, Payload};
use crate::model::Model;

/// True for the payloads this module applies.
pub fn handles(payload: &Payload) -> bool {
    matches!(payload, Payload::SloReadings(_) | Payload::SloChart(_))
}

pub fn apply(model: &mut Model, event: DataEvent) -> Vec<Effect> {
    let DataEvent {
        cluster, payload, ..
    } = event;
    if cluster >= model.clusters.len() {
        return Vec::new();
    }
    match payload {
        Payload::SloReadings(readings) => {
            let names: Vec<String> = model
                .clusters
                .iter()
                .map(|c| c.name.as_str().to_string())
                .collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            for (slo, reading) in readings {
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
