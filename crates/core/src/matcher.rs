//! Alertmanager label matchers (`=`, `!=`, `=~`, `!~`), the one implementation for the whole
//! workspace: the console's silence form and config filters, runbook silences, and the
//! simulator's Alertmanager all parse and evaluate matchers here. The grammar is Alertmanager's
//! classic `pkg/labels` parser (quotes optional, `\"`, `\\` and `\n` escapes, other escapes kept
//! as written); the semantics are Alertmanager's: regexes are anchored (`^(?:re)$`) and an
//! absent label is the empty string, so `team!="x"` and `team=~".*"` both catch alerts without
//! a `team` label. Errors read for people ([`MatcherError`]'s `Display`) and also carry
//! Alertmanager's own wording ([`MatcherError::alertmanager_text`]) for the simulator's API.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;

use crate::text::Text;

/// The four operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

impl MatchOp {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }

    /// Alertmanager API v2's `isEqual` flag.
    pub fn is_equal(self) -> bool {
        matches!(self, MatchOp::Equal | MatchOp::Regex)
    }

    /// Alertmanager API v2's `isRegex` flag.
    pub fn is_regex(self) -> bool {
        matches!(self, MatchOp::Regex | MatchOp::NotRegex)
    }

    /// The operator from the API's flags (`isEqual` absent means true).
    pub fn from_flags(is_equal: bool, is_regex: bool) -> Self {
        match (is_equal, is_regex) {
            (true, false) => MatchOp::Equal,
            (false, false) => MatchOp::NotEqual,
            (true, true) => MatchOp::Regex,
            (false, true) => MatchOp::NotRegex,
        }
    }
}

/// Why a matcher could not be parsed or compiled. `Display` is for people; Alertmanager's
/// wording, for an API that must answer as Alertmanager does, is
/// [`MatcherError::alertmanager_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatcherError {
    /// No label name at the start (`=x`, `9a=x`, an empty list entry).
    BadFormat { input: String },
    /// A label name not followed by `=`, `!=`, `=~` or `!~`.
    NoOperator { input: String, name: String },
    /// A value opened with a quote that is not closed at its end (`a="x`, `a="x" y`).
    Unterminated { input: String, raw: String },
    /// An unescaped quote inside an unquoted value (`a=x"y`).
    StrayQuote { input: String, raw: String },
    /// A regex that does not compile: the matcher as written, the anchored pattern and why.
    Regex {
        matcher: String,
        pattern: String,
        why: String,
    },
}

impl MatcherError {
    /// The message Alertmanager gives for the same input.
    pub fn alertmanager_text(&self) -> String {
        match self {
            MatcherError::BadFormat { input } | MatcherError::NoOperator { input, .. } => {
                format!("bad matcher format: {input}")
            }
            MatcherError::Unterminated { raw, .. } | MatcherError::StrayQuote { raw, .. } => {
                format!("matcher value contains unescaped double quote: {raw}")
            }
            MatcherError::Regex { pattern, why, .. } => go_regex_error(pattern, why),
        }
    }
}

impl fmt::Display for MatcherError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatcherError::BadFormat { input } => write!(
                f,
                "expected a matcher such as severity=\"critical\", found {input:?}"
            ),
            MatcherError::NoOperator { input, name } => write!(
                f,
                "{input:?}: expected an operator (=, !=, =~ or !~) after {name:?}"
            ),
            MatcherError::Unterminated { input, .. } => write!(
                f,
                "{input:?}: the value's closing quote is missing or escaped wrongly"
            ),
            MatcherError::StrayQuote { input, .. } => {
                write!(f, "{input:?}: unbalanced quote in the value")
            }
            MatcherError::Regex { matcher, why, .. } => {
                write!(f, "{matcher}: invalid regex: {why}")
            }
        }
    }
}

impl std::error::Error for MatcherError {}

impl From<MatcherError> for String {
    fn from(e: MatcherError) -> String {
        e.to_string()
    }
}

/// One matcher as written; compile it with [`Matcher::compile`] to evaluate it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
}

impl Matcher {
    pub fn new(name: &str, op: MatchOp, value: &str) -> Self {
        Matcher {
            name: name.to_string(),
            op,
            value: value.to_string(),
        }
    }

    /// The matcher ready to evaluate; a regex that does not compile is an error naming it.
    pub fn compile(&self) -> Result<Compiled, MatcherError> {
        let regex = if self.op.is_regex() {
            let pattern = format!("^(?:{})$", self.value);
            let re = Regex::new(&pattern).map_err(|e| MatcherError::Regex {
                matcher: self.to_string(),
                why: regex_why(&e),
                pattern,
            })?;
            Some(re)
        } else {
            None
        };
        Ok(Compiled {
            matcher: self.clone(),
            regex,
        })
    }
}

/// The reason line of a regex compile error, without the pattern the crate repeats.
pub fn regex_why(err: &regex::Error) -> String {
    let text = err.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A regex error in the shape of Go's `error parsing regexp: <why>: `<pattern>``.
pub fn go_regex_error(pattern: &str, why: &str) -> String {
    format!("error parsing regexp: {why}: `{pattern}`")
}

impl fmt::Display for Matcher {
    /// `name="value"` with `\`, `"` and newlines escaped, as Alertmanager prints matchers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let escaped = self
            .value
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        write!(f, "{}{}\"{escaped}\"", self.name, self.op.as_str())
    }
}

/// Labels a matcher can look into: the console's alert labels, the simulator's label sets.
pub trait LabelSet {
    /// The value of label `name`, or None when the set has no such label.
    fn label(&self, name: &str) -> Option<&str>;
}

impl LabelSet for BTreeMap<Text, Text> {
    fn label(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_str() == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A matcher with its regex compiled.
#[derive(Debug, Clone)]
pub struct Compiled {
    matcher: Matcher,
    regex: Option<Regex>,
}

impl PartialEq for Compiled {
    fn eq(&self, other: &Self) -> bool {
        self.matcher == other.matcher
    }
}

impl Eq for Compiled {}

impl fmt::Display for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.matcher.fmt(f)
    }
}

impl Compiled {
    /// An equality matcher, which always compiles.
    pub fn equal(name: &str, value: &str) -> Self {
        Compiled {
            matcher: Matcher::new(name, MatchOp::Equal, value),
            regex: None,
        }
    }

    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    pub fn name(&self) -> &str {
        &self.matcher.name
    }

    pub fn op(&self) -> MatchOp {
        self.matcher.op
    }

    pub fn value(&self) -> &str {
        &self.matcher.value
    }

    /// Whether the matcher accepts a label value (an absent label is `""`).
    pub fn matches_value(&self, value: &str) -> bool {
        let re = || self.regex.as_ref().is_some_and(|re| re.is_match(value));
        match self.matcher.op {
            MatchOp::Equal => value == self.matcher.value,
            MatchOp::NotEqual => value != self.matcher.value,
            MatchOp::Regex => re(),
            MatchOp::NotRegex => !re(),
        }
    }

    pub fn matches<L: LabelSet + ?Sized>(&self, labels: &L) -> bool {
        self.matches_value(labels.label(&self.matcher.name).unwrap_or(""))
    }
}

/// Compiles every matcher; the first bad one is the error.
pub fn compile_all(matchers: &[Matcher]) -> Result<Vec<Compiled>, MatcherError> {
    matchers.iter().map(Matcher::compile).collect()
}

/// True when every matcher accepts `labels` (an empty list catches everything, so callers
/// that create silences must refuse it).
pub fn all_match<L: LabelSet + ?Sized>(compiled: &[Compiled], labels: &L) -> bool {
    compiled.iter().all(|m| m.matches(labels))
}

/// A classic Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Go's `\s`: the ASCII whitespace the classic parser trims.
fn is_go_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// Parses one matcher: `name="value"`, `name!=value`, `name=~"re"`, `name !~ "re"` (names may
/// hold `:` as Alertmanager's parser allows). A regex that does not compile is refused here.
pub fn parse_matcher(input: &str) -> Result<Matcher, MatcherError> {
    let bad = || MatcherError::BadFormat {
        input: input.to_string(),
    };
    let rest = input.trim_start_matches(is_go_space);
    let first_ok = |c: char| c.is_ascii_alphabetic() || c == '_' || c == ':';
    if !rest.chars().next().is_some_and(first_ok) {
        return Err(bad());
    }
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(rest.len());
    let (name, rest) = rest.split_at(name_len);
    let rest = rest.trim_start_matches(is_go_space);
    let (op, rest) = [
        ("=~", MatchOp::Regex),
        ("!=", MatchOp::NotEqual),
        ("!~", MatchOp::NotRegex),
        ("=", MatchOp::Equal),
    ]
    .into_iter()
    .find_map(|(token, op)| rest.strip_prefix(token).map(|r| (op, r)))
    .ok_or_else(|| MatcherError::NoOperator {
        input: input.to_string(),
        name: name.to_string(),
    })?;
    let value = unescape_value(input, rest.trim_matches(is_go_space))?;
    let matcher = Matcher::new(name, op, &value);
    matcher.compile()?;
    Ok(matcher)
}

/// Unescapes a value: `\"`, `\n`, `\\`; other escapes stay as written; a leading quote needs
/// a closing one at the very end.
fn unescape_value(input: &str, raw: &str) -> Result<String, MatcherError> {
    let (body, quoted) = match raw.strip_prefix('"') {
        Some(body) => (body, true),
        None => (raw, false),
    };
    let quote_error = || {
        let (input, raw) = (input.to_string(), raw.to_string());
        if quoted {
            MatcherError::Unterminated { input, raw }
        } else {
            MatcherError::StrayQuote { input, raw }
        }
    };
    let mut value = String::with_capacity(body.len());
    let (mut escaped, mut open) = (false, quoted);
    for (i, c) in body.char_indices() {
        let last = i + c.len_utf8() == body.len();
        if escaped {
            escaped = false;
            match c {
                'n' => value.push('\n'),
                '"' | '\\' => value.push(c),
                other => {
                    value.push('\\');
                    value.push(other);
                }
            }
            continue;
        }
        match c {
            '\\' if !last => escaped = true,
            '\\' => value.push('\\'),
            '"' if !open || !last => return Err(quote_error()),
            '"' => open = false,
            other => value.push(other),
        }
    }
    if open {
        return Err(quote_error());
    }
    Ok(value)
}

/// Parses a comma-separated list, optionally in braces: `{a="x", b=~"y.*"}`. Commas inside
/// quotes belong to values; a trailing comma is allowed, an empty entry is not.
pub fn parse_matchers(input: &str) -> Result<Vec<Matcher>, MatcherError> {
    let s = input.strip_prefix('{').unwrap_or(input);
    let s = s.strip_suffix('}').unwrap_or(s);
    let (mut tokens, mut token) = (Vec::new(), String::new());
    let (mut inside_quotes, mut escaped) = (false, false);
    for c in s.chars() {
        match c {
            ',' if !inside_quotes => {
                tokens.push(std::mem::take(&mut token));
                continue;
            }
            ',' => {}
            '"' if escaped => escaped = false,
            '"' => inside_quotes = !inside_quotes,
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
        token.push(c);
    }
    let last = token.trim_matches(is_go_space);
    if !last.is_empty() {
        tokens.push(last.to_string());
    }
    tokens.iter().map(|t| parse_matcher(t)).collect()
}

#[cfg(test)]
mod tests;
