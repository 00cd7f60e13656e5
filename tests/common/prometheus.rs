//! A real Prometheus (Debian's package) scraping the simulated fleet every second on a free
//! loopback port, with a temp config and optional rule files (evaluated every second).

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

impl RealPrometheus {
    /// Starts Prometheus scraping every cluster of `sim`, with `rule_groups` (a Prometheus rule
    /// file's `groups`, JSON being valid YAML) loaded.
    pub async fn start(sim: &super::Sim, rule_groups: Value) -> RealPrometheus {
        let program = super::require("prometheus", "prometheus");
        let dir = sim.dir.path();
        let rules = dir.join("slo-rules.yml");
        std::fs::write(&rules, json!({ "groups": rule_groups }).to_string()).expect("rule file");
        let targets: Vec<String> = sim
            .running
            .endpoints
            .iter()
            .map(|e| {
                e.prometheus
                    .trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_string()
            })
            .collect();
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            json!({
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [rules],
                "scrape_configs": [{"job_name": "watchdeck-sim", "static_configs": [{"targets": targets}]}],
            })
            .to_string(),
        )
        .expect("prometheus config");
        let port = super::free_port();
        let log = dir.join("prometheus.log");
        let child = spawn_logged(
            &program,
            &[
                format!("--config.file={}", config.display()),
                format!("--storage.tsdb.path={}", dir.join("prom-data").display()),
                format!("--web.listen-address=127.0.0.1:{port}"),
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
        let client = reqwest::Client::new();
        let answer: Value = client
            .post(format!("{}/api/v1/query", self.url))
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
