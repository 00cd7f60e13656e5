//! Label sets: the identity of a time series or an alert, shared by the simulator's TSDB,
//! rule engine and Alertmanager.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Name of the label that carries a series' metric name.
pub const METRIC_NAME: &str = "__name__";

/// A label set kept sorted by name, so equal sets compare, hash and print the same.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Labels(BTreeMap<String, String>);

impl Labels {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a set from pairs; a later pair wins over an earlier one with the same name.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Sets a label; an empty value removes it, as in Prometheus.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let (name, value) = (name.into(), value.into());
        if value.is_empty() {
            self.0.remove(&name);
        } else {
            self.0.insert(name, value);
        }
    }

    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.insert(name, value);
        self
    }

    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }

    pub fn metric_name(&self) -> Option<&str> {
        self.get(METRIC_NAME)
    }

    pub fn without_metric_name(&self) -> Self {
        let mut copy = self.clone();
        copy.0.remove(METRIC_NAME);
        copy
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// Alertmanager's fingerprint of a label set: FNV-1a 64 over each name and value,
    /// each followed by the separator byte 0xff, in name order (prometheus/common model).
    pub fn fingerprint(&self) -> u64 {
        const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut hash = OFFSET;
        let mut feed = |bytes: &[u8]| {
            for b in bytes {
                hash ^= u64::from(*b);
                hash = hash.wrapping_mul(PRIME);
            }
        };
        for (name, value) in &self.0 {
            feed(name.as_bytes());
            feed(&[0xff]);
            feed(value.as_bytes());
            feed(&[0xff]);
        }
        hash
    }
}

impl watchdeck_core::matcher::LabelSet for Labels {
    fn label(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

impl fmt::Display for Labels {
    /// Prints `{a="x", b="y"}` with the metric name in front when present, as Prometheus does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = self.metric_name() {
            f.write_str(name)?;
        }
        f.write_str("{")?;
        let mut first = true;
        for (k, v) in self.iter().filter(|(k, _)| *k != METRIC_NAME) {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{k}={v:?}")?;
        }
        f.write_str("}")
    }
}

impl FromIterator<(String, String)> for Labels {
    fn from_iter<T: IntoIterator<Item = (String, String)>>(iter: T) -> Self {
        Self::from_pairs(iter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_matches_prometheus_common_model() {
        // Values from prometheus/common model/signature_test.go (TestLabelsToSignature).
        assert_eq!(Labels::new().fingerprint(), 14_695_981_039_346_656_037);
        let labels =
            Labels::from_pairs([("name", "garland, briggs"), ("fear", "love is not enough")]);
        assert_eq!(labels.fingerprint(), 5_799_056_148_416_392_346);
    }

    #[test]
    fn empty_value_removes_label() {
        let mut labels = Labels::from_pairs([("a", "1")]);
        labels.insert("a", "");
        assert!(labels.is_empty());
    }

    #[test]
    fn display_puts_metric_name_first() {
        let labels = Labels::from_pairs([("__name__", "up"), ("job", "x")]);
        assert_eq!(labels.to_string(), "up{job=\"x\"}");
    }
}
