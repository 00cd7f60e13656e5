//! The Prometheus HTTP API (/api/v1/...) over the simulator's TSDB, rules and alerts.

mod json;
mod params;

#[cfg(test)]
mod tests;

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::Expr;
use serde_json::json;

use self::json::{error_response, internal_error, query_data, success, success_raw};
use self::params::{MAX_TIME, MIN_TIME, Params, invalid};
use crate::labels::METRIC_NAME;
use crate::promql;
use crate::promql::{PromError, QueryValue};
use crate::rules::RuleEngine;
use crate::tsdb::Tsdb;
use watchdeck_core::clock::VirtualNow;

pub use self::params::{parse_duration, parse_time};

/// Prometheus's limit on points per series in a range query.
pub const MAX_POINTS_PER_SERIES: i64 = 11_000;

/// The version the simulator reports in `/api/v1/status/buildinfo` (its PromQL follows 3.x).
pub const REPORTED_VERSION: &str = "3.0.0";

/// Shared state of one cluster's Prometheus endpoint.
#[derive(Clone)]
pub struct PromApiState {
    pub now: VirtualNow,
    pub tsdb: Arc<RwLock<Tsdb>>,
    pub rules: Arc<RwLock<RuleEngine>>,
}

pub fn router(state: PromApiState) -> Router {
    Router::new()
        .route("/api/v1/query", get(query).post(query))
        .route("/api/v1/query_range", get(query_range).post(query_range))
        .route("/api/v1/series", get(series).post(series))
        .route("/api/v1/labels", get(labels).post(labels))
        .route("/api/v1/label/{name}/values", get(label_values))
        .route("/api/v1/rules", get(rules))
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/status/buildinfo", get(buildinfo))
        .route(
            "/-/ready",
            get(|| async { "Prometheus Server is Ready.\n" }),
        )
        .route(
            "/-/healthy",
            get(|| async { "Prometheus Server is Healthy.\n" }),
        )
        .with_state(state)
}

fn respond(result: Result<Response, PromError>) -> Response {
    result.unwrap_or_else(|e| error_response(&e))
}

/// Runs `f` with the store read-locked; the guard never outlives this synchronous call.
fn with_tsdb(
    state: &PromApiState,
    f: impl FnOnce(&Tsdb) -> Result<Response, PromError>,
) -> Response {
    match state.tsdb.read() {
        Ok(db) => respond(f(&db)),
        Err(_) => internal_error("tsdb lock poisoned"),
    }
}

fn query_error(e: PromError) -> PromError {
    match e {
        PromError::BadData(m) => invalid("query", m),
        other => other,
    }
}

async fn query(State(state): State<PromApiState>, params: Params) -> Response {
    let run = |db: &Tsdb| -> Result<Response, PromError> {
        let at = params.time_or("time", state.now.get())?;
        let value = promql::instant_query(db, params.get("query").unwrap_or(""), at)
            .map_err(query_error)?;
        Ok(success_raw(&query_data(&value)))
    };
    with_tsdb(&state, run)
}

async fn query_range(State(state): State<PromApiState>, params: Params) -> Response {
    let run = |db: &Tsdb| -> Result<Response, PromError> {
        let start = params.time("start")?;
        let end = params.time("end")?;
        if end < start {
            return Err(invalid(
                "end",
                "end timestamp must not be before start time",
            ));
        }
        let step = params.duration("step")?;
        if step <= 0 {
            return Err(invalid(
                "step",
                "zero or negative query resolution step widths are not accepted. Try a positive integer",
            ));
        }
        if (end - start) / step > MAX_POINTS_PER_SERIES {
            return Err(PromError::BadData(
                "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)".into(),
            ));
        }
        let query = params.get("query").unwrap_or("");
        let series = promql::range_query(db, query, start, end, step).map_err(query_error)?;
        Ok(success_raw(&query_data(&QueryValue::Matrix(series))))
    };
    with_tsdb(&state, run)
}

/// Parses `match[]` selectors into matcher lists, as Prometheus requires them: plain
/// vector selectors.
fn selectors(params: &Params) -> Result<Vec<Vec<Matcher>>, PromError> {
    let mut out = Vec::new();
    for text in params.get_all("match[]") {
        let expr = promql::parse(text).map_err(|e| invalid("match[]", e))?;
        let Expr::VectorSelector(vs) = expr else {
            return Err(invalid(
                "match[]",
                format!("{text:?} is not a vector selector"),
            ));
        };
        if !vs.matchers.or_matchers.is_empty() {
            return Err(PromError::unsupported("`or` inside match[] selectors"));
        }
        let mut matchers = vs.matchers.matchers.clone();
        if let Some(name) = &vs.name {
            matchers.push(Matcher::new(MatchOp::Equal, METRIC_NAME, name));
        }
        out.push(matchers);
    }
    Ok(out)
}

fn window(params: &Params) -> Result<(i64, i64), PromError> {
    Ok((
        params.time_or("start", MIN_TIME)?,
        params.time_or("end", MAX_TIME)?,
    ))
}

async fn series(State(state): State<PromApiState>, params: Params) -> Response {
    let run = |db: &Tsdb| -> Result<Response, PromError> {
        let matchers = selectors(&params)?;
        if matchers.is_empty() {
            return Err(PromError::BadData("no match[] parameter provided".into()));
        }
        let (start, end) = window(&params)?;
        Ok(success(&json!(db.series_matching(&matchers, start, end))))
    };
    with_tsdb(&state, run)
}

async fn labels(State(state): State<PromApiState>, params: Params) -> Response {
    let run = |db: &Tsdb| -> Result<Response, PromError> {
        let matchers = selectors(&params)?;
        let (start, end) = window(&params)?;
        Ok(success(&json!(db.label_names(&matchers, start, end))))
    };
    with_tsdb(&state, run)
}

async fn label_values(
    State(state): State<PromApiState>,
    Path(name): Path<String>,
    params: Params,
) -> Response {
    let run = |db: &Tsdb| -> Result<Response, PromError> {
        let valid = name
            .chars()
            .enumerate()
            .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
        if name.is_empty() || !valid {
            return Err(PromError::BadData(format!("invalid label name: {name:?}")));
        }
        let matchers = selectors(&params)?;
        let (start, end) = window(&params)?;
        Ok(success(&json!(
            db.label_values(&name, &matchers, start, end)
        )))
    };
    with_tsdb(&state, run)
}

async fn rules(State(state): State<PromApiState>) -> Response {
    match state.rules.read() {
        Ok(engine) => success(&engine.rules_json()),
        Err(_) => internal_error("rules lock poisoned"),
    }
}

async fn alerts(State(state): State<PromApiState>) -> Response {
    match state.rules.read() {
        Ok(engine) => success(&engine.alerts_json()),
        Err(_) => internal_error("rules lock poisoned"),
    }
}

async fn buildinfo() -> Response {
    success(&json!({
        "version": REPORTED_VERSION,
        "revision": "watchdeck-sim",
        "branch": "watchdeck",
        "buildUser": "watchdeck",
        "buildDate": "20260101-00:00:00",
        "goVersion": "go1.23.0",
    }))
}
