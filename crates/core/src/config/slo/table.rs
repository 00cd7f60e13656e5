//! `[[slos]]` in the TOML config: one SLO per table, read with the config walker so each
//! problem names file:line:col and the key (`slos[1].target: ...`).

use toml::de::DeValue;

use super::check;
use crate::config::values::quoted;
use crate::config::walk::{Span, Tab, Walker, describe};
use crate::slo::{Period, Sli, SloSpec, WindowPolicy};
use crate::text::Text;

const KEYS: [&str; 18] = [
    "name",
    "service",
    "description",
    "target",
    "period",
    "clusters",
    "fleet",
    "windows",
    "sli",
    "le",
    "errors",
    "total",
    "histogram",
    "selector",
    "data",
    "sloth_id",
    "pyrra_slo",
    "pyrra_metric",
];
const HINTS: [(&str, &str); 3] = [
    (
        "objective",
        "write the objective as `target`, a percentage such as \"99.9\"",
    ),
    (
        "window",
        "write the SLO period as `period` (\"30d\"); `windows` picks \"sloth\" or \"pyrra\" alert windows",
    ),
    (
        "error_query",
        "write the failed-events template as `errors`",
    ),
];
const SLI_EXPECTED: &str = "`sli = \"http-availability\"`, `sli = \"http-latency\"` with `le`, `errors` + `total` templates, or `histogram` + `le`";

/// What the `[[slos]]` reader needs from the rest of the config.
pub(crate) struct Context<'a> {
    /// Names of the configured clusters.
    pub(crate) clusters: &'a [String],
    /// `metrics.service_label`, for the HTTP shorthands.
    pub(crate) service_label: &'a str,
    /// Where relative `slo_files` paths are taken from.
    pub(crate) paths: &'a crate::config::paths::PathResolver,
}

/// Reads every `[[slos]]` table; names must be unique among them.
pub(crate) fn slos(w: &mut Walker<'_>, root: &Tab<'_, '_>, cx: &Context<'_>) -> Vec<SloSpec> {
    let Some((tabs, _)) = w.tables(root, "slos", "an array of [[slos]] tables") else {
        return Vec::new();
    };
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut out = Vec::new();
    for tab in &tabs {
        let Some(spec) = slo(w, tab, cx) else {
            continue;
        };
        let name = spec.name.as_str().to_string();
        let line = w.line_of(&tab.span);
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            let span = tab.get("name").map_or(tab.span.clone(), |v| v.span());
            let message = format!(
                "expected a unique SLO name, found {} again (first defined at line {first})",
                quoted(&name)
            );
            w.report(span, &tab.child("name"), message);
            continue;
        }
        seen.push((name, line));
        out.push(spec);
    }
    out
}

/// Reads one `[[slos]]` table; `None` when a problem was reported.
fn slo(w: &mut Walker<'_>, tab: &Tab<'_, '_>, cx: &Context<'_>) -> Option<SloSpec> {
    w.deny_unknown(tab, &KEYS, &HINTS);
    let before = problem_marker(w);
    let name = w.required_string(tab, "name", "an SLO name such as \"payment-availability\"");
    if let Some(n) = name
        && let Err(m) = check::check_name(n.value)
    {
        w.report(n.span(), &tab.child("name"), m);
    }
    let service = w.required_string(tab, "service", "the service's name such as \"payment\"");
    if let Some(s) = service.filter(|s| s.value.trim().is_empty()) {
        w.report(
            s.span(),
            &tab.child("service"),
            "expected a service name, found an empty string",
        );
    }
    let description = w
        .string(tab, "description", "a sentence describing the SLO")
        .map_or("", |d| d.value);
    let target = target(w, tab);
    let period = match w.string(tab, "period", "a period such as \"30d\"") {
        Some(p) => check::period(p.value)
            .map_err(|m| w.report(p.span(), &tab.child("period"), m))
            .ok()
            .map(Period),
        None => Some(Period::DAYS_30),
    };
    let clusters = clusters(w, tab, cx.clusters);
    let fleet = w.boolean(tab, "fleet", false);
    let windows = match w.string(tab, "windows", "\"sloth\" or \"pyrra\"") {
        Some(s) if s.value == "sloth" => Some(WindowPolicy::Sloth),
        Some(s) if s.value == "pyrra" => Some(WindowPolicy::Pyrra),
        Some(s) => {
            let message = format!("expected \"sloth\" or \"pyrra\", found {}", quoted(s.value));
            w.report(s.span(), &tab.child("windows"), message);
            None
        }
        None => Some(WindowPolicy::Sloth),
    };
    let sli = service.and_then(|s| sli(w, tab, cx, s.value));
    let data = super::rule_data::data(w, tab, name.map(|n| n.value), service.map(|s| s.value));
    if problem_marker(w) != before {
        return None;
    }
    let line = w.line_of(&tab.span);
    Some(SloSpec {
        name: Text::new(name?.value),
        service: Text::new(service?.value),
        description: Text::new(description),
        clusters: clusters?,
        fleet,
        target: target?,
        period: period?,
        sli: sli?,
        windows: windows?,
        data: data?,
        origin: Text::new(&format!("{}:{line}", w.origin())),
    })
}

/// How many problems have been reported so far, to tell whether a table added any.
fn problem_marker(w: &Walker<'_>) -> usize {
    w.problem_count()
}

/// `target`: a string or number read exactly as a percentage.
fn target(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> Option<crate::slo::Target> {
    let expected = "a percentage such as 99.9 or \"99.95\"";
    let Some(value) = tab.get("target") else {
        w.missing(tab, "target", expected);
        return None;
    };
    let text = match value.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Integer(i) if i.radix() == 10 => i.as_str().to_string(),
        other => {
            let message = format!("expected {expected}, found {}", describe(other));
            w.report(value.span(), &tab.child("target"), message);
            return None;
        }
    };
    check::percent(&text)
        .map_err(|m| w.report(value.span(), &tab.child("target"), m))
        .ok()
}

/// `clusters`: names from `[[clusters]]`; empty (all) when absent.
fn clusters(w: &mut Walker<'_>, tab: &Tab<'_, '_>, known: &[String]) -> Option<Vec<String>> {
    let Some(value) = tab.get("clusters") else {
        return Some(Vec::new());
    };
    let path = tab.child("clusters");
    let DeValue::Array(items) = value.get_ref() else {
        let message = format!(
            "expected a list of cluster names such as [\"us-east-1\"], found {}",
            describe(value.get_ref())
        );
        w.report(value.span(), &path, message);
        return None;
    };
    let mut names = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        match item.get_ref() {
            DeValue::String(s) if known.iter().any(|k| k == s.as_ref()) => {
                names.push(s.to_string());
            }
            DeValue::String(s) => {
                let message = format!(
                    "expected the name of a configured cluster ({}), found {}",
                    known.join(", "),
                    quoted(s)
                );
                w.report(item.span(), &item_path, message);
                ok = false;
            }
            other => {
                let message = format!("expected a cluster name, found {}", describe(other));
                w.report(item.span(), &item_path, message);
                ok = false;
            }
        }
    }
    ok.then_some(names)
}

/// The SLI from `sli`, `errors` + `total` or `histogram` + `le`.
fn sli(w: &mut Walker<'_>, tab: &Tab<'_, '_>, cx: &Context<'_>, service: &str) -> Option<Sli> {
    let shorthand = w.string(tab, "sli", "\"http-availability\" or \"http-latency\"");
    let errors = w.string(tab, "errors", "a PromQL template with $window");
    let total = w.string(tab, "total", "a PromQL template with $window");
    let histogram = w.string(
        tab,
        "histogram",
        "a histogram name such as \"http_request_duration_seconds\"",
    );
    let le = le(w, tab);
    let forms = [
        shorthand.is_some(),
        errors.is_some() || total.is_some(),
        histogram.is_some(),
    ];
    if forms.iter().filter(|f| **f).count() > 1 {
        let message = format!("expected one way to count events, {SLI_EXPECTED}; found several");
        w.report(tab.span.clone(), &tab.child("sli"), message);
        return None;
    }
    if let Some(s) = shorthand {
        return match s.value {
            "http-availability" => {
                if let Some((_, span)) = le {
                    w.report(span, &tab.child("le"), "expected `le` only with sli = \"http-latency\" or `histogram`, found it with \"http-availability\"");
                    return None;
                }
                Some(Sli::http_availability(cx.service_label, service))
            }
            "http-latency" => match le {
                Some((le, _)) => Some(Sli::http_latency(cx.service_label, service, &le?)),
                None => {
                    w.missing(
                        tab,
                        "le",
                        "a bucket bound in seconds such as \"0.2\" for sli = \"http-latency\"",
                    );
                    None
                }
            },
            other => {
                let message = format!(
                    "expected \"http-availability\" or \"http-latency\", found {}",
                    quoted(other)
                );
                w.report(s.span(), &tab.child("sli"), message);
                None
            }
        };
    }
    if errors.is_some() || total.is_some() {
        let mut read = |key: &str, value: Option<crate::config::walk::Str<'_>>| match value {
            Some(t) => check::template(t.value)
                .map(|()| t.value.to_string())
                .map_err(|m| w.report(t.span(), &tab.child(key), m))
                .ok(),
            None => {
                w.missing(
                    tab,
                    key,
                    "a PromQL template with $window (both `errors` and `total` are needed)",
                );
                None
            }
        };
        let errors = read("errors", errors);
        let total = read("total", total);
        return Some(Sli::Ratio {
            errors: errors?,
            total: total?,
        });
    }
    if let Some(h) = histogram {
        let selector = match w.string(
            tab,
            "selector",
            "label matchers such as service=\"payment\"",
        ) {
            Some(s) => check::selector(&format!("x{{{}}}", s.value))
                .map(|()| s.value.to_string())
                .map_err(|_| {
                    let message = format!(
                        "expected label matchers such as service=\"payment\", found {}",
                        quoted(s.value)
                    );
                    w.report(s.span(), &tab.child("selector"), message);
                })
                .ok(),
            None => Some(format!("{}=\"{service}\"", cx.service_label)),
        };
        let name_ok = check::selector(h.value).is_ok() && !h.value.contains('{');
        if !name_ok {
            let message = format!(
                "expected a histogram name such as \"http_request_duration_seconds\", found {}",
                quoted(h.value)
            );
            w.report(h.span(), &tab.child("histogram"), message);
        }
        let Some((le, _)) = le else {
            w.missing(
                tab,
                "le",
                "a bucket bound in seconds such as \"0.2\" for `histogram`",
            );
            return None;
        };
        return name_ok.then_some(()).and(Some(Sli::Latency {
            histogram: h.value.to_string(),
            selector: selector?,
            le: le?,
        }));
    }
    w.missing(tab, "sli", SLI_EXPECTED);
    None
}

/// `le`: `(Some(bound) or None if reported, span)` when present.
fn le(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> Option<(Option<String>, Span)> {
    let value = tab.get("le")?;
    let text = match value.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Float(f) => Some(f.as_str().to_string()),
        DeValue::Integer(i) => Some(i.as_str().to_string()),
        _ => None,
    };
    let checked = match text {
        Some(t) => check::le(&t),
        None => Err(format!(
            "expected a bucket bound in seconds such as \"0.2\", found {}",
            describe(value.get_ref())
        )),
    };
    let bound = checked
        .map_err(|m| w.report(value.span(), &tab.child("le"), m))
        .ok();
    Some((bound, value.span()))
}
