//! Alertmanager label matchers (`=`, `!=`, `=~`, `!~`) as plain data, their text form
//! (`name="value"`), and a pure engine with Alertmanager's semantics: regexes are anchored
//! (`^(?:re)$`) and an absent label is the empty string, so `team!="x"` catches alerts
//! without a `team` label and `team=~".*"` catches them too. Used by the silence form's
//! preview and to validate filter matchers in the config.

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

    /// The matcher ready to evaluate; a bad regex is an error naming the matcher.
    pub fn compile(&self) -> Result<Compiled, String> {
        let regex = if self.op.is_regex() {
            let anchored = format!("^(?:{})$", self.value);
            let re = regex::RegexBuilder::new(&anchored)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| format!("{self}: invalid regex: {}", first_line(&e.to_string())))?;
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

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
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

/// A matcher with its regex compiled.
#[derive(Debug, Clone)]
pub struct Compiled {
    matcher: Matcher,
    regex: Option<Regex>,
}

impl Compiled {
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

    pub fn matches(&self, labels: &BTreeMap<Text, Text>) -> bool {
        let value = labels
            .iter()
            .find(|(k, _)| k.as_str() == self.matcher.name)
            .map_or("", |(_, v)| v.as_str());
        self.matches_value(value)
    }
}

/// Compiles every matcher; the first bad one is the error.
pub fn compile_all(matchers: &[Matcher]) -> Result<Vec<Compiled>, String> {
    matchers.iter().map(Matcher::compile).collect()
}

/// True when every matcher accepts `labels` (an empty list catches everything, so callers
/// that create silences must refuse it).
pub fn all_match(compiled: &[Compiled], labels: &BTreeMap<Text, Text>) -> bool {
    compiled.iter().all(|m| m.matches(labels))
}

/// A label name as Alertmanager's classic parser accepts it.
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses one matcher: `name="value"`, `name!=value`, `name=~"re"`, `name !~ "re"`. The
/// value may be quoted (with `\"`, `\\` and `\n` escapes) or bare.
pub fn parse_matcher(text: &str) -> Result<Matcher, String> {
    let text = text.trim();
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let name = &text[..name_end];
    if !is_label_name(name) {
        return Err(format!(
            "expected a matcher such as severity=\"critical\", found {text:?}"
        ));
    }
    let rest = text[name_end..].trim_start();
    let (op, rest) = if let Some(r) = rest.strip_prefix("=~") {
        (MatchOp::Regex, r)
    } else if let Some(r) = rest.strip_prefix("!~") {
        (MatchOp::NotRegex, r)
    } else if let Some(r) = rest.strip_prefix("!=") {
        (MatchOp::NotEqual, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (MatchOp::Equal, r)
    } else {
        return Err(format!(
            "{text:?}: expected an operator (=, !=, =~ or !~) after {name:?}"
        ));
    };
    let rest = rest.trim();
    let value = match rest.strip_prefix('"') {
        Some(quoted) => unquote(quoted).ok_or_else(|| {
            format!("{text:?}: the value's closing quote is missing or escaped wrongly")
        })?,
        None if rest.contains('"') => {
            return Err(format!("{text:?}: unbalanced quote in the value"));
        }
        None => rest.to_string(),
    };
    let matcher = Matcher::new(name, op, &value);
    matcher.compile()?;
    Ok(matcher)
}

/// The value inside quotes (`rest` starts after the opening quote); None unless the text
/// ends right after the closing quote.
fn unquote(rest: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                other => out.push(other),
            },
            '"' => return chars.as_str().trim().is_empty().then_some(out),
            other => out.push(other),
        }
    }
    None
}

/// Parses a list written `{a="1", b=~"2"}` or `a="1", b=~"2"` (commas inside quotes are
/// part of values).
pub fn parse_matchers(text: &str) -> Result<Vec<Matcher>, String> {
    let trimmed = text.trim();
    let inner = trimmed
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(trimmed);
    let mut parts = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in inner.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| parse_matcher(p))
        .collect()
}

#[cfg(test)]
mod tests;
