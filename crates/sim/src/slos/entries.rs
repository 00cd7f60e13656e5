//! A scenario file's `[[slos]]` entries, checked against the simulated fleet and turned into
//! `SloSpec`s, with errors that name the file, the line, the entry and the field.

use serde::Deserialize;

use crate::scenario::parse_duration;
use crate::world::catalog::{CLUSTERS, LATENCY_BUCKETS, SERVICES};
use watchdeck_core::slo::{Period, Sli, SloData, SloSpec, Target, WindowPolicy};
use watchdeck_core::text::Text;

/// The longest period the simulator has history for (see `super::history`).
pub const MAX_PERIOD_DAYS: u64 = 30;

/// One `[[slos]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlo {
    pub name: toml::Spanned<String>,
    pub service: toml::Spanned<String>,
    /// A percentage: `"99.9"`, `"99.95%"` or the number `99.9`.
    pub target: toml::Spanned<toml::Value>,
    #[serde(default)]
    pub period: Option<toml::Spanned<String>>,
    /// `availability` (non-5xx responses) or `latency` (requests within `le` seconds).
    pub sli: toml::Spanned<String>,
    #[serde(default)]
    pub le: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    pub clusters: Option<toml::Spanned<Vec<String>>>,
    #[serde(default)]
    pub fleet: bool,
    #[serde(default)]
    pub description: String,
    /// `sloth` (default) or `pyrra`: whose alert windows judge the SLO.
    #[serde(default)]
    pub windows: Option<toml::Spanned<String>>,
}

/// A refused entry: the line of the offending value and a message naming entry and field.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryError {
    pub offset: usize,
    pub message: String,
}

/// A number or a string, as the text the user wrote (`99.9` and `"99.9"` alike).
fn value_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

fn bucket_text(bound: f64) -> String {
    bound.to_string()
}

/// Checks every entry; names must be unique within the scenario. `origin_at` names the place
/// of a byte offset in the file (`fixtures/scenarios/steady.toml:12`).
pub fn resolve(
    raw: Vec<RawSlo>,
    origin_at: impl Fn(usize) -> String,
) -> Result<Vec<SloSpec>, EntryError> {
    let mut out: Vec<SloSpec> = Vec::with_capacity(raw.len());
    for (index, entry) in raw.into_iter().enumerate() {
        let span = entry.name.span();
        let spec = resolve_one(entry, index, &origin_at(span.start))?;
        if out.iter().any(|s| s.name == spec.name) {
            return Err(EntryError {
                offset: span.start,
                message: format!(
                    "slos[{index}] ({}).name: another entry already uses this name; SLO names must be unique",
                    spec.name
                ),
            });
        }
        out.push(spec);
    }
    Ok(out)
}

fn resolve_one(raw: RawSlo, index: usize, origin: &str) -> Result<SloSpec, EntryError> {
    let name = raw.name.get_ref().trim().to_string();
    let entry = format!("slos[{index}] ({name})");
    let fail = |span: std::ops::Range<usize>, field: &str, why: String| EntryError {
        offset: span.start,
        message: format!("{entry}.{field}: {why}"),
    };
    if name.is_empty() {
        return Err(fail(raw.name.span(), "name", "must not be empty".into()));
    }
    let service = raw.service.get_ref().as_str();
    if !SERVICES.iter().any(|s| s.name == service) {
        let known: Vec<&str> = SERVICES.iter().map(|s| s.name).collect();
        return Err(fail(
            raw.service.span(),
            "service",
            format!(
                "`{service}` is not a simulated service (one of {})",
                known.join(", ")
            ),
        ));
    }
    let target_text = value_text(raw.target.get_ref()).ok_or_else(|| {
        fail(
            raw.target.span(),
            "target",
            "expected a percentage such as \"99.9\"".into(),
        )
    })?;
    let target = Target::parse_percent(&target_text)
        .map_err(|e| fail(raw.target.span(), "target", e.to_string()))?;
    let period = match &raw.period {
        None => Period::DAYS_30,
        Some(text) => {
            parse_period(text.get_ref()).map_err(|why| fail(text.span(), "period", why))?
        }
    };
    let sli = match raw.sli.get_ref().as_str() {
        "availability" => {
            if let Some(le) = &raw.le {
                return Err(fail(
                    le.span(),
                    "le",
                    "only latency SLOs take a bucket bound; remove it or set sli = \"latency\""
                        .into(),
                ));
            }
            Sli::http_availability("service", service)
        }
        "latency" => {
            let Some(le) = &raw.le else {
                return Err(fail(
                    raw.sli.span(),
                    "le",
                    "a latency SLO needs `le`, the bound in seconds (such as \"0.2\")".into(),
                ));
            };
            let bound = value_text(le.get_ref())
                .and_then(|t| t.trim().parse::<f64>().ok())
                .and_then(|b| LATENCY_BUCKETS.iter().copied().find(|x| *x == b))
                .ok_or_else(|| {
                    let bounds: Vec<String> =
                        LATENCY_BUCKETS.iter().map(|b| bucket_text(*b)).collect();
                    fail(
                        le.span(),
                        "le",
                        format!(
                            "must be a bucket bound of the simulated histogram, in seconds (one of {})",
                            bounds.join(", ")
                        ),
                    )
                })?;
            Sli::http_latency("service", service, &bucket_text(bound))
        }
        other => {
            return Err(fail(
                raw.sli.span(),
                "sli",
                format!("`{other}` is not an SLI kind (availability or latency)"),
            ));
        }
    };
    let clusters = match &raw.clusters {
        None => Vec::new(),
        Some(list) => {
            for cluster in list.get_ref() {
                if !CLUSTERS.iter().any(|c| c.name == cluster) {
                    let known: Vec<&str> = CLUSTERS.iter().map(|c| c.name).collect();
                    return Err(fail(
                        list.span(),
                        "clusters",
                        format!(
                            "`{cluster}` is not a simulated cluster (one of {})",
                            known.join(", ")
                        ),
                    ));
                }
            }
            list.get_ref().clone()
        }
    };
    let windows = match raw
        .windows
        .as_ref()
        .map(|w| (w.get_ref().as_str(), w.span()))
    {
        None | Some(("sloth", _)) => WindowPolicy::Sloth,
        Some(("pyrra", _)) => WindowPolicy::Pyrra,
        Some((other, span)) => {
            return Err(fail(
                span,
                "windows",
                format!("`{other}` is not a window policy (sloth or pyrra)"),
            ));
        }
    };
    Ok(SloSpec {
        name: Text::new(&name),
        service: Text::new(service),
        description: Text::new(raw.description.trim()),
        clusters,
        fleet: raw.fleet,
        target,
        period,
        sli,
        windows,
        data: SloData::Query,
        origin: Text::new(origin),
    })
}

/// `30d`, `28d`, `7d`: whole minutes, at most the history the simulator keeps.
fn parse_period(text: &str) -> Result<Period, String> {
    let ms = parse_duration(text)
        .filter(|ms| *ms > 0 && ms % 60_000 == 0)
        .ok_or_else(|| {
            format!("expected a duration in whole minutes such as \"30d\", found {text:?}")
        })?;
    let secs = (ms / 1000) as u64;
    if secs > MAX_PERIOD_DAYS * 86_400 {
        return Err(format!(
            "{text} is longer than the {MAX_PERIOD_DAYS} days of history the simulator keeps"
        ));
    }
    Ok(Period(secs))
}
