//! Label matchers as Alertmanager parses and evaluates them (the classic `pkg/labels` parser),
//! shared by silences, inhibit rules and the API's `filter` parameters.

use std::fmt;

use regex::Regex;
use thiserror::Error;

use crate::labels::Labels;

/// The four matcher operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

impl MatchOp {
    /// The operator from the API's `isEqual`/`isRegex` flags.
    pub fn from_flags(is_equal: bool, is_regex: bool) -> Self {
        match (is_equal, is_regex) {
            (true, false) => Self::Equal,
            (false, false) => Self::NotEqual,
            (true, true) => Self::Regex,
            (false, true) => Self::NotRegex,
        }
    }

    pub fn is_regex(self) -> bool {
        matches!(self, Self::Regex | Self::NotRegex)
    }

    pub fn is_equal(self) -> bool {
        matches!(self, Self::Equal | Self::Regex)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "=",
            Self::NotEqual => "!=",
            Self::Regex => "=~",
            Self::NotRegex => "!~",
        }
    }
}

/// Why a matcher could not be parsed or compiled; messages are Alertmanager's.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum MatcherError {
    #[error("bad matcher format: {0}")]
    BadFormat(String),
    #[error("matcher value contains unescaped double quote: {0}")]
    UnescapedQuote(String),
    #[error("{0}")]
    Regex(String),
}

/// One label matcher; regex matchers are anchored as `^(?:re)$`.
#[derive(Clone, Debug)]
pub struct Matcher {
    name: String,
    op: MatchOp,
    value: String,
    re: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.op == other.op && self.value == other.value
    }
}

impl Eq for Matcher {}

impl Matcher {
    /// Builds a matcher, compiling the anchored regex for `=~` and `!~`.
    pub fn new(op: MatchOp, name: &str, value: &str) -> Result<Self, MatcherError> {
        let re = if op.is_regex() {
            let anchored = format!("^(?:{value})$");
            Some(
                Regex::new(&anchored)
                    .map_err(|e| MatcherError::Regex(regex_error(&anchored, &e)))?,
            )
        } else {
            None
        };
        Ok(Self {
            name: name.to_string(),
            op,
            value: value.to_string(),
            re,
        })
    }

    /// An equality matcher, which cannot fail to build.
    pub fn equal(name: &str, value: &str) -> Self {
        Self {
            name: name.to_string(),
            op: MatchOp::Equal,
            value: value.to_string(),
            re: None,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn op(&self) -> MatchOp {
        self.op
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether the matcher accepts a label value (an absent label is the empty string).
    pub fn matches_value(&self, value: &str) -> bool {
        let re_match = || self.re.as_ref().is_some_and(|re| re.is_match(value));
        match self.op {
            MatchOp::Equal => value == self.value,
            MatchOp::NotEqual => value != self.value,
            MatchOp::Regex => re_match(),
            MatchOp::NotRegex => !re_match(),
        }
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.matches_value(labels.get(&self.name).unwrap_or(""))
    }
}

impl fmt::Display for Matcher {
    /// `name="value"` with OpenMetrics escaping, as Alertmanager prints matchers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let escaped = self
            .value
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('"', "\\\"");
        write!(f, "{}{}\"{}\"", self.name, self.op.as_str(), escaped)
    }
}

/// True when every matcher accepts the label set.
pub fn all_match(matchers: &[Matcher], labels: &Labels) -> bool {
    matchers.iter().all(|m| m.matches(labels))
}

/// A classic Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Go's `\s`: the ASCII whitespace set RE2 uses.
fn is_go_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// Renders a regex compile error in the shape of Go's `error parsing regexp: <why>: `<expr>``.
pub fn regex_error(pattern: &str, err: &regex::Error) -> String {
    let text = err.to_string();
    let why = text
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| text.split_whitespace().collect::<Vec<_>>().join(" "));
    format!("error parsing regexp: {why}: `{pattern}`")
}

/// Parses one matcher such as `severity=~"crit.*"` or `cluster!=eu-west-1`
/// (Alertmanager's classic `ParseMatcher`: quotes optional, OpenMetrics escapes).
pub fn parse_matcher(input: &str) -> Result<Matcher, MatcherError> {
    let bad = || MatcherError::BadFormat(input.to_string());
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
    ]
    .into_iter()
    .chain([("=", MatchOp::Equal)])
    .find_map(|(tok, op)| rest.strip_prefix(tok).map(|r| (op, r)))
    .ok_or_else(bad)?;
    let raw = rest.trim_matches(is_go_space);
    let value = unescape_value(raw)?;
    Matcher::new(op, name, &value)
}

/// Unescapes a matcher value: `\"`, `\n`, `\\`; a leading quote needs a trailing one.
fn unescape_value(raw: &str) -> Result<String, MatcherError> {
    let quote_err = || MatcherError::UnescapedQuote(raw.to_string());
    let (body, mut expect_trailing) = match raw.strip_prefix('"') {
        Some(b) => (b, true),
        None => (raw, false),
    };
    let mut value = String::with_capacity(body.len());
    let mut escaped = false;
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
            '"' if !expect_trailing || !last => return Err(quote_err()),
            '"' => expect_trailing = false,
            other => value.push(other),
        }
    }
    if expect_trailing {
        return Err(quote_err());
    }
    Ok(value)
}

/// Parses a comma-separated list, optionally in braces: `{a="x", b=~"y.*"}` (`ParseMatchers`).
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
mod tests {
    use super::*;

    fn parsed(input: &str) -> (String, MatchOp, String) {
        let m = parse_matcher(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        (m.name().to_string(), m.op(), m.value().to_string())
    }

    #[test]
    fn parses_classic_matchers_with_and_without_quotes() {
        let cases = [
            (
                r#"alertname="HighErrorRate""#,
                "alertname",
                MatchOp::Equal,
                "HighErrorRate",
            ),
            (
                r#"severity=~"crit.*""#,
                "severity",
                MatchOp::Regex,
                "crit.*",
            ),
            (
                "cluster!=eu-west-1",
                "cluster",
                MatchOp::NotEqual,
                "eu-west-1",
            ),
            ("  job !~ api|web  ", "job", MatchOp::NotRegex, "api|web"),
            (
                r#"quote="say \"hi\", ok""#,
                "quote",
                MatchOp::Equal,
                r#"say "hi", ok"#,
            ),
            (r#"path="a\\b\nc""#, "path", MatchOp::Equal, "a\\b\nc"),
            (r#"odd="a\qb""#, "odd", MatchOp::Equal, r"a\qb"),
            ("empty=", "empty", MatchOp::Equal, ""),
            ("ns:name=x", "ns:name", MatchOp::Equal, "x"),
        ];
        for (input, name, op, value) in cases {
            assert_eq!(
                parsed(input),
                (name.to_string(), op, value.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_bad_matchers_naming_them() {
        let cases = [
            ("cluster~eu", "bad matcher format: cluster~eu"),
            ("=x", "bad matcher format: =x"),
            ("1abc=x", "bad matcher format: 1abc=x"),
            (
                r#"a="unterminated"#,
                r#"matcher value contains unescaped double quote: "unterminated"#,
            ),
            (
                r#"a="x"y""#,
                r#"matcher value contains unescaped double quote: "x"y""#,
            ),
        ];
        for (input, message) in cases {
            let err = parse_matcher(input).err().map(|e| e.to_string());
            assert_eq!(err.as_deref(), Some(message), "{input}");
        }
        let err = parse_matcher("a=~(")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("error parsing regexp: ") && err.ends_with("`^(?:()$`"),
            "{err}"
        );
    }

    #[test]
    fn parses_lists_in_braces_with_commas_inside_quotes() {
        let ms =
            parse_matchers(r#"{foo = "bar", dings != "bums", msg="a, b", }"#).unwrap_or_default();
        let got: Vec<String> = ms.iter().map(ToString::to_string).collect();
        assert_eq!(got, [r#"foo="bar""#, r#"dings!="bums""#, r#"msg="a, b""#]);
        assert_eq!(parse_matchers("{}").map(|v| v.len()), Ok(0));
        assert!(
            matches!(parse_matchers("a=b,,c=d"), Err(MatcherError::BadFormat(s)) if s.is_empty())
        );
    }

    #[test]
    fn regex_matchers_are_anchored_and_negative_matchers_treat_absent_as_empty() {
        let labels = Labels::from_pairs([("severity", "critical"), ("cluster", "eu-west-1")]);
        let cases = [
            (r#"severity=~"crit.*""#, true),
            (r#"severity=~"crit""#, false),
            (r#"severity!~"warn.*""#, true),
            ("cluster!=eu-west-1", false),
            ("service!=api", true),
            (r#"service="""#, true),
            (r#"service=~".+""#, false),
            (r#"cluster=~"eu-.*|us-.*""#, true),
        ];
        for (input, want) in cases {
            let m = parse_matcher(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(m.matches(&labels), want, "{input}");
        }
    }

    #[test]
    fn label_names_follow_the_classic_rule() {
        for (name, ok) in [
            ("alertname", true),
            ("_x1", true),
            ("1x", false),
            ("a-b", false),
            ("", false),
        ] {
            assert_eq!(is_valid_label_name(name), ok, "{name:?}");
        }
    }
}
