//! Reads the batched answer back: each tagged series becomes one number under its term key,
//! and every SLO's numbers become an [`SloReading`]: ratio = errors / total (or the rule's
//! ratio), events = total rate x window. A missing errors term with a present total is 0
//! errors (client libraries create 5xx series lazily); no traffic gives no ratio; no total and
//! no rule leaves the window out (missing, never made up).

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::batch::{QUANTITY_LABEL, Quantity, SLO_LABEL, Span, TermKey, WINDOW_LABEL, spans};
use crate::sources::prometheus::response::Series;
use watchdeck_core::slo::{ReadingSource, SloData, SloId, SloReading, SloSpec, WindowRatio};
use watchdeck_core::text::Text;

/// The numbers of one answer by term, and the evaluation time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// Unix seconds Prometheus evaluated at (from the clock term), if it answered.
    pub at: Option<f64>,
    /// Rates are summed when a template returns several series; rule ratios are kept apart.
    pub values: BTreeMap<TermKey, Vec<f64>>,
    /// Prometheus's warnings.
    pub warnings: Vec<String>,
}

impl Answer {
    /// Reads an answer's series; untagged series (a template's own output outside the
    /// tagging) are ignored.
    pub fn read(series: &[Series], warnings: Vec<String>) -> Answer {
        let mut answer = Answer {
            warnings,
            ..Answer::default()
        };
        for s in series {
            let Some((t, value)) = s.points.last().copied() else {
                continue;
            };
            if s.labels.get(QUANTITY_LABEL).map(String::as_str) == Some("now") {
                answer.at = Some(t);
                continue;
            }
            answer.at.get_or_insert(t);
            let key = (|| {
                Some(TermKey {
                    slo: s.labels.get(SLO_LABEL)?.parse().ok()?,
                    span: Span::from_tag(s.labels.get(WINDOW_LABEL)?)?,
                    quantity: Quantity::from_tag(s.labels.get(QUANTITY_LABEL)?)?,
                })
            })();
            if let Some(key) = key {
                answer.values.entry(key).or_default().push(value);
            }
        }
        answer
    }

    /// Adds the numbers of a follow-up answer (same evaluation time).
    pub fn merge(&mut self, other: Answer) {
        if self.at.is_none() {
            self.at = other.at;
        }
        for (key, values) in other.values {
            self.values.entry(key).or_default().extend(values);
        }
        self.warnings.extend(other.warnings);
    }

    fn sum(&self, key: TermKey) -> Option<f64> {
        self.values.get(&key).map(|v| v.iter().sum())
    }

    /// The rule's ratio for (slo, span): `Err` when several series answer (ambiguous).
    pub fn rule(&self, slo: SloId, span: Span) -> Result<Option<f64>, usize> {
        let key = TermKey {
            slo,
            span,
            quantity: Quantity::Rule,
        };
        match self.values.get(&key).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([one]) => Ok(Some(*one)),
            Some(many) => Err(many.len()),
        }
    }

    /// Whether the answer holds a rule series for (slo, span).
    pub fn has_rule(&self, slo: SloId, span: Span) -> bool {
        matches!(self.rule(slo, span), Ok(Some(_)) | Err(_))
    }
}

/// Unix seconds to a timestamp (millisecond precision).
pub fn timestamp(secs: f64) -> Timestamp {
    Timestamp::from_millisecond((secs * 1000.0).round() as i64).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// One span's figures, and whether they came from a rule.
fn span_ratio(
    answer: &Answer,
    slo: SloId,
    span: Span,
    secs: u64,
    notes: &mut Vec<String>,
) -> (Option<WindowRatio>, bool) {
    let key = |quantity| TermKey {
        slo,
        span,
        quantity,
    };
    let total = answer.sum(key(Quantity::Total));
    let events = total.map(|rate| rate * secs as f64);
    match answer.rule(slo, span) {
        Ok(Some(ratio)) => return (Some(WindowRatio::new(Some(ratio), events)), true),
        Ok(None) => {}
        Err(count) => notes.push(format!(
            "{count} recording-rule series for one window ({}): add a cluster selector",
            key(Quantity::Rule)
        )),
    }
    let Some(total) = total else {
        return (None, false);
    };
    let errors = answer.sum(key(Quantity::Errors)).unwrap_or(0.0);
    let ratio = (total > 0.0).then(|| errors / total);
    (Some(WindowRatio::new(ratio, events)), false)
}

/// The reading of one SLO from `answer` taken at `at`.
pub fn reading(slo: SloId, spec: &SloSpec, answer: &Answer, at: Timestamp) -> SloReading {
    let mut notes = Vec::new();
    let mut from_rules = false;
    let mut windows = BTreeMap::new();
    let mut period = WindowRatio::default();
    for span in spans(spec) {
        let (ratio, rule) = span_ratio(answer, slo, span, span.secs(spec), &mut notes);
        from_rules |= rule;
        match (span, ratio) {
            (Span::Window(w), Some(ratio)) => {
                windows.insert(w, ratio);
            }
            (Span::Period, Some(ratio)) => period = ratio,
            (_, None) => {}
        }
    }
    let source = match (&spec.data, from_rules) {
        (SloData::SlothRules { .. }, true) => ReadingSource::SlothRules,
        (SloData::PyrraRules { .. }, true) => ReadingSource::PyrraRules,
        _ => ReadingSource::Query,
    };
    let mut warnings: Vec<Text> = answer.warnings.iter().map(|w| Text::new(w)).collect();
    warnings.extend(notes.iter().map(|n| Text::new(n)));
    SloReading {
        at,
        windows,
        period,
        source,
        problem: None,
        warnings,
    }
}
