//! The API v2 JSON shapes (from Alertmanager's openapi.yaml) and the request-body checks that
//! go-openapi performs before Alertmanager's handlers run, with the same status codes.

use std::collections::BTreeMap;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::silences::{GO_ZERO_MS, MatcherSpec, SilenceSpec, StoredSilence};
use super::state::{AlertGroup, AlertView, IncomingAlert};
use crate::clock::{Millis, parse_rfc3339, rfc3339_millis};
use crate::labels::Labels;

/// An error response in Alertmanager's shapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// 400 from a handler: the body is a JSON string.
    BadRequest(String),
    /// 404, with a JSON string body when Alertmanager sends one.
    NotFound(Option<String>),
    /// A go-openapi error (`{"code": ..., "message": ...}`): 400 for an unparsable body,
    /// 422 for schema violations (code 601 wrong type, 602 required, 612 too few items).
    OpenApi { code: u16, message: String },
}

impl ApiError {
    fn required(name: &str) -> Self {
        Self::OpenApi {
            code: 602,
            message: format!("{name} in body is required"),
        }
    }

    fn unparsable(param: &str, why: impl std::fmt::Display) -> Self {
        Self::OpenApi {
            code: 400,
            message: format!("parsing {param} body from \"\" failed, because {why}"),
        }
    }
}

/// A JSON response with Alertmanager's `Cache-Control: no-store`.
pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct OpenApiBody<'a> {
            code: u16,
            message: &'a str,
        }
        match self {
            Self::BadRequest(message) => json_response(StatusCode::BAD_REQUEST, &message),
            Self::NotFound(Some(message)) => json_response(StatusCode::NOT_FOUND, &message),
            Self::NotFound(None) => {
                (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response()
            }
            Self::OpenApi { code, message } => {
                let status = match code {
                    600.. => StatusCode::UNPROCESSABLE_ENTITY,
                    c => StatusCode::from_u16(c).unwrap_or(StatusCode::BAD_REQUEST),
                };
                json_response(
                    status,
                    &OpenApiBody {
                        code,
                        message: &message,
                    },
                )
            }
        }
    }
}

#[derive(Serialize)]
pub struct Receiver {
    pub name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatusJson {
    pub inhibited_by: Vec<String>,
    /// Time-interval muting (Alertmanager 0.27+); the simulator has no time intervals.
    pub muted_by: Vec<String>,
    pub silenced_by: Vec<String>,
    pub state: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableAlert {
    pub annotations: Labels,
    pub ends_at: String,
    pub fingerprint: String,
    pub receivers: Vec<Receiver>,
    pub starts_at: String,
    pub status: AlertStatusJson,
    pub updated_at: String,
    #[serde(rename = "generatorURL", skip_serializing_if = "String::is_empty")]
    pub generator_url: String,
    pub labels: Labels,
}

#[derive(Serialize)]
pub struct AlertGroupJson {
    pub alerts: Vec<GettableAlert>,
    pub labels: Labels,
    pub receiver: Receiver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatcherJson {
    pub is_equal: bool,
    pub is_regex: bool,
    pub name: String,
    pub value: String,
}

#[derive(Serialize)]
pub struct SilenceStatusJson {
    pub state: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableSilence {
    pub id: String,
    pub status: SilenceStatusJson,
    pub updated_at: String,
    pub comment: String,
    pub created_by: String,
    pub ends_at: String,
    pub matchers: Vec<MatcherJson>,
    pub starts_at: String,
}

pub fn gettable_alert(view: &AlertView) -> GettableAlert {
    let a = &view.alert;
    GettableAlert {
        annotations: a.annotations.clone(),
        ends_at: rfc3339_millis(a.ends_at_ms),
        fingerprint: format!("{:016x}", view.fingerprint),
        receivers: view
            .receivers
            .iter()
            .map(|name| Receiver { name: name.clone() })
            .collect(),
        starts_at: rfc3339_millis(a.starts_at_ms),
        status: AlertStatusJson {
            inhibited_by: view.status.inhibited_by.clone(),
            muted_by: Vec::new(),
            silenced_by: view.status.silenced_by.clone(),
            state: view.status.state.as_str(),
        },
        updated_at: rfc3339_millis(a.updated_at_ms),
        generator_url: a.generator_url.clone(),
        labels: a.labels.clone(),
    }
}

pub fn alert_group(group: &AlertGroup) -> AlertGroupJson {
    AlertGroupJson {
        alerts: group.alerts.iter().map(gettable_alert).collect(),
        labels: group.labels.clone(),
        receiver: Receiver {
            name: group.receiver.clone(),
        },
    }
}

pub fn gettable_silence(silence: &StoredSilence, now: Millis) -> GettableSilence {
    GettableSilence {
        id: silence.id.clone(),
        status: SilenceStatusJson {
            state: silence.state(now).as_str(),
        },
        updated_at: rfc3339_millis(silence.updated_at_ms),
        comment: silence.comment.clone(),
        created_by: silence.created_by.clone(),
        ends_at: rfc3339_millis(silence.ends_at_ms),
        matchers: silence
            .matchers
            .iter()
            .map(|m| MatcherJson {
                is_equal: m.op().is_equal(),
                is_regex: m.op().is_regex(),
                name: m.name().to_string(),
                value: m.value().to_string(),
            })
            .collect(),
        starts_at: rfc3339_millis(silence.starts_at_ms),
    }
}

fn parse_time(text: &str) -> Result<Millis, String> {
    parse_rfc3339(text).ok_or_else(|| format!("parsing time {text:?}: not an RFC 3339 date-time"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostableAlertJson {
    labels: Option<BTreeMap<String, String>>,
    annotations: Option<BTreeMap<String, String>>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    #[serde(rename = "generatorURL")]
    generator_url: Option<String>,
}

/// Parses the POST /api/v2/alerts body; Go's zero time counts as "not set".
pub fn parse_alerts(body: &[u8]) -> Result<Vec<IncomingAlert>, ApiError> {
    if body.trim_ascii().is_empty() {
        return Err(ApiError::required("alerts"));
    }
    let items: Vec<PostableAlertJson> =
        serde_json::from_slice(body).map_err(|e| ApiError::unparsable("alerts", e))?;
    let time = |t: &Option<String>| -> Result<Option<Millis>, ApiError> {
        match t.as_deref().map(parse_time).transpose() {
            Ok(ms) => Ok(ms.filter(|&ms| ms != GO_ZERO_MS)),
            Err(why) => Err(ApiError::unparsable("alerts", why)),
        }
    };
    let mut alerts = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let starts_at_ms = time(&item.starts_at)?;
        let ends_at_ms = time(&item.ends_at)?;
        let Some(label_map) = item.labels else {
            return Err(ApiError::required(&format!("{i}.labels")));
        };
        let mut labels = Labels::new();
        for (name, value) in label_map {
            labels.insert(name, value);
        }
        alerts.push(IncomingAlert {
            labels,
            annotations: Labels::from_pairs(item.annotations.unwrap_or_default()),
            starts_at_ms,
            ends_at_ms,
            generator_url: item.generator_url.unwrap_or_default(),
        });
    }
    Ok(alerts)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MatcherIn {
    name: Option<String>,
    value: Option<String>,
    is_regex: Option<bool>,
    is_equal: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostableSilenceJson {
    id: Option<String>,
    matchers: Option<Vec<MatcherIn>>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    created_by: Option<String>,
    comment: Option<String>,
}

/// Parses the POST /api/v2/silences body, checking required fields in go-swagger's order.
pub fn parse_silence(body: &[u8]) -> Result<SilenceSpec, ApiError> {
    if body.trim_ascii().is_empty() {
        return Err(ApiError::required("silence"));
    }
    let s: PostableSilenceJson =
        serde_json::from_slice(body).map_err(|e| ApiError::unparsable("silence", e))?;
    let time = |t: &Option<String>| {
        t.as_deref()
            .map(parse_time)
            .transpose()
            .map_err(|w| ApiError::unparsable("silence", w))
    };
    let (starts_at, ends_at) = (time(&s.starts_at)?, time(&s.ends_at)?);
    let comment = s.comment.ok_or_else(|| ApiError::required("comment"))?;
    let created_by = s
        .created_by
        .ok_or_else(|| ApiError::required("createdBy"))?;
    let ends_at_ms = ends_at.ok_or_else(|| ApiError::required("endsAt"))?;
    let raw_matchers = s.matchers.ok_or_else(|| ApiError::required("matchers"))?;
    if raw_matchers.is_empty() {
        let message = "matchers in body should have at least 1 items".to_string();
        return Err(ApiError::OpenApi { code: 612, message });
    }
    let mut matchers = Vec::with_capacity(raw_matchers.len());
    for (i, m) in raw_matchers.into_iter().enumerate() {
        let field = |f: &str| ApiError::required(&format!("matchers.{i}.{f}"));
        let is_regex = m.is_regex.ok_or_else(|| field("isRegex"))?;
        let name = m.name.ok_or_else(|| field("name"))?;
        let value = m.value.ok_or_else(|| field("value"))?;
        matchers.push(MatcherSpec {
            name,
            value,
            is_regex,
            is_equal: m.is_equal.unwrap_or(true),
        });
    }
    let starts_at_ms = starts_at.ok_or_else(|| ApiError::required("startsAt"))?;
    Ok(SilenceSpec {
        id: s.id,
        matchers,
        starts_at_ms,
        ends_at_ms,
        created_by,
        comment,
    })
}

/// go-openapi's `uuid` format check for the `{silenceID}` path parameter.
pub fn check_uuid(id: &str) -> Result<(), ApiError> {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let dashed = {
        let parts: Vec<&str> = id.split('-').collect();
        parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| hex(p))
    };
    if dashed || (id.len() == 32 && hex(id)) {
        return Ok(());
    }
    Err(ApiError::OpenApi {
        code: 601,
        message: format!("silenceID in path must be of type uuid: {id:?}"),
    })
}
