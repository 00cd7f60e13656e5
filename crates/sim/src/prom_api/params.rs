//! Request parameters as the Prometheus API reads them: URL query and form body merged
//! (body first), times as unix seconds or RFC 3339, durations as seconds or `5m`-style.

use axum::Form;
use axum::extract::{FromRequest, Query, Request};
use axum::http::Method;
use axum::response::{IntoResponse, Response};

use super::json::error_response;
use crate::clock::{Millis, parse_rfc3339};
use crate::promql::PromError;

/// All parameters of a request, in Prometheus's precedence order.
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let url: Vec<(String, String)> = Query::try_from_uri(req.uri())
            .map(|q: Query<_>| q.0)
            .unwrap_or_default();
        if req.method() != Method::POST {
            return Ok(Self(url));
        }
        let Form(mut body): Form<Vec<(String, String)>> = Form::from_request(req, state)
            .await
            .map_err(|e| error_response(&PromError::BadData(e.body_text())).into_response())?;
        body.extend(url);
        Ok(Self(body))
    }
}

impl Params {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn get_all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A time parameter, or `default` when absent or empty.
    pub fn time_or(&self, key: &str, default: Millis) -> Result<Millis, PromError> {
        match self.get(key) {
            None | Some("") => Ok(default),
            Some(text) => parse_time(text)
                .ok_or_else(|| invalid(key, format!("cannot parse {text:?} to a valid timestamp"))),
        }
    }

    /// A required time parameter.
    pub fn time(&self, key: &str) -> Result<Millis, PromError> {
        let text = self.get(key).unwrap_or("");
        parse_time(text)
            .ok_or_else(|| invalid(key, format!("cannot parse {text:?} to a valid timestamp")))
    }

    /// A required duration parameter, in milliseconds.
    pub fn duration(&self, key: &str) -> Result<Millis, PromError> {
        let text = self.get(key).unwrap_or("");
        parse_duration(text)
            .ok_or_else(|| invalid(key, format!("cannot parse {text:?} to a valid duration")))
    }
}

pub fn invalid(key: &str, message: impl std::fmt::Display) -> PromError {
    PromError::BadData(format!("invalid parameter {key:?}: {message}"))
}

/// Prometheus's lowest and highest API times (`MinTime`/`MaxTime`), in milliseconds.
pub const MIN_TIME: Millis = -9_223_309_901_257_974;
pub const MAX_TIME: Millis = 9_223_309_901_257_974;

/// Unix seconds (fraction rounded to milliseconds) or RFC 3339.
pub fn parse_time(text: &str) -> Option<Millis> {
    if let Ok(secs) = text.parse::<f64>() {
        if !secs.is_finite() || secs.abs() > (MAX_TIME / 1000) as f64 {
            return None;
        }
        let whole = secs.trunc();
        let frac = ((secs - whole) * 1000.0).round();
        return Some(whole as Millis * 1000 + frac as Millis);
    }
    match text {
        "-292273086-05-16T16:47:06Z" => Some(MIN_TIME),
        "292277025-08-18T07:12:54.999999999Z" => Some(MAX_TIME),
        _ => parse_rfc3339(text),
    }
}

/// Float seconds or a Prometheus duration such as `15s`, `1m30s`, `2h` (Prometheus's
/// grammar is watchdeck's, `watchdeck_core::duration`).
pub fn parse_duration(text: &str) -> Option<Millis> {
    if let Ok(secs) = text.parse::<f64>() {
        let ms = secs * 1000.0;
        return (ms.is_finite() && ms.abs() < 9.2e18).then_some(ms as Millis);
    }
    let d = watchdeck_core::duration::parse_duration(text).ok()?;
    Millis::try_from(d.as_millis()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_times_and_durations() {
        let times = [
            ("1435781451.781", Some(1_435_781_451_781)),
            ("1435781451", Some(1_435_781_451_000)),
            ("-1.5", Some(-1_500)),
            ("2015-07-01T20:10:51.781Z", Some(1_435_781_451_781)),
            ("yesterday", None),
            ("NaN", None),
        ];
        for (text, want) in times {
            assert_eq!(parse_time(text), want, "{text}");
        }
        let durations = [
            ("15", Some(15_000)),
            ("0.5", Some(500)),
            ("1m30s", Some(90_000)),
            ("5m", Some(300_000)),
            ("1x", None),
            ("", None),
        ];
        for (text, want) in durations {
            assert_eq!(parse_duration(text), want, "{text}");
        }
    }
}
