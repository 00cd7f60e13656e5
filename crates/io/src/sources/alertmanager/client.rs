//! The one place that talks HTTP to an Alertmanager replica: `get`, `post` and `delete` of a
//! path on an [`EndpointSpec`] (a URL, or a Service behind the Kubernetes API server's proxy),
//! with the endpoint's total timeout and a body cap, failures as short reasons
//! ("connection refused", "timeout", "HTTP 400 Bad Request: silence invalid").

use std::sync::Arc;
use std::time::Duration;

use crate::sources::endpoint::{EndpointSpec, HttpEndpoint, Reply, status_reason};
use watchdeck_core::config::{Endpoint, EndpointConfig, HttpOptions, HttpUrl};

/// Largest response body accepted.
pub const MAX_BODY: usize = 32 << 20;
/// Longest error body quoted in a reason.
const MAX_ERROR_TEXT: usize = 200;

/// One Alertmanager replica, ready to call; cheap to clone.
#[derive(Clone)]
pub struct AmHttp {
    endpoint: Arc<HttpEndpoint>,
    name: String,
}

impl std::fmt::Debug for AmHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmHttp").field("name", &self.name).finish()
    }
}

/// An Alertmanager endpoint reached directly at `url` with a total `timeout` per request.
pub fn url_endpoint(url: &str, timeout: Duration) -> Result<EndpointConfig, String> {
    let url = url
        .parse::<HttpUrl>()
        .map_err(|e| format!("Alertmanager URL {url:?}: {e}"))?;
    Ok(EndpointConfig {
        endpoint: Endpoint::Url(url),
        http: HttpOptions::with_timeout(timeout),
        filter: Vec::new(),
    })
}

/// A replica's name on screen: its URL, or `namespace/service:port[/path]` behind the proxy.
pub fn replica_name(endpoint: &Endpoint) -> String {
    match endpoint {
        Endpoint::Url(url) => url.as_str().trim_end_matches('/').to_string(),
        Endpoint::Service {
            namespace,
            name,
            port,
            path,
        } => format!("{namespace}/{name}:{port}{path}"),
    }
}

impl AmHttp {
    /// Builds the client for one replica (for a Service, the cluster's kube client).
    pub async fn connect(spec: &EndpointSpec) -> Result<AmHttp, String> {
        let name = replica_name(&spec.config.endpoint);
        let endpoint = HttpEndpoint::connect(spec)
            .await
            .map_err(|e| format!("Alertmanager {name}: {}", e.reason()))?
            .with_max_body(MAX_BODY);
        Ok(AmHttp {
            endpoint: Arc::new(endpoint),
            name,
        })
    }

    /// The replica's URL or `namespace/service:port`, for messages and the screen.
    pub fn base(&self) -> &str {
        &self.name
    }

    /// GET `path` with query pairs; the body of a 2xx answer.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<u8>, String> {
        answer(self.endpoint.get(path, query).await)
    }
}

fn answer(reply: Result<Reply, crate::sources::endpoint::FetchError>) -> Result<Vec<u8>, String> {
    let reply = reply.map_err(|e| e.reason())?;
    if (200..300).contains(&reply.status) {
        return Ok(reply.body);
    }
    let mut reason = status_reason(reply.status);
    // Alertmanager explains 4xx answers in the body (JSON string or plain text).
    if (400..500).contains(&reply.status) {
        let body = &reply.body;
        let text = serde_json::from_slice::<String>(body)
            .ok()
            .or_else(|| {
                serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(String::from))
            })
            .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
        let text = text.trim();
        if !text.is_empty() && !text.starts_with('<') {
            let short: String = text.chars().take(MAX_ERROR_TEXT).collect();
            reason.push_str(&format!(": {short}"));
        }
    }
    Err(reason)
}
