//! The HTTP router serving the simulated Alertmanager's API v2 (and `/-/ready`, `/-/healthy`)
//! over the shared state, answering at the simulator's virtual now.

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::filter::{AlertFilter, silence_filter_from_query};
use super::silences::SilenceError;
use super::state::AmState;
use super::wire::{self, ApiError, json_response};
use crate::clock::{Millis, rfc3339_millis};
use watchdeck_core::clock::VirtualNow;

/// What the router serves: the shared state and the virtual clock it answers at.
#[derive(Clone, Debug)]
pub struct AmApiState {
    pub now: VirtualNow,
    pub state: Arc<RwLock<AmState>>,
}

#[derive(Clone)]
struct Ctx {
    api: AmApiState,
    started_ms: Millis,
}

impl Ctx {
    fn now(&self) -> Millis {
        self.api.now.get()
    }

    fn read(&self) -> RwLockReadGuard<'_, AmState> {
        self.api
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, AmState> {
        self.api
            .state
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Builds the router; `uptime` in /api/v2/status is the virtual time of this call.
pub fn router(state: AmApiState) -> Router {
    let ctx = Ctx {
        started_ms: state.now.get(),
        api: state,
    };
    Router::new()
        .route("/api/v2/alerts", get(get_alerts).post(post_alerts))
        .route("/api/v2/alerts/groups", get(get_alert_groups))
        .route("/api/v2/silences", get(get_silences).post(post_silences))
        .route(
            "/api/v2/silence/{silenceID}",
            get(get_silence).delete(delete_silence),
        )
        .route("/api/v2/status", get(get_status))
        .route("/api/v2/receivers", get(get_receivers))
        .route("/-/ready", get(ok_text))
        .route("/-/healthy", get(ok_text))
        .fallback(not_found)
        .with_state(ctx)
}

type Reply = Result<Response, ApiError>;

fn ok_json<T: Serialize>(value: &T) -> Reply {
    Ok(json_response(StatusCode::OK, value))
}

fn empty_ok() -> Response {
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response()
}

fn alert_filter(query: Option<&str>) -> Result<AlertFilter, ApiError> {
    AlertFilter::from_query(query).map_err(|e| ApiError::BadRequest(e.to_string()))
}

async fn get_alerts(State(ctx): State<Ctx>, RawQuery(query): RawQuery) -> Reply {
    let filter = alert_filter(query.as_deref())?;
    let views = ctx.read().alerts(ctx.now(), &filter);
    ok_json(&views.iter().map(wire::gettable_alert).collect::<Vec<_>>())
}

async fn post_alerts(State(ctx): State<Ctx>, body: Bytes) -> Reply {
    let alerts = wire::parse_alerts(&body)?;
    let result = ctx.write().receive(ctx.now(), alerts);
    result.map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(empty_ok())
}

async fn get_alert_groups(State(ctx): State<Ctx>, RawQuery(query): RawQuery) -> Reply {
    let filter = alert_filter(query.as_deref())?;
    let groups = ctx.read().groups(ctx.now(), &filter);
    ok_json(&groups.iter().map(wire::alert_group).collect::<Vec<_>>())
}

async fn get_silences(State(ctx): State<Ctx>, RawQuery(query): RawQuery) -> Reply {
    let filter = silence_filter_from_query(query.as_deref())
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let now = ctx.now();
    let state = ctx.read();
    let silences: Vec<_> = state
        .silences(now, &filter)
        .into_iter()
        .map(|s| wire::gettable_silence(s, now))
        .collect();
    drop(state);
    ok_json(&silences)
}

async fn post_silences(State(ctx): State<Ctx>, body: Bytes) -> Reply {
    #[derive(Serialize)]
    struct Created {
        #[serde(rename = "silenceID")]
        silence_id: String,
    }
    let spec = wire::parse_silence(&body)?;
    let result = ctx.write().upsert_silence(ctx.now(), spec);
    match result {
        Ok(silence_id) => ok_json(&Created { silence_id }),
        Err(SilenceError::NotFound) => {
            Err(ApiError::NotFound(Some(SilenceError::NotFound.to_string())))
        }
        Err(e) => Err(ApiError::BadRequest(e.to_string())),
    }
}

async fn get_silence(State(ctx): State<Ctx>, Path(id): Path<String>) -> Reply {
    wire::check_uuid(&id)?;
    let now = ctx.now();
    let found = ctx
        .read()
        .silence(now, &id)
        .map(|s| wire::gettable_silence(s, now));
    match found {
        Some(silence) => ok_json(&silence),
        None => Err(ApiError::NotFound(None)),
    }
}

async fn delete_silence(State(ctx): State<Ctx>, Path(id): Path<String>) -> Reply {
    wire::check_uuid(&id)?;
    let result = ctx.write().expire_silence(ctx.now(), &id);
    match result {
        Ok(()) => Ok(empty_ok()),
        Err(_) => Err(ApiError::NotFound(None)),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VersionInfo {
    branch: &'static str,
    build_date: &'static str,
    build_user: &'static str,
    go_version: &'static str,
    revision: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ClusterStatus {
    peers: Vec<String>,
    status: &'static str,
}

#[derive(Serialize)]
struct ConfigJson {
    original: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusJson {
    cluster: ClusterStatus,
    config: ConfigJson,
    uptime: String,
    version_info: VersionInfo,
}

async fn get_status(State(ctx): State<Ctx>) -> Reply {
    let original = ctx.read().config().to_yaml();
    ok_json(&StatusJson {
        cluster: ClusterStatus {
            peers: Vec::new(),
            status: "disabled",
        },
        config: ConfigJson { original },
        uptime: rfc3339_millis(ctx.started_ms),
        version_info: VersionInfo {
            branch: "HEAD",
            build_date: "",
            build_user: "watchdeck-sim",
            go_version: "none (watchdeck simulator)",
            revision: "watchdeck-sim",
            version: "0.27.0",
        },
    })
}

async fn get_receivers(State(ctx): State<Ctx>) -> Reply {
    let receivers: Vec<wire::Receiver> = ctx
        .read()
        .config()
        .receivers()
        .into_iter()
        .map(|name| wire::Receiver { name })
        .collect();
    ok_json(&receivers)
}

async fn ok_text() -> &'static str {
    "OK"
}

async fn not_found(uri: Uri) -> Response {
    let message = format!("path {} was not found", uri.path());
    ApiError::OpenApi { code: 404, message }.into_response()
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "api_silence_tests.rs"]
mod silence_tests;
