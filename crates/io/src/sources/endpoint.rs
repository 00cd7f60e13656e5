//! One HTTP endpoint (Prometheus, Alertmanager) reached either directly by URL or through the
//! Kubernetes API server's service proxy, so no port-forward is needed. Every call has a total
//! timeout and a response size cap, and failures come back as short reasons for the screen.

use std::path::PathBuf;
use std::time::Duration;

use http_body_util::BodyExt;
use kube::config::Kubeconfig;

use super::retry::describe;
use watchdeck_core::config::{Endpoint, EndpointConfig, Header};

/// Time allowed to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest response body read by default.
pub const DEFAULT_MAX_BODY: usize = 16 << 20;

/// Where an endpoint lives and how to reach it; built into an [`HttpEndpoint`] by the task
/// that uses it (a service proxy needs the cluster's kube client).
#[derive(Debug, Clone)]
pub struct EndpointSpec {
    pub config: EndpointConfig,
    /// The cluster's kubeconfig and context, for endpoints behind the service proxy.
    pub kube: Option<(Box<Kubeconfig>, String)>,
}

impl EndpointSpec {
    /// `url` or `namespace/service:port[/path]`, for logs and messages (no secrets).
    pub fn describe(&self) -> String {
        describe_endpoint(&self.config.endpoint)
    }
}

/// How an endpoint's address is written in messages.
pub fn describe_endpoint(endpoint: &Endpoint) -> String {
    match endpoint {
        Endpoint::Url(url) => url.as_str().to_string(),
        Endpoint::Service {
            namespace,
            name,
            port,
            path,
        } => format!("service {namespace}/{name}:{port}{path}"),
    }
}

/// An answer with any status code: the caller decides what a 4xx or 5xx means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// Why a call got no answer at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The host name does not resolve.
    Dns(String),
    Refused,
    Tls(String),
    Timeout,
    /// The body was larger than the cap (bytes).
    TooLarge(usize),
    /// The connection ended in the middle of the body.
    Truncated,
    /// The endpoint could not be set up (kubeconfig, client).
    Setup(String),
    Other(String),
}

impl FetchError {
    /// The short reason shown in a health cell.
    pub fn reason(&self) -> String {
        match self {
            FetchError::Dns(detail) => format!("DNS: {detail}"),
            FetchError::Refused => "connection refused".to_string(),
            FetchError::Tls(detail) => format!("TLS: {detail}"),
            FetchError::Timeout => "timeout".to_string(),
            FetchError::TooLarge(limit) => {
                format!("response larger than {} MiB", (limit >> 20).max(1))
            }
            FetchError::Truncated => "truncated response (connection closed mid-body)".to_string(),
            FetchError::Setup(detail) | FetchError::Other(detail) => detail.clone(),
        }
    }

    /// Classifies an error chain.
    pub fn classify(err: &(dyn std::error::Error + 'static)) -> FetchError {
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = current {
            let lower = e.to_string().to_ascii_lowercase();
            if lower.contains("certificate")
                || lower.contains("tls handshake")
                || lower.contains("invalidcertificate")
                || lower.contains("unknownissuer")
            {
                return FetchError::Tls(e.to_string());
            }
            current = e.source();
        }
        let short = describe(err);
        match short.as_str() {
            "connection refused" => FetchError::Refused,
            "timeout" => FetchError::Timeout,
            s if s.starts_with("DNS: ") => FetchError::Dns(s.trim_start_matches("DNS: ").into()),
            _ => FetchError::Other(short),
        }
    }
}

/// The short reason for an HTTP status that is not a success: 401 and 403 say what to check.
pub fn status_reason(status: u16) -> String {
    match status {
        401 => "HTTP 401 unauthorized: check the token or headers".to_string(),
        403 => "HTTP 403 forbidden: the credentials lack access".to_string(),
        _ => match http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            Some(text) => format!("HTTP {status} {text}"),
            None => format!("HTTP {status}"),
        },
    }
}

/// Percent-encodes `key=value` pairs for a query string.
pub fn encode_query(pairs: &[(&str, &str)]) -> String {
    fn encode(out: &mut String, text: &str) {
        for byte in text.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(byte as char)
                }
                _ => out.push_str(&format!("%{byte:02X}")),
            }
        }
    }
    let mut out = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode(&mut out, key);
        out.push('=');
        encode(&mut out, value);
    }
    out
}

/// The API server path of a service proxy: `/api/v1/namespaces/{ns}/services/{name}:{port}/proxy{path}`.
pub fn proxy_prefix(namespace: &str, name: &str, port: &str, path: &str) -> String {
    format!("/api/v1/namespaces/{namespace}/services/{name}:{port}/proxy{path}")
}

enum Route {
    Direct {
        client: reqwest::Client,
        base: String,
        token_file: Option<PathBuf>,
    },
    Proxy {
        client: kube::Client,
        prefix: String,
    },
}

/// A ready-to-use endpoint.
pub struct HttpEndpoint {
    route: Route,
    headers: Vec<Header>,
    timeout: Duration,
    max_body: usize,
}

impl HttpEndpoint {
    /// Builds the client for `spec`.
    pub async fn connect(spec: &EndpointSpec) -> Result<HttpEndpoint, FetchError> {
        let http = &spec.config.http;
        let route = match &spec.config.endpoint {
            Endpoint::Url(url) => {
                crate::install_tls_provider();
                let client = reqwest::Client::builder()
                    .connect_timeout(CONNECT_TIMEOUT.min(http.timeout))
                    .timeout(http.timeout)
                    .tls_danger_accept_invalid_certs(http.tls_insecure_skip_verify)
                    .build()
                    .map_err(|e| FetchError::Setup(format!("HTTP client: {}", describe(&e))))?;
                Route::Direct {
                    client,
                    base: url.as_str().trim_end_matches('/').to_string(),
                    token_file: http.bearer_token_file.clone(),
                }
            }
            Endpoint::Service {
                namespace,
                name,
                port,
                path,
            } => {
                let Some((kubeconfig, context)) = &spec.kube else {
                    return Err(FetchError::Setup(
                        "a service endpoint needs the cluster's kubeconfig".to_string(),
                    ));
                };
                let client = super::kube::client((**kubeconfig).clone(), context)
                    .await
                    .map_err(FetchError::Setup)?;
                Route::Proxy {
                    client,
                    prefix: proxy_prefix(namespace, name, &port.to_string(), path),
                }
            }
        };
        Ok(HttpEndpoint {
            route,
            headers: http.headers.clone(),
            timeout: http.timeout,
            max_body: DEFAULT_MAX_BODY,
        })
    }

    /// Caps response bodies at `bytes`.
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// GET `path` (starting with `/`) with `query`, within the endpoint's total timeout.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Reply, FetchError> {
        self.send(http::Method::GET, path, query, None).await
    }

    /// POST `body` as JSON to `path`, within the endpoint's total timeout.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Reply, FetchError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| FetchError::Setup(format!("request body: {e}")))?;
        let body = Body {
            content_type: "application/json",
            bytes,
        };
        self.send(http::Method::POST, path, &[], Some(body)).await
    }

    /// POST `pairs` as an `application/x-www-form-urlencoded` body to `path` (how Prometheus
    /// takes queries too long for a URL), within the endpoint's total timeout.
    pub async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Result<Reply, FetchError> {
        let body = Body {
            content_type: "application/x-www-form-urlencoded",
            bytes: encode_query(pairs).into_bytes(),
        };
        self.send(http::Method::POST, path, &[], Some(body)).await
    }

    /// DELETE `path`, within the endpoint's total timeout.
    pub async fn delete(&self, path: &str) -> Result<Reply, FetchError> {
        self.send(http::Method::DELETE, path, &[], None).await
    }

    async fn send(
        &self,
        method: http::Method,
        path: &str,
        query: &[(&str, &str)],
        json: Option<Body>,
    ) -> Result<Reply, FetchError> {
        let call = self.send_inner(method, path, query, json);
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout),
        }
    }

    async fn send_inner(
        &self,
        method: http::Method,
        path: &str,
        query: &[(&str, &str)],
        json: Option<Body>,
    ) -> Result<Reply, FetchError> {
        let query = encode_query(query);
        let suffix = if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        };
        match &self.route {
            Route::Direct {
                client,
                base,
                token_file,
            } => {
                let mut request = client.request(method, format!("{base}{suffix}"));
                for header in &self.headers {
                    request = request.header(&header.name, header.value.expose());
                }
                if let Some(file) = token_file {
                    let token = tokio::fs::read_to_string(file).await.map_err(|e| {
                        FetchError::Setup(format!(
                            "cannot read bearer_token_file {}: {e}",
                            file.display()
                        ))
                    })?;
                    request = request.bearer_auth(token.trim());
                }
                if let Some(body) = json {
                    request = request
                        .header(http::header::CONTENT_TYPE, body.content_type)
                        .body(body.bytes);
                }
                let mut response = request.send().await.map_err(|e| reqwest_error(&e))?;
                let status = response.status().as_u16();
                let content_type = content_type(response.headers());
                let mut body = Vec::new();
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => {
                            if body.len() + chunk.len() > self.max_body {
                                return Err(FetchError::TooLarge(self.max_body));
                            }
                            body.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(e) if e.is_timeout() => return Err(FetchError::Timeout),
                        Err(_) => return Err(FetchError::Truncated),
                    }
                }
                Ok(Reply {
                    status,
                    content_type,
                    body,
                })
            }
            Route::Proxy { client, prefix } => {
                let mut builder = http::Request::builder()
                    .method(method)
                    .uri(format!("{prefix}{suffix}"));
                for header in &self.headers {
                    builder = builder.header(&header.name, header.value.expose());
                }
                let body = match json {
                    Some(body) => {
                        builder = builder.header(http::header::CONTENT_TYPE, body.content_type);
                        kube::client::Body::from(body.bytes)
                    }
                    None => kube::client::Body::empty(),
                };
                let request = builder
                    .body(body)
                    .map_err(|e| FetchError::Setup(format!("request: {e}")))?;
                let response = client
                    .send(request)
                    .await
                    .map_err(|e| FetchError::classify(&e))?;
                let status = response.status().as_u16();
                let content_type = content_type(response.headers());
                let mut body = Vec::new();
                let mut stream = response.into_body();
                while let Some(frame) = stream.frame().await {
                    let frame = frame.map_err(|_| FetchError::Truncated)?;
                    if let Ok(chunk) = frame.into_data() {
                        if body.len() + chunk.len() > self.max_body {
                            return Err(FetchError::TooLarge(self.max_body));
                        }
                        body.extend_from_slice(&chunk);
                    }
                }
                Ok(Reply {
                    status,
                    content_type,
                    body,
                })
            }
        }
    }
}

/// A request body and its media type.
struct Body {
    content_type: &'static str,
    bytes: Vec<u8>,
}

fn content_type(headers: &http::HeaderMap) -> String {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn reqwest_error(err: &reqwest::Error) -> FetchError {
    if err.is_timeout() {
        return FetchError::Timeout;
    }
    FetchError::classify(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_percent_encoded() {
        assert_eq!(
            encode_query(&[("query", "sum(rate(x{a=\"b\"}[5m]))"), ("time", "1.5")]),
            "query=sum%28rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29%29&time=1.5"
        );
        assert_eq!(encode_query(&[]), "");
    }

    #[test]
    fn proxy_paths_follow_the_api_server() {
        assert_eq!(
            proxy_prefix("monitoring", "prometheus-k8s", "9090", ""),
            "/api/v1/namespaces/monitoring/services/prometheus-k8s:9090/proxy"
        );
        assert_eq!(
            proxy_prefix("monitoring", "prometheus-k8s", "web", "/prometheus"),
            "/api/v1/namespaces/monitoring/services/prometheus-k8s:web/proxy/prometheus"
        );
    }

    #[test]
    fn statuses_have_short_reasons() {
        assert!(status_reason(401).contains("unauthorized"));
        assert!(status_reason(403).contains("forbidden"));
        assert_eq!(status_reason(503), "HTTP 503 Service Unavailable");
        assert_eq!(status_reason(599), "HTTP 599");
    }

    #[test]
    fn failures_are_classified() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "x");
        assert_eq!(FetchError::classify(&refused), FetchError::Refused);
        let cert = std::io::Error::other("invalid peer certificate: UnknownIssuer");
        assert!(matches!(FetchError::classify(&cert), FetchError::Tls(_)));
        let dns = std::io::Error::other("dns error: failed to lookup address information");
        assert!(matches!(FetchError::classify(&dns), FetchError::Dns(_)));
        assert_eq!(FetchError::Timeout.reason(), "timeout");
        assert_eq!(
            FetchError::TooLarge(16 << 20).reason(),
            "response larger than 16 MiB"
        );
    }
}
