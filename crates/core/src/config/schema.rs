//! The config file's schema: which sections and keys exist, their defaults, and the rules
//! that span keys (unique cluster names, where metrics come from, at least one cluster).

use std::collections::BTreeMap;

use super::alert_filter::alertmanager_endpoint;
use super::endpoint::{HTTP_HINTS, HTTP_KEYS, endpoint, http_options, required_url};
use super::model::{
    ClusterConfig, Config, DEFAULT_ALERTMANAGER_TIMEOUT, DEFAULT_CLUSTER_LABEL,
    DEFAULT_PROMETHEUS_TIMEOUT, GlobalPrometheus, MetricsSource, ThemeRef, UiConfig,
};
use super::paths::PathResolver;
use super::values::{
    DNS_LABEL, has_control_chars, is_dns_label, is_label_key, is_prometheus_label_name,
    parse_duration, quoted,
};
use super::walk::{Span, Tab, Walker};

const ROOT_KEYS: [&str; 8] = [
    "ui",
    "runbooks",
    "global_prometheus",
    "clusters",
    "keys",
    "metrics",
    "slos",
    "slo_files",
];
const UI_KEYS: [&str; 2] = ["theme", "refresh_interval"];
const CLUSTER_KEYS: [&str; 10] = [
    "name",
    "context",
    "kubeconfig",
    "namespaces",
    "labels",
    "read_only",
    "production",
    "prometheus",
    "alertmanagers",
    "cluster_label_value",
];
const CLUSTERS_EXPECTED: &str = "at least one [[clusters]] table";

/// Reads the whole document. Problems are reported to `w`; the `Config` returned is only
/// meaningful when none were.
pub(crate) fn config(w: &mut Walker<'_>, root: &Tab<'_, '_>, paths: &PathResolver) -> Config {
    w.deny_unknown(root, &ROOT_KEYS, &[]);
    let ui = w
        .table(root, "ui", "a table [ui]")
        .map(|t| ui(w, &t, paths))
        .unwrap_or_default();
    let global_prometheus = w
        .table(root, "global_prometheus", "a table [global_prometheus]")
        .and_then(|t| global_prometheus(w, &t, paths));
    // Present but invalid still counts as present, so clusters are not told it is missing.
    let global_label = match &global_prometheus {
        Some(g) => Some(g.cluster_label.as_str()),
        None => root.get("global_prometheus").map(|_| DEFAULT_CLUSTER_LABEL),
    };

    let mut clusters = Vec::new();
    match w.tables(root, "clusters", "an array of [[clusters]] tables") {
        None if root.get("clusters").is_none() => w.missing(root, "clusters", CLUSTERS_EXPECTED),
        None => {}
        Some((tabs, span)) => {
            let listed = root.get("clusters").and_then(|v| v.get_ref().as_array());
            if listed.is_some_and(|items| items.is_empty()) {
                let message = format!("expected {CLUSTERS_EXPECTED}, found an empty list");
                w.report(span, "clusters", message);
            }
            // (name, its span, its table's key path) of every well-formed name seen so far.
            let mut names: Vec<(&str, Span, String)> = Vec::new();
            for tab in &tabs {
                if let Some(name) = cluster_name(w, tab) {
                    match names.iter().find(|(n, _, _)| *n == name.value) {
                        Some((_, first, first_path)) => {
                            let message = format!(
                                "expected a unique cluster name, found {} again (first used by {first_path} at line {})",
                                quoted(name.value),
                                w.line_of(first),
                            );
                            w.report(name.span(), &tab.child("name"), message);
                        }
                        None => names.push((name.value, name.span(), tab.path.clone())),
                    }
                }
                if let Some(c) = cluster(w, tab, global_label, paths) {
                    clusters.push(c);
                }
            }
        }
    }
    let keymap = super::keys::keymap(w, root);
    let metrics = w
        .table(root, "metrics", "a table [metrics]")
        .map(|t| super::metrics::metrics(w, &t))
        .unwrap_or_default();
    let cluster_names: Vec<String> = clusters.iter().map(|c| c.name.clone()).collect();
    let slo_context = super::slo::Context {
        clusters: &cluster_names,
        service_label: &metrics.service_label,
        paths,
    };
    let slos = super::slo::slos(w, root, &slo_context);
    let runbooks = super::runbooks::runbooks(w, root, paths);
    Config {
        ui,
        runbooks,
        global_prometheus,
        clusters,
        keymap,
        metrics,
        slos,
    }
}

fn ui(w: &mut Walker<'_>, tab: &Tab<'_, '_>, paths: &PathResolver) -> UiConfig {
    w.deny_unknown(tab, &UI_KEYS, &[]);
    let mut ui = UiConfig::default();
    let theme_expected = "a theme name such as \"dark\" or a path to a theme file";
    if let Some(theme) = w.string(tab, "theme", theme_expected) {
        let v = theme.value;
        let is_path = v.contains('/') || v.ends_with(".toml") || v.starts_with('~');
        let is_name = !v.is_empty()
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let resolved = if is_path {
            paths.resolve(v).map(ThemeRef::File)
        } else if is_name {
            Ok(ThemeRef::Named(v.to_owned()))
        } else {
            Err(format!("expected {theme_expected}, found {}", quoted(v)))
        };
        match resolved {
            Ok(t) => ui.theme = t,
            Err(message) => w.report(theme.span(), &tab.child("theme"), message),
        }
    }
    let interval_expected = "a duration such as \"15s\" or \"1m\"";
    if let Some(interval) = w.string(tab, "refresh_interval", interval_expected) {
        match parse_duration(interval.value) {
            Ok(d) => ui.refresh_interval = d,
            Err(message) => w.report(interval.span(), &tab.child("refresh_interval"), message),
        }
    }
    ui
}

fn global_prometheus(
    w: &mut Walker<'_>,
    tab: &Tab<'_, '_>,
    paths: &PathResolver,
) -> Option<GlobalPrometheus> {
    let mut known = vec!["url", "cluster_label"];
    known.extend(HTTP_KEYS);
    let mut hints = vec![(
        "service",
        "the global endpoint is shared by all clusters, so it needs a `url`; a `service` belongs in [clusters.prometheus]",
    )];
    hints.extend(HTTP_HINTS);
    w.deny_unknown(tab, &known, &hints);
    let http = http_options(w, tab, DEFAULT_PROMETHEUS_TIMEOUT, paths);
    let label_expected = "a Prometheus label name such as \"cluster\"";
    let mut cluster_label = DEFAULT_CLUSTER_LABEL.to_owned();
    if let Some(label) = w.string(tab, "cluster_label", label_expected) {
        if is_prometheus_label_name(label.value) {
            cluster_label = label.value.to_owned();
        } else {
            let message = format!(
                "expected a Prometheus label name (letters, digits and '_', not starting with a digit), found {}",
                quoted(label.value)
            );
            w.report(label.span(), &tab.child("cluster_label"), message);
        }
    }
    Some(GlobalPrometheus {
        url: required_url(w, tab)?,
        cluster_label,
        http,
    })
}

fn cluster_name<'t>(w: &mut Walker<'_>, tab: &Tab<'t, '_>) -> Option<super::walk::Str<'t>> {
    let name = w.required_string(tab, "name", "a cluster name such as \"us-east-1\"")?;
    let length = name.value.chars().count();
    if is_dns_label(name.value) {
        Some(name)
    } else if length > 63 {
        let message = format!(
            "expected a cluster name of at most 63 characters, found {length} characters in {}",
            quoted(name.value)
        );
        w.report(name.span(), &tab.child("name"), message);
        None
    } else {
        let message = format!(
            "expected a cluster name that is {DNS_LABEL}, found {}",
            quoted(name.value)
        );
        w.report(name.span(), &tab.child("name"), message);
        None
    }
}

/// Reads one `[[clusters]]` entry except for its name's checks, which `config` does.
fn cluster(
    w: &mut Walker<'_>,
    tab: &Tab<'_, '_>,
    global_label: Option<&str>,
    paths: &PathResolver,
) -> Option<ClusterConfig> {
    w.deny_unknown(tab, &CLUSTER_KEYS, &[]);
    let name = tab
        .get("name")
        .and_then(|v| v.get_ref().as_str())
        .unwrap_or_default();

    let context = match w.string(tab, "context", "a kubeconfig context name") {
        Some(c) if c.value.is_empty() || has_control_chars(c.value) => {
            let message = format!(
                "expected a kubeconfig context name, found {}",
                quoted(c.value)
            );
            w.report(c.span(), &tab.child("context"), message);
            String::new()
        }
        Some(c) => c.value.to_owned(),
        None => name.to_owned(),
    };

    let kubeconfig = w
        .string(tab, "kubeconfig", "a path to a kubeconfig file")
        .and_then(|k| match paths.resolve(k.value) {
            Ok(p) => Some(p),
            Err(message) => {
                w.report(k.span(), &tab.child("kubeconfig"), message);
                None
            }
        });

    let mut labels = BTreeMap::new();
    for (key, key_span, path, value) in
        w.string_map(tab, "labels", "a table of label names to values")
    {
        if !is_label_key(key) {
            let message = format!(
                "expected a label name (letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63 characters), found {}",
                quoted(key)
            );
            w.report(key_span, &path, message);
        } else if has_control_chars(value.value) {
            let message = format!(
                "expected a label value without control characters, found {}",
                quoted(value.value)
            );
            w.report(value.span(), &path, message);
        } else {
            labels.insert(key.to_owned(), value.value.to_owned());
        }
    }

    let mut namespaces: Vec<String> = Vec::new();
    for (path, ns) in w
        .strings(
            tab,
            "namespaces",
            "an array of namespace names such as [\"shop\"]",
        )
        .unwrap_or_default()
    {
        if !is_dns_label(ns.value) {
            let message = format!(
                "expected a namespace name, {DNS_LABEL}, found {}",
                quoted(ns.value)
            );
            w.report(ns.span(), &path, message);
        } else if !namespaces.iter().any(|n| n == ns.value) {
            namespaces.push(ns.value.to_owned());
        }
    }

    let read_only = w.boolean(tab, "read_only", false);
    let env_is_production = labels
        .get("env")
        .is_some_and(|env| env == "prod" || env == "production");
    let production = w.boolean(tab, "production", env_is_production);

    let own = w
        .table(tab, "prometheus", "a table [clusters.prometheus]")
        .map(|t| endpoint(w, &t, DEFAULT_PROMETHEUS_TIMEOUT, paths, &[]));
    let label_value = w.string(
        tab,
        "cluster_label_value",
        "a label value such as \"us-east-1\"",
    );
    let label_value = label_value.filter(|v| {
        let bad = v.value.is_empty() || has_control_chars(v.value);
        if bad {
            let message = format!(
                "expected a non-empty label value without control characters, found {}",
                quoted(v.value)
            );
            w.report(v.span(), &tab.child("cluster_label_value"), message);
        }
        !bad
    });
    let metrics = match (own, global_label) {
        (Some(own), _) => {
            if let Some(v) = label_value {
                w.report(
                    v.span(),
                    &tab.child("cluster_label_value"),
                    "expected `cluster_label_value` only on clusters that use [global_prometheus], found it next to [clusters.prometheus]",
                );
            }
            MetricsSource::Own(own?)
        }
        (None, Some(label)) => MetricsSource::Global {
            label: label.to_owned(),
            value: label_value.map_or(name, |v| v.value).to_owned(),
        },
        (None, None) => {
            if let Some(v) = label_value {
                w.report(
                    v.span(),
                    &tab.child("cluster_label_value"),
                    "expected a [global_prometheus] section for `cluster_label_value` to select from, found none",
                );
            }
            MetricsSource::None
        }
    };

    let alertmanagers = w
        .tables(
            tab,
            "alertmanagers",
            "an array of [[clusters.alertmanagers]] tables",
        )
        .map(|(tabs, _)| {
            tabs.iter()
                .filter_map(|t| alertmanager_endpoint(w, t, DEFAULT_ALERTMANAGER_TIMEOUT, paths))
                .collect()
        })
        .unwrap_or_default();

    Some(ClusterConfig {
        name: name.to_owned(),
        context,
        kubeconfig,
        namespaces,
        labels,
        read_only,
        production,
        metrics,
        alertmanagers,
    })
}
