//! Alerting rules evaluated by the simulator itself, with pending/firing state and `for` durations.
//!
//! The same groups are written as a Prometheus rule file (JSON, which Prometheus's YAML
//! loader reads) so a real Prometheus scraping the simulator fires the same alerts.

mod engine;
mod template;

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

pub use engine::{AlertState, RuleAlert, RuleEngine, RuleError};
pub use template::{Template, humanize, humanize_duration};

use crate::clock::Millis;

/// One alerting rule, as in a Prometheus rule file.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertRule {
    pub name: String,
    pub expr: String,
    pub for_ms: Millis,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// Rules evaluated together at one interval.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleGroup {
    pub name: String,
    pub interval_ms: Millis,
    pub rules: Vec<AlertRule>,
}

/// Evaluation interval of the default groups.
pub const DEFAULT_INTERVAL_MS: Millis = 15_000;

const RUNBOOK_BASE: &str = "https://runbooks.watchdeck.example/alerts";

fn rule(
    name: &str,
    severity: &str,
    for_ms: Millis,
    expr: &str,
    summary: &str,
    description: &str,
) -> AlertRule {
    let slug: String = name
        .chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec!['-', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect();
    AlertRule {
        name: name.to_string(),
        expr: expr.to_string(),
        for_ms,
        labels: BTreeMap::from([("severity".to_string(), severity.to_string())]),
        annotations: BTreeMap::from([
            ("summary".to_string(), summary.to_string()),
            ("description".to_string(), description.to_string()),
            (
                "runbook_url".to_string(),
                format!("{RUNBOOK_BASE}/{}", slug.trim_start_matches('-')),
            ),
        ]),
    }
}

/// The simulator's built-in alerts (metric names are fixed by the simulator).
pub fn default_rule_groups() -> Vec<RuleGroup> {
    vec![
        RuleGroup {
            name: "watchdeck-services".into(),
            interval_ms: DEFAULT_INTERVAL_MS,
            rules: vec![
                rule(
                    "HighErrorRate",
                    "critical",
                    60_000,
                    "sum by (cluster, namespace, service) (rate(http_requests_total{status=~\"5..\"}[5m])) / sum by (cluster, namespace, service) (rate(http_requests_total[5m])) > 0.05",
                    "High 5xx error rate on {{ $labels.service }}",
                    "{{ $labels.service }} in {{ $labels.namespace }} on {{ $labels.cluster }} answers {{ $value | humanizePercentage }} of requests with a 5xx status (threshold 5%).",
                ),
                rule(
                    "HighResponseTime",
                    "warning",
                    120_000,
                    "histogram_quantile(0.95, sum by (cluster, namespace, service, le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5",
                    "Slow responses from {{ $labels.service }}",
                    "p95 latency of {{ $labels.service }} in {{ $labels.namespace }} on {{ $labels.cluster }} is {{ $value | humanizeDuration }} (threshold 500ms).",
                ),
                rule(
                    "PodCrashLooping",
                    "warning",
                    60_000,
                    // kube-prometheus' KubePodCrashLooping: the container was waiting in
                    // CrashLoopBackOff within the last 5 minutes. A count of restarts in a
                    // window resolves and re-fires once the back-off reaches 5 minutes.
                    "max_over_time(kube_pod_container_status_waiting_reason{reason=\"CrashLoopBackOff\"}[5m]) >= 1",
                    "{{ $labels.pod }} is crash looping",
                    "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} on {{ $labels.cluster }} is waiting in CrashLoopBackOff (it keeps exiting and Kubernetes backs off restarting it).",
                ),
            ],
        },
        RuleGroup {
            name: "watchdeck-postgres".into(),
            interval_ms: DEFAULT_INTERVAL_MS,
            rules: vec![
                rule(
                    "DatabaseConnectionsHigh",
                    "warning",
                    120_000,
                    "sum by (cluster, namespace, pod) (pg_stat_database_numbackends) / on (cluster, namespace, pod) pg_settings_max_connections > 0.8",
                    "{{ $labels.pod }} is running out of connections",
                    "{{ $labels.namespace }}/{{ $labels.pod }} on {{ $labels.cluster }} uses {{ $value | humanizePercentage }} of max_connections (threshold 80%).",
                ),
                rule(
                    "PostgresReplicationLagHigh",
                    "critical",
                    60_000,
                    "pg_replication_lag_seconds > 30",
                    "Replication lag on {{ $labels.pod }}",
                    "Replica {{ $labels.namespace }}/{{ $labels.pod }} on {{ $labels.cluster }} is {{ $value | humanizeDuration }} behind its primary (threshold 30s).",
                ),
                rule(
                    "PostgresDown",
                    "critical",
                    30_000,
                    "pg_up == 0",
                    "PostgreSQL {{ $labels.pod }} is down",
                    "The exporter of {{ $labels.namespace }}/{{ $labels.pod }} on {{ $labels.cluster }} cannot reach PostgreSQL.",
                ),
            ],
        },
    ]
}

/// Prometheus's `model.Duration` text: `1m`, `1m30s`, `90d` (years and weeks only when
/// exact), which is watchdeck's duration grammar (`watchdeck_core::duration`).
pub fn prometheus_duration(ms: Millis) -> String {
    let ms = u64::try_from(ms).unwrap_or(0);
    watchdeck_core::duration::format_duration(std::time::Duration::from_millis(ms))
}

/// The groups as a Prometheus rule file, in JSON (valid YAML), for `rule_files:`.
pub fn prometheus_rule_file(groups: &[RuleGroup]) -> String {
    let groups: Vec<Json> = groups
        .iter()
        .map(|g| {
            let rules: Vec<Json> = g
                .rules
                .iter()
                .map(|r| {
                    let mut rule = json!({ "alert": r.name, "expr": r.expr });
                    if r.for_ms > 0 {
                        rule["for"] = json!(prometheus_duration(r.for_ms));
                    }
                    rule["labels"] = json!(r.labels);
                    rule["annotations"] = json!(r.annotations);
                    rule
                })
                .collect();
            json!({ "name": g.name, "interval": prometheus_duration(g.interval_ms), "rules": rules })
        })
        .collect();
    let file = json!({ "groups": groups });
    serde_json::to_string_pretty(&file).unwrap_or_else(|_| file.to_string())
}

#[cfg(test)]
mod tests;
