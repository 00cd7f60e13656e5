//! OpenSLO v1 `SLO` objects with an inline Prometheus `ratioMetric`: one SLO per objective,
//! occurrences budgeting over a rolling window. Good-event ratios become errors = total - good;
//! fixed query ranges (`[5m]`) and bare counters become `$window` templates.

use super::reader::{Cur, Reader, child_path};
use super::{Draft, Origin, rate_of};
use crate::config::slo::check;
use crate::slo::{Period, Sli, SloData, SloSpec, Target, WindowPolicy};
use crate::yaml::{Node, Value};

pub(super) fn convert(root: Cur<'_>, origin: Origin<'_>, r: &mut Reader) -> Vec<SloSpec> {
    let name = r
        .required_map(root, "metadata", "metadata with a name")
        .and_then(|m| {
            r.required_str(
                Cur {
                    node: m,
                    path: "metadata",
                },
                "name",
                "the SLO's name",
            )
        });
    if let Some((n, node)) = name
        && let Err(m) = check::check_name(n)
    {
        r.report(node, "metadata.name", m);
    }
    let Some(spec) = r.required_map(root, "spec", "the SLO's spec") else {
        return Vec::new();
    };
    let cur = Cur {
        node: spec,
        path: "spec",
    };
    let service = r.required_str(cur, "service", "the service's name");
    let description = r
        .optional_str(cur, "description", "a sentence")
        .map_or("", |d| d.0);
    if let Some((method, node)) = r.optional_str(cur, "budgetingMethod", "Occurrences")
        && method != "Occurrences"
    {
        let message = format!(
            "expected budgetingMethod Occurrences (watchdeck counts events), found {method:?}"
        );
        r.report(node, "spec.budgetingMethod", message);
    }
    let period = period(cur, r);
    let sli = indicator(cur, r);
    let targets = objectives(cur, r);
    let (Some((name, _)), Some((service, _)), Some(period), Some(sli)) =
        (name, service, period, sli)
    else {
        return Vec::new();
    };
    let several = targets.len() > 1;
    targets
        .into_iter()
        .enumerate()
        .map(|(i, (target, line))| {
            let name = if several {
                format!("{name}-{}", i + 1)
            } else {
                name.to_string()
            };
            Draft {
                name: &name,
                service,
                description,
                target,
                period,
                sli: sli.clone(),
                windows: WindowPolicy::Sloth,
                data: SloData::Query,
                origin: origin.text(line.max(root.node.line), "OpenSLO", &name),
            }
            .build()
        })
        .collect()
}

/// `timeWindow[0]`: a rolling duration; 30 days when absent.
fn period(spec: Cur<'_>, r: &mut Reader) -> Option<Period> {
    let Some(node) = spec.node.get("timeWindow") else {
        return Some(Period::DAYS_30);
    };
    let Value::Seq(items) = &node.value else {
        r.report(
            node,
            "spec.timeWindow",
            format!("expected a list with one window, found {}", node.describe()),
        );
        return None;
    };
    let Some(first) = items.first() else {
        return Some(Period::DAYS_30);
    };
    let cur = Cur {
        node: first,
        path: "spec.timeWindow[0]",
    };
    if let Some((rolling, node)) = r.optional_str(cur, "isRolling", "true or false")
        && rolling != "true"
    {
        r.report(node, "spec.timeWindow[0].isRolling", "expected a rolling window (isRolling: true); calendar-aligned windows are not supported");
        return None;
    }
    let (text, node) = r.required_str(cur, "duration", "a duration such as 28d")?;
    check::period(text)
        .map(Period)
        .map_err(|m| r.report(node, "spec.timeWindow[0].duration", m))
        .ok()
}

/// `indicator.spec.ratioMetric` with Prometheus queries.
fn indicator(spec: Cur<'_>, r: &mut Reader) -> Option<Sli> {
    if let Some(node) = spec.node.get("indicatorRef") {
        r.report(
            node,
            "spec.indicatorRef",
            "indicatorRef is not supported: write the SLI inline under spec.indicator",
        );
        return None;
    }
    let indicator = r.required_map(
        spec,
        "indicator",
        "an inline SLI (indicator.spec.ratioMetric)",
    )?;
    let ind = Cur {
        node: indicator,
        path: "spec.indicator",
    };
    let ind_spec = r.required_map(ind, "spec", "the SLI's spec with ratioMetric")?;
    let ind_spec = Cur {
        node: ind_spec,
        path: "spec.indicator.spec",
    };
    if let Some(node) = ind_spec.node.get("thresholdMetric") {
        r.report(
            node,
            "spec.indicator.spec.thresholdMetric",
            "thresholdMetric SLIs are not supported: use a ratioMetric (good or bad over total)",
        );
        return None;
    }
    let ratio = r.required_map(
        ind_spec,
        "ratioMetric",
        "a ratioMetric with good or bad, and total",
    )?;
    let path = "spec.indicator.spec.ratioMetric";
    let ratio = Cur { node: ratio, path };
    let counter = ratio.node.get("counter").and_then(Node::scalar) == Some("true");
    let total = query(ratio, "total", counter, r);
    let (good, bad) = (ratio.node.get("good"), ratio.node.get("bad"));
    let errors = match (good, bad) {
        (Some(_), None) => query(ratio, "good", counter, r).map(|good| (good, true)),
        (None, Some(_)) => query(ratio, "bad", counter, r).map(|bad| (bad, false)),
        _ => {
            r.report(
                ratio.node,
                path,
                "expected exactly one of `good` or `bad` next to `total`",
            );
            None
        }
    };
    let total = total?;
    let (query, is_good) = errors?;
    let errors = if is_good {
        format!("({total}) - ({query})")
    } else {
        query
    };
    Some(Sli::Ratio { errors, total })
}

/// `<key>.metricSource.spec.query` as a `$window` template.
fn query(ratio: Cur<'_>, key: &str, counter: bool, r: &mut Reader) -> Option<String> {
    let path = child_path(ratio.path, key);
    let part = r.required_map(ratio, key, "a metricSource")?;
    let source_path = child_path(&path, "metricSource");
    let source = r.required_map(
        Cur {
            node: part,
            path: &path,
        },
        "metricSource",
        "a Prometheus metricSource",
    )?;
    let source = Cur {
        node: source,
        path: &source_path,
    };
    if let Some((kind, node)) = r.optional_str(source, "type", "Prometheus")
        && !kind.eq_ignore_ascii_case("prometheus")
    {
        let message = format!("expected a Prometheus metricSource, found type {kind:?}");
        r.report(node, &child_path(&source_path, "type"), message);
        return None;
    }
    let spec_path = child_path(&source_path, "spec");
    let spec = r.required_map(source, "spec", "the metricSource's spec with a query")?;
    let (query, node) = r.required_str(
        Cur {
            node: spec,
            path: &spec_path,
        },
        "query",
        "a PromQL query",
    )?;
    let template = to_template(query, counter);
    check::template(&template)
        .map(|()| template)
        .map_err(|m| r.report(node, &child_path(&spec_path, "query"), m))
        .ok()
}

/// A query with its fixed ranges replaced by `$window`; a bare selector (or a counter)
/// becomes `sum(rate(<selector>[$window]))`.
fn to_template(query: &str, counter: bool) -> String {
    let query = super::sloth::window_placeholder(query.trim());
    if query.contains("$window") {
        return query;
    }
    if check::selector(&query).is_ok() || counter && !query.contains('[') {
        return rate_of(&query);
    }
    let ranges = regex::Regex::new(r"\[\s*[0-9]+[smhdwy][0-9smhdwy]*\s*\]").ok();
    ranges.map_or(query.clone(), |re| {
        re.replace_all(&query, "[$$window]").into_owned()
    })
}

/// `objectives[].target` (ratio) or `targetPercent`, with the line of each.
fn objectives(spec: Cur<'_>, r: &mut Reader) -> Vec<(Target, usize)> {
    let Some(items) = r.required_seq(
        spec,
        "objectives",
        "a list of objectives with target or targetPercent",
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("spec.objectives[{i}]");
        let cur = Cur {
            node: item,
            path: &path,
        };
        let ratio = r.optional_str(cur, "target", "a ratio such as 0.999");
        let percent = r.optional_str(cur, "targetPercent", "a percentage such as 99.9");
        let target = match (ratio, percent) {
            (Some((t, node)), None) => Target::parse_ratio(&check::plain_decimal(t))
                .map_err(|e| r.report(node, &child_path(&path, "target"), e.to_string()))
                .ok(),
            (None, Some((t, node))) => check::percent(t)
                .map_err(|m| r.report(node, &child_path(&path, "targetPercent"), m))
                .ok(),
            _ => {
                r.report(item, &path, "expected exactly one of `target` (a ratio such as 0.999) or `targetPercent` (such as 99.9)");
                None
            }
        };
        if let Some(t) = target {
            out.push((t, item.line));
        }
    }
    out
}
