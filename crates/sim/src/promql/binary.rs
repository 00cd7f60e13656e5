//! Binary operators: arithmetic, comparisons (filtering or `bool`) and set operators, between
//! scalars and vectors, with Prometheus's vector matching and its error messages.

use std::collections::{HashMap, HashSet};

use promql_parser::parser::{BinModifier, BinaryExpr, LabelModifier, VectorMatchCardinality};

use super::eval::Evaluator;
use super::value::{PromError, Sample, Value, braced, ensure_unique};
use crate::clock::Millis;
use crate::labels::{Labels, METRIC_NAME};

fn is_comparison(op: &str) -> bool {
    matches!(op, "==" | "!=" | ">" | "<" | ">=" | "<=")
}

/// Applies `op`; for comparisons returns the left value and whether the comparison held.
fn apply(op: &str, l: f64, r: f64) -> Result<(f64, bool), PromError> {
    Ok(match op {
        "+" => (l + r, true),
        "-" => (l - r, true),
        "*" => (l * r, true),
        "/" => (l / r, true),
        "%" => (l % r, true),
        "^" => (l.powf(r), true),
        "==" => (l, l == r),
        "!=" => (l, l != r),
        ">" => (l, l > r),
        "<" => (l, l < r),
        ">=" => (l, l >= r),
        "<=" => (l, l <= r),
        other => {
            return Err(PromError::unsupported(format!(
                "binary operator \"{other}\""
            )));
        }
    })
}

pub(crate) fn binary(ev: &Evaluator, bin: &BinaryExpr, ts: Millis) -> Result<Value, PromError> {
    let op = bin.op.to_string();
    let op = op.as_str();
    let default = BinModifier::default();
    let modifier = bin.modifier.as_ref().unwrap_or(&default);
    if modifier.fill_values.lhs.is_some() || modifier.fill_values.rhs.is_some() {
        return Err(PromError::unsupported("fill modifiers"));
    }
    if op == "atan2" {
        return Err(PromError::unsupported("binary operator \"atan2\""));
    }
    let lhs = ev.eval(&bin.lhs, ts)?;
    let rhs = ev.eval(&bin.rhs, ts)?;
    let return_bool = modifier.return_bool;
    match (lhs, rhs) {
        (Value::Scalar(l), Value::Scalar(r)) => {
            let (v, keep) = apply(op, l, r)?;
            if is_comparison(op) {
                if !return_bool {
                    return Err(PromError::BadData(
                        "comparisons between scalars must use BOOL modifier".into(),
                    ));
                }
                return Ok(Value::Scalar(if keep { 1.0 } else { 0.0 }));
            }
            Ok(Value::Scalar(v))
        }
        (Value::Vector(v), Value::Scalar(s)) => vector_scalar(op, v, s, false, return_bool),
        (Value::Scalar(s), Value::Vector(v)) => vector_scalar(op, v, s, true, return_bool),
        (Value::Vector(l), Value::Vector(r)) => match op {
            "and" | "or" | "unless" => {
                Ok(Value::Vector(set_op(op, l, r, modifier.matching.as_ref())))
            }
            _ => vector_vector(op, l, r, modifier).map(Value::Vector),
        },
        (l, r) => Err(PromError::BadData(format!(
            "binary expression must contain only scalar and instant vector types, got {} {op} {}",
            l.type_name(),
            r.type_name()
        ))),
    }
}

fn vector_scalar(
    op: &str,
    v: Vec<Sample>,
    s: f64,
    scalar_left: bool,
    return_bool: bool,
) -> Result<Value, PromError> {
    if matches!(op, "and" | "or" | "unless") {
        return Err(PromError::BadData(format!(
            "set operator \"{op}\" not allowed in binary scalar expression"
        )));
    }
    let comparison = is_comparison(op);
    let mut out = Vec::with_capacity(v.len());
    for mut sample in v {
        let (l, r) = if scalar_left {
            (s, sample.value)
        } else {
            (sample.value, s)
        };
        let (mut value, mut keep) = apply(op, l, r)?;
        if comparison && scalar_left {
            // The vector element's value is the result even when the scalar is on the left.
            value = sample.value;
        }
        if return_bool {
            value = if keep { 1.0 } else { 0.0 };
            keep = true;
        }
        if keep {
            sample.value = value;
            if !comparison || return_bool {
                sample.labels.remove(METRIC_NAME);
            }
            out.push(sample);
        }
    }
    ensure_unique(&out)?;
    Ok(Value::Vector(out))
}

/// The matching signature: `on` keeps the listed labels, `ignoring` (or no clause) drops the
/// listed labels and the metric name.
fn signature(labels: &Labels, matching: Option<&LabelModifier>) -> Labels {
    match matching {
        Some(LabelModifier::Include(names)) => Labels::from_pairs(
            labels
                .iter()
                .filter(|(k, _)| names.labels.iter().any(|n| n == k)),
        ),
        Some(LabelModifier::Exclude(names)) => Labels::from_pairs(
            labels
                .iter()
                .filter(|(k, _)| *k != METRIC_NAME && !names.labels.iter().any(|n| n == k)),
        ),
        None => labels.without_metric_name(),
    }
}

fn set_op(
    op: &str,
    lhs: Vec<Sample>,
    rhs: Vec<Sample>,
    matching: Option<&LabelModifier>,
) -> Vec<Sample> {
    match op {
        "and" | "unless" => {
            let right: HashSet<Labels> =
                rhs.iter().map(|s| signature(&s.labels, matching)).collect();
            let want = op == "and";
            lhs.into_iter()
                .filter(|s| right.contains(&signature(&s.labels, matching)) == want)
                .collect()
        }
        _ => {
            let left: HashSet<Labels> =
                lhs.iter().map(|s| signature(&s.labels, matching)).collect();
            let mut out = lhs;
            out.extend(
                rhs.into_iter()
                    .filter(|s| !left.contains(&signature(&s.labels, matching))),
            );
            out
        }
    }
}

fn vector_vector(
    op: &str,
    lhs: Vec<Sample>,
    rhs: Vec<Sample>,
    modifier: &BinModifier,
) -> Result<Vec<Sample>, PromError> {
    let matching = modifier.matching.as_ref();
    let (many, one, swapped) = match &modifier.card {
        VectorMatchCardinality::OneToMany(_) => (rhs, lhs, true),
        _ => (lhs, rhs, false),
    };
    let one_to_one = !matches!(
        modifier.card,
        VectorMatchCardinality::OneToMany(_) | VectorMatchCardinality::ManyToOne(_)
    );
    let mut one_side: HashMap<Labels, Sample> = HashMap::with_capacity(one.len());
    for s in one {
        let sig = signature(&s.labels, matching);
        if let Some(dup) = one_side.get(&sig) {
            let side = if swapped { "left" } else { "right" };
            return Err(PromError::Execution(format!(
                "found duplicate series for the match group {} on the {side} hand-side of the operation: [{}, {}];many-to-many matching not allowed: matching labels must be unique on one side",
                braced(&sig),
                braced(&s.labels),
                braced(&dup.labels)
            )));
        }
        one_side.insert(sig, s);
    }
    let comparison = is_comparison(op);
    let mut matched: HashMap<Labels, HashSet<Labels>> = HashMap::new();
    let mut out = Vec::new();
    for s in many {
        let sig = signature(&s.labels, matching);
        let Some(other) = one_side.get(&sig) else {
            continue;
        };
        let (l, r) = if swapped {
            (other.value, s.value)
        } else {
            (s.value, other.value)
        };
        let (mut value, keep) = apply(op, l, r)?;
        if modifier.return_bool {
            value = if keep { 1.0 } else { 0.0 };
        } else if !keep {
            continue;
        }
        let mut labels = result_labels(&s.labels, &other.labels, comparison, one_to_one, modifier);
        if modifier.return_bool {
            labels.remove(METRIC_NAME);
        }
        let inserted = matched.entry(sig).or_default();
        if one_to_one {
            if !inserted.is_empty() {
                return Err(PromError::Execution(
                    "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)".into(),
                ));
            }
        } else if inserted.contains(&labels) {
            return Err(PromError::Execution(
                "multiple matches for labels: grouping labels must ensure unique matches".into(),
            ));
        }
        inserted.insert(labels.clone());
        out.push(Sample { labels, value });
    }
    ensure_unique(&out)?;
    Ok(out)
}

/// Prometheus's `resultMetric`: the "many" side's labels, without the metric name for
/// arithmetic, cut to the matching labels for one-to-one `on`/`ignoring`, plus the
/// `group_left`/`group_right` labels copied from the "one" side.
fn result_labels(
    many: &Labels,
    one: &Labels,
    comparison: bool,
    one_to_one: bool,
    modifier: &BinModifier,
) -> Labels {
    let mut labels = many.clone();
    if !comparison {
        labels.remove(METRIC_NAME);
    }
    if one_to_one {
        match &modifier.matching {
            Some(LabelModifier::Include(names)) => {
                labels = Labels::from_pairs(
                    labels
                        .iter()
                        .filter(|(k, _)| names.labels.iter().any(|n| n == k)),
                );
            }
            Some(LabelModifier::Exclude(names)) => {
                for n in &names.labels {
                    labels.remove(n);
                }
            }
            None => {}
        }
    }
    if let Some(include) = modifier.card.labels() {
        for name in &include.labels {
            match one.get(name) {
                Some(v) => labels.insert(name.clone(), v.to_string()),
                None => {
                    labels.remove(name);
                }
            }
        }
    }
    labels
}
