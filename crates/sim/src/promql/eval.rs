//! Evaluation of a parsed expression at one timestamp: selectors, literals, unary minus,
//! and dispatch to functions, aggregations and binary operators.

use std::time::{Duration, UNIX_EPOCH};

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{AtModifier, Expr, Offset, VectorSelector};

use super::value::{PromError, RangeSeries, Sample, Value};
use super::{aggregate, binary, functions};
use crate::clock::Millis;
use crate::labels::METRIC_NAME;
use crate::tsdb::{SeriesRef, Tsdb};

/// Prometheus's default lookback for instant selectors.
pub const LOOKBACK_MS: Millis = 5 * 60 * 1000;

/// What stays fixed while one query runs: the store and the query's time range
/// (for `@ start()` / `@ end()`).
pub(crate) struct Evaluator<'a> {
    pub db: &'a Tsdb,
    pub start: Millis,
    pub end: Millis,
    /// `label_replace` patterns compiled once per query, not once per step of a range.
    pub regexes: std::cell::RefCell<std::collections::HashMap<String, regex::Regex>>,
}

impl<'a> Evaluator<'a> {
    pub(crate) fn new(db: &'a Tsdb, start: Millis, end: Millis) -> Self {
        Evaluator {
            db,
            start,
            end,
            regexes: Default::default(),
        }
    }
}

pub(crate) fn millis(d: &Duration) -> Millis {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Evaluator<'_> {
    pub fn eval(&self, expr: &Expr, ts: Millis) -> Result<Value, PromError> {
        match expr {
            Expr::NumberLiteral(n) => Ok(Value::Scalar(n.val)),
            Expr::StringLiteral(s) => Ok(Value::String(s.val.clone())),
            Expr::Paren(p) => self.eval(&p.expr, ts),
            Expr::Unary(u) => match self.eval(&u.expr, ts)? {
                Value::Scalar(v) => Ok(Value::Scalar(-v)),
                Value::Vector(samples) => {
                    let out: Vec<Sample> = samples
                        .into_iter()
                        .map(|s| Sample {
                            labels: s.labels.without_metric_name(),
                            value: -s.value,
                        })
                        .collect();
                    super::value::ensure_unique(&out)?;
                    Ok(Value::Vector(out))
                }
                other => Err(PromError::BadData(format!(
                    "unary expression only allowed on expressions of type scalar or instant vector, got {}",
                    other.type_name()
                ))),
            },
            Expr::VectorSelector(vs) => Ok(Value::Vector(self.instant_selector(vs, ts))),
            Expr::MatrixSelector(ms) => Ok(Value::Matrix(self.range_selector(
                &ms.vs,
                millis(&ms.range),
                ts,
            ))),
            Expr::Call(call) => functions::call(self, call, ts),
            Expr::Aggregate(agg) => aggregate::aggregate(self, agg, ts),
            Expr::Binary(bin) => binary::binary(self, bin, ts),
            Expr::Subquery(_) => Err(PromError::unsupported("subqueries")),
            Expr::Extension(_) => Err(PromError::unsupported("extension expressions")),
        }
    }

    pub fn eval_scalar(&self, expr: &Expr, ts: Millis) -> Result<f64, PromError> {
        match self.eval(expr, ts)? {
            Value::Scalar(v) => Ok(v),
            other => Err(PromError::BadData(format!(
                "expected scalar, got {}",
                other.type_name()
            ))),
        }
    }

    pub fn eval_vector(&self, expr: &Expr, ts: Millis) -> Result<Vec<Sample>, PromError> {
        match self.eval(expr, ts)? {
            Value::Vector(v) => Ok(v),
            other => Err(PromError::BadData(format!(
                "expected instant vector, got {}",
                other.type_name()
            ))),
        }
    }

    /// The timestamp a selector reads at: `@` replaces the evaluation time, `offset` shifts it.
    pub fn selector_time(&self, vs: &VectorSelector, ts: Millis) -> Millis {
        let base = match &vs.at {
            None => ts,
            Some(AtModifier::Start) => self.start,
            Some(AtModifier::End) => self.end,
            Some(AtModifier::At(t)) => match t.duration_since(UNIX_EPOCH) {
                Ok(d) => millis(&d),
                Err(e) => -millis(&e.duration()),
            },
        };
        match &vs.offset {
            None => base,
            Some(Offset::Pos(d)) => base.saturating_sub(millis(d)),
            Some(Offset::Neg(d)) => base.saturating_add(millis(d)),
        }
    }

    fn select(&self, vs: &VectorSelector) -> Vec<SeriesRef> {
        let mut base: Vec<Matcher> = vs.matchers.matchers.clone();
        if let Some(name) = &vs.name {
            base.push(Matcher::new(MatchOp::Equal, METRIC_NAME, name));
        }
        if vs.matchers.or_matchers.is_empty() {
            return self.db.select(&base);
        }
        let mut ids = std::collections::BTreeSet::new();
        for group in &vs.matchers.or_matchers {
            let mut matchers = base.clone();
            matchers.extend(group.iter().cloned());
            ids.extend(self.db.select(&matchers));
        }
        ids.into_iter().collect()
    }

    pub fn instant_selector(&self, vs: &VectorSelector, ts: Millis) -> Vec<Sample> {
        let at = self.selector_time(vs, ts);
        self.select(vs)
            .into_iter()
            .filter_map(|id| {
                self.db
                    .sample_at(id, at, LOOKBACK_MS)
                    .map(|(_, value)| Sample {
                        labels: self.db.labels(id).clone(),
                        value,
                    })
            })
            .collect()
    }

    /// Samples in `(t - range, t]`; series with none are left out, as in Prometheus.
    pub fn range_selector(
        &self,
        vs: &VectorSelector,
        range: Millis,
        ts: Millis,
    ) -> Vec<RangeSeries> {
        let at = self.selector_time(vs, ts);
        self.select(vs)
            .into_iter()
            .filter_map(|id| {
                let points = self.db.samples(id, at.saturating_sub(range), at);
                (!points.is_empty()).then(|| RangeSeries {
                    labels: self.db.labels(id).clone(),
                    points,
                })
            })
            .collect()
    }
}
