//! The subset of Prometheus's Go-template annotations the simulator renders itself:
//! `{{ $labels.X }}`, `{{ $value }}`, pipes to `humanize`, `humanizePercentage`,
//! `humanizeDuration`, and `printf "%.Nf"` (called or piped). Anything else is refused
//! when the rule is added, so no annotation is ever rendered differently from Prometheus.

use crate::labels::Labels;
use crate::promql::gofmt::{format_f_prec, format_g, format_g_prec};

#[derive(Clone, Debug, PartialEq)]
enum Source {
    Value,
    Label(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Func {
    Humanize,
    HumanizePercentage,
    HumanizeDuration,
    Printf(usize),
}

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Text(String),
    Action { source: Source, funcs: Vec<Func> },
}

/// A parsed annotation or label template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template(Vec<Segment>);

fn parse_printf(format: &str) -> Result<usize, String> {
    let spec = format
        .strip_prefix("\"%.")
        .and_then(|s| s.strip_suffix("f\""))
        .ok_or_else(|| format!("unsupported printf format {format} (only \"%.Nf\")"))?;
    spec.parse()
        .map_err(|_| format!("unsupported printf format {format}"))
}

fn parse_source(text: &str) -> Result<Source, String> {
    if text == "$value" {
        return Ok(Source::Value);
    }
    match text.strip_prefix("$labels.") {
        Some(name)
            if !name.is_empty() && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()) =>
        {
            Ok(Source::Label(name.to_string()))
        }
        _ => Err(format!("unsupported template value {text:?}")),
    }
}

fn parse_action(action: &str) -> Result<Segment, String> {
    let mut stages = action.split('|').map(str::trim);
    let first = stages.next().unwrap_or_default();
    let mut funcs = Vec::new();
    let source = match first.strip_prefix("printf ") {
        Some(args) => {
            let args = args.trim();
            let split = args
                .rfind(' ')
                .ok_or_else(|| format!("printf needs a format and a value: {first}"))?;
            let (format, value) = args.split_at(split);
            funcs.push(Func::Printf(parse_printf(format.trim())?));
            parse_source(value.trim())?
        }
        None => parse_source(first)?,
    };
    let mut all = Vec::new();
    for stage in stages {
        all.push(match stage {
            "humanize" => Func::Humanize,
            "humanizePercentage" => Func::HumanizePercentage,
            "humanizeDuration" => Func::HumanizeDuration,
            other => match other.strip_prefix("printf ") {
                Some(format) => Func::Printf(parse_printf(format.trim())?),
                None => return Err(format!("unsupported template function {other:?}")),
            },
        });
    }
    funcs.extend(all);
    Ok(Segment::Action { source, funcs })
}

impl Template {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut segments = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("unclosed action in {text:?}"))?;
            segments.push(parse_action(after[..close].trim())?);
            rest = &after[close + 2..];
        }
        if rest.contains("}}") {
            return Err(format!("unexpected '}}}}' in {text:?}"));
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_string()));
        }
        Ok(Self(segments))
    }

    /// Renders with the alert's sample labels and value. A function applied to a label that
    /// is not a number yields Prometheus's `<error expanding template: ...>` text.
    pub fn render(&self, labels: &Labels, value: f64) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            match segment {
                Segment::Text(t) => out.push_str(t),
                Segment::Action { source, funcs } => {
                    match render_action(source, funcs, labels, value) {
                        Ok(text) => out.push_str(&text),
                        Err(e) => return format!("<error expanding template: {e}>"),
                    }
                }
            }
        }
        out
    }
}

enum Val {
    Str(String),
    Float(f64),
}

fn render_action(
    source: &Source,
    funcs: &[Func],
    labels: &Labels,
    value: f64,
) -> Result<String, String> {
    let mut v = match source {
        Source::Value => Val::Float(value),
        // Prometheus expands with missingkey=zero: an absent label renders empty.
        Source::Label(name) => Val::Str(labels.get(name).unwrap_or("").to_string()),
    };
    for f in funcs {
        if let Func::Printf(prec) = f {
            v = Val::Str(match &v {
                Val::Float(x) => format_f_prec(*x, *prec),
                Val::Str(s) => format!("%!f(string={s})"),
            });
            continue;
        }
        let x = match &v {
            Val::Float(x) => *x,
            Val::Str(s) => s
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("strconv.ParseFloat: parsing {s:?}: invalid syntax"))?,
        };
        v = Val::Str(match f {
            Func::Humanize => humanize(x),
            Func::HumanizePercentage => format!("{}%", format_g_prec(x * 100.0, 4)),
            _ => humanize_duration(x),
        });
    }
    Ok(match v {
        Val::Float(x) => format_g(x),
        Val::Str(s) => s,
    })
}

fn scale(mut v: f64, prefixes: &[&'static str], up: bool) -> (f64, &'static str) {
    let mut prefix = "";
    for p in prefixes {
        if (up && v.abs() < 1000.0) || (!up && v.abs() >= 1.0) {
            break;
        }
        prefix = p;
        v = if up { v / 1000.0 } else { v * 1000.0 };
    }
    (v, prefix)
}

const BIG: &[&str] = &["k", "M", "G", "T", "P", "E", "Z", "Y"];
const SMALL: &[&str] = &["m", "u", "n", "p", "f", "a", "z", "y"];

/// Prometheus's `humanize`: SI prefixes, 4 significant digits.
pub fn humanize(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format_g_prec(v, 4);
    }
    let (v, prefix) = if v.abs() >= 1.0 {
        scale(v, BIG, true)
    } else {
        scale(v, SMALL, false)
    };
    format!("{}{prefix}", format_g_prec(v, 4))
}

/// Prometheus's `humanizeDuration`: `1d 2h 3m 4s` down to seconds, SI-prefixed below one.
pub fn humanize_duration(v: f64) -> String {
    if !v.is_finite() {
        return format_g_prec(v, 4);
    }
    if v == 0.0 {
        return format!("{}s", format_g_prec(v, 4));
    }
    if v.abs() >= 1.0 {
        let sign = if v < 0.0 { "-" } else { "" };
        let v = v.abs();
        let total = v as i64;
        let (days, hours, minutes, seconds) = (
            total / 86_400,
            (total / 3_600) % 24,
            (total / 60) % 60,
            total % 60,
        );
        return if days != 0 {
            format!("{sign}{days}d {hours}h {minutes}m {seconds}s")
        } else if hours != 0 {
            format!("{sign}{hours}h {minutes}m {seconds}s")
        } else if minutes != 0 {
            format!("{sign}{minutes}m {seconds}s")
        } else {
            format!("{sign}{}s", format_g_prec(v, 4))
        };
    }
    let (v, prefix) = scale(v, SMALL, false);
    format!("{}{prefix}s", format_g_prec(v, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_supported_subset() {
        let labels = Labels::from_pairs([("service", "checkout"), ("lag", "90")]);
        let cases = [
            ("{{ $labels.service }} is slow", 0.5, "checkout is slow"),
            ("{{$labels.missing}}|", 0.5, "|"),
            ("{{ $value }}", 0.0523, "0.0523"),
            ("{{ $value }}", 1_234_567.0, "1.234567e+06"),
            ("{{ $value | humanizePercentage }}", 0.0523, "5.23%"),
            ("{{ $value | humanizePercentage }}", 0.123456, "12.35%"),
            ("{{ $value | humanize }}", 1_234_567.0, "1.235M"),
            ("{{ $value | humanize }}", 0.0015, "1.5m"),
            ("{{ $value | humanize }}", 0.0, "0"),
            ("{{ $value | humanizeDuration }}", 93_784.0, "1d 2h 3m 4s"),
            ("{{ $value | humanizeDuration }}", 125.0, "2m 5s"),
            ("{{ $value | humanizeDuration }}", 1.5, "1.5s"),
            ("{{ $value | humanizeDuration }}", 0.25, "250ms"),
            ("{{ $labels.lag | humanizeDuration }}", 0.0, "1m 30s"),
            ("{{ printf \"%.2f\" $value }}", 3.14659, "3.15"),
            ("{{ $value | printf \"%.1f\" }}", 2.26, "2.3"),
            (
                "{{ $labels.service | humanize }}",
                0.0,
                "<error expanding template: strconv.ParseFloat: parsing \"checkout\": invalid syntax>",
            ),
        ];
        for (text, value, want) in cases {
            let t = Template::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(t.render(&labels, value), want, "{text}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_render_faithfully() {
        for text in [
            "{{ .Labels.x }}",
            "{{ $value | title }}",
            "{{ printf \"%d\" $value }}",
            "{{ $value",
            "{{ if $value }}x{{ end }}",
        ] {
            assert!(Template::parse(text).is_err(), "{text}");
        }
    }
}
