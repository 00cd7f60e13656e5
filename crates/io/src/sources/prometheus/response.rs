//! Reads a Prometheus API answer: the series it holds and its warnings, or why it holds none,
//! classified for what the poller does next (show and stop, retry with backoff) and for a
//! clear panel message (HTML page, truncated body, too many series).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::sources::endpoint::{Reply, status_reason};

/// One series: its labels and its points (unix seconds, value).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub points: Vec<(f64, f64)>,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryData {
    pub series: Vec<Series>,
    /// Prometheus's `warnings` (and `infos`): the data may be incomplete.
    pub warnings: Vec<String>,
}

/// Why an answer holds no usable data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryFailure {
    /// 400 or 422: the query itself is wrong; shown with Prometheus's text, not retried
    /// until the query changes.
    Rejected { status: u16, message: String },
    /// 503 and other server-side or transient failures: retried with backoff.
    Unavailable { status: u16, message: String },
    /// 401, 403, 404 ... : the endpoint refuses us or is not a Prometheus API.
    Refused { status: u16, message: String },
    /// The body is not JSON (an HTML error page from a proxy, a login page ...).
    NotJson { status: u16, kind: String },
    /// The JSON ends early.
    Truncated,
    /// JSON, but not the shape of a Prometheus answer.
    Malformed(String),
    /// More series than the cap.
    TooManySeries { count: usize, cap: usize },
}

impl QueryFailure {
    /// Worth retrying with backoff (the same query may work later).
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            QueryFailure::Unavailable { .. }
                | QueryFailure::NotJson { .. }
                | QueryFailure::Truncated
        )
    }

    /// The text shown in the panel.
    pub fn message(&self) -> String {
        match self {
            QueryFailure::Rejected { status, message } => {
                format!("query rejected (HTTP {status}): {message}")
            }
            QueryFailure::Unavailable { status, message }
            | QueryFailure::Refused { status, message } => {
                if message.is_empty() {
                    status_reason(*status)
                } else {
                    format!("{}: {message}", status_reason(*status))
                }
            }
            QueryFailure::NotJson { status, kind } => format!(
                "not a Prometheus API answer: {kind} with HTTP {status} (a proxy or login page?)"
            ),
            QueryFailure::Truncated => "truncated response: the JSON ends early".to_string(),
            QueryFailure::Malformed(detail) => format!("unexpected answer: {detail}"),
            QueryFailure::TooManySeries { count, cap } => format!(
                "too many series: {count} (limit {cap}); narrow the query or the service label"
            ),
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    status: Option<String>,
    #[serde(default)]
    data: Option<Data>,
    #[serde(rename = "errorType", default)]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
    #[serde(default)]
    infos: Vec<String>,
    // A Kubernetes `Status` (from the API server's proxy).
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct RawSeries {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    value: Option<(f64, String)>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

fn parse_value(text: &str) -> f64 {
    match text {
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().unwrap_or(f64::NAN),
    }
}

fn looks_like_json(reply: &Reply) -> bool {
    let first = reply.body.iter().find(|b| !b.is_ascii_whitespace());
    matches!(first, Some(b'{' | b'['))
}

fn body_kind(reply: &Reply) -> String {
    let ct = reply.content_type.to_ascii_lowercase();
    let start: String = String::from_utf8_lossy(&reply.body[..reply.body.len().min(256)])
        .trim_start()
        .to_ascii_lowercase();
    if ct.contains("html") || start.starts_with("<!doctype html") || start.starts_with("<html") {
        "an HTML page".to_string()
    } else if reply.body.iter().all(u8::is_ascii_whitespace) {
        "an empty body".to_string()
    } else if ct.is_empty() {
        "a non-JSON body".to_string()
    } else {
        format!("a {} body", ct.split(';').next().unwrap_or("").trim())
    }
}

/// Classifies one answer; at most `max_series` series are accepted.
pub fn classify(reply: &Reply, max_series: usize) -> Result<QueryData, QueryFailure> {
    let status = reply.status;
    if !looks_like_json(reply) {
        return Err(match status {
            401 | 403 | 404 => QueryFailure::Refused {
                status,
                message: String::new(),
            },
            _ => QueryFailure::NotJson {
                status,
                kind: body_kind(reply),
            },
        });
    }
    let envelope: Envelope = match serde_json::from_slice(&reply.body) {
        Ok(envelope) => envelope,
        Err(e) if e.is_eof() => return Err(QueryFailure::Truncated),
        Err(e) if status >= 400 => {
            return Err(QueryFailure::Unavailable {
                status,
                message: format!("bad JSON: {e}"),
            });
        }
        Err(e) => return Err(QueryFailure::Malformed(format!("bad JSON: {e}"))),
    };
    let message = envelope
        .error
        .clone()
        .or_else(|| envelope.message.clone())
        .unwrap_or_default();
    if status >= 400 || envelope.status.as_deref() == Some("error") {
        let message = match (&envelope.error_type, envelope.kind.as_deref()) {
            (Some(kind), _) if !message.is_empty() => format!("{kind}: {message}"),
            _ => message,
        };
        return Err(match status {
            400 | 422 => QueryFailure::Rejected { status, message },
            401 | 403 | 404 | 405 => QueryFailure::Refused { status, message },
            // status "error" with a 2xx code: treat as a rejected query.
            s if s < 400 => QueryFailure::Rejected { status, message },
            _ => QueryFailure::Unavailable { status, message },
        });
    }
    let Some(data) = envelope.data else {
        return Err(QueryFailure::Malformed(
            "no `data` in the answer".to_string(),
        ));
    };
    let raw: Vec<RawSeries> = match data.result_type.as_str() {
        "vector" | "matrix" => serde_json::from_value(data.result)
            .map_err(|e| QueryFailure::Malformed(format!("bad {}: {e}", data.result_type)))?,
        "scalar" => {
            let (ts, value): (f64, String) = serde_json::from_value(data.result)
                .map_err(|e| QueryFailure::Malformed(format!("bad scalar: {e}")))?;
            vec![RawSeries {
                metric: BTreeMap::new(),
                value: Some((ts, value)),
                values: Vec::new(),
            }]
        }
        other => {
            return Err(QueryFailure::Malformed(format!(
                "result type {other:?}, expected a vector or a matrix"
            )));
        }
    };
    if raw.len() > max_series {
        return Err(QueryFailure::TooManySeries {
            count: raw.len(),
            cap: max_series,
        });
    }
    let series = raw
        .into_iter()
        .map(|s| {
            let mut points: Vec<(f64, f64)> =
                s.values.iter().map(|(t, v)| (*t, parse_value(v))).collect();
            if let Some((t, v)) = &s.value {
                points.push((*t, parse_value(v)));
            }
            Series {
                labels: s.metric,
                points,
            }
        })
        .collect();
    let mut warnings = envelope.warnings;
    warnings.extend(envelope.infos);
    Ok(QueryData { series, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, content_type: &str, body: &str) -> Reply {
        Reply {
            status,
            content_type: content_type.to_string(),
            body: body.as_bytes().to_vec(),
        }
    }

    const JSON: &str = "application/json";

    #[test]
    fn vectors_and_matrices_are_read() {
        let body = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"service":"payment"},"value":[1700000000.5,"0.25"]},{"metric":{"service":"x"},"value":[1700000000.5,"NaN"]}]}}"#;
        let data = classify(&reply(200, JSON, body), 10).unwrap();
        assert_eq!(data.series.len(), 2);
        assert_eq!(data.series[0].labels["service"], "payment");
        assert_eq!(data.series[0].points, vec![(1_700_000_000.5, 0.25)]);
        assert!(data.series[1].points[0].1.is_nan());
        assert!(data.warnings.is_empty());

        let body = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"+Inf"]]}]}}"#;
        let data = classify(&reply(200, JSON, body), 10).unwrap();
        assert_eq!(
            data.series[0].points,
            vec![(1.0, 1.0), (2.0, f64::INFINITY)]
        );
    }

    #[test]
    fn warnings_mean_partial_data() {
        let body = r#"{"status":"success","warnings":["store eu-west-1 unavailable"],"data":{"resultType":"vector","result":[]}}"#;
        let data = classify(&reply(200, JSON, body), 10).unwrap();
        assert_eq!(data.warnings, vec!["store eu-west-1 unavailable"]);
    }

    #[test]
    fn bad_queries_are_shown_and_not_retried() {
        let body = r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \")\""}"#;
        let failure = classify(&reply(400, JSON, body), 10).unwrap_err();
        assert!(!failure.retryable());
        assert_eq!(
            failure.message(),
            "query rejected (HTTP 400): bad_data: 1:5: parse error: unexpected \")\""
        );
        let body = r#"{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}"#;
        let failure = classify(&reply(422, JSON, body), 10).unwrap_err();
        assert!(matches!(
            failure,
            QueryFailure::Rejected { status: 422, .. }
        ));
    }

    #[test]
    fn unavailable_is_retried() {
        let body = r#"{"status":"error","errorType":"unavailable","error":"too many queries"}"#;
        let failure = classify(&reply(503, JSON, body), 10).unwrap_err();
        assert!(failure.retryable());
        assert_eq!(
            failure.message(),
            "HTTP 503 Service Unavailable: unavailable: too many queries"
        );
        // Through the API server's proxy: a Kubernetes Status.
        let body = r#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"no endpoints available for service \"prometheus-k8s\"","code":503}"#;
        let failure = classify(&reply(503, JSON, body), 10).unwrap_err();
        assert!(
            failure.message().contains("no endpoints available"),
            "{}",
            failure.message()
        );
    }

    #[test]
    fn html_pages_and_truncated_bodies_get_clear_messages() {
        let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
        let failure = classify(&reply(502, "text/html", html), 10).unwrap_err();
        assert!(failure.retryable());
        assert_eq!(
            failure.message(),
            "not a Prometheus API answer: an HTML page with HTTP 502 (a proxy or login page?)"
        );
        let cut = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"#;
        let failure = classify(&reply(200, JSON, cut), 10).unwrap_err();
        assert_eq!(failure, QueryFailure::Truncated);
        let failure = classify(&reply(200, JSON, ""), 10).unwrap_err();
        assert!(
            failure.message().contains("an empty body"),
            "{}",
            failure.message()
        );
        let failure = classify(&reply(401, "text/plain", "Unauthorized"), 10).unwrap_err();
        assert!(
            failure.message().contains("unauthorized"),
            "{}",
            failure.message()
        );
    }

    #[test]
    fn too_many_series_is_refused() {
        let items: Vec<String> = (0..11)
            .map(|i| format!(r#"{{"metric":{{"service":"s{i}"}},"value":[1,"1"]}}"#))
            .collect();
        let body = format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{}]}}}}"#,
            items.join(",")
        );
        let failure = classify(&reply(200, JSON, &body), 10).unwrap_err();
        assert_eq!(failure, QueryFailure::TooManySeries { count: 11, cap: 10 });
        assert!(!failure.retryable());
        assert!(classify(&reply(200, JSON, &body), 11).is_ok());
    }
}
