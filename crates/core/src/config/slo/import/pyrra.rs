//! Pyrra `ServiceLevelObjective`s (from files or a cluster): ratio and latency indicators
//! become `$window` templates, Pyrra's own windows apply, and the console can read Pyrra's
//! recording rules (`<metric>:burnrate<window>{slo="<name>"}`).

use promql_parser::label::MatchOp;
use promql_parser::parser::Expr;

use super::reader::{Cur, Reader, child_path};
use super::{Draft, Origin, rate_of};
use crate::config::slo::check;
use crate::slo::{Period, Sli, SloData, SloSpec, WindowPolicy};

pub(super) fn convert(root: Cur<'_>, origin: Origin<'_>, r: &mut Reader) -> Vec<SloSpec> {
    let meta = r.required_map(root, "metadata", "metadata with a name");
    let meta = meta.map(|m| Cur {
        node: m,
        path: "metadata",
    });
    let name = meta.and_then(|m| r.required_str(m, "name", "the SLO's name"));
    if let Some((n, node)) = name
        && let Err(m) = check::check_name(n)
    {
        r.report(node, "metadata.name", m);
    }
    let namespace = meta.and_then(|m| r.optional_str(m, "namespace", "a namespace"));
    let Some(spec) = r.required_map(root, "spec", "the SLO's spec") else {
        return Vec::new();
    };
    let cur = Cur {
        node: spec,
        path: "spec",
    };
    let target = r
        .required_str(cur, "target", "a percentage string such as \"99.5\"")
        .and_then(|(t, node)| {
            check::percent(t)
                .map_err(|m| r.report(node, "spec.target", m))
                .ok()
        });
    let period = r
        .required_str(cur, "window", "a window such as \"4w\" or \"30d\"")
        .and_then(|(w, node)| {
            check::period(w)
                .map(Period)
                .map_err(|m| r.report(node, "spec.window", m))
                .ok()
        });
    let description = r
        .optional_str(cur, "description", "a sentence")
        .map_or("", |d| d.0);
    let indicator = indicator(cur, r);
    let (Some((name, _)), Some(target), Some(period), Some((sli, total))) =
        (name, target, period, indicator)
    else {
        return Vec::new();
    };
    let (metric, service) = series_facts(&total);
    let label_service = meta
        .and_then(|m| m.node.get("labels"))
        .and_then(|l| l.get("service"))
        .and_then(|s| s.scalar());
    let service = service.as_deref().or(label_service).unwrap_or(name);
    let object = match namespace {
        Some((ns, _)) => format!("{ns}/{name}"),
        None => name.to_string(),
    };
    vec![
        Draft {
            name,
            service,
            description,
            target,
            period,
            sli,
            windows: WindowPolicy::Pyrra,
            data: SloData::PyrraRules {
                slo: name.to_string(),
                metric,
            },
            origin: origin.text(root.node.line, "Pyrra", &object),
        }
        .build(),
    ]
}

/// The SLI and the total selector, from `indicator.ratio` or `indicator.latency`.
fn indicator(spec: Cur<'_>, r: &mut Reader) -> Option<(Sli, String)> {
    let node = r.required_map(spec, "indicator", "an indicator with `ratio` or `latency`")?;
    let cur = Cur {
        node,
        path: "spec.indicator",
    };
    if node.get("ratio").is_some() {
        let ratio = r.required_map(cur, "ratio", "errors and total")?;
        let ratio = Cur {
            node: ratio,
            path: "spec.indicator.ratio",
        };
        let errors = metric(ratio, "errors", r);
        let total = metric(ratio, "total", r)?;
        let sli = Sli::Ratio {
            errors: rate_of(&errors?),
            total: rate_of(&total),
        };
        return Some((sli, total));
    }
    if node.get("latency").is_some() {
        let latency = r.required_map(cur, "latency", "success and total")?;
        let latency = Cur {
            node: latency,
            path: "spec.indicator.latency",
        };
        let success = metric(latency, "success", r);
        let total = metric(latency, "total", r)?;
        let errors = format!("{} - {}", rate_of(&total), rate_of(&success?));
        return Some((
            Sli::Ratio {
                errors,
                total: rate_of(&total),
            },
            total,
        ));
    }
    let other = match &node.value {
        crate::yaml::Value::Map(entries) => entries.first().map(|(k, _)| k.clone()),
        _ => None,
    };
    let message = match other {
        Some(kind) => {
            format!("expected a `ratio` or `latency` indicator, found `{kind}` (not supported)")
        }
        None => "expected a `ratio` or `latency` indicator, found none".to_string(),
    };
    r.report(node, "spec.indicator", message);
    None
}

/// `<key>.metric`: a series selector.
fn metric(parent: Cur<'_>, key: &str, r: &mut Reader) -> Option<String> {
    let path = child_path(parent.path, key);
    let part = r.required_map(parent, key, "a mapping with `metric`")?;
    let (text, node) = r.required_str(
        Cur {
            node: part,
            path: &path,
        },
        "metric",
        "a series selector such as http_requests_total{service=\"x\"}",
    )?;
    check::selector(text)
        .map(|()| text.trim().to_string())
        .map_err(|m| r.report(node, &child_path(&path, "metric"), m))
        .ok()
}

/// The metric Pyrra names its rules after (without `_total`/`_count`/`_bucket`) and the
/// service from a `service` or `job` equality matcher, from a checked selector.
fn series_facts(selector: &str) -> (String, Option<String>) {
    let Ok(Expr::VectorSelector(vs)) = promql_parser::parser::parse(selector) else {
        return (String::new(), None);
    };
    let name = vs.name.clone().unwrap_or_default();
    let base = ["_total", "_count", "_bucket"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(&name)
        .to_string();
    let service = ["service", "job"].iter().find_map(|label| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == *label && matches!(m.op, MatchOp::Equal))
            .map(|m| m.value.clone())
    });
    (base, service)
}
