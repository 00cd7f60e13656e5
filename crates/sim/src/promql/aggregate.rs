//! Aggregation operators: `sum`, `avg`, `min`, `max`, `count` (grouped by their labels) and
//! `topk` / `bottomk` (which keep the input series' labels).

use std::cmp::Ordering;
use std::collections::HashMap;

use promql_parser::parser::{AggregateExpr, LabelModifier};

use super::eval::Evaluator;
use super::value::{KahanSum, PromError, Sample, Value};
use crate::clock::Millis;
use crate::labels::{Labels, METRIC_NAME};

/// The group a sample belongs to: `by` keeps the listed labels, `without` drops them and the
/// metric name, no clause groups everything together.
pub(crate) fn group_key(labels: &Labels, modifier: Option<&LabelModifier>) -> Labels {
    match modifier {
        None => Labels::new(),
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
    }
}

#[derive(Default)]
struct Group {
    sum: KahanSum,
    count: usize,
    value: f64,
    members: Vec<Sample>,
}

pub(crate) fn aggregate(
    ev: &Evaluator,
    agg: &AggregateExpr,
    ts: Millis,
) -> Result<Value, PromError> {
    let op = agg.op.to_string();
    let op = op.as_str();
    if !matches!(
        op,
        "sum" | "avg" | "min" | "max" | "count" | "topk" | "bottomk"
    ) {
        return Err(PromError::unsupported(format!("aggregation \"{op}\"")));
    }
    let k = match (&agg.param, op) {
        (Some(param), "topk" | "bottomk") => {
            let k = ev.eval_scalar(param, ts)?;
            if k.is_nan() || k.abs() >= 2f64.powi(63) {
                return Err(PromError::Execution(format!(
                    "Scalar value {k} overflows int64"
                )));
            }
            k as i64
        }
        _ => 0,
    };
    let input = ev.eval_vector(&agg.expr, ts)?;
    let mut order: Vec<Labels> = Vec::new();
    let mut groups: HashMap<Labels, Group> = HashMap::new();
    for s in input {
        let key = group_key(&s.labels, agg.modifier.as_ref());
        let group = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Group {
                value: s.value,
                ..Group::default()
            }
        });
        group.count += 1;
        match op {
            "sum" | "avg" => group.sum.add(s.value),
            "min" if s.value < group.value || group.value.is_nan() => group.value = s.value,
            "max" if s.value > group.value || group.value.is_nan() => group.value = s.value,
            "topk" | "bottomk" => group.members.push(s),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for key in order {
        let Some(mut group) = groups.remove(&key) else {
            continue;
        };
        let value = match op {
            "sum" => group.sum.value(),
            "avg" => group.sum.value() / group.count as f64,
            "count" => group.count as f64,
            "min" | "max" => group.value,
            _ => {
                out.extend(select_k(&mut group.members, k, op == "topk"));
                continue;
            }
        };
        out.push(Sample { labels: key, value });
    }
    Ok(Value::Vector(out))
}

/// The `k` largest (or smallest) members, best first; NaN always ranks last, ties by labels.
fn select_k(members: &mut Vec<Sample>, k: i64, largest: bool) -> Vec<Sample> {
    if k < 1 {
        return Vec::new();
    }
    members.sort_by(|a, b| {
        let by_value = match (a.value.is_nan(), b.value.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ if largest => b.value.partial_cmp(&a.value).unwrap_or(Ordering::Equal),
            _ => a.value.partial_cmp(&b.value).unwrap_or(Ordering::Equal),
        };
        by_value.then_with(|| a.labels.cmp(&b.labels))
    });
    members.truncate(usize::try_from(k).unwrap_or(usize::MAX));
    std::mem::take(members)
}
