//! The recording-rule series an SLO can be read from, so the console shows the same numbers as
//! the team's alerts: Sloth's `slo:sli_error:ratio_rate<window>{sloth_id="..."}` (and its
//! period ratio `slo:sli_error:ratio_rate30d`), Pyrra's `<metric>:burnrate<window>{slo="..."}`
//! (which, despite the name, records the error ratio).

use super::batch::{Span, matcher};
use crate::sources::prometheus::query::selector;
use watchdeck_core::slo::windows::{DAY, HOUR, MINUTE, promql_duration};
use watchdeck_core::slo::{SloData, SloSpec, WindowPolicy};

/// The windows Sloth records `slo:sli_error:ratio_rate<window>` for.
pub const SLOTH_WINDOWS: [u64; 7] = [
    5 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    6 * HOUR,
    DAY,
    3 * DAY,
];

/// The windows Pyrra records `<metric>:burnrate<window>` for an SLO of `period_secs`: its
/// alert tiers' long and short windows.
pub fn pyrra_windows(period_secs: u64) -> Vec<u64> {
    let mut windows: Vec<u64> = WindowPolicy::Pyrra
        .tiers(period_secs)
        .iter()
        .flat_map(|t| [t.long_secs, t.short_secs])
        .collect();
    windows.sort_unstable();
    windows.dedup();
    windows
}

fn braces(first: String, matchers: &[(String, String)]) -> String {
    let rest = selector(matchers);
    if rest.is_empty() {
        format!("{{{first}}}")
    } else {
        format!("{{{first},{rest}}}")
    }
}

/// The rule series answering for `span` of `spec`, if the SLO reads rules and the rules
/// record that span.
pub fn rule_series(spec: &SloSpec, span: Span, matchers: &[(String, String)]) -> Option<String> {
    match &spec.data {
        SloData::Query => None,
        SloData::SlothRules { sloth_id } => {
            let secs = match span {
                Span::Window(w) if SLOTH_WINDOWS.contains(&w) => w,
                Span::Window(_) => return None,
                Span::Period => spec.period.secs(),
            };
            Some(format!(
                "slo:sli_error:ratio_rate{}{}",
                promql_duration(secs),
                braces(matcher("sloth_id", sloth_id), matchers)
            ))
        }
        SloData::PyrraRules { slo, metric } => match span {
            Span::Window(w) if pyrra_windows(spec.period.secs()).contains(&w) => Some(format!(
                "{metric}:burnrate{}{}",
                promql_duration(w),
                braces(matcher("slo", slo), matchers)
            )),
            _ => None,
        },
    }
}
