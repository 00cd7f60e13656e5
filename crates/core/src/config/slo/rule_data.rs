//! `data` in a `[[slos]]` table: where the SLO's numbers come from (its own queries, Sloth's
//! recording rules by `sloth_id`, or Pyrra's by `pyrra_slo` and `pyrra_metric`), with the
//! keys that belong to another choice reported.

use crate::config::values::quoted;
use crate::config::walk::{Str, Tab, Walker};
use crate::slo::SloData;

/// `data` with `sloth_id` or `pyrra_slo` + `pyrra_metric`.
pub(super) fn data(
    w: &mut Walker<'_>,
    tab: &Tab<'_, '_>,
    name: Option<&str>,
    service: Option<&str>,
) -> Option<SloData> {
    let kind = w.string(tab, "data", "\"query\", \"sloth\" or \"pyrra\"");
    let sloth_id = w.string(
        tab,
        "sloth_id",
        "Sloth's sloth_id label value such as \"payment-availability\"",
    );
    let pyrra_slo = w.string(tab, "pyrra_slo", "the Pyrra SLO's name (its `slo` label)");
    let pyrra_metric = w.string(
        tab,
        "pyrra_metric",
        "the metric Pyrra's rules are named after, such as \"http_requests\"",
    );
    let kind_value = kind.map_or("query", |k| k.value);
    let stray = |w: &mut Walker<'_>, key: &str, s: Option<Str<'_>>, wanted: &str| {
        if let Some(s) = s {
            let message = format!(
                "expected `{key}` only with data = \"{wanted}\", found it with data = \"{kind_value}\""
            );
            w.report(s.span(), &tab.child(key), message);
        }
    };
    match kind_value {
        "query" => {
            stray(w, "sloth_id", sloth_id, "sloth");
            stray(w, "pyrra_slo", pyrra_slo, "pyrra");
            stray(w, "pyrra_metric", pyrra_metric, "pyrra");
            Some(SloData::Query)
        }
        "sloth" => {
            stray(w, "pyrra_slo", pyrra_slo, "pyrra");
            stray(w, "pyrra_metric", pyrra_metric, "pyrra");
            let sloth_id = match sloth_id {
                Some(s) => s.value.to_string(),
                None => format!("{}-{}", service?, name?),
            };
            Some(SloData::SlothRules { sloth_id })
        }
        "pyrra" => {
            stray(w, "sloth_id", sloth_id, "sloth");
            let Some(metric) = pyrra_metric else {
                w.missing(tab, "pyrra_metric", "the metric Pyrra's rules are named after (the total metric without _total or _count, such as \"http_requests\")");
                return None;
            };
            let slo = pyrra_slo.map_or(name?, |s| s.value).to_string();
            Some(SloData::PyrraRules {
                slo,
                metric: metric.value.to_string(),
            })
        }
        other => {
            let message = format!(
                "expected \"query\", \"sloth\" or \"pyrra\", found {}",
                quoted(other)
            );
            if let Some(k) = kind {
                w.report(k.span(), &tab.child("data"), message);
            }
            None
        }
    }
}
