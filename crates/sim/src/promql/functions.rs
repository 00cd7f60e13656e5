//! Function calls of the supported subset; anything else is refused by name.

use promql_parser::parser::{Call, Expr};

use super::eval::{Evaluator, millis};
use super::quantile::histogram_quantile;
use super::rate::{OverTime, RateKind, extrapolated_rate, irate};
use super::value::{PromError, Sample, Value, ensure_unique};
use crate::clock::Millis;
use crate::labels::{Labels, METRIC_NAME};

/// The function names this subset evaluates (documented in the module docs).
pub const SUPPORTED: &[&str] = &[
    "rate",
    "irate",
    "increase",
    "delta",
    "sum_over_time",
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "count_over_time",
    "last_over_time",
    "histogram_quantile",
    "abs",
    "ceil",
    "floor",
    "round",
    "clamp",
    "clamp_min",
    "clamp_max",
    "time",
    "vector",
    "scalar",
    "absent",
    "label_replace",
];

fn arg(call: &Call, i: usize) -> Result<&Expr, PromError> {
    call.args.args.get(i).map(|b| b.as_ref()).ok_or_else(|| {
        PromError::BadData(format!(
            "missing argument {} of {}()",
            i + 1,
            call.func.name
        ))
    })
}

fn unparen(mut e: &Expr) -> &Expr {
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

fn string_arg(call: &Call, i: usize) -> Result<String, PromError> {
    match unparen(arg(call, i)?) {
        Expr::StringLiteral(s) => Ok(s.val.clone()),
        _ => Err(PromError::BadData(format!(
            "argument {} of {}() must be a string",
            i + 1,
            call.func.name
        ))),
    }
}

/// Go's `math.Max` / `math.Min`: infinities win over NaN, NaN wins over numbers.
fn go_max(a: f64, b: f64) -> f64 {
    if a == f64::INFINITY || b == f64::INFINITY {
        f64::INFINITY
    } else if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

fn go_min(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY || b == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

pub(crate) fn call(ev: &Evaluator, call: &Call, ts: Millis) -> Result<Value, PromError> {
    let name = call.func.name;
    match name {
        "rate" | "increase" | "delta" | "irate" => {
            range_fn(ev, call, ts, |points, end, range| match name {
                "rate" => extrapolated_rate(points, end, range, RateKind::Rate),
                "increase" => extrapolated_rate(points, end, range, RateKind::Increase),
                "delta" => extrapolated_rate(points, end, range, RateKind::Delta),
                _ => irate(points),
            })
        }
        _ if OverTime::from_name(name).is_some() => {
            let f = OverTime::from_name(name).ok_or_else(|| PromError::unsupported(name))?;
            range_fn(ev, call, ts, |points, _, _| f.apply(points))
        }
        "histogram_quantile" => {
            let q = ev.eval_scalar(arg(call, 0)?, ts)?;
            let out = histogram_quantile(q, ev.eval_vector(arg(call, 1)?, ts)?);
            ensure_unique(&out)?;
            Ok(Value::Vector(out))
        }
        "abs" => map_values(ev, call, ts, f64::abs),
        "ceil" => map_values(ev, call, ts, f64::ceil),
        "floor" => map_values(ev, call, ts, f64::floor),
        "round" => {
            let to_nearest = match call.args.args.get(1) {
                Some(e) => ev.eval_scalar(e, ts)?,
                None => 1.0,
            };
            let inverse = 1.0 / to_nearest;
            map_values(ev, call, ts, |v| (v * inverse + 0.5).floor() / inverse)
        }
        "clamp_min" => {
            let min = ev.eval_scalar(arg(call, 1)?, ts)?;
            map_values(ev, call, ts, |v| go_max(min, v))
        }
        "clamp_max" => {
            let max = ev.eval_scalar(arg(call, 1)?, ts)?;
            map_values(ev, call, ts, |v| go_min(max, v))
        }
        "clamp" => {
            let min = ev.eval_scalar(arg(call, 1)?, ts)?;
            let max = ev.eval_scalar(arg(call, 2)?, ts)?;
            if max < min {
                return Ok(Value::Vector(Vec::new()));
            }
            map_values(ev, call, ts, |v| go_max(min, go_min(max, v)))
        }
        "time" => Ok(Value::Scalar(ts as f64 / 1000.0)),
        "vector" => {
            let value = ev.eval_scalar(arg(call, 0)?, ts)?;
            Ok(Value::Vector(vec![Sample {
                labels: Labels::new(),
                value,
            }]))
        }
        "scalar" => {
            let v = ev.eval_vector(arg(call, 0)?, ts)?;
            Ok(Value::Scalar(if v.len() == 1 {
                v[0].value
            } else {
                f64::NAN
            }))
        }
        "absent" => {
            let e = arg(call, 0)?;
            if !ev.eval_vector(e, ts)?.is_empty() {
                return Ok(Value::Vector(Vec::new()));
            }
            Ok(Value::Vector(vec![Sample {
                labels: absent_labels(e),
                value: 1.0,
            }]))
        }
        "label_replace" => label_replace(ev, call, ts),
        other => Err(PromError::unsupported(format!("function \"{other}\""))),
    }
}

/// Applies a range-vector function to each series of its matrix-selector argument and drops
/// the metric name (except for `last_over_time`, which keeps it, as in Prometheus).
fn range_fn(
    ev: &Evaluator,
    call: &Call,
    ts: Millis,
    f: impl Fn(&[(Millis, f64)], Millis, Millis) -> Option<f64>,
) -> Result<Value, PromError> {
    let ms = match unparen(arg(call, 0)?) {
        Expr::MatrixSelector(ms) => ms,
        Expr::Subquery(_) => return Err(PromError::unsupported("subqueries")),
        other => {
            return Err(PromError::BadData(format!(
                "expected range vector selector as argument of {}(), got {other}",
                call.func.name
            )));
        }
    };
    let range = millis(&ms.range);
    let end = ev.selector_time(&ms.vs, ts);
    let keep_name = call.func.name == "last_over_time";
    let mut out = Vec::new();
    for series in ev.range_selector(&ms.vs, range, ts) {
        if let Some(value) = f(&series.points, end, range) {
            let labels = if keep_name {
                series.labels
            } else {
                series.labels.without_metric_name()
            };
            out.push(Sample { labels, value });
        }
    }
    ensure_unique(&out)?;
    Ok(Value::Vector(out))
}

fn map_values(
    ev: &Evaluator,
    call: &Call,
    ts: Millis,
    f: impl Fn(f64) -> f64,
) -> Result<Value, PromError> {
    let out: Vec<Sample> = ev
        .eval_vector(arg(call, 0)?, ts)?
        .into_iter()
        .map(|s| Sample {
            labels: s.labels.without_metric_name(),
            value: f(s.value),
        })
        .collect();
    ensure_unique(&out)?;
    Ok(Value::Vector(out))
}

/// Labels `absent()` reports: the selector's equality matchers, except names matched twice
/// or also by another matcher (Prometheus's historic behaviour).
fn absent_labels(e: &Expr) -> Labels {
    let vs = match e {
        Expr::VectorSelector(vs) => vs,
        Expr::MatrixSelector(ms) => &ms.vs,
        _ => return Labels::new(),
    };
    let mut labels = Labels::new();
    let mut seen = std::collections::HashSet::new();
    for m in &vs.matchers.matchers {
        if m.name == METRIC_NAME {
            continue;
        }
        if matches!(m.op, promql_parser::label::MatchOp::Equal) && seen.insert(m.name.clone()) {
            labels.insert(m.name.clone(), m.value.clone());
        } else {
            labels.remove(&m.name);
        }
    }
    labels
}

fn label_replace(ev: &Evaluator, call: &Call, ts: Millis) -> Result<Value, PromError> {
    let dst = string_arg(call, 1)?;
    let replacement = string_arg(call, 2)?;
    let src = string_arg(call, 3)?;
    let pattern = string_arg(call, 4)?;
    let re = {
        let mut cache = ev.regexes.borrow_mut();
        match cache.get(&pattern) {
            Some(re) => re.clone(),
            None => {
                let re = regex::Regex::new(&format!("^(?s:{pattern})$")).map_err(|_| {
                    PromError::Execution(format!(
                        "invalid regular expression in label_replace(): {pattern}"
                    ))
                })?;
                cache.insert(pattern.clone(), re.clone());
                re
            }
        }
    };
    if !watchdeck_core::matcher::is_label_name(&dst) {
        return Err(PromError::Execution(format!(
            "invalid destination label name in label_replace(): {dst}"
        )));
    }
    let mut out = Vec::new();
    for mut s in ev.eval_vector(arg(call, 0)?, ts)? {
        let value = s.labels.get(&src).unwrap_or("").to_string();
        if let Some(caps) = re.captures(&value) {
            let mut expanded = String::new();
            caps.expand(&replacement, &mut expanded);
            s.labels.insert(dst.clone(), expanded);
        }
        out.push(s);
    }
    ensure_unique(&out)?;
    Ok(Value::Vector(out))
}
