//! A real Prometheus (Debian's package) scrapes the simulator, answers the same PromQL as the
//! simulator's own API within a stated tolerance, and its alert rules (the simulator's rule
//! file, unchanged) reach a real Alertmanager.
//!
//! Tolerance: the two sample the same counters at different instants (Prometheus scrapes on
//! its own 1 s phase, the simulator on its virtual ticks), and both extrapolate rates to the
//! window edges, so over a 30 s window request rates agree within 5%, error ratios within 1
//! percentage point, and p95 latency (bucket interpolation of those rates) within 10%.

mod common;

use common::daemon::{spawn_logged, wait_ready};

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use watchdeck_sim::rules;

const OUTAGE_AT_START: &str = r#"
name = "outage-now"
description = "us-east-1's database fails as the test starts"

[[events]]
at = "0s"
action = "database-outage"
cluster = "us-east-1"
"#;

async fn get_json(client: &reqwest::Client, url: &str) -> Option<Value> {
    client
        .get(url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()
}

/// `{service -> value}` of a query answered by a Prometheus-compatible API at `time`.
async fn by_service(
    client: &reqwest::Client,
    base: &str,
    query: &str,
    time: f64,
) -> BTreeMap<String, f64> {
    let response: Value = client
        .get(format!("{base}/api/v1/query"))
        .query(&[("query", query), ("time", &format!("{time:.3}"))])
        .send()
        .await
        .expect("query sent")
        .json()
        .await
        .expect("query answer is JSON");
    assert_eq!(response["status"], "success", "{base}: {query}: {response}");
    response["data"]["result"]
        .as_array()
        .expect("vector")
        .iter()
        .filter_map(|s| {
            Some((
                s["metric"]["service"].as_str()?.to_string(),
                s["value"][1].as_str()?.parse().ok()?,
            ))
        })
        .collect()
}

fn assert_close(
    label: &str,
    ours: &BTreeMap<String, f64>,
    theirs: &BTreeMap<String, f64>,
    tolerance: impl Fn(f64) -> f64,
) {
    assert!(!theirs.is_empty(), "{label}: Prometheus returned nothing");
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>(),
        "{label}: same services"
    );
    let mut compared = 0;
    for (service, expected) in theirs {
        let got = ours[service];
        if expected.is_nan() {
            // No traffic in the window (for example, every pod unready): both must say so.
            assert!(
                got.is_nan(),
                "{label}: {service}: simulator {got} vs Prometheus NaN"
            );
            continue;
        }
        assert!(
            (got - expected).abs() <= tolerance(*expected),
            "{label}: {service}: simulator {got} vs Prometheus {expected}"
        );
        compared += 1;
    }
    assert!(
        compared >= 3,
        "{label}: too few finite values compared: {theirs:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_prometheus_agrees_and_its_alerts_reach_a_real_alertmanager() {
    watchdeck_io::install_tls_provider();
    let prometheus = common::require("prometheus", "prometheus");
    let alertmanager = common::require_any(
        &["prometheus-alertmanager", "alertmanager"],
        "prometheus-alertmanager",
    );
    let now = jiff::Timestamp::now().as_millisecond();
    let mut options = common::options(21, now);
    options.sample_every_ms = 1_000;
    let sim = common::start(OUTAGE_AT_START, options, Some(1.0)).await;
    let dir = sim.dir.path();
    let client = reqwest::Client::new();

    let am_port = common::free_port();
    std::fs::write(dir.join("alertmanager.yml"), json!({
        "route": {"receiver": "default", "group_by": ["alertname", "cluster"], "group_wait": "1s", "group_interval": "1s"},
        "receivers": [{"name": "default"}],
    }).to_string()).expect("alertmanager config");
    let am_log = dir.join("alertmanager.log");
    let _am = spawn_logged(
        &alertmanager,
        &[
            format!("--config.file={}", dir.join("alertmanager.yml").display()),
            format!("--web.listen-address=127.0.0.1:{am_port}"),
            "--cluster.listen-address=".to_string(),
            format!("--storage.path={}", dir.join("am-data").display()),
        ],
        &am_log,
    );
    let am_url = format!("http://127.0.0.1:{am_port}");
    wait_ready(&am_url, "alertmanager", &am_log).await;

    std::fs::write(
        dir.join("rules.yml"),
        rules::prometheus_rule_file(&rules::default_rule_groups()),
    )
    .expect("rule file");
    let targets: Vec<String> = sim
        .running
        .endpoints
        .iter()
        .map(|e| e.prometheus.trim_start_matches("http://").to_string())
        .collect();
    std::fs::write(dir.join("prometheus.yml"), json!({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [dir.join("rules.yml")],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [format!("127.0.0.1:{am_port}")]}]}]},
        "scrape_configs": [{"job_name": "watchdeck-sim", "static_configs": [{"targets": targets}]}],
    }).to_string()).expect("prometheus config");
    let prom_port = common::free_port();
    let prom_log = dir.join("prometheus.log");
    let _prometheus = spawn_logged(
        &prometheus,
        &[
            format!("--config.file={}", dir.join("prometheus.yml").display()),
            format!("--storage.tsdb.path={}", dir.join("prom-data").display()),
            format!("--web.listen-address=127.0.0.1:{prom_port}"),
            "--rules.alert.resend-delay=1s".to_string(),
        ],
        &prom_log,
    );
    let prom_url = format!("http://127.0.0.1:{prom_port}");
    wait_ready(&prom_url, "prometheus", &prom_log).await;

    // Every rule loads unchanged and is healthy.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let loaded = get_json(&client, &format!("{prom_url}/api/v1/rules"))
        .await
        .expect("rules");
    let rules_seen: Vec<&str> = loaded["data"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_array().into_iter().flatten())
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(rules_seen.len(), 6, "{loaded}");

    // Enough scrapes for 30 s windows, then compare both APIs at the same instant.
    tokio::time::sleep(Duration::from_secs(35)).await;
    let at = (jiff::Timestamp::now().as_millisecond() - 2_000) as f64 / 1000.0;
    let sim_url = sim.endpoint("us-east-1").prometheus.clone();
    let rate = r#"sum by (service) (rate(http_requests_total{cluster="us-east-1"}[30s]))"#;
    let ours = by_service(&client, &sim_url, rate, at).await;
    let theirs = by_service(&client, &prom_url, rate, at).await;
    assert_close("request rate", &ours, &theirs, |v| 0.05 * v);

    let eu_url = sim.endpoint("eu-west-1").prometheus.clone();
    let ratio = r#"sum by (service) (rate(http_requests_total{cluster="eu-west-1",status=~"5.."}[30s])) / sum by (service) (rate(http_requests_total{cluster="eu-west-1"}[30s]))"#;
    let ours = by_service(&client, &eu_url, ratio, at).await;
    let theirs = by_service(&client, &prom_url, ratio, at).await;
    assert_close("error ratio", &ours, &theirs, |_| 0.01);
    assert!(
        theirs["order"] > 0.2,
        "writes fail in eu-west-1 while us-east-1's primary is down: {theirs:?}"
    );

    let p95 = r#"histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{cluster="us-east-1"}[30s])))"#;
    let ours = by_service(&client, &sim_url, p95, at).await;
    let theirs = by_service(&client, &prom_url, p95, at).await;
    assert_close("p95 latency", &ours, &theirs, |v| 0.10 * v);

    // PostgresDown (for: 30s) fires in Prometheus and reaches the real Alertmanager.
    let mut found = Value::Null;
    for _ in 0..60 {
        let alerts = get_json(&client, &format!("{am_url}/api/v2/alerts"))
            .await
            .unwrap_or(Value::Null);
        if let Some(alert) = alerts.as_array().into_iter().flatten().find(|a| {
            a["labels"]["alertname"] == "PostgresDown" && a["labels"]["cluster"] == "us-east-1"
        }) {
            found = alert.clone();
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert_eq!(
        found["labels"]["severity"],
        "critical",
        "PostgresDown reached Alertmanager; prometheus log:\n{}",
        std::fs::read_to_string(&prom_log).unwrap_or_default()
    );
    assert!(
        found["annotations"]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("orders-db")),
        "{found}"
    );
    // The simulator's own rule engine fires the same alert into its own Alertmanager. It
    // evaluates on its own schedule, so it may fire a little after the real Prometheus.
    let url = format!(
        "{}/api/v2/alerts?filter=alertname=\"PostgresDown\"",
        sim.endpoint("us-east-1").alertmanager
    );
    let mut own = Value::Null;
    for _ in 0..30 {
        own = get_json(&client, &url).await.expect("sim alerts");
        if own.as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(
        own.as_array().is_some_and(|a| !a.is_empty()),
        "the simulator's own PostgresDown within 30 s of the real one: {own}"
    );
}
