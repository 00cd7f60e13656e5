//! Typed reads from the spanned TOML tree that report every problem (unknown key, wrong
//! type, missing key) with its position and key path, and keep going so all are found.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{ConfigErrors, Problem, line_column};
use super::values::quoted;
use crate::suggest::closest;

pub type Span = Range<usize>;

/// Collects problems while the tree is read.
pub struct Walker<'s> {
    text: &'s str,
    origin: &'s str,
    problems: Vec<Problem>,
}

/// A table being read: its entries, where it starts, and its key path.
pub struct Tab<'t, 'i> {
    pub table: &'t DeTable<'i>,
    pub span: Span,
    pub path: String,
}

/// A string value and where it is.
#[derive(Clone, Copy)]
pub struct Str<'t> {
    pub value: &'t str,
    pub span: (usize, usize),
}

impl Str<'_> {
    pub fn span(&self) -> Span {
        self.span.0..self.span.1
    }
}

impl<'t, 'i> Tab<'t, 'i> {
    pub fn root(table: &'t Spanned<DeTable<'i>>) -> Self {
        Tab {
            table: table.get_ref(),
            span: table.span(),
            path: String::new(),
        }
    }

    /// Key path of an entry of this table.
    pub fn child(&self, key: &str) -> String {
        let key = if !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            key.to_owned()
        } else {
            format!("{key:?}")
        };
        if self.path.is_empty() {
            key
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    /// Span of a key as written, if present.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.table.get_key_value(key).map(|(k, _)| k.span())
    }
}

/// How a value's type is shown after "found".
pub fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("string {}", quoted(s)),
        DeValue::Integer(i) => format!("integer {i}"),
        DeValue::Float(f) => format!("float {f}"),
        DeValue::Boolean(b) => format!("boolean {b}"),
        DeValue::Datetime(d) => format!("datetime {d}"),
        DeValue::Array(_) => "an array".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    }
}

impl<'s> Walker<'s> {
    pub fn new(text: &'s str, origin: &'s str) -> Self {
        Walker {
            text,
            origin,
            problems: Vec::new(),
        }
    }

    /// Records a problem at `span` under key path `path`.
    pub fn report(&mut self, span: Span, path: &str, message: impl Into<String>) {
        self.push(span.start, Some(path.to_owned()), message.into());
    }

    /// Records a problem that has no key path (TOML syntax, encoding).
    pub fn report_unkeyed(&mut self, offset: usize, message: impl Into<String>) {
        self.push(offset, None, message.into());
    }

    fn push(&mut self, offset: usize, key_path: Option<String>, message: String) {
        let (line, column) = line_column(self.text, offset);
        self.problems.push(Problem {
            origin: self.origin.to_owned(),
            line,
            column,
            key_path,
            message,
        });
    }

    pub fn line_of(&self, span: &Span) -> usize {
        line_column(self.text, span.start).0
    }

    /// How many problems have been reported so far.
    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// The file name or other origin that starts every message.
    pub fn origin(&self) -> &str {
        self.origin
    }

    /// Records a problem found in another file (an imported SLO file), as it is.
    pub fn report_problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// The problems so far, as an error; for when reading cannot go on.
    pub fn into_errors(self) -> ConfigErrors {
        ConfigErrors::new(self.problems)
    }

    pub fn finish(self) -> Result<(), ConfigErrors> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors::new(self.problems))
        }
    }

    /// Reports every key of `tab` not in `known`, with a hint from `hints` or the closest
    /// known key.
    pub fn deny_unknown(&mut self, tab: &Tab<'_, '_>, known: &[&str], hints: &[(&str, &str)]) {
        for (key, _) in tab.table.iter() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let message = if let Some((_, hint)) = hints.iter().find(|(k, _)| *k == name) {
                format!("unknown key; {hint}")
            } else if let Some(near) = closest(name, known) {
                format!("unknown key; did you mean `{near}`?")
            } else {
                let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                format!("unknown key; expected one of {}", list.join(", "))
            };
            self.report(key.span(), &tab.child(name), message);
        }
    }

    /// A string entry; `None` when absent or (reported) of another type.
    pub fn string<'t>(&mut self, tab: &Tab<'t, '_>, key: &str, expected: &str) -> Option<Str<'t>> {
        let value = tab.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(Str {
                value: s.as_ref(),
                span: (value.span().start, value.span().end),
            }),
            other => {
                let message = format!("expected {expected}, found {}", describe(other));
                self.report(value.span(), &tab.child(key), message);
                None
            }
        }
    }

    /// A string entry that must be present.
    pub fn required_string<'t>(
        &mut self,
        tab: &Tab<'t, '_>,
        key: &str,
        expected: &str,
    ) -> Option<Str<'t>> {
        if tab.get(key).is_none() {
            self.missing(tab, key, expected);
            return None;
        }
        self.string(tab, key, expected)
    }

    /// Reports a missing required key at the start of its table.
    pub fn missing(&mut self, tab: &Tab<'_, '_>, key: &str, expected: &str) {
        let message = format!("missing required key; expected {expected}");
        self.report(tab.span.clone(), &tab.child(key), message);
    }

    /// A boolean entry; `default` when absent or (reported) of another type.
    pub fn boolean(&mut self, tab: &Tab<'_, '_>, key: &str, default: bool) -> bool {
        let Some(value) = tab.get(key) else {
            return default;
        };
        match value.get_ref() {
            DeValue::Boolean(b) => *b,
            other => {
                let message = format!("expected true or false, found {}", describe(other));
                self.report(value.span(), &tab.child(key), message);
                default
            }
        }
    }

    /// A sub-table; `None` when absent or (reported) of another type.
    pub fn table<'t, 'i>(
        &mut self,
        tab: &Tab<'t, 'i>,
        key: &str,
        expected: &str,
    ) -> Option<Tab<'t, 'i>> {
        let value = tab.get(key)?;
        let path = tab.child(key);
        as_table(self, value, path, expected)
    }

    /// An array of tables; `None` when absent or (reported) not an array. Elements that are
    /// not tables are reported and skipped.
    pub fn tables<'t, 'i>(
        &mut self,
        tab: &Tab<'t, 'i>,
        key: &str,
        expected: &str,
    ) -> Option<(Vec<Tab<'t, 'i>>, Span)> {
        let (items, path, span) = self.array(tab, key, expected)?;
        let tabs = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| as_table(self, item, format!("{path}[{i}]"), "a table"))
            .collect();
        Some((tabs, span))
    }

    /// An array entry with its key path and span; `None` when absent or (reported) not an
    /// array.
    fn array<'t, 'i>(
        &mut self,
        tab: &Tab<'t, 'i>,
        key: &str,
        expected: &str,
    ) -> Option<(&'t [Spanned<DeValue<'i>>], String, Span)> {
        let value = tab.get(key)?;
        let path = tab.child(key);
        let DeValue::Array(items) = value.get_ref() else {
            let message = format!("expected {expected}, found {}", describe(value.get_ref()));
            self.report(value.span(), &path, message);
            return None;
        };
        Some((items, path, value.span()))
    }

    /// An array of strings with each element's key path; `None` when absent. A value that is
    /// not an array, or an element that is not a string, is reported (and skipped).
    pub fn strings<'t>(
        &mut self,
        tab: &Tab<'t, '_>,
        key: &str,
        expected: &str,
    ) -> Option<Vec<(String, Str<'t>)>> {
        let (items, path, _) = self.array(tab, key, expected)?;
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            match item.get_ref() {
                DeValue::String(text) => out.push((
                    item_path,
                    Str {
                        value: text.as_ref(),
                        span: (item.span().start, item.span().end),
                    },
                )),
                other => {
                    let message = format!("expected a string, found {}", describe(other));
                    self.report(item.span(), &item_path, message);
                }
            }
        }
        Some(out)
    }

    /// A table of strings (labels, headers), in key order: (key, key span, key path, value).
    pub fn string_map<'t>(
        &mut self,
        tab: &Tab<'t, '_>,
        key: &str,
        expected: &str,
    ) -> Vec<(&'t str, Span, String, Str<'t>)> {
        let Some(map) = self.table(tab, key, expected) else {
            return Vec::new();
        };
        let mut entries = Vec::new();
        for (k, v) in map.table.iter() {
            let name: &str = k.get_ref().as_ref();
            match v.get_ref() {
                DeValue::String(s) => entries.push((
                    name,
                    k.span(),
                    map.child(name),
                    Str {
                        value: s.as_ref(),
                        span: (v.span().start, v.span().end),
                    },
                )),
                other => {
                    let message = format!("expected a string, found {}", describe(other));
                    self.report(v.span(), &map.child(name), message);
                }
            }
        }
        entries
    }
}

fn as_table<'t, 'i>(
    walker: &mut Walker<'_>,
    value: &'t Spanned<DeValue<'i>>,
    path: String,
    expected: &str,
) -> Option<Tab<'t, 'i>> {
    match value.get_ref() {
        DeValue::Table(table) => Some(Tab {
            table,
            span: value.span(),
            path,
        }),
        other => {
            let message = format!("expected {expected}, found {}", describe(other));
            walker.report(value.span(), &path, message);
            None
        }
    }
}
