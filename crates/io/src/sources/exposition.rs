//! Parsing of scraped Prometheus expositions, guarded against prometheus-parse's known label-value corruption.
//!
//! prometheus-parse 0.2.5 finds labels with the regex `\{(?P<labels>[^}]+)\}`, splits them on
//! `,` and each pair on `=`, then trims `"` from both ends; it never unescapes. What it does
//! with hostile label values (pinned by `prometheus_parse_mangles_hostile_label_values`):
//!
//! - `=` (`a="x=y"`): the pair splits into three parts and is skipped: label `a` silently
//!   disappears.
//! - `,` (`a="x,y"`): the value is cut at the comma: `a` becomes `x`, the rest is dropped.
//! - `}` (`a="x}y"`): the sample regex no longer matches and the whole line is silently
//!   ignored: the sample disappears.
//! - `\"` (`a="say \"hi\""`): escapes are kept and the trailing quotes trimmed: `a` becomes
//!   `say \"hi\` (backslashes kept, closing quote lost). `\\` and `\n` also stay escaped.
//! - Also: metric names with `:` and empty braces `m{}` make the line silently ignored, and
//!   spaces after commas end up in label names.
//!
//! [`parse_exposition`] tokenizes every sample line with a small correct tokenizer first.
//! Lines with none of these hazards go through prometheus-parse (and are cross-checked);
//! lines with a hazard are parsed by the tokenizer and listed in `repaired`; lines the
//! tokenizer cannot parse are listed in `rejected` with their reason. Nothing is dropped or
//! altered silently.

use std::collections::BTreeMap;

/// One sample as written in the exposition (histogram series stay separate `_bucket` lines).
#[derive(Clone, Debug, PartialEq)]
pub struct ExpositionSample {
    /// 1-based line number in the input.
    pub line: usize,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
    pub timestamp_ms: Option<i64>,
}

/// A line that needed the guard (`repaired`) or could not be parsed (`rejected`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIssue {
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedExposition {
    pub samples: Vec<ExpositionSample>,
    /// `# HELP` texts by metric family name, unescaped.
    pub help: BTreeMap<String, String>,
    /// `# TYPE` values by metric family name (`counter`, `gauge`, `histogram` ...).
    pub types: BTreeMap<String, String>,
    /// Sample lines prometheus-parse would have mangled, parsed by the guard instead.
    pub repaired: Vec<LineIssue>,
    /// Lines that are not valid text format; their samples are not in `samples`.
    pub rejected: Vec<LineIssue>,
}

/// A sample line as the tokenizer reads it, plus what would trip prometheus-parse.
struct Tokenized {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
    timestamp_ms: Option<i64>,
    hazards: Vec<&'static str>,
}

struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn skip_blanks(&mut self) -> bool {
        let before = self.rest.len();
        self.rest = self.rest.trim_start_matches([' ', '\t']);
        self.rest.len() != before
    }

    fn take_while(&mut self, f: impl Fn(usize, char) -> bool) -> &'a str {
        let end = self
            .rest
            .char_indices()
            .find(|(i, c)| !f(*i, *c))
            .map_or(self.rest.len(), |(i, _)| i);
        let (head, tail) = self.rest.split_at(end);
        self.rest = tail;
        head
    }

    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(tail) => {
                self.rest = tail;
                true
            }
            None => false,
        }
    }
}

fn is_name_char(i: usize, c: char, colon: bool) -> bool {
    c == '_' || c.is_ascii_alphabetic() || (colon && c == ':') || (i > 0 && c.is_ascii_digit())
}

fn tokenize(line: &str) -> Result<Tokenized, String> {
    let mut cur = Cursor {
        rest: line.trim_start(),
    };
    let mut hazards = Vec::new();
    let name = cur.take_while(|i, c| is_name_char(i, c, true)).to_string();
    if name.is_empty() {
        return Err("expected a metric name".into());
    }
    if name.contains(':') {
        hazards.push("metric name contains ':'");
    }
    let mut labels = BTreeMap::new();
    if cur.eat('{') {
        if cur.rest.starts_with('}') {
            hazards.push("empty label braces");
        }
        loop {
            if cur.skip_blanks() {
                hazards.push("whitespace inside label braces");
            }
            if cur.eat('}') {
                break;
            }
            let label = cur.take_while(|i, c| is_name_char(i, c, false)).to_string();
            if label.is_empty() {
                return Err("expected a label name".into());
            }
            if cur.skip_blanks() {
                hazards.push("whitespace inside label braces");
            }
            if !cur.eat('=') {
                return Err(format!("expected '=' after label {label}"));
            }
            if cur.skip_blanks() {
                hazards.push("whitespace inside label braces");
            }
            if !cur.eat('"') {
                return Err(format!("expected '\"' to open the value of label {label}"));
            }
            let value = unescape_label_value(&mut cur, &label, &mut hazards)?;
            if labels.insert(label.clone(), value).is_some() {
                return Err(format!("duplicate label {label}"));
            }
            if cur.skip_blanks() {
                hazards.push("whitespace inside label braces");
            }
            if !cur.eat(',') && !cur.rest.starts_with('}') {
                return Err(format!("expected ',' or '}}' after label {label}"));
            }
        }
    }
    if !cur.skip_blanks() {
        return Err("expected whitespace before the value".into());
    }
    let value_text = cur.take_while(|_, c| c != ' ' && c != '\t');
    let value = watchdeck_core::model::go_float::parse_go_float(value_text)
        .ok_or_else(|| format!("invalid value {value_text:?}"))?;
    cur.skip_blanks();
    let timestamp_ms = match cur.take_while(|_, c| c != ' ' && c != '\t') {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| format!("invalid timestamp {text:?}"))?,
        ),
    };
    cur.skip_blanks();
    if !cur.rest.is_empty() {
        return Err(format!("unexpected text after the sample: {:?}", cur.rest));
    }
    Ok(Tokenized {
        name,
        labels,
        value,
        timestamp_ms,
        hazards,
    })
}

fn unescape_label_value(
    cur: &mut Cursor,
    label: &str,
    hazards: &mut Vec<&'static str>,
) -> Result<String, String> {
    let mut value = String::new();
    let mut chars = cur.rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                cur.rest = &cur.rest[i + 1..];
                return Ok(value);
            }
            '\\' => {
                hazards.push("escape sequence in a label value");
                match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, other)) => {
                        return Err(format!("invalid escape \\{other} in label {label}"));
                    }
                    None => break,
                }
            }
            '=' | ',' | '}' => {
                hazards.push(match c {
                    '=' => "'=' in a label value",
                    ',' => "',' in a label value",
                    _ => "'}' in a label value",
                });
                value.push(c);
            }
            c => value.push(c),
        }
    }
    Err(format!("unterminated value of label {label}"))
}

fn unescape_help(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// What prometheus-parse makes of one sample line on its own (no TYPE context, so every
/// sample is untyped and histogram buckets stay flat). A line without a timestamp is stamped
/// with the Unix epoch, taken from a parsed `epoch 0 0` line so chrono need not be named.
fn via_prometheus_parse(line: &str) -> Option<(String, BTreeMap<String, String>, f64, i64)> {
    let parse_one =
        |text: &str| prometheus_parse::Scrape::parse(std::iter::once(Ok(text.to_string())));
    let epoch = parse_one("epoch 0 0")
        .ok()?
        .samples
        .into_iter()
        .next()?
        .timestamp;
    let scrape =
        prometheus_parse::Scrape::parse_at(std::iter::once(Ok(line.to_string())), epoch).ok()?;
    let sample = scrape.samples.into_iter().next()?;
    let value = match sample.value {
        prometheus_parse::Value::Untyped(v)
        | prometheus_parse::Value::Counter(v)
        | prometheus_parse::Value::Gauge(v) => v,
        _ => return None,
    };
    let labels = sample
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some((
        sample.metric,
        labels,
        value,
        sample.timestamp.timestamp_millis(),
    ))
}

fn same_value(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// Parses a text-format exposition; see the module docs for how hazards are handled.
pub fn parse_exposition(text: &str) -> ParsedExposition {
    let mut out = ParsedExposition::default();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            let mut parts = comment.trim_start().splitn(3, [' ', '\t']);
            match (parts.next(), parts.next(), parts.next()) {
                (Some("HELP"), Some(name), help) => {
                    out.help
                        .insert(name.to_string(), unescape_help(help.unwrap_or("")));
                }
                (Some("TYPE"), Some(name), Some(kind)) => {
                    out.types.insert(name.to_string(), kind.trim().to_string());
                }
                _ => {}
            }
            continue;
        }
        let tok = match tokenize(trimmed) {
            Ok(tok) => tok,
            Err(reason) => {
                out.rejected.push(LineIssue { line, reason });
                continue;
            }
        };
        let mut reasons: Vec<String> = tok.hazards.iter().map(|h| h.to_string()).collect();
        reasons.dedup();
        if reasons.is_empty() {
            match via_prometheus_parse(trimmed) {
                Some((name, labels, value, ts))
                    if name == tok.name
                        && labels == tok.labels
                        && same_value(value, tok.value)
                        && ts == tok.timestamp_ms.unwrap_or(0) => {}
                other => reasons.push(format!(
                    "prometheus-parse disagreed with the tokenizer: {other:?}"
                )),
            }
        }
        if !reasons.is_empty() {
            out.repaired.push(LineIssue {
                line,
                reason: reasons.join("; "),
            });
        }
        out.samples.push(ExpositionSample {
            line,
            name: tok.name,
            labels: tok.labels,
            value: tok.value,
            timestamp_ms: tok.timestamp_ms,
        });
    }
    out
}

#[cfg(test)]
mod tests;
