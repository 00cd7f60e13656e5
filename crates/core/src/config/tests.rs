//! Schema tests: defaults, resolution and the messages users see, on small inline configs.

use std::path::PathBuf;
use std::time::Duration;

use super::paths::PathResolver;
use super::*;

fn resolver() -> PathResolver {
    PathResolver {
        home: Some(PathBuf::from("/home/sre")),
        base_dir: Some(PathBuf::from("/etc/watchdeck")),
    }
}

fn ok(text: &str) -> Config {
    parse(text, "t.toml", &resolver()).unwrap_or_else(|e| panic!("unexpected errors:\n{e}"))
}

fn errors(text: &str) -> String {
    match parse(text, "t.toml", &resolver()) {
        Ok(c) => panic!("expected errors, got {c:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_cluster_with_only_a_name_gets_every_default() {
    let config = ok("[[clusters]]\nname = \"dev\"\n");
    assert_eq!(config.ui, UiConfig::default());
    assert_eq!(config.ui.theme, ThemeRef::Named("dark".into()));
    assert_eq!(config.global_prometheus, None);
    let c = &config.clusters[0];
    assert_eq!(c.name, "dev");
    assert_eq!(c.context, "dev");
    assert_eq!(c.kubeconfig, None);
    assert!(c.labels.is_empty());
    assert!(!c.read_only);
    assert_eq!(c.metrics, MetricsSource::None);
    assert!(c.alertmanagers.is_empty());
}

#[test]
fn paths_expand_tilde_and_resolve_relative_to_the_config_file() {
    let config = ok(r#"
[ui]
theme = "themes/solarized.toml"
[[clusters]]
name = "dev"
kubeconfig = "~/.kube/dev"
[clusters.prometheus]
url = "https://prom.dev"
bearer_token_file = "tokens/prom"
"#);
    let c = &config.clusters[0];
    assert_eq!(
        config.ui.theme,
        ThemeRef::File("/etc/watchdeck/themes/solarized.toml".into())
    );
    assert_eq!(c.kubeconfig, Some(PathBuf::from("/home/sre/.kube/dev")));
    let MetricsSource::Own(prom) = &c.metrics else {
        panic!("expected own Prometheus, got {:?}", c.metrics);
    };
    assert_eq!(
        prom.http.bearer_token_file,
        Some(PathBuf::from("/etc/watchdeck/tokens/prom"))
    );
    assert_eq!(prom.http.timeout, DEFAULT_PROMETHEUS_TIMEOUT);
}

#[test]
fn clusters_without_prometheus_use_the_global_one_by_label() {
    let config = ok(r#"
[global_prometheus]
url = "https://mimir.example.com/prometheus/"
cluster_label = "k8s_cluster"
headers = { X-Scope-OrgID = "ops" }
[[clusters]]
name = "a"
[[clusters]]
name = "b"
cluster_label_value = "prod-b"
"#);
    let global = config
        .global_prometheus
        .as_ref()
        .unwrap_or_else(|| panic!("no global"));
    assert_eq!(global.url.as_str(), "https://mimir.example.com/prometheus");
    assert_eq!(global.http.headers[0].value.expose(), "ops");
    let sources: Vec<_> = config.clusters.iter().map(|c| c.metrics.clone()).collect();
    assert_eq!(
        sources,
        [
            MetricsSource::Global {
                label: "k8s_cluster".into(),
                value: "a".into()
            },
            MetricsSource::Global {
                label: "k8s_cluster".into(),
                value: "prod-b".into()
            },
        ]
    );
}

#[test]
fn service_endpoints_keep_namespace_name_port_and_path() {
    let config = ok(r#"
[[clusters]]
name = "a"
prometheus = { service = "monitoring/prometheus-k8s:9090", path = "/prom/" }
alertmanagers = [{ service = "monitoring/alertmanager-main:web", timeout = "2s" }]
"#);
    let c = &config.clusters[0];
    assert_eq!(
        c.metrics,
        MetricsSource::Own(EndpointConfig {
            endpoint: Endpoint::Service {
                namespace: "monitoring".into(),
                name: "prometheus-k8s".into(),
                port: ServicePort::Number(9090),
                path: "/prom".into(),
            },
            http: HttpOptions::with_timeout(DEFAULT_PROMETHEUS_TIMEOUT),
            filter: Vec::new(),
        })
    );
    assert_eq!(c.alertmanagers[0].http.timeout, Duration::from_secs(2));
    assert!(
        matches!(&c.alertmanagers[0].endpoint, Endpoint::Service { port: ServicePort::Name(p), .. } if p == "web")
    );
}

#[test]
fn all_problems_are_reported_together_in_file_order() {
    let text = r#"
[[clusters]]
name = "a"
read_only = 1
[clusters.prometheus]
url = "http://x"
timeout = "soon"
[[clusters]]
name = "a"
"#;
    assert_eq!(
        errors(text),
        "t.toml:4:13: clusters[0].read_only: expected true or false, found integer 1\n\
         t.toml:7:11: clusters[0].prometheus.timeout: expected a duration such as \"5s\", \"1m\" or \"1m30s\", found \"soon\"\n\
         t.toml:9:8: clusters[1].name: expected a unique cluster name, found \"a\" again (first used by clusters[0] at line 3)"
    );
}

#[test]
fn misspelled_keys_get_a_suggestion_at_every_level() {
    let text = r#"
[[cluster]]
name = "a"
[[clusters]]
nmae = "a"
[clusters.prometheus]
url = "http://x"
timout = "5s"
tls_skip_verify = true
"#;
    assert_eq!(
        errors(text),
        "t.toml:2:3: cluster: unknown key; did you mean `clusters`?\n\
         t.toml:4:1: clusters[0].name: missing required key; expected a cluster name such as \"us-east-1\"\n\
         t.toml:5:1: clusters[0].nmae: unknown key; did you mean `name`?\n\
         t.toml:8:1: clusters[0].prometheus.timout: unknown key; did you mean `timeout`?\n\
         t.toml:9:1: clusters[0].prometheus.tls_skip_verify: unknown key; expected one of `url`, `service`, `path`, `timeout`, `headers`, `bearer_token_file`, `tls_insecure_skip_verify`"
    );
}

#[test]
fn wrong_section_shapes_name_the_expected_shape() {
    let text = r#"
ui = "dark"
[clusters]
name = "a"
"#;
    assert_eq!(
        errors(text),
        "t.toml:2:6: ui: expected a table [ui], found string \"dark\"\n\
         t.toml:3:1: clusters: expected an array of [[clusters]] tables, found a table"
    );
    let alertmanagers =
        "[[clusters]]\nname = \"a\"\n[clusters.alertmanagers]\nurl = \"http://x\"\n";
    assert_eq!(
        errors(alertmanagers),
        "t.toml:3:1: clusters[0].alertmanagers: expected an array of [[clusters.alertmanagers]] tables, found a table"
    );
}

#[test]
fn header_and_token_mistakes_are_caught() {
    let text = r#"
[[clusters]]
name = "a"
[clusters.prometheus]
url = "http://x"
bearer_token_file = "/run/token"
headers = { Authorization = "Bearer x", "Bad Header" = "v", X-Org = 7 }
[[clusters.alertmanagers]]
url = "http://y"
path = "/am"
"#;
    assert_eq!(
        errors(text),
        "t.toml:7:13: clusters[0].prometheus.headers.Authorization: expected either an Authorization header or `bearer_token_file`, found both\n\
         t.toml:7:41: clusters[0].prometheus.headers.\"Bad Header\": expected an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), found \"Bad Header\"\n\
         t.toml:7:69: clusters[0].prometheus.headers.X-Org: expected a string, found integer 7\n\
         t.toml:10:8: clusters[0].alertmanagers[0].path: expected `path` only with `service` (put the path in `url` instead), found it next to `url`"
    );
}

#[test]
fn global_prometheus_rules_are_explained() {
    let text = r#"
[global_prometheus]
service = "monitoring/thanos-query:9090"
cluster_label = "k8s-cluster"
[[clusters]]
name = "a"
cluster_label_value = "x"
prometheus = { url = "http://x" }
"#;
    assert_eq!(
        errors(text),
        "t.toml:2:1: global_prometheus.url: missing required key; expected an http:// or https:// URL such as \"https://thanos.example.com\"\n\
         t.toml:3:1: global_prometheus.service: unknown key; the global endpoint is shared by all clusters, so it needs a `url`; a `service` belongs in [clusters.prometheus]\n\
         t.toml:4:17: global_prometheus.cluster_label: expected a Prometheus label name (letters, digits and '_', not starting with a digit), found \"k8s-cluster\"\n\
         t.toml:7:23: clusters[0].cluster_label_value: expected `cluster_label_value` only on clusters that use [global_prometheus], found it next to [clusters.prometheus]"
    );
}

#[test]
fn ui_values_are_checked() {
    assert_eq!(
        errors(
            "[ui]\ntheme = \"Dark Mode\"\nrefresh_interval = \"-5s\"\n[[clusters]]\nname = \"a\"\n"
        ),
        "t.toml:2:9: ui.theme: expected a theme name such as \"dark\" or a path to a theme file, found \"Dark Mode\"\n\
         t.toml:3:20: ui.refresh_interval: expected a duration greater than zero, found \"-5s\""
    );
}

#[test]
fn syntax_errors_point_at_the_offending_character() {
    assert_eq!(
        errors("[[clusters]]\nname = us-east-1\n"),
        "t.toml:2:8: invalid TOML: string values must be quoted, expected literal string"
    );
    assert_eq!(
        errors("[ui]\n[ui]\n"),
        "t.toml:2:2: invalid TOML: duplicate key `ui`"
    );
}

#[test]
fn an_empty_file_needs_clusters() {
    assert_eq!(
        errors(""),
        "t.toml:1:1: clusters: missing required key; expected at least one [[clusters]] table"
    );
}

#[test]
fn from_toml_str_names_the_origin_and_looks_up_clusters() {
    let config = Config::from_toml_str("[[clusters]]\nname = \"a\"\n", "inline")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.cluster("a").map(|c| c.context.as_str()), Some("a"));
    assert!(config.cluster("b").is_none());
    let err = Config::from_toml_str("x = 1", "inline")
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref()
            .map(|s| s.starts_with("inline:1:1: x: unknown key")),
        Some(true)
    );
}

#[test]
fn files_saved_on_windows_load_and_report_positions() {
    let config = ok("\u{feff}[[clusters]]\r\nname = \"a\"\r\nread_only = true\r\n");
    assert!(config.clusters[0].read_only);
    assert_eq!(
        errors("\u{feff}[[clusters]]\r\nname = \"a\"\r\nread_only = 1\r\n"),
        "t.toml:3:13: clusters[0].read_only: expected true or false, found integer 1"
    );
}

#[test]
fn namespaces_narrow_a_cluster_and_are_checked_one_by_one() {
    let config =
        ok("[[clusters]]\nname = \"dev\"\nnamespaces = [\"shop\", \"database\", \"shop\"]\n");
    assert_eq!(config.clusters[0].namespaces, ["shop", "database"]);
    assert!(
        ok("[[clusters]]\nname = \"dev\"\n").clusters[0]
            .namespaces
            .is_empty()
    );
    let shown = errors("[[clusters]]\nname = \"dev\"\nnamespaces = [\"shop\", \"Bad_NS\", 3]\n");
    assert!(
        shown.contains(
            "3:23: clusters[0].namespaces[1]: expected a namespace name, a DNS-1123 label"
        ) && shown.contains("found \"Bad_NS\"")
            && shown
                .contains("3:33: clusters[0].namespaces[2]: expected a string, found integer 3"),
        "{shown}"
    );
    let shown = errors("[[clusters]]\nname = \"dev\"\nnamespaces = \"shop\"\n");
    assert!(
        shown.contains("clusters[0].namespaces: expected an array of namespace names such as [\"shop\"], found string \"shop\""),
        "{shown}"
    );
}
