//! `[metrics]`: the PromQL templates behind the RED columns (rate, errors, latency) and the
//! Workloads screen's saturation (CPU used / CPU limit), with defaults for the common
//! `http_requests_total` / `http_request_duration_seconds` convention and cAdvisor plus
//! kube-state-metrics, and the check that a template only uses known placeholders.

use super::values::{is_prometheus_label_name, parse_duration, quoted};
use super::walk::{Tab, Walker};

/// Placeholders a template may use.
pub const PLACEHOLDERS: [&str; 4] = ["$selector", "$window", "$service_label", "$quantile"];

const KEYS: [&str; 6] = [
    "service_label",
    "window",
    "requests",
    "errors",
    "latency",
    "saturation",
];

/// Requests per second by service. `$selector` becomes the cluster's matcher on a global
/// endpoint (`cluster="us-east-1"`) and the service's matcher for charts; empty otherwise.
pub const DEFAULT_REQUESTS: &str =
    "sum by ($service_label) (rate(http_requests_total{$selector}[$window]))";
/// 5xx responses per second by service: the `code` label (client_golang's promhttp) or the
/// `status` label (many other libraries).
pub const DEFAULT_ERRORS: &str = "sum by ($service_label) (rate(http_requests_total{code=~\"5..\",$selector}[$window]) or rate(http_requests_total{status=~\"5..\",$selector}[$window]))";
/// Latency quantile (seconds) by service from a classic histogram.
pub const DEFAULT_LATENCY: &str = "histogram_quantile($quantile, sum by ($service_label, le) (rate(http_request_duration_seconds_bucket{$selector}[$window])))";

/// CPU saturation (0..1) by workload: CPU seconds used per second (cAdvisor) over the CPU
/// limit (kube-state-metrics), summed over the workload's containers named like it, the
/// container label copied into the service label so rows join the RED ones.
pub const DEFAULT_SATURATION: &str = "label_replace(sum by (container) (rate(container_cpu_usage_seconds_total{container!=\"\",container!=\"POD\",$selector}[$window])) / sum by (container) (kube_pod_container_resource_limits{resource=\"cpu\",$selector}), \"$service_label\", \"$1\", \"container\", \"(.+)\")";

/// The RED queries, as templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsQueries {
    /// The label that names a service (`metrics.service_label`, default `"service"`).
    pub service_label: String,
    /// The rate window (`metrics.window`, default `"5m"`).
    pub window: String,
    /// Requests per second by service (`metrics.requests`).
    pub requests: String,
    /// Failed (5xx) requests per second by service (`metrics.errors`); the error ratio is
    /// errors / requests.
    pub errors: String,
    /// A latency quantile in seconds by service (`metrics.latency`), with `$quantile`.
    pub latency: String,
    /// CPU used over CPU limit (0..1) by service, i.e. by workload (`metrics.saturation`);
    /// polled with the RED queries, shown on the Workloads screen.
    pub saturation: String,
}

impl Default for MetricsQueries {
    fn default() -> Self {
        MetricsQueries {
            service_label: "service".to_string(),
            window: "5m".to_string(),
            requests: DEFAULT_REQUESTS.to_string(),
            errors: DEFAULT_ERRORS.to_string(),
            latency: DEFAULT_LATENCY.to_string(),
            saturation: DEFAULT_SATURATION.to_string(),
        }
    }
}

/// Seconds as a PromQL duration: `1h`, `5m`, `90s`.
fn promql_duration(seconds: u64) -> String {
    if seconds.is_multiple_of(3600) {
        format!("{}h", seconds / 3600)
    } else if seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

/// The first `$word` in `template` that is not a known `[metrics]` placeholder.
pub fn unknown_placeholder(template: &str) -> Option<String> {
    first_unknown_placeholder(template, &PLACEHOLDERS)
}

/// The first `$word` in `template` that is not in `known` (`$1`, a regular-expression group
/// of label_replace, is allowed).
pub fn first_unknown_placeholder(template: &str, known: &[&str]) -> Option<String> {
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        let tail = &rest[at..];
        let len = tail[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(tail.len(), |n| n + 1);
        let word = &tail[..len];
        // `$1` is PromQL's own (a label_replace group), not a placeholder.
        let group = word.len() > 1 && word[1..].bytes().all(|b| b.is_ascii_digit());
        if !group && !known.contains(&word) {
            return Some(word.to_string());
        }
        rest = &tail[len..];
    }
    None
}

/// Reads `[metrics]`; problems are reported and defaults kept in their place.
pub(crate) fn metrics(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> MetricsQueries {
    w.deny_unknown(tab, &KEYS, &[]);
    let mut queries = MetricsQueries::default();
    if let Some(label) = w.string(tab, "service_label", "a Prometheus label name") {
        if is_prometheus_label_name(label.value) {
            queries.service_label = label.value.to_string();
        } else {
            let message = format!(
                "expected a Prometheus label name (letters, digits and '_', not starting with a digit), found {}",
                quoted(label.value)
            );
            w.report(label.span(), &tab.child("service_label"), message);
        }
    }
    if let Some(window) = w.string(tab, "window", "a duration such as \"5m\"") {
        match parse_duration(window.value) {
            Ok(d) if d.as_secs() >= 1 && d.subsec_nanos() == 0 => {
                queries.window = promql_duration(d.as_secs())
            }
            Ok(_) => w.report(
                window.span(),
                &tab.child("window"),
                format!(
                    "expected a whole number of seconds such as \"5m\", found {}",
                    quoted(window.value)
                ),
            ),
            Err(message) => w.report(window.span(), &tab.child("window"), message),
        }
    }
    for (key, slot) in [
        ("requests", &mut queries.requests),
        ("errors", &mut queries.errors),
        ("latency", &mut queries.latency),
        ("saturation", &mut queries.saturation),
    ] {
        let Some(text) = w.string(tab, key, "a PromQL template") else {
            continue;
        };
        let problem = if text.value.trim().is_empty() {
            Some("expected a PromQL template, found an empty string".to_string())
        } else if let Some(word) = unknown_placeholder(text.value) {
            Some(format!(
                "expected only the placeholders {}, found {word}",
                PLACEHOLDERS.join(", ")
            ))
        } else if key == "latency" && !text.value.contains("$quantile") {
            Some(
                "expected a template with $quantile (0.95 and 0.99 are asked for), found none"
                    .to_string(),
            )
        } else {
            None
        };
        match problem {
            Some(message) => w.report(text.span(), &tab.child(key), message),
            None => *slot = text.value.to_string(),
        }
    }
    queries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_checked() {
        assert_eq!(unknown_placeholder(DEFAULT_REQUESTS), None);
        assert_eq!(unknown_placeholder(DEFAULT_ERRORS), None);
        assert_eq!(unknown_placeholder(DEFAULT_LATENCY), None);
        assert_eq!(unknown_placeholder(DEFAULT_SATURATION), None);
        assert_eq!(
            unknown_placeholder("rate(x[$interval])"),
            Some("$interval".to_string())
        );
        assert_eq!(unknown_placeholder("x $"), Some("$".to_string()));
        assert_eq!(
            unknown_placeholder("label_replace(x, \"a\", \"$1\", \"b\", \"(.+)\")"),
            None
        );
        assert_eq!(unknown_placeholder("x $1a"), Some("$1a".to_string()));
    }

    #[test]
    fn the_example_config_documents_the_defaults() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/config/example.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let config = crate::config::Config::from_toml_str(&text, "example.toml").unwrap();
        assert_eq!(config.metrics, MetricsQueries::default());
    }

    #[test]
    fn metrics_section_overrides_and_reports_file_line_key() {
        let base = "[[clusters]]\nname = \"a\"\n";
        let ok = format!(
            "[metrics]\nservice_label = \"job\"\nwindow = \"2m\"\nrequests = \"sum by ($service_label) (rate(reqs{{$selector}}[$window]))\"\n{base}"
        );
        let config = crate::config::Config::from_toml_str(&ok, "c.toml").unwrap();
        assert_eq!(config.metrics.service_label, "job");
        assert_eq!(config.metrics.window, "2m");
        assert_eq!(promql_duration(90), "90s");
        assert_eq!(promql_duration(7200), "2h");
        assert!(
            config
                .metrics
                .requests
                .starts_with("sum by ($service_label) (rate(reqs")
        );
        assert_eq!(config.metrics.errors, DEFAULT_ERRORS);

        let bad = format!(
            "[metrics]\nlatency = \"histogram_quantile(0.9, x{{$selector}}[$interval])\"\nwindow = \"soon\"\n{base}"
        );
        let errors = crate::config::Config::from_toml_str(&bad, "c.toml")
            .unwrap_err()
            .to_string();
        assert!(
            errors.contains("c.toml:2:11: metrics.latency: expected only the placeholders"),
            "{errors}"
        );
        assert!(errors.contains("found $interval"), "{errors}");
        assert!(errors.contains("c.toml:3:10: metrics.window:"), "{errors}");
    }
}
