//! A real Prometheus (Debian's package) scraping the simulated fleet every second on a free
//! loopback port, with a temp config and optional rule files (evaluated every second); or
//! one cluster's Prometheus (its `cluster` as an external label) that remote-writes to a
//! shared store, or sends its alerts to Alertmanagers.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::Child;

use super::daemon::{spawn_logged, wait_ready};

pub struct RealPrometheus {
    pub url: String,
    pub log: PathBuf,
    _child: Child,
}

/// What a Prometheus does besides scraping every second and evaluating rules every second.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// Names its files in the fleet's temp dir (`prometheus` when empty).
    pub name: String,
    /// `host:port` of the `/metrics` endpoints it scrapes (every cluster's when empty).
    pub targets: Vec<String>,
    /// The rule file's text (YAML; JSON is YAML too); none when empty.
    pub rules: String,
    /// A Prometheus of one cluster, as each cluster usually has: it drops the simulator's
    /// `cluster` label from what it scrapes (its own queries see none) and names the cluster
    /// in `external_labels`, which what it remote-writes and its alerts carry.
    pub cluster: Option<String>,
    /// A remote-write URL (`/api/v1/write`), sent in batches within a second.
    pub remote_write: Option<String>,
    /// Alertmanagers (`host:port`) its alerts go to, resent every second.
    pub alertmanagers: Vec<String>,
}

impl RealPrometheus {
    /// Starts Prometheus scraping every cluster of `sim`, with `rule_groups` (a Prometheus rule
    /// file's `groups`, JSON being valid YAML) loaded.
    pub async fn start(sim: &super::Sim, rule_groups: Value) -> RealPrometheus {
        let setup = Setup {
            rules: json!({ "groups": rule_groups }).to_string(),
            ..Setup::default()
        };
        RealPrometheus::start_with(sim, setup).await
    }

    /// Starts Prometheus as `setup` says.
    pub async fn start_with(sim: &super::Sim, setup: Setup) -> RealPrometheus {
        let program = super::require("prometheus", "prometheus");
        let dir = sim.dir.path();
        let name = if setup.name.is_empty() {
            "prometheus"
        } else {
            setup.name.as_str()
        };
        let targets: Vec<String> = if setup.targets.is_empty() {
            sim.running
                .endpoints
                .iter()
                .map(|e| {
                    e.prometheus
                        .trim_start_matches("http://")
                        .trim_end_matches('/')
                        .to_string()
                })
                .collect()
        } else {
            setup.targets.clone()
        };
        let mut scrape =
            json!({"job_name": "watchdeck-sim", "static_configs": [{"targets": targets}]});
        let mut config = json!({
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "scrape_configs": [],
        });
        if !setup.rules.is_empty() {
            let rules = dir.join(format!("{name}-rules.yml"));
            std::fs::write(&rules, &setup.rules).expect("rule file");
            config["rule_files"] = json!([rules]);
        }
        if let Some(cluster) = &setup.cluster {
            scrape["metric_relabel_configs"] = json!([{"action": "labeldrop", "regex": "cluster"}]);
            config["global"]["external_labels"] = json!({ "cluster": cluster });
        }
        if let Some(url) = &setup.remote_write {
            config["remote_write"] =
                json!([{"url": url, "queue_config": {"batch_send_deadline": "1s"}}]);
        }
        if !setup.alertmanagers.is_empty() {
            config["alerting"] =
                json!({"alertmanagers": [{"static_configs": [{"targets": setup.alertmanagers}]}]});
        }
        config["scrape_configs"] = json!([scrape]);
        let config_file = dir.join(format!("{name}.yml"));
        std::fs::write(&config_file, config.to_string()).expect("prometheus config");
        let port = super::free_port();
        let log = dir.join(format!("{name}.log"));
        let child = spawn_logged(
            &program,
            &[
                format!("--config.file={}", config_file.display()),
                format!(
                    "--storage.tsdb.path={}",
                    dir.join(format!("{name}-data")).display()
                ),
                format!("--web.listen-address=127.0.0.1:{port}"),
                "--rules.alert.resend-delay=1s".to_string(),
            ],
            &log,
        );
        let url = format!("http://127.0.0.1:{port}");
        wait_ready(&url, "prometheus", &log).await;
        RealPrometheus {
            url,
            log,
            _child: child,
        }
    }

    /// An instant query at `time`: `(labels, value)` per series.
    pub async fn query(&self, query: &str, time: f64) -> Vec<(Value, f64)> {
        query_at(&self.url, query, time).await
    }

    /// The single value of `query` at `time`, if there is exactly one series.
    pub async fn value(&self, query: &str, time: f64) -> Option<f64> {
        match self.query(query, time).await.as_slice() {
            [(_, v)] => Some(*v),
            _ => None,
        }
    }

    /// The server's log, for failure messages.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// The simulator's rule file with HighErrorRate's `for` cut to 5 s, so it fires within
/// seconds of the errors reaching its threshold.
pub fn quick_high_error_rate_rules() -> String {
    let mut groups = watchdeck_sim::rules::default_rule_groups();
    for rule in groups.iter_mut().flat_map(|g| g.rules.iter_mut()) {
        if rule.name == "HighErrorRate" {
            rule.for_ms = 5_000;
        }
    }
    watchdeck_sim::rules::prometheus_rule_file(&groups)
}

/// An instant query at `time` to the Prometheus-compatible API at `base`: `(labels, value)`
/// per series.
pub async fn query_at(base: &str, query: &str, time: f64) -> Vec<(Value, f64)> {
    let client = reqwest::Client::new();
    let answer: Value = client
        .post(format!("{base}/api/v1/query"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(watchdeck_io::sources::endpoint::encode_query(&[
            ("query", query),
            ("time", &format!("{time:.3}")),
        ]))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("query sent")
        .json()
        .await
        .expect("JSON answer");
    assert_eq!(answer["status"], "success", "{query}: {answer}");
    answer["data"]["result"]
        .as_array()
        .expect("a vector")
        .iter()
        .map(|s| {
            let value = s["value"][1].as_str().and_then(|v| v.parse().ok());
            (s["metric"].clone(), value.unwrap_or(f64::NAN))
        })
        .collect()
}
