//! Reads one HTTP endpoint table (Prometheus, Alertmanager, global Prometheus): its address
//! (`url` or `service` + `path`) and the shared options (timeout, headers, token, TLS).

use std::time::Duration;

use super::model::{Endpoint, EndpointConfig, Header, HttpOptions, HttpUrl, Sensitive};
use super::paths::PathResolver;
use super::values::{
    is_header_name, is_header_value, parse_duration, parse_http_url, parse_path_prefix,
    parse_service, quoted,
};
use super::walk::{Tab, Walker};

/// Keys every endpoint table accepts besides its address.
pub(crate) const HTTP_KEYS: [&str; 4] = [
    "timeout",
    "headers",
    "bearer_token_file",
    "tls_insecure_skip_verify",
];

/// Hints for keys people commonly try that watchdeck deliberately does not accept.
pub(crate) const HTTP_HINTS: [(&str, &str); 3] = [
    (
        "bearer_token",
        "inline tokens are not accepted: put the token in a file and set `bearer_token_file`",
    ),
    (
        "insecure_skip_verify",
        "did you mean `tls_insecure_skip_verify`?",
    ),
    (
        "basic_auth",
        "basic auth is not supported: set an `Authorization` entry in `headers` or use `bearer_token_file`",
    ),
];

const URL_EXPECTED: &str = "an http:// or https:// URL";

/// Reads a cluster endpoint (`[clusters.prometheus]`, `[[clusters.alertmanagers]]`);
/// `extra` are further keys the caller reads itself. Returns `None` when a problem was
/// reported.
pub(crate) fn endpoint(
    w: &mut Walker<'_>,
    tab: &Tab<'_, '_>,
    default_timeout: Duration,
    paths: &PathResolver,
    extra: &[&str],
) -> Option<EndpointConfig> {
    let mut known = vec!["url", "service", "path"];
    known.extend(HTTP_KEYS);
    known.extend(extra);
    w.deny_unknown(tab, &known, &HTTP_HINTS);
    let http = http_options(w, tab, default_timeout, paths);
    let url = w.string(tab, "url", URL_EXPECTED);
    let service = w.string(tab, "service", "a string \"namespace/name:port\"");
    let prefix = w.string(tab, "path", "a path such as \"/prometheus\"");
    let address = match (tab.get("url"), tab.get("service")) {
        (Some(u), Some(s)) => {
            let later = if u.span().start > s.span().start {
                "url"
            } else {
                "service"
            };
            let span = tab.key_span(later).unwrap_or_else(|| tab.span.clone());
            w.report(
                span,
                &tab.path,
                "expected exactly one of `url` or `service`, found both",
            );
            None
        }
        (None, None) => {
            w.report(
                tab.span.clone(),
                &tab.path,
                "expected exactly one of `url` (e.g. \"http://127.0.0.1:9090\") or `service` (e.g. \"monitoring/prometheus-k8s:9090\"), found neither",
            );
            None
        }
        (Some(_), None) => {
            if let Some(p) = prefix {
                w.report(
                    p.span(),
                    &tab.child("path"),
                    "expected `path` only with `service` (put the path in `url` instead), found it next to `url`",
                );
            }
            let url = url?;
            match parse_http_url(url.value) {
                Ok(parsed) => Some(Endpoint::Url(parsed)),
                Err(message) => {
                    w.report(url.span(), &tab.child("url"), message);
                    None
                }
            }
        }
        (None, Some(_)) => {
            let service = service?;
            let path = match prefix.map(|p| (p, parse_path_prefix(p.value))) {
                None => Some(String::new()),
                Some((_, Ok(path))) => Some(path),
                Some((p, Err(message))) => {
                    w.report(p.span(), &tab.child("path"), message);
                    None
                }
            };
            match parse_service(service.value) {
                Ok(s) => path.map(|path| Endpoint::Service {
                    namespace: s.namespace,
                    name: s.name,
                    port: s.port,
                    path,
                }),
                Err(message) => {
                    w.report(service.span(), &tab.child("service"), message);
                    None
                }
            }
        }
    };
    Some(EndpointConfig {
        endpoint: address?,
        http,
        filter: Vec::new(),
    })
}

/// Reads a `url` that must be present (the global Prometheus).
pub(crate) fn required_url(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> Option<HttpUrl> {
    let url = w.required_string(
        tab,
        "url",
        "an http:// or https:// URL such as \"https://thanos.example.com\"",
    )?;
    match parse_http_url(url.value) {
        Ok(parsed) => Some(parsed),
        Err(message) => {
            w.report(url.span(), &tab.child("url"), message);
            None
        }
    }
}

/// Reads `timeout`, `headers`, `bearer_token_file` and `tls_insecure_skip_verify`.
/// Problems are reported; the options returned then hold defaults in their place.
pub(crate) fn http_options(
    w: &mut Walker<'_>,
    tab: &Tab<'_, '_>,
    default_timeout: Duration,
    paths: &PathResolver,
) -> HttpOptions {
    let mut timeout = default_timeout;
    if let Some(t) = w.string(tab, "timeout", "a duration such as \"5s\" or \"1m\"") {
        match parse_duration(t.value) {
            Ok(d) => timeout = d,
            Err(message) => w.report(t.span(), &tab.child("timeout"), message),
        }
    }

    let mut bearer_token_file = None;
    if let Some(p) = w.string(
        tab,
        "bearer_token_file",
        "a path to a file holding the token",
    ) {
        match paths.resolve(p.value) {
            Ok(path) => bearer_token_file = Some(path),
            Err(message) => w.report(p.span(), &tab.child("bearer_token_file"), message),
        }
    }

    let mut headers: Vec<Header> = Vec::new();
    for (name, key_span, path, value) in
        w.string_map(tab, "headers", "a table of header names to values")
    {
        if !is_header_name(name) {
            let message = format!(
                "expected an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), found {}",
                quoted(name)
            );
            w.report(key_span, &path, message);
        } else if headers.iter().any(|h| h.name.eq_ignore_ascii_case(name)) {
            let message = format!("expected each header once, found {} again", quoted(name));
            w.report(key_span, &path, message);
        } else if name.eq_ignore_ascii_case("authorization") && bearer_token_file.is_some() {
            w.report(
                key_span,
                &path,
                "expected either an Authorization header or `bearer_token_file`, found both",
            );
        } else if !is_header_value(value.value) {
            w.report(
                value.span(),
                &path,
                "expected a header value of printable ASCII characters, found other characters",
            );
        } else {
            headers.push(Header {
                name: name.to_owned(),
                value: Sensitive::new(value.value),
            });
        }
    }

    HttpOptions {
        timeout,
        headers,
        bearer_token_file,
        tls_insecure_skip_verify: w.boolean(tab, "tls_insecure_skip_verify", false),
    }
}
