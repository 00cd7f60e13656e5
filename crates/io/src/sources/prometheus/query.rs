//! Turns the configured PromQL templates into queries: fills in the window, the service label,
//! the quantile and the label matchers (cluster on a global endpoint, service for charts).

use watchdeck_core::config::MetricsQueries;

/// The queries of one poll, in the order their answers are read: the four RED ones and the
/// workloads' CPU saturation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Red {
    Requests,
    Errors,
    P95,
    P99,
    Saturation,
}

impl Red {
    /// What a poll asks.
    pub const ALL: [Red; 5] = [
        Red::Requests,
        Red::Errors,
        Red::P95,
        Red::P99,
        Red::Saturation,
    ];
    /// What a service's chart asks (no saturation).
    pub const CHART: [Red; 4] = [Red::Requests, Red::Errors, Red::P95, Red::P99];

    pub fn label(self) -> &'static str {
        match self {
            Red::Requests => "rate",
            Red::Errors => "errors",
            Red::P95 => "p95",
            Red::P99 => "p99",
            Red::Saturation => "saturation",
        }
    }
}

/// Escapes a label value for a PromQL string literal.
pub fn escape_label_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

/// Matchers `a="x",b="y"` for `$selector`.
pub fn selector(matchers: &[(String, String)]) -> String {
    matchers
        .iter()
        .map(|(label, value)| format!("{label}=\"{}\"", escape_label_value(value)))
        .collect::<Vec<_>>()
        .join(",")
}

/// Fills a template. An empty `$selector` leaves no stray comma or empty braces behind.
pub fn render(
    template: &str,
    queries: &MetricsQueries,
    matchers: &[(String, String)],
    quantile: &str,
) -> String {
    let text = template
        .replace("$selector", &selector(matchers))
        .replace("$window", &queries.window)
        .replace("$service_label", &queries.service_label)
        .replace("$quantile", quantile);
    tidy_braces(&text)
}

/// `{,a}` → `{a}`, `{a,}` → `{a}`, `x{}` → `x`, outside string literals.
pub fn tidy_braces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            if c == '\\' && i + 1 < chars.len() {
                out.push(chars[i + 1]);
                i += 1;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == '{' && chars.get(i + 1) == Some(&'}') {
            i += 1;
        } else if c == '{' && chars.get(i + 1) == Some(&',') {
            out.push('{');
            i += 1;
        } else if c == ',' && chars.get(i + 1) == Some(&'}') {
            // dropped: the brace follows
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// The query for one RED column.
pub fn red_query(red: Red, queries: &MetricsQueries, matchers: &[(String, String)]) -> String {
    match red {
        Red::Requests => render(&queries.requests, queries, matchers, ""),
        Red::Errors => render(&queries.errors, queries, matchers, ""),
        Red::P95 => render(&queries.latency, queries, matchers, "0.95"),
        Red::P99 => render(&queries.latency, queries, matchers, "0.99"),
        Red::Saturation => render(&queries.saturation, queries, matchers, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn default_templates_render_for_a_cluster_of_its_own() {
        let q = MetricsQueries::default();
        assert_eq!(
            red_query(Red::Requests, &q, &[]),
            "sum by (service) (rate(http_requests_total[5m]))"
        );
        assert_eq!(
            red_query(Red::Errors, &q, &[]),
            "sum by (service) (rate(http_requests_total{code=~\"5..\"}[5m]) or rate(http_requests_total{status=~\"5..\"}[5m]))"
        );
        assert_eq!(
            red_query(Red::P99, &q, &[]),
            "histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))"
        );
    }

    #[test]
    fn global_endpoints_and_charts_add_matchers() {
        let q = MetricsQueries::default();
        let matchers = m(&[("cluster", "us-east-1"), ("service", "pay\"ment")]);
        assert_eq!(
            red_query(Red::Requests, &q, &matchers),
            "sum by (service) (rate(http_requests_total{cluster=\"us-east-1\",service=\"pay\\\"ment\"}[5m]))"
        );
        assert_eq!(
            red_query(Red::Errors, &q, &matchers[..1]),
            "sum by (service) (rate(http_requests_total{code=~\"5..\",cluster=\"us-east-1\"}[5m]) or rate(http_requests_total{status=~\"5..\",cluster=\"us-east-1\"}[5m]))"
        );
        assert_eq!(
            red_query(Red::P95, &q, &matchers[..1]),
            "histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{cluster=\"us-east-1\"}[5m])))"
        );
    }

    /// The default saturation query, run on the simulator's PromQL engine over cAdvisor and
    /// kube-state-metrics series: payment's two pods use 1.5 of 2 CPU (75%), the pause
    /// container and other clusters are left out, the row carries the service label.
    #[test]
    fn default_saturation_is_cpu_used_over_limit_by_workload() {
        use watchdeck_sim::labels::{Labels, METRIC_NAME};
        use watchdeck_sim::promql::{QueryValue, instant_query};
        use watchdeck_sim::tsdb::Tsdb;
        let series = |name: &str, pairs: &[(&str, &str)]| {
            Labels::from_pairs(pairs.iter().copied().chain([(METRIC_NAME, name)]))
        };
        let mut db = Tsdb::new(3_600_000);
        for i in 0..=30i64 {
            let t = i as f64 * 10.0;
            let mut samples = Vec::new();
            for (cluster, pod, container, cpu_per_s) in [
                ("us-east-1", "payment-a", "payment", 1.0),
                ("us-east-1", "payment-b", "payment", 0.5),
                ("us-east-1", "payment-b", "POD", 0.5),
                ("eu-west-1", "payment-c", "payment", 0.1),
            ] {
                let labels = [
                    ("cluster", cluster),
                    ("namespace", "shop"),
                    ("pod", pod),
                    ("container", container),
                ];
                samples.push((
                    series("container_cpu_usage_seconds_total", &labels),
                    cpu_per_s * t,
                ));
                if container != "POD" {
                    let mut limit = labels.to_vec();
                    limit.extend([("resource", "cpu"), ("unit", "core")]);
                    samples.push((series("kube_pod_container_resource_limits", &limit), 1.0));
                }
            }
            db.append_scrape(i * 10_000, samples);
        }
        let q = MetricsQueries::default();
        let query = red_query(Red::Saturation, &q, &m(&[("cluster", "us-east-1")]));
        let answer = instant_query(&db, &query, 300_000).expect("the query runs");
        let QueryValue::Vector { samples, .. } = answer else {
            panic!("expected a vector, got {answer:?}");
        };
        assert_eq!(samples.len(), 1, "{samples:?}");
        assert_eq!(samples[0].labels.get("service"), Some("payment"));
        assert!((samples[0].value - 0.75).abs() < 1e-9, "{samples:?}");
        // Without a cluster matcher (a Prometheus per cluster) the query parses too.
        assert!(watchdeck_sim::promql::parse(&red_query(Red::Saturation, &q, &[])).is_ok());
    }

    #[test]
    fn braces_inside_strings_are_left_alone() {
        let q = MetricsQueries::default();
        assert_eq!(
            render("x{a=\"{,}\",$selector}", &q, &[], ""),
            "x{a=\"{,}\"}"
        );
        assert_eq!(render("x{$selector, b=\"1\"}", &q, &[], ""), "x{ b=\"1\"}");
    }
}
