//! Protocol faithfulness beyond kubectl and Prometheus: determinism of every API answer, and
//! hostile strings that must cross the wire unchanged (the console sanitizes, not the
//! simulator), including label values prometheus-parse is known to mangle.

mod common;

use serde_json::Value;
use watchdeck_io::sources::exposition::parse_exposition;

/// A scenario that plants hostile text where a cluster could: a pod annotation, an event
/// message, an alert annotation, and (through the description) a metric label value.
const HOSTILE: &str = r#"
name = "hostile"
description = "labels with = and , and } and \"quotes\" and a \\ backslash"

[[events]]
at = "0s"
action = "annotate-pod"
cluster = "us-east-1"
service = "payment"
key = "note"
value = "\u001b[2J\u001b[H\u001b]0;pwned\u0007 \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 \u001b]52;c;cm0gLXJmIH4=\u0007 \u009b31m \r overwritten \u202e txet desrever \u200d zwj"

[[events]]
at = "0s"
action = "record-event"
cluster = "us-east-1"
service = "payment"
reason = "Hostile"
message = "\u001b[2J\u001b]0;pwned\u0007 \r overwritten \u202e bidi \u200b zero width"

[[events]]
at = "0s"
action = "alert"
cluster = "us-east-1"
duration = "30m"
labels = { alertname = "HostileText", severity = "warning" }
annotations = { summary = "\u001b[31mred\u001b[0m \u001b]52;c;cm0gLXJmIH4=\u0007 \r\u202e evil" }
"#;

async fn get(url: &str) -> String {
    reqwest::get(url)
        .await
        .expect("request")
        .text()
        .await
        .expect("body")
}

async fn get_json(url: &str) -> Value {
    serde_json::from_str(&get(url).await).expect("JSON answer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_strings_cross_every_protocol_unchanged() {
    watchdeck_io::install_tls_provider();
    let expected = watchdeck_sim::scenario::Scenario::parse(HOSTILE, "hostile").expect("parses");
    let sim = common::start(HOSTILE, common::options(31, common::FIXED_START), None).await;
    sim.advance(10_000).await;
    let us = sim.endpoint("us-east-1");

    let annotation = match &expected.events[0].action {
        watchdeck_sim::scenario::ScenarioEvent::AnnotatePod { value, .. } => value.clone(),
        other => panic!("unexpected {other:?}"),
    };
    assert!(
        annotation.contains('\u{1b}') && annotation.contains('\u{9b}') && annotation.contains('\r')
    );
    let pods = get_json(&format!(
        "{}/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io%2Fname%3Dpayment",
        us.kubernetes
    ))
    .await;
    let planted: Vec<&str> = pods["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["metadata"]["annotations"]["note"].as_str())
        .collect();
    assert_eq!(planted, [annotation.as_str()]);

    let events = get_json(&format!(
        "{}/api/v1/namespaces/shop/events?fieldSelector=reason%3DHostile",
        us.kubernetes
    ))
    .await;
    let message = events["items"][0]["message"]
        .as_str()
        .expect("event message");
    assert_eq!(
        message,
        "\u{1b}[2J\u{1b}]0;pwned\u{7} \r overwritten \u{202e} bidi \u{200b} zero width"
    );

    let alerts = get_json(&format!(
        "{}/api/v2/alerts?filter=alertname%3D%22HostileText%22",
        us.alertmanager
    ))
    .await;
    assert_eq!(
        alerts[0]["annotations"]["summary"],
        "\u{1b}[31mred\u{1b}[0m \u{1b}]52;c;cm0gLXJmIH4=\u{7} \r\u{202e} evil"
    );

    let text = get(&format!("{}/metrics", us.prometheus)).await;
    let parsed = parse_exposition(&text);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let info = parsed
        .samples
        .iter()
        .find(|s| s.name == "watchdeck_sim_info")
        .expect("info sample");
    assert_eq!(
        info.labels.get("description").map(String::as_str),
        Some(expected.description.as_str())
    );
    assert!(
        !parsed.repaired.is_empty(),
        "the guard reports the lines prometheus-parse would mangle"
    );
    let http = parsed
        .samples
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .count();
    assert!(http > 50, "ordinary samples parse too: {http}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_seed_and_scenario_give_identical_answers() {
    let a = common::start("bad-deploy", common::options(77, common::FIXED_START), None).await;
    let b = common::start("bad-deploy", common::options(77, common::FIXED_START), None).await;
    let c = common::start("bad-deploy", common::options(78, common::FIXED_START), None).await;
    for sim in [&a, &b, &c] {
        sim.advance(420_000).await;
    }
    let at = (common::FIXED_START + 420_000) / 1000;
    let paths = [
        ("kubernetes", "/api/v1/pods".to_string()),
        (
            "kubernetes",
            "/apis/apps/v1/namespaces/shop/replicasets".to_string(),
        ),
        ("kubernetes", "/api/v1/events".to_string()),
        (
            "prometheus",
            format!(
                "/api/v1/query?query=sum%20by%20(service)%20(rate(http_requests_total%5B1m%5D))&time={at}"
            ),
        ),
        ("prometheus", "/api/v1/alerts".to_string()),
        ("alertmanager", "/api/v2/alerts".to_string()),
        ("prometheus", "/metrics".to_string()),
    ];
    let mut differs_with_other_seed = 0;
    for cluster in ["us-east-1", "eu-west-1"] {
        for (api, path) in &paths {
            let url = |sim: &common::Sim| {
                let e = sim.endpoint(cluster);
                let base = match *api {
                    "kubernetes" => &e.kubernetes,
                    "prometheus" => &e.prometheus,
                    _ => &e.alertmanager,
                };
                format!("{base}{path}")
            };
            let (x, y, z) = (
                get(&url(&a)).await,
                get(&url(&b)).await,
                get(&url(&c)).await,
            );
            assert!(x.len() > 20, "{cluster} {path}: {x}");
            assert_eq!(
                x, y,
                "{cluster} {api} {path} differs between two runs with the same seed"
            );
            differs_with_other_seed += usize::from(x != z);
        }
    }
    assert!(
        differs_with_other_seed >= 6,
        "another seed gives another fleet"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_from_a_compacted_version_gets_410_gone() {
    let mut options = common::options(41, common::FIXED_START);
    options.watch_history = 50;
    let sim = common::start("bad-deploy", options, None).await;
    sim.advance(200_000).await;
    let base = &sim.endpoint("us-east-1").kubernetes;
    let body = get(&format!("{base}/api/v1/pods?watch=1&resourceVersion=1000")).await;
    let first: Value =
        serde_json::from_str(body.lines().next().expect("one event")).expect("JSON event");
    assert_eq!(first["type"], "ERROR");
    assert_eq!(first["object"]["code"], 410);
    assert_eq!(first["object"]["reason"], "Expired");
    // A current version resumes without error.
    let list = get_json(&format!("{base}/api/v1/pods?limit=1")).await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(1),
        "limit is honoured"
    );
    assert!(
        list["metadata"]["continue"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
}
