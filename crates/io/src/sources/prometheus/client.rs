//! Prometheus's query API over an [`HttpEndpoint`]: a cheap probe that also reads the
//! server's clock (charts end at the server's now, which is virtual in the simulator), and
//! range queries with caps on series and bytes.

use super::response::{QueryData, QueryFailure, classify};
use super::{MAX_BYTES, MAX_SERIES};
use crate::sources::endpoint::{EndpointSpec, FetchError, HttpEndpoint};

/// Why a request gave no data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollError {
    /// No answer (connection, DNS, TLS, timeout, size).
    Fetch(FetchError),
    /// An answer without usable data.
    Query(QueryFailure),
}

impl PollError {
    /// Worth retrying with backoff.
    pub fn retryable(&self) -> bool {
        match self {
            PollError::Fetch(FetchError::TooLarge(_) | FetchError::Setup(_)) => false,
            PollError::Fetch(_) => true,
            PollError::Query(failure) => failure.retryable(),
        }
    }

    /// The text for the health cell and the panel.
    pub fn message(&self) -> String {
        match self {
            PollError::Fetch(e) => e.reason(),
            PollError::Query(failure) => failure.message(),
        }
    }
}

/// A Prometheus API client.
pub struct PromClient {
    endpoint: HttpEndpoint,
    max_series: usize,
}

impl PromClient {
    pub async fn connect(spec: &EndpointSpec) -> Result<PromClient, PollError> {
        let endpoint = HttpEndpoint::connect(spec)
            .await
            .map_err(PollError::Fetch)?
            .with_max_body(MAX_BYTES);
        Ok(PromClient {
            endpoint,
            max_series: MAX_SERIES,
        })
    }

    /// Caps the series count of one answer.
    pub fn with_max_series(mut self, max: usize) -> Self {
        self.max_series = max;
        self
    }

    async fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<QueryData, PollError> {
        let reply = self
            .endpoint
            .get(path, params)
            .await
            .map_err(PollError::Fetch)?;
        classify(&reply, self.max_series).map_err(PollError::Query)
    }

    /// The probe: `vector(1)` evaluated at the server's now; returns that time (unix seconds).
    pub async fn server_time(&self) -> Result<f64, PollError> {
        let data = self.get("/api/v1/query", &[("query", "vector(1)")]).await?;
        data.series
            .first()
            .and_then(|s| s.points.last())
            .map(|(t, _)| *t)
            .ok_or_else(|| {
                PollError::Query(QueryFailure::Malformed(
                    "the probe `vector(1)` returned no sample".to_string(),
                ))
            })
    }

    /// An instant query sent as a form body (`POST /api/v1/query`), so a long batch fits; at
    /// `time` (unix seconds) or the server's now.
    pub async fn instant_post(
        &self,
        query: &str,
        time: Option<f64>,
    ) -> Result<QueryData, PollError> {
        let time = time.map(format_time);
        let mut params = vec![("query", query)];
        if let Some(time) = &time {
            params.push(("time", time.as_str()));
        }
        let reply = self
            .endpoint
            .post_form("/api/v1/query", &params)
            .await
            .map_err(PollError::Fetch)?;
        classify(&reply, self.max_series).map_err(PollError::Query)
    }

    /// A range query from `start` to `end` (unix seconds) every `step` seconds.
    pub async fn query_range(
        &self,
        query: &str,
        start: f64,
        end: f64,
        step: u64,
    ) -> Result<QueryData, PollError> {
        let (start, end, step) = (
            format_time(start),
            format_time(end),
            step.max(1).to_string(),
        );
        self.get(
            "/api/v1/query_range",
            &[
                ("query", query),
                ("start", &start),
                ("end", &end),
                ("step", &step),
            ],
        )
        .await
    }
}

/// Unix seconds with millisecond precision, as Prometheus accepts them.
pub fn format_time(seconds: f64) -> String {
    format!("{:.3}", seconds)
}
