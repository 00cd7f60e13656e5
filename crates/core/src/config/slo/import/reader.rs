//! Typed reads from a YAML (or JSON) SLO document that note each problem with its position
//! and field path (`slos[1].objective`) and keep going, so a file's problems come at once.

use crate::yaml::{Node, Value};

/// One problem in an imported document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    /// 1-based; 0 when the document has no positions (a cluster object).
    pub(crate) line: usize,
    pub(crate) col: usize,
    /// Field path such as `spec.indicator.ratio.errors.metric`; empty for the document.
    pub(crate) path: String,
    pub(crate) message: String,
}

/// A node being read and its field path.
#[derive(Clone, Copy)]
pub(crate) struct Cur<'a> {
    pub(crate) node: &'a Node,
    pub(crate) path: &'a str,
}

/// Collects issues while documents are read.
#[derive(Default)]
pub(crate) struct Reader {
    pub(crate) issues: Vec<Issue>,
}

/// Key path of a child.
pub(crate) fn child_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Reader {
    pub(crate) fn report(&mut self, node: &Node, path: &str, message: impl Into<String>) {
        self.issues.push(Issue {
            line: node.line,
            col: node.col,
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// How many issues so far, to tell whether a part of a document added any.
    pub(crate) fn count(&self) -> usize {
        self.issues.len()
    }

    /// A field that must be present (and not null); reports it missing at its parent.
    pub(crate) fn required<'a>(
        &mut self,
        cur: Cur<'a>,
        key: &str,
        expected: &str,
    ) -> Option<&'a Node> {
        match cur.node.get(key) {
            Some(n) if n.value != Value::Null => Some(n),
            _ => {
                let message = format!("missing required field; expected {expected}");
                self.report(cur.node, &child_path(cur.path, key), message);
                None
            }
        }
    }

    /// A string field that must be present.
    pub(crate) fn required_str<'a>(
        &mut self,
        cur: Cur<'a>,
        key: &str,
        expected: &str,
    ) -> Option<(&'a str, &'a Node)> {
        let node = self.required(cur, key, expected)?;
        self.scalar(node, &child_path(cur.path, key), expected)
            .map(|s| (s, node))
    }

    /// A string field that may be absent.
    pub(crate) fn optional_str<'a>(
        &mut self,
        cur: Cur<'a>,
        key: &str,
        expected: &str,
    ) -> Option<(&'a str, &'a Node)> {
        let node = cur.node.get(key).filter(|n| n.value != Value::Null)?;
        self.scalar(node, &child_path(cur.path, key), expected)
            .map(|s| (s, node))
    }

    fn scalar<'a>(&mut self, node: &'a Node, path: &str, expected: &str) -> Option<&'a str> {
        match node.scalar() {
            Some(s) => Some(s),
            None => {
                let message = format!("expected {expected}, found {}", node.describe());
                self.report(node, path, message);
                None
            }
        }
    }

    /// A mapping that must be present.
    pub(crate) fn required_map<'a>(
        &mut self,
        cur: Cur<'a>,
        key: &str,
        expected: &str,
    ) -> Option<&'a Node> {
        let node = self.required(cur, key, expected)?;
        if matches!(node.value, Value::Map(_)) {
            Some(node)
        } else {
            let message = format!("expected {expected}, found {}", node.describe());
            self.report(node, &child_path(cur.path, key), message);
            None
        }
    }

    /// A list that must be present and not empty.
    pub(crate) fn required_seq<'a>(
        &mut self,
        cur: Cur<'a>,
        key: &str,
        expected: &str,
    ) -> Option<&'a [Node]> {
        let node = self.required(cur, key, expected)?;
        match &node.value {
            Value::Seq(items) if !items.is_empty() => Some(items),
            _ => {
                let message = format!("expected {expected}, found {}", node.describe());
                self.report(node, &child_path(cur.path, key), message);
                None
            }
        }
    }
}
