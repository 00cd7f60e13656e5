//! Recording rules as Sloth and Pyrra generate them, for tests against a real Prometheus:
//! Sloth's `slo:sli_error:ratio_rate<window>` family with its period ratio and meta rules,
//! and Pyrra's `<metric>:burnrate<window>` ratios, for SLOs of the `us-east-1` cluster.

use serde_json::{Value, json};
use watchdeck_core::slo::SloSpec;
use watchdeck_core::slo::windows::{DAY, HOUR, MINUTE, promql_duration};
use watchdeck_io::sources::prometheus::slo::rules::SLOTH_WINDOWS;

/// The cluster the rules are written for (an SLO label on every rule).
pub const CLUSTER: &str = "us-east-1";

/// The SLI's ratio expression for one window, as Sloth writes it from `errors_query` and
/// `total_query` (`(errors)\n/\n(total)`), with the cluster matcher filled in.
pub fn ratio_expr(spec: &SloSpec, window: &str) -> String {
    let fill_window = |t: String| {
        t.replace("$window", window)
            .replace("$selector", &format!("cluster=\"{CLUSTER}\""))
    };
    format!(
        "({})\n/\n({})",
        fill_window(spec.sli.errors_template()),
        fill_window(spec.sli.total_template())
    )
}

/// Sloth's rule groups for one SLO (`sloth generate` output for a 30-day SLO with the
/// `cluster` label added as an SLO label).
pub fn sloth_groups(id: &str, spec: &SloSpec) -> Vec<Value> {
    let (service, slo) = (spec.service.as_str(), spec.name.as_str());
    let labels = |window: &str| {
        json!({"sloth_id": id, "sloth_service": service, "sloth_slo": slo,
               "sloth_window": window, "cluster": CLUSTER})
    };
    let meta =
        json!({"sloth_id": id, "sloth_service": service, "sloth_slo": slo, "cluster": CLUSTER});
    let sel = format!("sloth_id=\"{id}\", sloth_service=\"{service}\", sloth_slo=\"{slo}\"");
    let mut sli: Vec<Value> = SLOTH_WINDOWS
        .iter()
        .map(|w| {
            let w = promql_duration(*w);
            json!({"record": format!("slo:sli_error:ratio_rate{w}"), "expr": ratio_expr(spec, &w), "labels": labels(&w)})
        })
        .collect();
    sli.push(json!({
        "record": "slo:sli_error:ratio_rate30d",
        "expr": format!("sum_over_time(slo:sli_error:ratio_rate5m{{{sel}}}[30d])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m{{{sel}}}[30d])\n"),
        "labels": labels("30d"),
    }));
    let objective = spec.target.ratio();
    let on = "on(sloth_id, sloth_slo, sloth_service) group_left";
    let meta_rules = vec![
        json!({"record": "slo:objective:ratio", "expr": format!("vector({objective})"), "labels": meta}),
        json!({"record": "slo:error_budget:ratio", "expr": format!("vector(1-{objective})"), "labels": meta}),
        json!({"record": "slo:time_period:days", "expr": "vector(30)", "labels": meta}),
        json!({"record": "slo:current_burn_rate:ratio", "expr": format!("slo:sli_error:ratio_rate5m{{{sel}}}\n/ {on}\nslo:error_budget:ratio{{{sel}}}\n"), "labels": meta}),
        json!({"record": "slo:period_burn_rate:ratio", "expr": format!("slo:sli_error:ratio_rate30d{{{sel}}}\n/ {on}\nslo:error_budget:ratio{{{sel}}}\n"), "labels": meta}),
        json!({"record": "slo:period_error_budget_remaining:ratio", "expr": format!("1 - slo:period_burn_rate:ratio{{{sel}}}"), "labels": meta}),
        json!({"record": "sloth_slo_info", "expr": "vector(1)", "labels": meta}),
    ];
    vec![
        json!({"name": format!("sloth-slo-sli-recordings-{id}"), "interval": "1s", "rules": sli}),
        json!({"name": format!("sloth-slo-meta-recordings-{id}"), "interval": "1s", "rules": meta_rules}),
    ]
}

/// Pyrra's ratio rules (`<metric>:burnrate<window>`) for its windows of a 28-day SLO.
pub fn pyrra_group(slo: &str, spec: &SloSpec) -> Value {
    let rules: Vec<Value> = [
        5 * MINUTE,
        30 * MINUTE,
        HOUR,
        2 * HOUR,
        6 * HOUR,
        DAY,
        4 * DAY,
    ]
    .iter()
    .map(|w| {
        let w = promql_duration(*w);
        json!({"record": format!("http_requests:burnrate{w}"), "expr": ratio_expr(spec, &w),
                   "labels": {"slo": slo, "cluster": CLUSTER}})
    })
    .collect();
    json!({"name": format!("{slo}-increase"), "interval": "1s", "rules": rules})
}
