//! Values a PromQL expression evaluates to, and the errors evaluation reports.

use crate::clock::Millis;
use crate::labels::Labels;

/// A query error, split the way the Prometheus API splits them: `bad_data` (HTTP 400) for
/// queries that do not parse or use something outside the supported subset, `execution`
/// (HTTP 422) for failures while evaluating a valid query.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PromError {
    #[error("{0}")]
    BadData(String),
    #[error("{0}")]
    Execution(String),
}

impl PromError {
    pub fn unsupported(what: impl std::fmt::Display) -> Self {
        Self::BadData(format!(
            "unsupported in the simulator's PromQL subset: {what}"
        ))
    }

    pub fn error_type(&self) -> &'static str {
        match self {
            Self::BadData(_) => "bad_data",
            Self::Execution(_) => "execution",
        }
    }

    pub fn http_status(&self) -> u16 {
        match self {
            Self::BadData(_) => 400,
            Self::Execution(_) => 422,
        }
    }
}

/// One element of an instant vector; its timestamp is the evaluation time.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    pub value: f64,
}

/// One series of a range vector or of a range query's result.
#[derive(Clone, Debug, PartialEq)]
pub struct RangeSeries {
    pub labels: Labels,
    pub points: Vec<(Millis, f64)>,
}

/// The result of an instant query, as the API's `resultType` distinguishes them.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryValue {
    Scalar { at: Millis, value: f64 },
    String { at: Millis, value: String },
    Vector { at: Millis, samples: Vec<Sample> },
    Matrix(Vec<RangeSeries>),
}

impl QueryValue {
    pub fn result_type(&self) -> &'static str {
        match self {
            Self::Scalar { .. } => "scalar",
            Self::String { .. } => "string",
            Self::Vector { .. } => "vector",
            Self::Matrix(_) => "matrix",
        }
    }
}

/// A value during evaluation at one timestamp.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Scalar(f64),
    String(String),
    Vector(Vec<Sample>),
    Matrix(Vec<RangeSeries>),
}

impl Value {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Self::Scalar(_) => "scalar",
            Self::String(_) => "string",
            Self::Vector(_) => "instant vector",
            Self::Matrix(_) => "range vector",
        }
    }
}

/// Prometheus's `labels.String()`: every label inside braces, `__name__` included.
pub(crate) fn braced(labels: &Labels) -> String {
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// Fails when two samples carry the same labels, as Prometheus does after functions and
/// operators that drop the metric name.
pub(crate) fn ensure_unique(samples: &[Sample]) -> Result<(), PromError> {
    let mut seen = std::collections::HashSet::with_capacity(samples.len());
    for s in samples {
        if !seen.insert(&s.labels) {
            return Err(PromError::Execution(
                "vector cannot contain metrics with the same labelset".into(),
            ));
        }
    }
    Ok(())
}

/// Neumaier-compensated running sum, as Prometheus's `kahansum.Inc`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KahanSum {
    sum: f64,
    c: f64,
}

impl KahanSum {
    pub(crate) fn add(&mut self, inc: f64) {
        let t = self.sum + inc;
        if t.is_infinite() {
            self.c = 0.0;
        } else if self.sum.abs() >= inc.abs() {
            self.c += (self.sum - t) + inc;
        } else {
            self.c += (inc - t) + self.sum;
        }
        self.sum = t;
    }

    pub(crate) fn value(&self) -> f64 {
        self.sum + self.c
    }
}
