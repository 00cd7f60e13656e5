//! Parameter values: validated against their declared kind (DNS-1123 names, bounded numbers
//! and durations, configured clusters, choices) before a run starts. `resolve` substitutes
//! them into typed fields.

pub(crate) mod names;

/// A duration in watchdeck's grammar (`crate::duration`), its error worded with the value
/// as found.
pub fn duration_value(text: &str) -> Result<Duration, String> {
    crate::duration::parse_duration(text).map_err(|error| match error {
        crate::duration::DurationError::TooLong => format!("duration {} is too long", shown(text)),
        other => format!("{other}, found {}", shown(text)),
    })
}

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::time::Duration;

use super::spec::{ParamKind, Runbook};

pub(crate) use names::{dns_label, dns_subdomain, param_name, shown, visible};

/// Validated parameter values by name, in canonical text form (`16`, `15m`, `payment`).
pub type Values = BTreeMap<String, String>;

/// A parameter value that was refused, worded for people:
/// `parameter deployment: "web;id" is not a valid name: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub param: String,
    pub message: String,
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "parameter {}: {}", self.param, self.message)
    }
}

/// Programs `command` steps may run: allowlist name -> argv prefix. Off unless the config
/// enables it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandPolicy {
    pub enabled: bool,
    pub programs: BTreeMap<String, Vec<String>>,
}

/// Checks `given` (name, raw value) against the runbook's declarations: unknown names,
/// missing required values (no default), and each value against its kind. `clusters` are
/// the configured cluster names a `cluster` parameter may take. All problems are returned.
pub fn validate(
    runbook: &Runbook,
    given: &[(String, String)],
    clusters: &[String],
) -> Result<Values, Vec<ParamError>> {
    let mut errors = Vec::new();
    let declared: Vec<&str> = runbook.params.iter().map(|p| p.name.as_str()).collect();
    for (i, (name, _)) in given.iter().enumerate() {
        if runbook.param(name).is_none() {
            let hint = match crate::suggest::closest(name, &declared) {
                Some(near) => format!("did you mean `{near}`?"),
                None if declared.is_empty() => "this runbook takes no parameters".to_string(),
                None => format!("this runbook takes {}", declared.join(", ")),
            };
            errors.push(ParamError {
                param: shown(name),
                message: format!("unknown parameter; {hint}"),
            });
        } else if given[..i].iter().any(|(earlier, _)| earlier == name) {
            errors.push(ParamError {
                param: name.clone(),
                message: "given more than once; give each parameter one value".to_string(),
            });
        }
    }
    let mut values = Values::new();
    for spec in &runbook.params {
        let given_value = given.iter().find(|(n, _)| *n == spec.name).map(|(_, v)| v);
        let (raw, is_default) = match (given_value, &spec.default) {
            (Some(v), _) => (v.as_str(), false),
            (None, Some(d)) => (d.as_str(), true),
            (None, None) => {
                let about = if spec.description.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", spec.description)
                };
                errors.push(ParamError {
                    param: spec.name.clone(),
                    message: format!(
                        "a value is required{about}; give it as --param {}=VALUE",
                        spec.name
                    ),
                });
                continue;
            }
        };
        match validate_value(&spec.kind, raw, clusters) {
            Ok(canonical) => {
                values.insert(spec.name.clone(), canonical);
            }
            Err(why) if is_default => errors.push(ParamError {
                param: spec.name.clone(),
                message: format!("the runbook's default does not fit: {why}; give a value"),
            }),
            Err(why) => errors.push(ParamError {
                param: spec.name.clone(),
                message: why,
            }),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// One value against its kind; `Ok` holds the canonical text.
pub fn validate_value(
    kind: &ParamKind,
    value: &str,
    clusters: &[String],
) -> Result<String, String> {
    let found = shown(value);
    match kind {
        ParamKind::Name => dns_subdomain(value)
            .map(|()| value.to_string())
            .map_err(|why| format!("{found} is not a valid name: {why}")),
        ParamKind::Namespace => dns_label(value)
            .map(|()| value.to_string())
            .map_err(|why| format!("{found} is not a valid namespace: {why}")),
        ParamKind::Choice(choices) => {
            visible(value).map_err(|why| format!("{found} {why}"))?;
            if choices.iter().any(|c| c == value) {
                Ok(value.to_string())
            } else {
                Err(format!("{found} is not one of {}", choices.join(", ")))
            }
        }
        ParamKind::Cluster => cluster(value, clusters),
        ParamKind::Integer { min, max } => {
            let n = integer(value)?;
            if n < *min || n > *max {
                return Err(format!("{n} is out of range: expected {min} to {max}"));
            }
            Ok(n.to_string())
        }
        ParamKind::Number { min, max } => {
            let n = number(value)?;
            if n < *min || n > *max {
                return Err(format!("{n} is out of range: expected {min} to {max}"));
            }
            Ok(format_number(n))
        }
        ParamKind::Duration { min, max } => {
            visible(value).map_err(|why| format!("{found} {why}"))?;
            let d = duration_value(value)?;
            if d < *min || d > *max {
                return Err(format!(
                    "{} is out of range: expected {} to {}",
                    crate::duration::format_duration(d),
                    crate::duration::format_duration(*min),
                    crate::duration::format_duration(*max)
                ));
            }
            Ok(crate::duration::format_duration(d))
        }
    }
}

fn cluster(value: &str, clusters: &[String]) -> Result<String, String> {
    let found = shown(value);
    if value.is_empty() {
        return Err("a cluster name is required; it is empty".to_string());
    }
    visible(value).map_err(|why| format!("{found} {why}"))?;
    if clusters.iter().any(|c| c == value) {
        return Ok(value.to_string());
    }
    if clusters.is_empty() {
        return Err(format!(
            "unknown cluster {found}: no clusters are configured"
        ));
    }
    let names: Vec<&str> = clusters.iter().map(String::as_str).collect();
    let hint = match crate::suggest::closest(value, &names) {
        Some(near) => format!("; did you mean `{near}`?"),
        None => String::new(),
    };
    Err(format!(
        "unknown cluster {found}: expected one of {}{hint}",
        names.join(", ")
    ))
}

/// Whole numbers in plain decimal: an optional `-`, then digits. No `+`, spaces, `0x` or
/// `1e3`: what reaches a field is exactly what was typed, canonicalised.
pub(crate) fn integer(value: &str) -> Result<i64, String> {
    let found = shown(value);
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{found} is not a whole number: expected digits such as 16 (no sign other than \"-\", no spaces)"
        ));
    }
    value
        .parse::<i64>()
        .map_err(|_| format!("{found} is too large a number"))
}

/// Decimal numbers: `-`? digits, an optional fraction and exponent (`0.01`, `5e-3`).
pub(crate) fn number(value: &str) -> Result<f64, String> {
    let found = shown(value);
    let bad = || {
        format!(
            "{found} is not a number: expected a decimal such as 0.05 (no \"+\", spaces, NaN or infinity)"
        )
    };
    let body = value.strip_prefix('-').unwrap_or(value);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix('-').unwrap_or(e)));
    if !digits(whole) || !fraction.is_none_or(digits) || !exponent_ok {
        return Err(bad());
    }
    match value.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(bad()),
    }
}

/// Plain decimal without exponent (`0.0001`, `16`), so it reads the same in PromQL.
pub(crate) fn format_number(n: f64) -> String {
    if n == 0.0 {
        "0".to_string()
    } else {
        format!("{n}")
    }
}
