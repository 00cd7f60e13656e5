//! The resolved configuration types the rest of watchdeck reads: defaults applied, paths
//! expanded, every value already validated, so consumers never re-check the TOML.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Default `timeout` of a cluster's or the global Prometheus endpoint (range queries can be slow).
pub const DEFAULT_PROMETHEUS_TIMEOUT: Duration = Duration::from_secs(30);
/// Default `timeout` of an Alertmanager endpoint.
pub const DEFAULT_ALERTMANAGER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default `ui.refresh_interval`: how often Prometheus and Alertmanager are polled.
pub const DEFAULT_REFRESH_INTERVAL: Duration = Duration::from_secs(15);
/// Default `ui.theme`.
pub const DEFAULT_THEME: &str = "dark";
/// Default `global_prometheus.cluster_label`.
pub const DEFAULT_CLUSTER_LABEL: &str = "cluster";

/// A whole, validated configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Global user-interface settings (`[ui]`).
    pub ui: UiConfig,
    /// The shared Prometheus-compatible endpoint (`[global_prometheus]`), if any.
    pub global_prometheus: Option<GlobalPrometheus>,
    /// The clusters, in file order; never empty, names unique.
    pub clusters: Vec<ClusterConfig>,
    /// The default keymap with the `[keys]` overrides.
    pub keymap: crate::action::Keymap,
    /// The RED query templates (`[metrics]`), defaults when the section is absent.
    pub metrics: super::metrics::MetricsQueries,
    /// Service level objectives: `[[slos]]` entries, then the ones imported from `slo_files`.
    pub slos: Vec<crate::slo::SloSpec>,
    /// `[runbooks]`: extra runbook directories, audit file, commands, Patroni endpoints.
    pub runbooks: super::runbooks::RunbooksConfig,
}

impl Config {
    /// The cluster with this name, if configured.
    pub fn cluster(&self, name: &str) -> Option<&ClusterConfig> {
        self.clusters.iter().find(|c| c.name == name)
    }
}

/// `[ui]`: settings that apply to the whole console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiConfig {
    /// The colour theme (`ui.theme`, default `"dark"`).
    pub theme: ThemeRef,
    /// Poll interval for metrics and alerts (`ui.refresh_interval`, default 15 s).
    pub refresh_interval: Duration,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            theme: ThemeRef::Named(DEFAULT_THEME.to_owned()),
            refresh_interval: DEFAULT_REFRESH_INTERVAL,
        }
    }
}

/// Where a theme comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeRef {
    /// A theme shipped in `themes/`, by name without extension (`"dark"`).
    Named(String),
    /// A theme file given by path (any value containing `/` or ending in `.toml`).
    File(PathBuf),
}

/// `[global_prometheus]`: one Prometheus-compatible endpoint (Thanos, Mimir,
/// VictoriaMetrics) for every cluster that has no `[clusters.prometheus]` of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalPrometheus {
    /// Base URL of the query API.
    pub url: HttpUrl,
    /// The series label that tells clusters apart (default `"cluster"`).
    pub cluster_label: String,
    /// Timeout, headers, token and TLS settings.
    pub http: HttpOptions,
}

/// One `[[clusters]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Unique name shown in the UI; a DNS-1123 label.
    pub name: String,
    /// Kubeconfig context to use (default: the cluster name).
    pub context: String,
    /// Kubeconfig file; `None` means the usual `KUBECONFIG` or `~/.kube/config` lookup.
    pub kubeconfig: Option<PathBuf>,
    /// Watch only these namespaces (`namespaces = ["shop"]`); empty means every namespace the
    /// identity may list, falling back to the kubeconfig context's namespace when it may not
    /// list cluster-wide.
    pub namespaces: Vec<String>,
    /// Free-form labels for filtering and grouping (`env`, `region`, ...).
    pub labels: BTreeMap<String, String>,
    /// When true, every mutating action on this cluster is refused.
    pub read_only: bool,
    /// When true, a mutating action needs its target typed as cluster/namespace/name.
    /// Defaults to true when the `env` label is `prod` or `production`.
    pub production: bool,
    /// Where this cluster's metrics come from.
    pub metrics: MetricsSource,
    /// Alertmanager endpoints; replicas of one Alertmanager are deduplicated by the consumer.
    pub alertmanagers: Vec<EndpointConfig>,
}

/// Where a cluster's metrics are queried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsSource {
    /// The cluster's own `[clusters.prometheus]`.
    Own(EndpointConfig),
    /// `Config::global_prometheus`, selecting series with `label="value"`.
    Global {
        /// The label name, from `global_prometheus.cluster_label`.
        label: String,
        /// The label value, from `clusters.cluster_label_value` (default: the cluster name).
        value: String,
    },
    /// Neither configured: the cluster shows no metrics.
    None,
}

/// One HTTP endpoint of a cluster: where it is and how to talk to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointConfig {
    /// The address.
    pub endpoint: Endpoint,
    /// Timeout, headers, token and TLS settings.
    pub http: HttpOptions,
    /// Alertmanager only: label matchers (`team="payments"`) sent as `filter` with every
    /// alerts request, already checked to parse; empty for other endpoints.
    pub filter: Vec<String>,
}

/// The address of an endpoint: exactly one of `url` or `service` in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// Reached directly (`url = "http://127.0.0.1:9090"`).
    Url(HttpUrl),
    /// Reached through the Kubernetes API server's service proxy
    /// (`service = "monitoring/prometheus-k8s:9090"`, optional `path = "/prometheus"`).
    Service {
        /// Namespace of the Service.
        namespace: String,
        /// Name of the Service.
        name: String,
        /// Port number or name.
        port: ServicePort,
        /// Path prefix under the proxy, `""` or starting with `/` without a trailing `/`.
        path: String,
    },
}

/// A Service port, by number or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServicePort {
    /// `prometheus-k8s:9090`
    Number(u16),
    /// `prometheus-k8s:web`
    Name(String),
}

impl fmt::Display for ServicePort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServicePort::Number(n) => write!(f, "{n}"),
            ServicePort::Name(name) => f.write_str(name),
        }
    }
}

/// Per-endpoint HTTP settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Request timeout.
    pub timeout: Duration,
    /// Extra request headers (e.g. `X-Scope-OrgID`), values redacted in `Debug`.
    pub headers: Vec<Header>,
    /// File holding a bearer token, read at connect time so it can rotate.
    pub bearer_token_file: Option<PathBuf>,
    /// Accept any TLS certificate (default false).
    pub tls_insecure_skip_verify: bool,
}

impl HttpOptions {
    /// Options with this timeout and nothing else set.
    pub fn with_timeout(timeout: Duration) -> Self {
        HttpOptions {
            timeout,
            headers: Vec::new(),
            bearer_token_file: None,
            tls_insecure_skip_verify: false,
        }
    }
}

/// One extra HTTP header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Header name as written.
    pub name: String,
    /// Header value; may be a credential.
    pub value: Sensitive,
}

/// A string that may be a secret: `Debug` prints `<redacted>`; read it with [`Sensitive::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive(String);

impl Sensitive {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Sensitive(value.into())
    }

    /// The secret itself, for building a request; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// An absolute `http://` or `https://` base URL without credentials, query or fragment.
/// A trailing `/` is dropped, so paths such as `/api/v1/query` can be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    pub(crate) text: String,
    pub(crate) https: bool,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) path: String,
}

impl HttpUrl {
    /// The URL, as written minus any trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True for `https://`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// Host name or IP address (IPv6 without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Port, explicit or the scheme's default (80 or 443).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Path prefix, `""` or starting with `/` without a trailing `/`.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Why a string is not an acceptable [`HttpUrl`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidUrl(String);

impl std::str::FromStr for HttpUrl {
    type Err = InvalidUrl;

    /// Parses with the same rules as `url` keys in the config (for building a `Config` in
    /// code, e.g. for the simulated fleet).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::values::parse_http_url(s).map_err(InvalidUrl)
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_redacted_in_debug_output() {
        let opts = HttpOptions {
            headers: vec![Header {
                name: "Authorization".into(),
                value: Sensitive::new("Basic c2VjcmV0"),
            }],
            ..HttpOptions::with_timeout(DEFAULT_ALERTMANAGER_TIMEOUT)
        };
        let debug = format!("{opts:?}");
        assert!(debug.contains("Authorization"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
        assert!(!debug.contains("c2VjcmV0"), "{debug}");
        assert_eq!(opts.headers[0].value.expose(), "Basic c2VjcmV0");
    }

    #[test]
    fn urls_can_be_built_in_code_with_the_config_rules() {
        let url: Result<HttpUrl, _> = "http://127.0.0.1:9090/".parse();
        assert_eq!(
            url.map(|u| u.to_string()),
            Ok("http://127.0.0.1:9090".to_owned())
        );
        let bad = "127.0.0.1:9090"
            .parse::<HttpUrl>()
            .map_err(|e| e.to_string());
        assert_eq!(
            bad,
            Err("expected an http:// or https:// URL, found \"127.0.0.1:9090\"".to_owned())
        );
    }
}
