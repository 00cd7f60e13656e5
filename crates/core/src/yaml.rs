//! A small YAML document tree with positions, built from serde-saphyr's event parser, so
//! every field of an SLO or runbook file can be reported as file:line:col plus its path.
//! Anchors, aliases and duplicate keys are refused: such a file should say each thing once,
//! plainly.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, StrInput};

type Events<'a> = Parser<'a, StrInput<'a>>;

/// One YAML node and where it starts (1-based line and column; 0 when unknown, as for
/// objects read from a cluster).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) line: usize,
    pub(crate) col: usize,
    /// For a mapping, where each key starts (line, col), in entry order; empty otherwise.
    pub(crate) key_positions: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    /// A scalar's text exactly as written (after YAML escapes), whatever its type.
    Scalar(String),
    Seq(Vec<Node>),
    /// Entries in file order: key and value (the key's position is in `key_positions`).
    Map(Vec<(String, Node)>),
}

/// Why a file is not YAML we accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) message: String,
}

impl Node {
    /// The value under `key` of a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Where `key` of a mapping starts; the mapping's own position when unknown.
    pub(crate) fn key_position(&self, key: &str) -> (usize, usize) {
        let index = match &self.value {
            Value::Map(entries) => entries.iter().position(|(k, _)| k == key),
            _ => None,
        };
        index
            .and_then(|i| self.key_positions.get(i).copied())
            .unwrap_or((self.line, self.col))
    }

    /// The scalar text, if this is a scalar.
    pub(crate) fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// How the node is shown after "found".
    pub(crate) fn describe(&self) -> String {
        match &self.value {
            Value::Null => "nothing (null)".to_string(),
            Value::Scalar(s) => format!("{s:?}"),
            Value::Seq(_) => "a list".to_string(),
            Value::Map(_) => "a mapping".to_string(),
        }
    }

    /// A JSON value (a Kubernetes object) as a tree without positions.
    pub(crate) fn from_json(value: &serde_json::Value) -> Node {
        use serde_json::Value as J;
        let value = match value {
            J::Null => Value::Null,
            J::Bool(b) => Value::Scalar(b.to_string()),
            J::Number(n) => Value::Scalar(n.to_string()),
            J::String(s) => Value::Scalar(s.clone()),
            J::Array(items) => Value::Seq(items.iter().map(Node::from_json).collect()),
            J::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Node::from_json(v)))
                    .collect(),
            ),
        };
        Node {
            value,
            line: 0,
            col: 0,
            key_positions: Vec::new(),
        }
    }
}

type Item<'a> = (Event<'a>, Span);

fn at(span: &Span, message: impl Into<String>) -> YamlError {
    YamlError {
        line: span.start.line(),
        col: span.start.col() + 1,
        message: message.into(),
    }
}

/// Parses every document of a (multi-document) YAML text; empty documents are skipped.
/// `what` names the files in messages ("SLO files", "runbook files").
pub(crate) fn documents(text: &str, what: &str) -> Result<Vec<Node>, YamlError> {
    let mut options = serde_saphyr::granit_parser::Options::default();
    options.emit_anchor_events = true;
    let mut events = Parser::new_from_str_with_options(text, options);
    let mut docs = Vec::new();
    loop {
        let (event, span) = next(&mut events, what)?;
        match event {
            Event::StreamStart | Event::DocumentStart(..) | Event::DocumentEnd => {}
            Event::StreamEnd => return Ok(docs),
            other => {
                let node = node(&mut events, (other, span), what)?;
                if node.value != Value::Null {
                    docs.push(node);
                }
            }
        }
    }
}

/// The next event that is not presentation metadata (comments).
fn next<'a>(events: &mut Events<'a>, what: &str) -> Result<Item<'a>, YamlError> {
    loop {
        match events.next() {
            None => {
                return Err(YamlError {
                    line: 0,
                    col: 0,
                    message: "unexpected end of the YAML text".to_string(),
                });
            }
            Some(Err(e)) => {
                // An alias is only reported as such when its anchor exists (and anchors are
                // refused first), so say the same thing for an alias of nothing.
                let message = if e.info().contains("unknown anchor") {
                    format!(
                        "YAML aliases (*name) are not accepted in {what}: write the value out in full"
                    )
                } else {
                    format!("invalid YAML: {}", e.info())
                };
                return Err(YamlError {
                    line: e.marker().line(),
                    col: e.marker().col() + 1,
                    message,
                });
            }
            Some(Ok((event, span))) => match event {
                Event::StreamStart
                | Event::StreamEnd
                | Event::DocumentStart(..)
                | Event::DocumentEnd
                | Event::Alias(_)
                | Event::UnresolvedAlias(_)
                | Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::SequenceEnd
                | Event::MappingStart(..)
                | Event::MappingEnd => return Ok((event, span)),
                _ => {}
            },
        }
    }
}

fn no_aliases(what: &str) -> String {
    format!("YAML aliases (*name) are not accepted in {what}: write the value out in full")
}

/// The anchor's own position and name: the parser reports it right after its node.
fn anchor_error(events: &mut Events<'_>, node_span: &Span, what: &str) -> YamlError {
    let message = |name: &str| {
        format!("YAML anchors (&{name}) are not accepted in {what}: write the value out in full")
    };
    match events.next() {
        Some(Ok((Event::Anchor(_, name), span))) => at(&span, message(&name)),
        _ => at(node_span, message("name")),
    }
}

fn node<'a>(
    events: &mut Events<'a>,
    (event, span): Item<'a>,
    what: &str,
) -> Result<Node, YamlError> {
    let mut key_positions = Vec::new();
    let value = match event {
        Event::Scalar(text, style, anchor, _) => {
            if anchor != 0 {
                return Err(anchor_error(events, &span, what));
            }
            let is_null = style == ScalarStyle::Plain
                && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL");
            if is_null {
                Value::Null
            } else {
                Value::Scalar(text.into_owned())
            }
        }
        Event::SequenceStart(_, anchor, _) => {
            if anchor != 0 {
                return Err(anchor_error(events, &span, what));
            }
            let mut items = Vec::new();
            loop {
                let item = next(events, what)?;
                if matches!(item.0, Event::SequenceEnd) {
                    break;
                }
                items.push(node(events, item, what)?);
            }
            Value::Seq(items)
        }
        Event::MappingStart(_, anchor, _) => {
            if anchor != 0 {
                return Err(anchor_error(events, &span, what));
            }
            let mut entries: Vec<(String, Node)> = Vec::new();
            loop {
                let (key_event, key_span) = next(events, what)?;
                let key = match key_event {
                    Event::MappingEnd => break,
                    Event::Scalar(text, _, 0, _) => text.into_owned(),
                    Event::Scalar(..) => return Err(anchor_error(events, &key_span, what)),
                    Event::Alias(_) | Event::UnresolvedAlias(_) => {
                        return Err(at(&key_span, no_aliases(what)));
                    }
                    _ => {
                        return Err(at(
                            &key_span,
                            "expected a plain key such as `name:`, found a list or mapping used as a key",
                        ));
                    }
                };
                if key == "<<" {
                    let message = format!(
                        "YAML merge keys (<<) are not accepted in {what}: write the fields out in full"
                    );
                    return Err(at(&key_span, message));
                }
                if let Some((_, first)) = entries.iter().find(|(k, _)| *k == key) {
                    let message = format!(
                        "duplicate key `{key}` (first at line {}): each field may appear once",
                        first.line
                    );
                    return Err(at(&key_span, message));
                }
                let first = next(events, what)?;
                let value = node(events, first, what)?;
                key_positions.push((key_span.start.line(), key_span.start.col() + 1));
                entries.push((key, value));
            }
            Value::Map(entries)
        }
        Event::Alias(_) | Event::UnresolvedAlias(_) => return Err(at(&span, no_aliases(what))),
        _ => return Err(at(&span, "unexpected YAML structure")),
    };
    Ok(Node {
        value,
        line: span.start.line(),
        col: span.start.col() + 1,
        key_positions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_positions_and_exact_text() {
        let docs = documents(
            "a: 99.90\nb:\n  - x\n  - 'y'\n---\n---\nc: ~\n",
            "SLO files",
        )
        .unwrap();
        assert_eq!(docs.len(), 2);
        let a = docs[0].get("a").unwrap();
        assert_eq!((a.scalar(), a.line, a.col), (Some("99.90"), 1, 4));
        let Value::Seq(items) = &docs[0].get("b").unwrap().value else {
            panic!()
        };
        assert_eq!((items[1].scalar(), items[1].line), (Some("y"), 4));
        assert_eq!(docs[1].get("c").unwrap().value, Value::Null);
        assert_eq!(docs[0].key_position("b"), (2, 1));
    }

    #[test]
    fn anchors_aliases_and_duplicates_are_refused() {
        let e = documents("a: &x 1\nb: *x\n", "SLO files").unwrap_err();
        assert_eq!((e.line, e.col), (1, 4));
        assert!(e.message.contains("anchors"), "{e:?}");
        let e = documents("a: 1\nb:\n  c: 2\n  c: 3\n", "SLO files").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(
            e.message.contains("duplicate key `c` (first at line 3)"),
            "{e:?}"
        );
        let e = documents("a: [1\n", "SLO files").unwrap_err();
        assert!(e.message.starts_with("invalid YAML"), "{e:?}");
    }
}
