//! Watches: newline-delimited JSON events over a chunked response, resumed from a
//! resourceVersion (an ERROR event with code 410 when it is too old), with bookmarks and the
//! client's timeout, as the API server streams them.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Instant;

use super::http::{ApiError, KubeApiState};
use super::read::Request;
use super::selector::{FieldSelector, LabelSelector};
use super::store::WatchEvent;
use super::table;

/// The API server's default when a client sets no timeout: between 30 and 60 minutes.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);
const BOOKMARK_EVERY: Duration = Duration::from_secs(30);

struct Filter {
    resource: &'static str,
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Filter {
    fn passes(&self, event: &WatchEvent) -> bool {
        event.resource == self.resource
            && self
                .namespace
                .as_ref()
                .is_none_or(|ns| *ns == event.namespace)
            && self.labels.matches_object(&event.object)
            && self.fields.matches(&event.object)
    }
}

struct Watch {
    state: KubeApiState,
    request_table: Option<table::IncludeObject>,
    resource: &'static super::discovery::ResourceType,
    filter: Filter,
    receiver: broadcast::Receiver<Arc<WatchEvent>>,
    backlog: std::collections::VecDeque<Bytes>,
    last_rv: u64,
    deadline: Instant,
    bookmarks: bool,
    next_bookmark: Instant,
    done: bool,
    /// Only a watch's first table event carries the column definitions.
    first: bool,
}

pub fn watch(state: &KubeApiState, request: &Request) -> Response {
    let (labels, fields) = match request.selectors() {
        Ok(selectors) => selectors,
        Err(error) => return error.into_response(),
    };
    let resource = request.target.resource;
    let filter = Filter {
        resource: resource.plural,
        namespace: request.target.namespace.clone(),
        labels,
        fields,
    };
    let timeout = request
        .query
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
    let table_mode = if request.wants_table() {
        match request.include_object() {
            Ok(include) => Some(include),
            Err(error) => return error.into_response(),
        }
    } else {
        None
    };
    let world = state.lock();
    let Some(cluster) = world.clusters.get(state.cluster) else {
        return ApiError::new(503, "ServiceUnavailable", "cluster is gone").into_response();
    };
    let now = world.now;
    let store = &cluster.store;
    let receiver = store.subscribe();
    let current = store.resource_version();
    let mut backlog = std::collections::VecDeque::new();
    let mut first = true;
    let mut encode = |event_type: &str, object: &Value| {
        let chunk = encode_event(event_type, object, resource, table_mode, now, first);
        first = false;
        chunk
    };
    match request.query.get("resourceVersion").map(String::as_str) {
        None | Some("" | "0") => {
            for object in store.list(resource.plural, filter.namespace.as_deref()) {
                if filter.labels.matches_object(&object) && filter.fields.matches(&object) {
                    backlog.push_back(encode("ADDED", &object));
                }
            }
        }
        Some(text) => match text.parse::<u64>() {
            Err(_) => {
                return ApiError::bad_request(format!("invalid resource version: {text}"))
                    .into_response();
            }
            Ok(since) => match store.changes_since(since) {
                Ok(changes) => {
                    for event in changes.iter().filter(|e| filter.passes(e)) {
                        backlog.push_back(encode(event.event_type.as_str(), &event.object));
                    }
                }
                Err(too_old) => {
                    // The API server's ResourceExpired Status names nothing: no details.
                    let status = ApiError {
                        details: Some(Value::Null),
                        ..ApiError::new(
                            410,
                            "Expired",
                            format!(
                                "too old resource version: {} ({})",
                                too_old.requested, too_old.oldest
                            ),
                        )
                    }
                    .status();
                    backlog.push_back(line(&json!({"type": "ERROR", "object": status})));
                    drop(world);
                    return stream_response(futures::stream::iter(
                        backlog.into_iter().map(Ok::<_, std::io::Error>),
                    ));
                }
            },
        },
    }
    drop(world);
    let backlog_empty = backlog.is_empty();
    let start = Instant::now();
    let watch = Watch {
        state: state.clone(),
        request_table: table_mode,
        resource,
        filter,
        receiver,
        backlog,
        last_rv: current,
        deadline: start + timeout,
        bookmarks: request
            .query
            .get("allowWatchBookmarks")
            .is_some_and(|v| v == "true" || v == "1"),
        next_bookmark: start + BOOKMARK_EVERY,
        done: false,
        first: backlog_empty,
    };
    stream_response(futures::stream::unfold(watch, next_chunk).map(Ok::<_, std::io::Error>))
}

fn stream_response<S>(stream: S) -> Response
where
    S: futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
{
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response()
}

async fn next_chunk(mut watch: Watch) -> Option<(Bytes, Watch)> {
    loop {
        if let Some(chunk) = watch.backlog.pop_front() {
            return Some((chunk, watch));
        }
        if watch.done {
            return None;
        }
        let wake = if watch.bookmarks {
            watch.deadline.min(watch.next_bookmark)
        } else {
            watch.deadline
        };
        tokio::select! {
            received = watch.receiver.recv() => match received {
                Ok(event) => {
                    if event.rv <= watch.last_rv || !watch.filter.passes(&event) {
                        continue;
                    }
                    watch.last_rv = event.rv;
                    let now = watch.state.now.get();
                    let chunk = encode_event(event.event_type.as_str(), &event.object, watch.resource, watch.request_table, now, watch.first);
                    watch.first = false;
                    return Some((chunk, watch));
                }
                // A watcher too slow to keep up is closed; the client relists, as with a real
                // API server that drops a slow watch.
                Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return None,
            },
            () = tokio::time::sleep_until(wake) => {
                if Instant::now() >= watch.deadline {
                    return None;
                }
                watch.next_bookmark = Instant::now() + BOOKMARK_EVERY;
                let rv = watch.state.lock().clusters.get(watch.state.cluster).map_or(watch.last_rv, |c| c.store.resource_version());
                let bookmark = json!({"type": "BOOKMARK", "object": {
                    "kind": watch.resource.kind, "apiVersion": watch.resource.api_version(),
                    "metadata": {"resourceVersion": rv.to_string()},
                }});
                return Some((line(&bookmark), watch));
            }
        }
    }
}

fn encode_event(
    event_type: &str,
    object: &Value,
    resource: &'static super::discovery::ResourceType,
    table_mode: Option<table::IncludeObject>,
    now: i64,
    first: bool,
) -> Bytes {
    let object = match table_mode {
        Some(include) => table::watch_event_table(resource, object, now, include, first),
        None => object.clone(),
    };
    line(&json!({"type": event_type, "object": object}))
}

fn line(value: &Value) -> Bytes {
    let mut text = value.to_string();
    text.push('\n');
    Bytes::from(text)
}
