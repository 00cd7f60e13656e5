//! Response bodies in Prometheus's exact JSON shapes: sample values as strings ("NaN",
//! "+Inf"), timestamps as unix seconds with millisecond fractions, errors with `errorType`.

use std::fmt::Write;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value as Json;

use crate::clock::Millis;
use crate::labels::Labels;
use crate::promql::gofmt::{api_timestamp, api_value};
use crate::promql::{PromError, QueryValue, RangeSeries};

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `{"status":"success","data":...}` with `data` already serialized.
pub fn success_raw(data: &str) -> Response {
    json_response(
        StatusCode::OK,
        format!("{{\"status\":\"success\",\"data\":{data}}}"),
    )
}

pub fn success(data: &Json) -> Response {
    success_raw(&data.to_string())
}

/// Prometheus's error body; 400 for `bad_data`, 422 for `execution`.
pub fn error_response(err: &PromError) -> Response {
    let status = StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    json_response(status, error_body(err.error_type(), &err.to_string()))
}

pub fn internal_error(message: &str) -> Response {
    json_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        error_body("internal", message),
    )
}

/// Keys in Prometheus's order: status, errorType, error.
fn error_body(kind: &str, message: &str) -> String {
    let message = serde_json::to_string(message).unwrap_or_else(|_| "\"\"".into());
    format!("{{\"status\":\"error\",\"errorType\":\"{kind}\",\"error\":{message}}}")
}

fn metric(out: &mut String, labels: &Labels) {
    out.push_str(&serde_json::to_string(labels).unwrap_or_else(|_| "{}".into()));
}

fn point(out: &mut String, t: Millis, v: f64) {
    let _ = write!(out, "[{},\"{}\"]", api_timestamp(t), api_value(v));
}

fn matrix(out: &mut String, series: &[RangeSeries]) {
    out.push('[');
    for (i, s) in series.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"metric\":");
        metric(out, &s.labels);
        out.push_str(",\"values\":[");
        for (j, (t, v)) in s.points.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            point(out, *t, *v);
        }
        out.push_str("]}");
    }
    out.push(']');
}

/// The `data` object of `/api/v1/query` and `/api/v1/query_range`.
pub fn query_data(value: &QueryValue) -> String {
    let mut out = format!("{{\"resultType\":\"{}\",\"result\":", value.result_type());
    match value {
        QueryValue::Scalar { at, value } => point(&mut out, *at, *value),
        QueryValue::String { at, value } => {
            let text = serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into());
            let _ = write!(out, "[{},{text}]", api_timestamp(*at));
        }
        QueryValue::Vector { at, samples } => {
            out.push('[');
            for (i, s) in samples.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"metric\":");
                metric(&mut out, &s.labels);
                out.push_str(",\"value\":");
                point(&mut out, *at, s.value);
                out.push('}');
            }
            out.push(']');
        }
        QueryValue::Matrix(series) => matrix(&mut out, series),
    }
    out.push('}');
    out
}
