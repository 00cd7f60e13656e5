//! Sloth `prometheus/v1` specs (and the `spec` of its `PrometheusServiceLevel` CRD): one
//! SLO per `slos[]` entry, named by Sloth's `sloth_id` (`<service>-<name>`) so the console
//! can read Sloth's own recording rules, with Sloth's alert windows.

use super::reader::{Cur, Reader, child_path};
use super::{Draft, Origin};
use crate::config::slo::check;
use crate::slo::{Period, Sli, SloData, SloSpec, WindowPolicy};

/// Sloth's `{{.window}}` (with or without spaces) becomes `$window`.
pub(super) fn window_placeholder(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let inner = rest[start + 2..start + len].trim();
        out.push_str(&rest[..start]);
        if inner == ".window" {
            out.push_str("$window");
        } else {
            out.push_str(&rest[start..start + len + 2]);
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

pub(super) fn convert(root: Cur<'_>, origin: Origin<'_>, r: &mut Reader) -> Vec<SloSpec> {
    let service = r.required_str(root, "service", "the service's name");
    let Some(slos) = r.required_seq(root, "slos", "a list of SLOs (slos:)") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in slos.iter().enumerate() {
        let path = format!("{}[{i}]", child_path(root.path, "slos"));
        let cur = Cur {
            node: item,
            path: &path,
        };
        if let Some(spec) = slo(cur, service.map(|s| s.0), origin, r) {
            out.push(spec);
        }
    }
    out
}

fn slo(cur: Cur<'_>, service: Option<&str>, origin: Origin<'_>, r: &mut Reader) -> Option<SloSpec> {
    let name = r.required_str(
        cur,
        "name",
        "the SLO's name such as \"requests-availability\"",
    );
    let objective = r.required_str(cur, "objective", "a percentage such as 99.9");
    let description = r
        .optional_str(cur, "description", "a sentence")
        .map_or("", |d| d.0);
    let target = objective.and_then(|(text, node)| {
        check::percent(text)
            .map_err(|m| r.report(node, &child_path(cur.path, "objective"), m))
            .ok()
    });
    let sli = sli(cur, r);
    let (name, name_node) = name?;
    let sloth_id = format!("{}-{name}", service?);
    if let Err(m) = check::check_name(&sloth_id) {
        let message = format!("the Sloth id `<service>-<name>` must be a watchdeck SLO name: {m}");
        r.report(name_node, &child_path(cur.path, "name"), message);
        return None;
    }
    Some(
        Draft {
            name: &sloth_id,
            service: service?,
            description,
            target: target?,
            period: Period::DAYS_30,
            sli: sli?,
            windows: WindowPolicy::Sloth,
            data: SloData::SlothRules {
                sloth_id: sloth_id.clone(),
            },
            origin: origin.text(cur.node.line, "Sloth", &sloth_id),
        }
        .build(),
    )
}

fn sli(cur: Cur<'_>, r: &mut Reader) -> Option<Sli> {
    let sli = r.required_map(cur, "sli", "an SLI with `events` or `raw`")?;
    let sli_path = child_path(cur.path, "sli");
    let sli_cur = Cur {
        node: sli,
        path: &sli_path,
    };
    let template = |parent: Cur<'_>, key: &str, r: &mut Reader| {
        let (query, node) = r.required_str(parent, key, "a PromQL query with {{.window}}")?;
        let converted = window_placeholder(query);
        check::template(&converted)
            .map(|()| converted)
            .map_err(|m| {
                r.report(
                    node,
                    &child_path(parent.path, key),
                    m.replace("$window", "{{.window}}"),
                )
            })
            .ok()
    };
    if let Some(events) = sli.get("events") {
        let path = child_path(&sli_path, "events");
        let events = Cur {
            node: events,
            path: &path,
        };
        let errors = template(events, "error_query", r);
        let total = template(events, "total_query", r);
        return Some(Sli::Ratio {
            errors: errors?,
            total: total?,
        });
    }
    if let Some(raw) = sli.get("raw") {
        let path = child_path(&sli_path, "raw");
        let raw = Cur {
            node: raw,
            path: &path,
        };
        // A ratio with no event count: the ratio is exact, the counts are one per second.
        let ratio = template(raw, "error_ratio_query", r)?;
        return Some(Sli::Ratio {
            errors: format!("({ratio})"),
            total: "vector(1)".to_string(),
        });
    }
    let message = if sli.get("plugin").is_some() {
        "Sloth SLI plugins are not supported: write the plugin's queries as `events` (error_query, total_query)"
    } else {
        "missing SLI; expected `events` (error_query, total_query) or `raw` (error_ratio_query)"
    };
    r.report(sli_cur.node, sli_cur.path, message);
    None
}
