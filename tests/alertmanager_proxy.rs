//! Alertmanager reached through the Kubernetes API server's service proxy
//! (`service = "monitoring/alertmanager-main:9093"`), against the simulator: the same alerts
//! as by URL, silences created and expired through the proxy, and a config file's
//! `service` entry polled end to end by the console's source tasks.

mod common;

use common::daemon::next_event;
use common::ops as silences;

use std::time::Duration;

use kube::config::Kubeconfig;
use serde_json::json;
use tokio::sync::mpsc;
use watchdeck_core::config::{Config, Endpoint, EndpointConfig, HttpOptions, ServicePort};
use watchdeck_core::event::Payload;
use watchdeck_core::model::alert::AlertState;
use watchdeck_core::model::silence::{AlertSnapshot, SilenceStatus};
use watchdeck_io::sources::alertmanager::{poll_replicas, replicas, url_endpoint};
use watchdeck_io::sources::target::ClusterTarget;
use watchdeck_io::supervise::spawn_sources;

const CLUSTER: &str = "us-east-1";
/// How the simulator's Alertmanager Service is named on screen.
const SERVICE_NAME: &str = "monitoring/alertmanager-main:9093";

fn service_endpoint() -> EndpointConfig {
    EndpointConfig {
        endpoint: Endpoint::Service {
            namespace: "monitoring".to_string(),
            name: "alertmanager-main".to_string(),
            port: ServicePort::Number(9093),
            path: String::new(),
        },
        http: HttpOptions::with_timeout(Duration::from_secs(10)),
        filter: Vec::new(),
    }
}

fn target(sim: &common::Sim, alertmanagers: Vec<EndpointConfig>) -> ClusterTarget {
    ClusterTarget {
        read_only: false,
        production: false,
        name: CLUSTER.to_string(),
        labels: Default::default(),
        kubeconfig: Kubeconfig::read_from(&sim.kubeconfig).unwrap(),
        context: CLUSTER.to_string(),
        namespaces: Vec::new(),
        alertmanagers,
        alert_filter: Vec::new(),
        prometheus: None,
    }
}

/// One poll of the target's Alertmanagers, as the alerts source does it.
async fn snapshot(target: &ClusterTarget) -> AlertSnapshot {
    let specs: Vec<_> = target
        .alertmanagers
        .iter()
        .map(|am| target.endpoint_spec(am))
        .collect();
    poll_replicas(&replicas(&specs).await.unwrap(), &[])
        .await
        .unwrap()
}

async fn post_alert(am_url: &str) {
    let alert = json!([{
        "labels": {"alertname": "DiskFull", "severity": "warning", "cluster": CLUSTER, "instance": "db-0"},
        "annotations": {"summary": "disk 95% full on db-0"},
    }]);
    let posted = reqwest::Client::new()
        .post(format!("{am_url}/api/v2/alerts"))
        .json(&alert)
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_success(), "{posted:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_and_silences_through_the_service_proxy_match_the_url() {
    let sim = common::start("steady", common::options(7, common::FIXED_START), None).await;
    let am_url = sim.endpoint(CLUSTER).alertmanager.clone();
    post_alert(&am_url).await;
    let by_url = target(
        &sim,
        vec![url_endpoint(&am_url, Duration::from_secs(10)).unwrap()],
    );
    let by_proxy = target(&sim, vec![service_endpoint()]);

    // The same alerts and silences either way; the replica is named after the Service.
    let direct = snapshot(&by_url).await;
    let proxied = snapshot(&by_proxy).await;
    assert!(
        direct.alerts.iter().any(|a| a.name.as_str() == "DiskFull"),
        "{:?}",
        direct.alerts
    );
    assert_eq!(proxied.alerts, direct.alerts);
    assert_eq!(proxied.silences, direct.silences);
    assert_eq!(proxied.replicas.len(), 1);
    assert_eq!(proxied.replicas[0].url.as_str(), SERVICE_NAME);
    assert_eq!(proxied.replicas[0].error, None);
    assert_eq!(
        direct.replicas[0].url.as_str(),
        am_url.trim_end_matches('/')
    );

    // A silence created through the proxy, as the console's silence form does it...
    let ops = silences::silence_ops(&by_proxy, &sim.running.fleet.now);
    let id = silences::create_silence(
        &ops,
        CLUSTER,
        vec![silences::matcher("alertname", "DiskFull", false)],
        Duration::from_secs(3_600),
        "through the proxy",
    )
    .await;

    // ...is held by the Alertmanager itself: seen by URL, the alert is silenced by it.
    let during = snapshot(&by_url).await;
    let silence = during
        .silences
        .iter()
        .find(|s| s.id.as_str() == id)
        .expect("the created silence is listed")
        .clone();
    assert_eq!(silence.status, SilenceStatus::Active);
    assert_eq!(silence.comment.as_str(), "through the proxy");
    assert_eq!(silence.created_by.as_str(), "oncall");
    let disk = during
        .alerts
        .iter()
        .find(|a| a.name.as_str() == "DiskFull")
        .unwrap();
    assert_eq!(
        disk.state,
        AlertState::Suppressed {
            silenced_by: vec![silence.id.clone()],
            inhibited_by: vec![]
        }
    );

    // Expired through the proxy, read back expired; the alert is active again.
    let (_, done) = silences::expire_silence(&ops, CLUSTER, &id).await;
    assert!(done.message.contains(SERVICE_NAME), "{}", done.message);
    assert!(
        done.message.ends_with("(read back: expired)"),
        "{}",
        done.message
    );
    let after = snapshot(&by_proxy).await;
    assert!(after.silences.iter().all(|s| s.id != silence.id));
    let disk = after
        .alerts
        .iter()
        .find(|a| a.name.as_str() == "DiskFull")
        .unwrap();
    assert_eq!(disk.state, AlertState::Active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_alertmanager_in_the_config_is_polled_not_skipped() {
    let sim = common::start("steady", common::options(7, common::FIXED_START), None).await;
    post_alert(&sim.endpoint(CLUSTER).alertmanager).await;
    let path = sim.dir.path().join("watchdeck.toml");
    std::fs::write(
        &path,
        format!(
            "[[clusters]]\nname = \"{CLUSTER}\"\nkubeconfig = \"{}\"\n\n\
             [[clusters.alertmanagers]]\nservice = \"{SERVICE_NAME}\"\n",
            sim.kubeconfig.display()
        ),
    )
    .unwrap();
    let config = Config::load(&path).unwrap();
    let targets = watchdeck::console::targets_from_config(&config).unwrap();
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0].alertmanagers, config.clusters[0].alertmanagers);
    assert!(matches!(
        &targets[0].alertmanagers[..],
        [EndpointConfig { endpoint: Endpoint::Service { name, .. }, .. }] if name == "alertmanager-main"
    ));

    // The console's alerts source reaches it through the API server.
    let (tx, mut rx) = mpsc::channel(64);
    let _sources = spawn_sources(&targets, tx);
    let snapshot = loop {
        let event = next_event(&mut rx).await;
        match event.payload {
            Payload::AlertSnapshot(snapshot) => break snapshot,
            Payload::Failed {
                source: watchdeck_core::model::health::SourceKind::Alerts,
                reason,
            } => panic!("alerts failed: {reason:?}"),
            _ => {}
        }
    };
    assert_eq!(snapshot.replicas[0].url.as_str(), SERVICE_NAME);
    assert_eq!(snapshot.replicas[0].error, None);
    assert!(
        snapshot
            .alerts
            .iter()
            .any(|a| a.name.as_str() == "DiskFull"),
        "{:?}",
        snapshot.alerts
    );
}
