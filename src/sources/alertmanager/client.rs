//! The one place that talks HTTP to an Alertmanager replica: `get`, `post` and `delete` of a
//! path on a base URL, each with a total timeout and a body cap, failures as short reasons
//! ("connection refused", "timeout", "HTTP 400 Bad Request: silence invalid"). Swap this for
//! the Kubernetes service proxy without touching the poller or the silence calls.

use std::time::Duration;

use super::super::retry::describe;

/// Largest response body accepted.
pub const MAX_BODY: usize = 32 << 20;
/// Longest error body quoted in a reason.
const MAX_ERROR_TEXT: usize = 200;

/// One Alertmanager replica reached by URL.
#[derive(Debug, Clone)]
pub struct AmHttp {
    client: reqwest::Client,
    base: String,
}

/// An HTTP client with a total timeout per request and a shorter connect timeout.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, String> {
    crate::install_tls_provider();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .build()
        .map_err(|e| format!("HTTP client: {}", describe(&e)))
}

impl AmHttp {
    /// `base` is the replica's URL (`http://am:9093`, a trailing `/` is fine).
    pub fn new(client: reqwest::Client, base: &str) -> Self {
        AmHttp {
            client,
            base: base.trim_end_matches('/').to_string(),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path` with query pairs; the body of a 2xx answer.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<u8>, String> {
        let request = self.client.get(self.url(path)).query(query);
        read(request).await
    }

    /// POST `body` as JSON to `path`; the body of a 2xx answer.
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> Result<Vec<u8>, String> {
        let request = self.client.post(self.url(path)).json(body);
        read(request).await
    }

    /// DELETE `path`; Ok on a 2xx answer.
    pub async fn delete(&self, path: &str) -> Result<(), String> {
        read(self.client.delete(self.url(path))).await.map(|_| ())
    }
}

fn request_reason(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "timeout".to_string();
    }
    describe(err)
}

async fn read(request: reqwest::RequestBuilder) -> Result<Vec<u8>, String> {
    let mut response = request.send().await.map_err(|e| request_reason(&e))?;
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| request_reason(&e))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(format!("response larger than {} MiB", MAX_BODY >> 20));
        }
        body.extend_from_slice(&chunk);
    }
    if status.is_success() {
        return Ok(body);
    }
    let mut reason = match status.canonical_reason() {
        Some(text) => format!("HTTP {} {text}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    };
    // Alertmanager explains 4xx answers in the body (JSON string or plain text).
    if status.is_client_error() {
        let text = serde_json::from_slice::<String>(&body)
            .ok()
            .or_else(|| {
                serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(String::from))
            })
            .unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
        let text = text.trim();
        if !text.is_empty() && !text.starts_with('<') {
            let short: String = text.chars().take(MAX_ERROR_TEXT).collect();
            reason.push_str(&format!(": {short}"));
        }
    }
    Err(reason)
}
