//! A pod's own `/metrics`, read through the API server's pod proxy (no port-forward, works
//! while Prometheus is down), parsed by the guarded exposition parser and kept raw.

use std::time::Duration;

use kube::Client;
use kube::api::GetParams;

use super::errors::client_reason;
use crate::sources::exposition::parse_exposition;
use watchdeck_core::model::kube::KubeResource;
use watchdeck_core::model::pod_view::{MetricSample, PodMetricsResult};
use watchdeck_core::text::Text;

/// Total time for one read.
pub const METRICS_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest exposition read (bigger ones are refused, not truncated silently).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Most samples kept for the panel.
pub const MAX_SAMPLES: usize = 5_000;

/// The pod proxy path: `/api/v1/namespaces/{ns}/pods/{pod}[:{port}]/proxy/metrics`.
pub fn metrics_path(namespace: &str, pod: &str, port: Option<u16>) -> String {
    let target = match port {
        Some(port) => format!("{pod}:{port}"),
        None => pod.to_string(),
    };
    format!("/api/v1/namespaces/{namespace}/pods/{target}/proxy/metrics")
}

/// Reads and parses one pod's `/metrics`; failures become the result's reason.
pub async fn pod_metrics(
    client: &Client,
    namespace: &str,
    pod: &str,
    port: Option<u16>,
) -> PodMetricsResult {
    let path = metrics_path(namespace, pod, port);
    let samples = match fetch(client, &path).await {
        Ok(body) => Ok(body),
        Err(reason) => Err(Text::new(&reason)),
    };
    let mut issues = Vec::new();
    let samples = samples.map(|body| {
        let parsed = parse_exposition(&body);
        for issue in parsed.repaired.iter().chain(&parsed.rejected) {
            issues.push(Text::new(&format!("line {}: {}", issue.line, issue.reason)));
        }
        parsed
            .samples
            .iter()
            .take(MAX_SAMPLES)
            .map(|s| MetricSample {
                name: Text::new(&s.name),
                labels: s
                    .labels
                    .iter()
                    .map(|(k, v)| (Text::new(k), Text::new(v)))
                    .collect(),
                value: Text::new(&format_value(s.value)),
            })
            .collect()
    });
    PodMetricsResult {
        namespace: Text::new(namespace),
        pod: Text::new(pod),
        samples,
        issues,
    }
}

async fn fetch(client: &Client, path: &str) -> Result<String, String> {
    // `metrics` is appended by kube's request builder (it checks the last segment).
    let prefix = path.trim_end_matches("/metrics");
    let request = kube::core::Request::new(prefix)
        .get("metrics", &GetParams::default())
        .map_err(|e| format!("bad request: {e}"))?;
    let body = match tokio::time::timeout(METRICS_TIMEOUT, client.request_text(request)).await {
        Ok(Ok(body)) => body,
        Ok(Err(err)) => return Err(client_reason(KubeResource::Pods, "get", &err)),
        Err(_) => {
            return Err(format!(
                "timeout: no answer within {} s",
                METRICS_TIMEOUT.as_secs()
            ));
        }
    };
    if body.len() > MAX_BYTES {
        return Err(format!(
            "exposition too large: {} MB (limit {} MB)",
            body.len() / (1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        ));
    }
    let looks_html = body.trim_start().starts_with('<');
    if looks_html {
        return Err("not a metrics exposition (HTML answer)".to_string());
    }
    Ok(body)
}

/// A value as Prometheus writes it: `1234`, `0.25`, `NaN`, `+Inf`, `-Inf`.
pub fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_string()
    } else if value == f64::INFINITY {
        "+Inf".to_string()
    } else if value == f64::NEG_INFINITY {
        "-Inf".to_string()
    } else {
        value.to_string()
    }
}
