//! Short reasons for Kubernetes failures, per watched resource: DNS, connect, TLS, timeout,
//! 401, and 403 as "forbidden: list pods in namespace X" so the panel says what is denied.

use kube::runtime::watcher;

use crate::sources::retry::describe;
use watchdeck_core::model::kube::KubeResource;

/// A short reason for a watcher failure on `resource`.
pub fn reason(resource: KubeResource, err: &watcher::Error) -> String {
    match err {
        watcher::Error::InitialListFailed(e) => client_reason(resource, "list", e),
        watcher::Error::WatchStartFailed(e) | watcher::Error::WatchFailed(e) => {
            client_reason(resource, "watch", e)
        }
        watcher::Error::WatchError(status) => {
            status_reason(resource, "watch", status.code, &status.message)
        }
        watcher::Error::NoResourceVersion => "no resourceVersion in list".to_string(),
    }
}

/// A short reason for a client error on a request about `resource`.
pub fn client_reason(resource: KubeResource, verb: &str, err: &kube::Error) -> String {
    match err {
        kube::Error::Api(status) => status_reason(resource, verb, status.code, &status.message),
        kube::Error::SerdeError(e) => format!("bad JSON: {e}"),
        other => transport_reason(other),
    }
}

/// DNS, connection, TLS and timeout failures in a few words.
pub fn transport_reason(err: &(dyn std::error::Error + 'static)) -> String {
    let text = describe(err);
    let lower = text.to_ascii_lowercase();
    let tls = ["certificate", "tls", "handshake", "unknownissuer", "ssl"];
    if tls.iter().any(|word| lower.contains(word)) && !lower.starts_with("tls") {
        return format!("TLS: {text}");
    }
    text
}

/// `HTTP 503: message`, with 401 and 403 spelled out for people.
pub fn status_reason(resource: KubeResource, verb: &str, code: u16, message: &str) -> String {
    match code {
        401 => "unauthorized (401): credentials rejected or expired".to_string(),
        403 => forbidden(resource, verb, message),
        _ if message.is_empty() => format!("HTTP {code}"),
        _ => format!("HTTP {code}: {message}"),
    }
}

/// `forbidden: list pods in namespace shop` (or `at cluster scope`), from the API server's
/// `pods is forbidden: User "bob" cannot list resource "pods" ... in the namespace "shop"`.
pub fn forbidden(resource: KubeResource, verb: &str, message: &str) -> String {
    let verb = message
        .split_once("cannot ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or(verb);
    let scope = match message.split_once("in the namespace \"") {
        Some((_, rest)) => {
            let namespace = rest.split('"').next().unwrap_or("");
            format!("in namespace {namespace}")
        }
        None => "at cluster scope".to_string(),
    };
    format!("forbidden: {verb} {} {scope}", resource.plural())
}

/// The wait a 429 Too Many Requests asks for (its Status `details.retryAfterSeconds`, the
/// same figure as the Retry-After header; at least 1 s), or None for any other error.
pub fn retry_after(err: &watcher::Error) -> Option<std::time::Duration> {
    let status = api_status(err).filter(|status| status.code == 429)?;
    let seconds = status
        .details
        .as_ref()
        .map_or(1, |details| details.retry_after_seconds.max(1));
    Some(std::time::Duration::from_secs(u64::from(seconds)))
}

/// The API server's Status answer behind a watcher error, if the server answered at all.
fn api_status(err: &watcher::Error) -> Option<&kube::core::Status> {
    match err {
        watcher::Error::InitialListFailed(kube::Error::Api(status))
        | watcher::Error::WatchStartFailed(kube::Error::Api(status))
        | watcher::Error::WatchFailed(kube::Error::Api(status))
        | watcher::Error::WatchError(status) => Some(status),
        _ => None,
    }
}

/// A 410 Gone means the watch's resourceVersion expired: routine, re-list without alarm.
pub fn is_expired(err: &watcher::Error) -> bool {
    api_status(err).is_some_and(|status| status.code == 410)
}
