//! Checks and parsers for the string values in a config (URLs, Service references,
//! durations, names); each failure is an "expected ..., found ..." sentence for the user.

use std::time::Duration;

use super::model::{HttpUrl, ServicePort};

/// What a DNS-1123 label is, for messages.
pub(crate) const DNS_LABEL: &str = "a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)";

/// A string as it appears in messages: quoted, escaped, and shortened if long.
pub(crate) fn quoted(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head:?}...")
    }
}

/// RFC 1123 label: what Kubernetes requires of namespace and most object names.
pub(crate) fn is_dns_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

/// RFC 1035 label: a DNS-1123 label that starts with a letter (Kubernetes Service names).
fn is_dns1035_label(s: &str) -> bool {
    is_dns_label(s) && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

/// IANA service name, as Kubernetes accepts for named ports (`web`, `http-metrics`).
fn is_port_name(s: &str) -> bool {
    s.len() <= 15
        && is_dns_label(s)
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && !s.contains("--")
}

/// Kubernetes label key name part: alphanumerics with `-`, `_`, `.` inside, at most 63.
pub(crate) fn is_label_key(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub(crate) fn is_prometheus_label_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// HTTP header field name (an RFC 9110 token).
pub(crate) fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// HTTP header value that a client will send unchanged: visible ASCII, spaces and tabs.
pub(crate) fn is_header_value(s: &str) -> bool {
    s.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

/// True when the text would draw something other than itself in a terminal.
pub(crate) fn has_control_chars(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A duration in watchdeck's grammar (`crate::duration`: `"5s"`, `"1m30s"`, `"250ms"`) that
/// must be positive (a negative one, `"-5s"`, is told so).
pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let expected = "expected a duration such as \"5s\", \"1m\" or \"1m30s\"";
    let negative = s
        .strip_prefix('-')
        .is_some_and(|rest| crate::duration::parse_duration(rest).is_ok());
    let parsed = crate::duration::parse_duration(s)
        .map_err(|_| format!("{expected}, found {}", quoted(s)))
        .or_else(|error| {
            if negative {
                Ok(Duration::ZERO)
            } else {
                Err(error)
            }
        })?;
    if parsed.is_zero() {
        return Err(format!(
            "expected a duration greater than zero, found {}",
            quoted(s)
        ));
    }
    Ok(parsed)
}

/// Parses an absolute `http://` or `https://` base URL.
pub(crate) fn parse_http_url(s: &str) -> Result<HttpUrl, String> {
    let found = quoted(s);
    let expected = "expected an http:// or https:// URL";
    let lower_scheme = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let (https, rest) = if lower_scheme.starts_with("https://") {
        (true, s.get(8..).unwrap_or(""))
    } else if lower_scheme.starts_with("http://") {
        (false, s.get(7..).unwrap_or(""))
    } else {
        return Err(format!("{expected}, found {found}"));
    };
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{expected} without spaces, found {found}"));
    }
    if s.contains(['?', '#']) {
        return Err(format!(
            "{expected} without a query or fragment, found {found}"
        ));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(format!(
            "{expected} without credentials (use `headers` or `bearer_token_file`), found {found}"
        ));
    }
    let (host, port_text) = split_host_port(authority)
        .ok_or_else(|| format!("{expected} with a host name, found {found}"))?;
    let host_ok = !host.is_empty()
        && (host.contains(':')
            || host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')));
    if !host_ok {
        return Err(format!("{expected} with a host name, found {found}"));
    }
    let port = match port_text {
        None => {
            if https {
                443
            } else {
                80
            }
        }
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                return Err(format!(
                    "{expected} with a port from 1 to 65535, found {found}"
                ));
            }
        },
    };
    let text = s.trim_end_matches('/').to_owned();
    Ok(HttpUrl {
        text,
        https,
        host: host.to_owned(),
        port,
        path: path.trim_end_matches('/').to_owned(),
    })
}

/// Splits `host:port`, `host` or `[v6]:port`; `None` when the brackets are malformed.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        return match after {
            "" => Some((host, None)),
            _ => Some((host, Some(after.strip_prefix(':')?))),
        };
    }
    Some(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// A parsed `namespace/name:port` Service reference.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ServiceRef {
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) port: ServicePort,
}

/// Parses `namespace/name:port` (port number or name).
pub(crate) fn parse_service(s: &str) -> Result<ServiceRef, String> {
    let found = quoted(s);
    let shape = "expected \"namespace/name:port\" such as \"monitoring/prometheus-k8s:9090\"";
    let (namespace, rest) = s
        .split_once('/')
        .ok_or_else(|| format!("{shape}, found {found}"))?;
    let (name, port) = rest
        .rsplit_once(':')
        .ok_or_else(|| format!("{shape}, found {found} (the port is missing)"))?;
    if !is_dns_label(namespace) {
        return Err(format!(
            "expected the namespace to be {DNS_LABEL}, found {} in {found}",
            quoted(namespace)
        ));
    }
    if !is_dns1035_label(name) {
        return Err(format!(
            "expected the Service name to be {DNS_LABEL} starting with a letter, found {} in {found}",
            quoted(name)
        ));
    }
    let port = if port.bytes().all(|b| b.is_ascii_digit()) && !port.is_empty() {
        match port.parse::<u16>() {
            Ok(n) if n > 0 => ServicePort::Number(n),
            _ => {
                return Err(format!(
                    "expected a port number from 1 to 65535, found {} in {found}",
                    quoted(port)
                ));
            }
        }
    } else if is_port_name(port) {
        ServicePort::Name(port.to_owned())
    } else {
        return Err(format!(
            "expected a port number or a port name (up to 15 lowercase letters, digits and '-'), found {} in {found}",
            quoted(port)
        ));
    };
    Ok(ServiceRef {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        port,
    })
}

/// Checks a proxy path prefix such as `/prometheus` and drops a trailing `/`.
pub(crate) fn parse_path_prefix(s: &str) -> Result<String, String> {
    let ok = s.starts_with('/')
        && !s.contains(['?', '#'])
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(s.trim_end_matches('/').to_owned())
    } else {
        Err(format!(
            "expected a path starting with '/' such as \"/prometheus\", found {}",
            quoted(s)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_host_port_and_path_and_drop_the_trailing_slash() {
        let u =
            parse_http_url("https://thanos.example.com/prom/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (u.as_str(), u.host(), u.port(), u.path(), u.is_https()),
            (
                "https://thanos.example.com/prom",
                "thanos.example.com",
                443,
                "/prom",
                true
            )
        );
        let v6 = parse_http_url("http://[::1]:9090").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((v6.host(), v6.port(), v6.path()), ("::1", 9090, ""));
    }

    #[test]
    fn urls_are_rejected_with_the_reason() {
        let cases = [
            (
                "ftp://x",
                "expected an http:// or https:// URL, found \"ftp://x\"",
            ),
            (
                "http://",
                "expected an http:// or https:// URL with a host name, found \"http://\"",
            ),
            (
                "http://x:0",
                "expected an http:// or https:// URL with a port from 1 to 65535, found \"http://x:0\"",
            ),
            (
                "http://x:99999",
                "expected an http:// or https:// URL with a port from 1 to 65535, found \"http://x:99999\"",
            ),
            (
                "http://u:pw@x",
                "expected an http:// or https:// URL without credentials (use `headers` or `bearer_token_file`), found \"http://u:pw@x\"",
            ),
            (
                "http://x/?q=1",
                "expected an http:// or https:// URL without a query or fragment, found \"http://x/?q=1\"",
            ),
            (
                "http://a b",
                "expected an http:// or https:// URL without spaces, found \"http://a b\"",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(
                parse_http_url(input).err().as_deref(),
                Some(message),
                "{input}"
            );
        }
    }

    #[test]
    fn services_parse_numbered_and_named_ports() {
        let s = parse_service("monitoring/prometheus-k8s:9090").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.namespace, "monitoring");
        assert_eq!(s.name, "prometheus-k8s");
        assert_eq!(s.port, ServicePort::Number(9090));
        let named =
            parse_service("monitoring/alertmanager-main:web").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(named.port, ServicePort::Name("web".into()));
    }

    #[test]
    fn bad_service_strings_say_which_part_is_wrong() {
        let err = |s: &str| parse_service(s).err().unwrap_or_default();
        assert!(err("prometheus:9090").starts_with("expected \"namespace/name:port\""));
        assert!(err("monitoring/prometheus").ends_with("(the port is missing)"));
        assert!(err("Monitoring/p:9090").contains("namespace"));
        assert!(err("monitoring/9prom:9090").contains("Service name"));
        assert!(err("monitoring/p:70000").contains("port number from 1 to 65535"));
        assert!(err("monitoring/p:Web_UI").contains("port name"));
    }

    #[test]
    fn durations_accept_friendly_forms_and_reject_zero_and_bare_numbers() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(
            parse_duration("5").err().as_deref(),
            Some("expected a duration such as \"5s\", \"1m\" or \"1m30s\", found \"5\"")
        );
        assert_eq!(
            parse_duration("0s").err().as_deref(),
            Some("expected a duration greater than zero, found \"0s\"")
        );
    }

    #[test]
    fn names_follow_kubernetes_rules() {
        assert!(is_dns_label("us-east-1"));
        assert!(!is_dns_label("US-east"));
        assert!(!is_dns_label("-a"));
        assert!(!is_dns_label(&"a".repeat(64)));
        assert!(is_label_key("app.kubernetes.io"));
        assert!(!is_label_key("env="));
        assert!(is_prometheus_label_name("k8s_cluster"));
        assert!(!is_prometheus_label_name("k8s-cluster"));
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        assert_eq!(quoted("a\nb"), "\"a\\nb\"");
        assert!(quoted(&"x".repeat(500)).ends_with("\"..."));
    }
}
