//! The shipped config files: the example loads into the expected clusters, each invalid
//! file fails with its exact message, and no mutation of the example makes the loader panic.

use std::path::{Path, PathBuf};
use std::time::Duration;

use watchdeck_core::config;
use watchdeck_core::config::{Config, ConfigError, Endpoint, MetricsSource, ServicePort, ThemeRef};

const EXAMPLE: &str = "fixtures/config/example.toml";
const INVALID_DIR: &str = "fixtures/config/invalid";

fn load_example() -> Config {
    Config::load(Path::new(EXAMPLE)).unwrap_or_else(|e| panic!("example must load:\n{e}"))
}

#[test]
fn example_file_loads_into_three_labelled_clusters() {
    let config = load_example();
    assert_eq!(config.ui.theme, ThemeRef::Named("dark".into()));
    assert_eq!(config.ui.refresh_interval, Duration::from_secs(15));
    let names: Vec<&str> = config.clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["us-east-1", "eu-west-1", "ap-southeast-1"]);
    for c in &config.clusters {
        assert_eq!(c.labels.get("region"), Some(&c.name), "{}", c.name);
        assert!(c.labels.contains_key("env"), "{}", c.name);
    }
    let us = &config.clusters[0];
    assert!(us.read_only);
    assert_eq!(us.namespaces, ["shop", "database"]);
    assert!(config.clusters[1..].iter().all(|c| c.namespaces.is_empty()));
    assert_eq!(
        us.context,
        "arn:aws:eks:us-east-1:123456789012:cluster/prod"
    );
    let home = std::env::var_os("HOME").map(PathBuf::from);
    assert_eq!(us.kubeconfig, home.map(|h| h.join(".kube/config")));
    let am_urls: Vec<String> = us
        .alertmanagers
        .iter()
        .map(|a| match &a.endpoint {
            Endpoint::Url(u) => u.as_str().to_owned(),
            other => panic!("expected a URL, got {other:?}"),
        })
        .collect();
    assert_eq!(am_urls, ["http://127.0.0.1:9093", "http://127.0.0.1:9094"]);
    assert_eq!(us.alertmanagers[0].http.timeout, Duration::from_secs(5));
}

#[test]
fn example_file_covers_service_proxy_and_global_prometheus() {
    let config = load_example();
    let eu = &config.clusters[1];
    assert!(!eu.read_only);
    assert_eq!(eu.context, "eu-west-1");
    let MetricsSource::Own(prom) = &eu.metrics else {
        panic!(
            "eu-west-1 should have its own Prometheus, got {:?}",
            eu.metrics
        );
    };
    assert_eq!(
        prom.endpoint,
        Endpoint::Service {
            namespace: "monitoring".into(),
            name: "prometheus-k8s".into(),
            port: ServicePort::Name("web".into()),
            path: "/prometheus".into(),
        }
    );
    assert_eq!(prom.http.timeout, Duration::from_secs(60));
    assert_eq!(
        eu.alertmanagers[0].http.timeout,
        config::DEFAULT_ALERTMANAGER_TIMEOUT
    );

    let global = config
        .global_prometheus
        .as_ref()
        .unwrap_or_else(|| panic!("no global"));
    assert_eq!(global.url.as_str(), "https://thanos.example.com");
    assert!(!global.http.tls_insecure_skip_verify);
    assert_eq!(
        config.clusters[2].metrics,
        MetricsSource::Global {
            label: "cluster".into(),
            value: "staging-ap-southeast-1".into()
        }
    );
}

#[test]
fn example_debug_output_hides_header_values() {
    let config = load_example();
    let debug = format!("{config:?}");
    assert!(debug.contains("X-Scope-OrgID"));
    assert!(!debug.contains("platform"), "header value leaked: {debug}");
    let global = config
        .global_prometheus
        .as_ref()
        .map(|g| g.http.headers[0].value.expose());
    assert_eq!(global, Some("platform"));
}

/// Every file in fixtures/config/invalid/ with the exact lines a user sees after `path:`.
const INVALID: &[(&str, &[&str])] = &[
    (
        "bad-duration.toml",
        &[
            "6:11: clusters[0].alertmanagers[0].timeout: expected a duration such as \"5s\", \"1m\" or \"1m30s\", found \"5\"",
        ],
    ),
    (
        "bad-service.toml",
        &[
            "5:11: clusters[0].prometheus.service: expected \"namespace/name:port\" such as \"monitoring/prometheus-k8s:9090\", found \"prometheus-k8s:9090\"",
        ],
    ),
    (
        "bad-url.toml",
        &[
            "7:7: clusters[1].prometheus.url: expected an http:// or https:// URL, found \"ftp://x\"",
        ],
    ),
    (
        "duplicate-cluster-name.toml",
        &[
            "8:8: clusters[2].name: expected a unique cluster name, found \"us-east-1\" again (first used by clusters[0] at line 2)",
        ],
    ),
    (
        "duplicate-key.toml",
        &["3:1: invalid TOML: duplicate key `name`"],
    ),
    (
        "empty-clusters.toml",
        &["1:12: clusters: expected at least one [[clusters]] table, found an empty list"],
    ),
    (
        "inline-token.toml",
        &[
            "6:1: clusters[0].prometheus.bearer_token: unknown key; inline tokens are not accepted: put the token in a file and set `bearer_token_file`",
        ],
    ),
    (
        "invalid-cluster-name.toml",
        &[
            "2:8: clusters[0].name: expected a cluster name that is a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), found \"US_East_1\"",
        ],
    ),
    (
        "keys-bad-key.toml",
        &[
            "5:14: keys.quit: expected a single character (\"q\", \"G\", \"/\"), \"ctrl-<letter>\", or one of up, down, left, right, pageup, pagedown, home, end, tab, shift-tab, esc, enter, backspace, delete, space, found \"ctl-c\"",
        ],
    ),
    (
        "keys-bound-twice.toml",
        &[
            "6:17: keys.palette: key \"f\" is bound twice (already to \"filter\"); a key can trigger only one action",
        ],
    ),
    (
        "keys-unknown-action.toml",
        &["5:1: keys.qiut: unknown action; did you mean `quit`?"],
    ),
    (
        "long-cluster-name.toml",
        &[
            "2:8: clusters[0].name: expected a cluster name of at most 63 characters, found 66 characters in \"a-cluster-name-that-goes-on-and-on-well-past-the-sixty-three\"...",
        ],
    ),
    (
        "missing-clusters.toml",
        &["1:1: clusters: missing required key; expected at least one [[clusters]] table"],
    ),
    (
        "missing-name.toml",
        &[
            "4:1: clusters[1].name: missing required key; expected a cluster name such as \"us-east-1\"",
        ],
    ),
    (
        "no-url-or-service.toml",
        &[
            "4:1: clusters[0].alertmanagers[0]: expected exactly one of `url` (e.g. \"http://127.0.0.1:9090\") or `service` (e.g. \"monitoring/prometheus-k8s:9090\"), found neither",
        ],
    ),
    (
        "several-problems.toml",
        &[
            "3:20: ui.refresh_interval: expected a duration such as \"15s\" or \"1m\", found integer 15",
            "7:1: clusters[0].read-only: unknown key; did you mean `read_only`?",
            "8:26: clusters[0].labels.\"bad key\": expected a label name (letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63 characters), found \"bad key\"",
            "11:7: clusters[0].prometheus.url: expected an http:// or https:// URL with a port from 1 to 65535, found \"http://127.0.0.1:90900\"",
            "14:8: clusters[1].name: expected a unique cluster name, found \"us-east-1\" again (first used by clusters[0] at line 6)",
            "15:23: clusters[1].cluster_label_value: expected a [global_prometheus] section for `cluster_label_value` to select from, found none",
        ],
    ),
    (
        "syntax-error.toml",
        &["2:18: invalid TOML: invalid basic string, expected `\"`"],
    ),
    (
        "unknown-key-typo.toml",
        &["4:12: clusters[0].alertmanager: unknown key; did you mean `alertmanagers`?"],
    ),
    (
        "unknown-key.toml",
        &["2:1: ui.colour: unknown key; expected one of `theme`, `refresh_interval`"],
    ),
    (
        "url-and-service.toml",
        &["6:1: clusters[0].prometheus: expected exactly one of `url` or `service`, found both"],
    ),
    (
        "wrong-type.toml",
        &["3:13: clusters[0].read_only: expected true or false, found string \"yes\""],
    ),
];

#[test]
fn every_invalid_fixture_fails_with_its_exact_message() {
    let mut on_disk: Vec<String> = std::fs::read_dir(INVALID_DIR)
        .unwrap_or_else(|e| panic!("{INVALID_DIR}: {e}"))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = INVALID.iter().map(|(file, _)| *file).collect();
    assert_eq!(
        on_disk, listed,
        "every invalid fixture needs an expected message"
    );

    let mut mismatches = Vec::new();
    for (file, expected) in INVALID {
        let path = format!("{INVALID_DIR}/{file}");
        let expected: Vec<String> = expected
            .iter()
            .map(|line| format!("{path}:{line}"))
            .collect();
        let expected = expected.join("\n");
        match Config::load(Path::new(&path)) {
            Ok(_) => mismatches.push(format!("{path}: loaded without errors")),
            Err(ConfigError::Invalid(errors)) if errors.to_string() == expected => {}
            Err(other) => mismatches.push(format!(
                "{path}:\n  expected {expected}\n  got      {other}"
            )),
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn a_missing_config_file_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("nope.toml");
    let err = config::discover(Some(&path)).err().map(|e| e.to_string());
    assert_eq!(
        err,
        Some(format!("config file {} does not exist", path.display()))
    );
    assert!(matches!(Config::load(&path), Err(ConfigError::NotFound { path: p }) if p == path));
}

#[test]
fn discover_loads_an_explicit_file_and_resolves_paths_beside_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("watchdeck.toml");
    let text = "[[clusters]]\nname = \"lab\"\nkubeconfig = \"kube/lab.yaml\"\n";
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let loaded = config::discover(Some(&path))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("an explicit file must be loaded"));
    assert_eq!(loaded.path, path);
    let kubeconfig = loaded.config.clusters[0].kubeconfig.clone();
    let expected = std::path::absolute(dir.path().join("kube/lab.yaml")).ok();
    assert_eq!(kubeconfig, expected);
}

#[test]
fn a_file_that_is_not_utf8_is_reported_at_the_bad_byte() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"[[clusters]]\nname = \"z\xfcrich\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let err = Config::load(&path).err().map(|e| e.to_string());
    let expected = format!(
        "{}:2:10: expected UTF-8 text, found an invalid byte",
        path.display()
    );
    assert_eq!(err, Some(expected));
}

/// Deterministic xorshift so the mutations are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }
}

fn mutate(original: &[u8], variant: usize, rng: &mut Rng) -> Vec<u8> {
    const SPICE: &[u8] = b"\"'[]{}=,.#\n\\\0~:/ \xff\xc3";
    let mut bytes = original.to_vec();
    match variant % 4 {
        // Truncation anywhere, including inside strings, keys and headers.
        0 => bytes.truncate(rng.below(original.len() + 1)),
        // One bit flipped.
        1 => {
            let i = rng.below(bytes.len());
            bytes[i] ^= 1 << rng.below(8);
        }
        // A few bytes replaced by TOML punctuation or invalid UTF-8.
        2 => {
            for _ in 0..=rng.below(4) {
                let i = rng.below(bytes.len());
                bytes[i] = SPICE[rng.below(SPICE.len())];
            }
        }
        // A slice cut out or duplicated (lost or repeated lines, tables and keys).
        _ => {
            let start = rng.below(bytes.len());
            let end = (start + rng.below(120)).min(bytes.len());
            let piece = bytes[start..end].to_vec();
            if rng.below(2) == 0 {
                bytes.drain(start..end);
            } else {
                let at = rng.below(bytes.len());
                bytes.splice(at..at, piece);
            }
        }
    }
    bytes
}

#[test]
fn deeply_nested_input_is_rejected_without_overflowing_the_stack() {
    for text in [
        format!("x = {}", "[".repeat(100_000)),
        format!("x = {}", "{ a = ".repeat(100_000)),
        format!("{}\n", "[a".repeat(50_000)),
        "a.".repeat(100_000) + "b = 1",
    ] {
        let outcome = Config::from_toml_str(&text, "deep.toml");
        assert!(outcome.is_err(), "{}", &text[..20]);
    }
}

#[test]
fn mutated_example_files_never_panic_and_always_explain_themselves() {
    let original = std::fs::read(EXAMPLE).unwrap_or_else(|e| panic!("{EXAMPLE}: {e}"));
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let (mut accepted, mut rejected) = (0, 0);
    for variant in 0..600 {
        let bytes = mutate(&original, variant, &mut rng);
        let text = String::from_utf8_lossy(&bytes);
        let outcome = std::panic::catch_unwind(|| Config::from_toml_str(&text, "m.toml"));
        match outcome {
            Err(_) => panic!("variant {variant} panicked on:\n{text}"),
            Ok(Ok(config)) => {
                accepted += 1;
                assert!(!config.clusters.is_empty(), "variant {variant}");
            }
            Ok(Err(errors)) => {
                rejected += 1;
                let lines = text.lines().count() + 1;
                assert!(!errors.problems().is_empty(), "variant {variant}");
                for p in errors.problems() {
                    assert!(
                        p.line >= 1 && p.line <= lines && p.column >= 1,
                        "variant {variant}: {p}"
                    );
                    assert!(
                        p.to_string().starts_with("m.toml:"),
                        "variant {variant}: {p}"
                    );
                }
            }
        }
    }
    eprintln!("accepted {accepted}, rejected {rejected}");
    // Both outcomes must occur, or the mutations are not exercising the validator.
    assert!(
        accepted > 0 && rejected > 100,
        "accepted {accepted}, rejected {rejected}"
    );
}
