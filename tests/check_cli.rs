//! `watchdeck check` run as a binary: the snapshot of the simulated bad-deploy incident (JSON,
//! exit codes, same output for the same seed and moment), a config whose cluster is down
//! (exit 3 with the reason), and config and usage errors (exit 64).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs `watchdeck check ARGS` with no user config and the log in `dir`.
fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watchdeck"))
        .arg("check")
        .args(args)
        .arg("--log-file")
        .arg(dir.join("watchdeck.log"))
        .env("XDG_CONFIG_HOME", dir)
        .env("HOME", dir)
        .env_remove("WATCHDECK_CONFIG")
        .output()
        .expect("watchdeck runs")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn cluster<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no cluster {name}"))
}

fn alert_names(cluster: &Value, severity: &str) -> Vec<String> {
    cluster["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["severity"] == severity)
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn bad_deploy_ten_minutes_in_is_critical_in_us_east_1() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--scenario",
        "bad-deploy",
        "--at",
        "10m",
        "--format",
        "json",
    ];
    let first = check(dir.path(), &args);
    assert_eq!(
        first.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report = json(&first);
    assert_eq!(report["status"], "critical");
    assert_eq!(report["exit_code"], 2);
    assert_eq!(report["at"], "2026-01-01T00:10:00Z");

    let us = cluster(&report, "us-east-1");
    assert_eq!(us["status"], "critical");
    let high_error_rate: Vec<&Value> = us["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["name"] == "HighErrorRate")
        .collect();
    assert_eq!(high_error_rate.len(), 1, "{us:#}");
    assert_eq!(high_error_rate[0]["severity"], "critical");
    assert_eq!(high_error_rate[0]["service"], "payment");
    assert_eq!(us["services"][0]["name"], "payment", "worst service first");
    for source in us["sources"].as_array().unwrap() {
        assert_ne!(source["state"], "failed", "{source}");
    }
    for other in ["eu-west-1", "ap-southeast-1"] {
        assert!(
            !alert_names(cluster(&report, other), "critical").contains(&"HighErrorRate".into()),
            "HighErrorRate in {other}"
        );
    }

    // Same seed, scenario and moment: the same report, byte for byte.
    let second = check(dir.path(), &args);
    assert_eq!(second.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&second.stdout)
    );
}

#[test]
fn before_the_deploy_us_east_1_is_healthy() {
    let dir = tempfile::tempdir().unwrap();
    let output = check(dir.path(), &["--at", "0s", "--format", "json"]);
    let report = json(&output);
    let us = cluster(&report, "us-east-1");
    assert_eq!(us["status"], "ok", "{us:#}");
    assert!(us["alerts"].as_array().unwrap().is_empty());
    assert!(us["unhealthy_pods"].as_array().unwrap().is_empty());
    // The fleet's baseline has a crash-looping notification pod in eu-west-1.
    let eu = cluster(&report, "eu-west-1");
    assert_eq!(eu["unhealthy_pods"][0]["pod_status"], "CrashLoopBackOff");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_cluster_that_cannot_be_reached_exits_3_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            r#"{{"apiVersion": "v1", "kind": "Config", "current-context": "prod",
  "clusters": [{{"name": "prod", "cluster": {{"server": "http://127.0.0.1:{port}"}}}}],
  "users": [{{"name": "me", "user": {{"token": "t"}}}}],
  "contexts": [{{"name": "prod", "context": {{"cluster": "prod", "user": "me"}}}}]}}"#
        ),
    )
    .unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[clusters]]\nname = \"prod\"\nkubeconfig = \"{}\"\n",
            kubeconfig.display()
        ),
    )
    .unwrap();
    let config = config.display().to_string();

    let table = check(dir.path(), &["--config", &config, "--timeout", "20s"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert_eq!(table.status.code(), Some(3), "{text}");
    assert!(text.contains("Fleet: UNREACHABLE (exit 3)"), "{text}");
    assert!(text.contains("k8s failed since"), "{text}");
    assert!(text.contains("connection refused"), "{text}");

    let output = check(dir.path(), &["--config", &config, "--format", "json"]);
    let report = json(&output);
    let k8s = &cluster(&report, "prod")["sources"][0];
    assert_eq!(k8s["state"], "failed");
    assert_eq!(k8s["reason"], "connection refused");
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn config_and_usage_errors_exit_64() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[[clusters]]\nname = \"Not A Name\"\n").unwrap();
    let output = check(dir.path(), &["--config", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(64));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.toml:2"), "{stderr}");
    assert!(output.stdout.is_empty());

    let output = check(dir.path(), &["--format", "xml"]);
    assert_eq!(output.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&output.stderr).contains("xml"));

    let output = check(dir.path(), &["--at", "soon"]);
    assert_eq!(output.status.code(), Some(64));

    let help = check(dir.path(), &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let help = String::from_utf8_lossy(&help.stdout);
    for line in ["0   healthy", "2   critical", "3   cannot see", "64  usage"] {
        assert!(help.contains(line), "--help lacks {line:?}:\n{help}");
    }
}
