//! A PromQL subset evaluated over the simulator's TSDB, with Prometheus's semantics and error shapes.
//!
//! Queries are parsed with `promql-parser`; evaluation follows Prometheus 3:
//!
//! - Selectors: instant selectors look back 5m over `(t-5m, t]` and honour staleness markers;
//!   range selectors read `(t-range, t]`; `offset` and `@` (timestamp, `start()`, `end()`);
//!   `{a="x" or b="y"}` matcher alternatives.
//! - Functions: `rate`, `increase`, `delta` (Prometheus's `extrapolatedRate`: counter resets,
//!   extrapolation to the window edges within 1.1 average intervals, else half an interval,
//!   never below a counter's zero point), `irate`, `sum_over_time`, `avg_over_time`,
//!   `min_over_time`, `max_over_time`, `count_over_time`, `last_over_time`,
//!   `histogram_quantile` (classic buckets, Prometheus's `bucketQuantile`), `abs`, `ceil`,
//!   `floor`, `round`, `clamp`, `clamp_min`, `clamp_max`, `time`, `vector`, `scalar`,
//!   `absent`, `label_replace`.
//! - Aggregations: `sum`, `avg`, `min`, `max`, `count` with `by`/`without`; `topk`, `bottomk`.
//! - Binary operators `+ - * / % ^`, `== != > < >= <=` (filtering or `bool`), `and or unless`,
//!   between scalars and vectors, with `on`/`ignoring`, `group_left`/`group_right` and
//!   Prometheus's matching errors; the metric name is dropped where Prometheus drops it.
//!
//! Everything else (subqueries, other functions and aggregations, `atan2`, `fill` modifiers,
//! native histograms) is refused with a `bad_data` error naming the construct, never
//! approximated. Sums and averages use Prometheus's compensated (Kahan) summation; `avg`
//! does not switch to incremental mean on float overflow.

mod aggregate;
mod binary;
mod eval;
mod functions;
pub mod gofmt;
mod quantile;
mod rate;
mod value;

#[cfg(test)]
mod slo_tests;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use promql_parser::parser::Expr;

pub use eval::LOOKBACK_MS;
pub use functions::SUPPORTED as SUPPORTED_FUNCTIONS;

pub use value::{PromError, QueryValue, RangeSeries, Sample};

use crate::clock::Millis;
use crate::labels::Labels;
use crate::tsdb::Tsdb;
use eval::Evaluator;
use value::Value;

/// Parses a query, mapping parser errors to Prometheus's `bad_data` shape. A panic inside the
/// parser (it converts some extreme durations unchecked) is reported as a parse error too.
pub fn parse(query: &str) -> Result<Expr, PromError> {
    let parsed = std::panic::catch_unwind(|| promql_parser::parser::parse(query))
        .map_err(|_| PromError::BadData("parse error: the query could not be parsed".into()))?;
    parsed.map_err(|e| PromError::BadData(format!("parse error: {e}")))
}

fn is_topk(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(p) => is_topk(&p.expr),
        Expr::Aggregate(a) => matches!(a.op.to_string().as_str(), "topk" | "bottomk"),
        _ => false,
    }
}

/// Evaluates `query` at `at_ms`. Vectors are sorted by labels, except `topk`/`bottomk`
/// results, which keep their ranking order.
pub fn instant_query(db: &Tsdb, query: &str, at_ms: Millis) -> Result<QueryValue, PromError> {
    instant_query_parsed(db, &parse(query)?, at_ms)
}

/// [`instant_query`] of an expression parsed before (a rule evaluated every interval).
pub fn instant_query_parsed(
    db: &Tsdb,
    expr: &Expr,
    at_ms: Millis,
) -> Result<QueryValue, PromError> {
    let ev = Evaluator::new(db, at_ms, at_ms);
    Ok(match ev.eval(expr, at_ms)? {
        Value::Scalar(value) => QueryValue::Scalar { at: at_ms, value },
        Value::String(value) => QueryValue::String { at: at_ms, value },
        Value::Vector(mut samples) => {
            if !is_topk(expr) {
                samples.sort_by(|a, b| a.labels.cmp(&b.labels));
            }
            QueryValue::Vector { at: at_ms, samples }
        }
        Value::Matrix(mut series) => {
            series.sort_by(|a, b| a.labels.cmp(&b.labels));
            QueryValue::Matrix(series)
        }
    })
}

/// Evaluates `query` at `start_ms, start_ms + step_ms, ... <= end_ms` and returns one series
/// per label set, sorted by labels (a scalar result becomes one series without labels).
pub fn range_query(
    db: &Tsdb,
    query: &str,
    start_ms: Millis,
    end_ms: Millis,
    step_ms: Millis,
) -> Result<Vec<RangeSeries>, PromError> {
    if step_ms <= 0 {
        return Err(PromError::BadData(
            "zero or negative query resolution step widths are not accepted. Try a positive integer".into(),
        ));
    }
    if end_ms < start_ms {
        return Err(PromError::BadData(
            "end timestamp must not be before start time".into(),
        ));
    }
    let expr = parse(query)?;
    let ev = Evaluator::new(db, start_ms, end_ms);
    let mut series: BTreeMap<Labels, Vec<(Millis, f64)>> = BTreeMap::new();
    let mut ts = start_ms;
    while ts <= end_ms {
        match ev.eval(&expr, ts)? {
            Value::Scalar(v) => series.entry(Labels::new()).or_default().push((ts, v)),
            Value::Vector(samples) => {
                for s in samples {
                    series.entry(s.labels).or_default().push((ts, s.value));
                }
            }
            other => {
                return Err(PromError::BadData(format!(
                    "invalid expression type \"{}\" for range query, must be Scalar or instant Vector",
                    other.type_name()
                )));
            }
        }
        match ts.checked_add(step_ms) {
            Some(next) => ts = next,
            None => break,
        }
    }
    Ok(series
        .into_iter()
        .map(|(labels, points)| RangeSeries { labels, points })
        .collect())
}
