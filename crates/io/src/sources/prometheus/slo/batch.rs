//! The text of the batched SLO query: for every SLO and every window it needs (and its
//! period), the failed-events and all-events rates from its SLI templates and, where the SLO
//! reads recording rules, the rule's ratio series; each term tagged with `wd_slo`, `wd_win`
//! and `wd_q` labels so the answer can be read back, all joined with `or`.

use std::fmt;

use super::rules::rule_series;
use crate::sources::prometheus::query::{escape_label_value, selector, tidy_braces};
use watchdeck_core::slo::windows::promql_duration;
use watchdeck_core::slo::{SloId, SloSpec};

/// Label naming the SLO (its index in the board).
pub const SLO_LABEL: &str = "wd_slo";
/// Label naming the window in seconds, or `period`.
pub const WINDOW_LABEL: &str = "wd_win";
/// Label naming the quantity (`e`, `t`, `r`), or `now` for the clock term.
pub const QUANTITY_LABEL: &str = "wd_q";
/// The clock term: its sample's timestamp is the evaluation time even when no SLO has data.
pub const NOW_TERM: &str = "label_replace(vector(1), \"wd_q\", \"now\", \"\", \"\")";

/// A range a ratio is taken over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    /// A window of this many seconds.
    Window(u64),
    /// The SLO's whole period.
    Period,
}

impl Span {
    /// The span's length for `spec`.
    pub fn secs(self, spec: &SloSpec) -> u64 {
        match self {
            Span::Window(secs) => secs,
            Span::Period => spec.period.secs(),
        }
    }

    fn tag(self) -> String {
        match self {
            Span::Window(secs) => secs.to_string(),
            Span::Period => "period".to_string(),
        }
    }

    /// Reads a `wd_win` value back.
    pub fn from_tag(tag: &str) -> Option<Span> {
        match tag {
            "period" => Some(Span::Period),
            other => other.parse().ok().map(Span::Window),
        }
    }
}

/// What a term measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Quantity {
    /// Failed events per second (SLI errors template).
    Errors,
    /// All events per second (SLI total template).
    Total,
    /// The error ratio from a recording rule (Sloth, Pyrra).
    Rule,
}

impl Quantity {
    fn tag(self) -> &'static str {
        match self {
            Quantity::Errors => "e",
            Quantity::Total => "t",
            Quantity::Rule => "r",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Quantity> {
        match tag {
            "e" => Some(Quantity::Errors),
            "t" => Some(Quantity::Total),
            "r" => Some(Quantity::Rule),
            _ => None,
        }
    }
}

/// Which number a term of the answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TermKey {
    pub slo: SloId,
    pub span: Span,
    pub quantity: Quantity,
}

impl fmt::Display for TermKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SLO #{} {} {:?}",
            self.slo,
            match self.span {
                Span::Window(w) => promql_duration(w),
                Span::Period => "period".to_string(),
            },
            self.quantity
        )
    }
}

/// One term of the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub key: TermKey,
    /// The untagged PromQL.
    pub expr: String,
}

impl Term {
    /// The term wrapped in the three tagging `label_replace` calls.
    pub fn tagged(&self) -> String {
        let tag = |expr: String, label: &str, value: &str| {
            format!("label_replace({expr}, \"{label}\", \"{value}\", \"\", \"\")")
        };
        let expr = tag(self.expr.clone(), SLO_LABEL, &self.key.slo.to_string());
        let expr = tag(expr, WINDOW_LABEL, &self.key.span.tag());
        tag(expr, QUANTITY_LABEL, self.key.quantity.tag())
    }
}

/// Fills an SLI template: `$window` becomes the Prometheus duration, `$selector` the cluster
/// matchers (or nothing, leaving no stray comma or empty braces).
pub fn fill(template: &str, secs: u64, matchers: &[(String, String)]) -> String {
    let text = template
        .replace("$window", &promql_duration(secs))
        .replace("$selector", &selector(matchers));
    tidy_braces(&text)
}

/// Every span an SLO is read over: its windows, ascending, then its period.
pub fn spans(spec: &SloSpec) -> Vec<Span> {
    let mut spans: Vec<Span> = spec
        .windows_needed()
        .into_iter()
        .map(Span::Window)
        .collect();
    spans.push(Span::Period);
    spans
}

/// The terms for one span of one SLO: the total, the rule series where the SLO reads rules,
/// and the errors when `with_errors`.
pub fn span_terms(
    slo: SloId,
    spec: &SloSpec,
    span: Span,
    matchers: &[(String, String)],
    with_errors: bool,
) -> Vec<Term> {
    let secs = span.secs(spec);
    let key = |quantity| TermKey {
        slo,
        span,
        quantity,
    };
    let mut terms = Vec::new();
    if let Some(rule) = rule_series(spec, span, matchers) {
        terms.push(Term {
            key: key(Quantity::Rule),
            expr: rule,
        });
    }
    if with_errors {
        terms.push(Term {
            key: key(Quantity::Errors),
            expr: fill(&spec.sli.errors_template(), secs, matchers),
        });
    }
    terms.push(Term {
        key: key(Quantity::Total),
        expr: fill(&spec.sli.total_template(), secs, matchers),
    });
    terms
}

/// The terms for one SLO: every span's, with errors unless `covered` says a rule series
/// answers for that span.
pub fn slo_terms(
    slo: SloId,
    spec: &SloSpec,
    matchers: &[(String, String)],
    covered: &dyn Fn(SloId, Span) -> bool,
) -> Vec<Term> {
    spans(spec)
        .into_iter()
        .flat_map(|span| span_terms(slo, spec, span, matchers, !covered(slo, span)))
        .collect()
}

/// The batch: the clock term and every term, tagged, joined with `or`.
pub fn batch(terms: &[Term]) -> String {
    let mut out = String::from(NOW_TERM);
    for term in terms {
        out.push_str("\nor ");
        out.push_str(&term.tagged());
    }
    out
}

/// A label matcher `name="value"` with the value escaped.
pub fn matcher(name: &str, value: &str) -> String {
    format!("{name}=\"{}\"", escape_label_value(value))
}
