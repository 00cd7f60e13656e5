//! End to end against the simulator: the real sources watch and poll a simulated fleet on
//! loopback, `update` builds the model, and the dashboard renders it; then a rollout in
//! virtual time shows up as live pod changes.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use kube::config::Kubeconfig;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use crate::app::{CHANNEL_CAPACITY, initial_model};
use watchdeck_core::event::Msg;
use watchdeck_core::model::Model;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::update::update;
use watchdeck_io::sources::target::ClusterTarget;
use watchdeck_io::supervise::spawn_sources;
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::server;
use watchdeck_ui::theme::Theme;

/// 2026-01-01T00:00:00Z.
const START_MS: i64 = 1_767_225_600_000;

fn synced(model: &Model) -> bool {
    model.clusters.iter().all(|c| {
        !c.pods.is_empty()
            && matches!(c.health(SourceKind::Pods), Health::Ok { .. })
            && matches!(c.health(SourceKind::Alerts), Health::Ok { .. })
    })
}

/// Applies data events until `done` holds or 60 s pass.
async fn pump(
    model: &mut Model,
    rx: &mut mpsc::Receiver<watchdeck_core::event::DataEvent>,
    done: impl Fn(&Model) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done(model) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(event)) => {
                update(model, Msg::Data(event));
            }
            Ok(None) => panic!("sources stopped"),
            Err(_) => panic!(
                "timed out; model health: {:?}",
                model.clusters.iter().map(|c| &c.health).collect::<Vec<_>>()
            ),
        }
    }
}

fn payment_pods(model: &Model) -> BTreeSet<String> {
    model.clusters[0]
        .pods
        .keys()
        .filter(|k| k.name.as_str().starts_with("payment-"))
        .map(|k| k.name.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_follows_the_simulated_fleet() {
    let mut options = SimOptions::new(42, START_MS);
    options.warmup_ms = 6 * 60_000;
    let scenario = Scenario::resolve("bad-deploy").unwrap();
    let fleet = tokio::task::spawn_blocking(move || Fleet::new(scenario, &options))
        .await
        .unwrap();
    let running = server::start(Arc::new(fleet), "127.0.0.1:0".parse().unwrap(), None)
        .await
        .unwrap();
    let kubeconfig: Kubeconfig =
        serde_json::from_value(server::kubeconfig(&running.endpoints)).unwrap();
    let targets: Vec<ClusterTarget> = running
        .endpoints
        .iter()
        .map(|e| ClusterTarget {
            read_only: false,
            production: false,
            name: e.name.clone(),
            labels: [("env".to_string(), "sim".to_string())]
                .into_iter()
                .collect(),
            kubeconfig: kubeconfig.clone(),
            context: e.name.clone(),
            namespaces: Vec::new(),
            alertmanagers: crate::console::simulator_alertmanager(&e.alertmanager)
                .into_iter()
                .collect(),
            alert_filter: Vec::new(),
            prometheus: crate::console::simulator_prometheus(&e.prometheus),
        })
        .collect();

    let mut model = initial_model(&targets);
    let (tx, mut rx) = mpsc::channel(CHANNEL_CAPACITY);
    let sources = spawn_sources(&targets, tx);
    pump(&mut model, &mut rx, synced).await;
    assert_eq!(model.clusters[0].name.as_str(), running.endpoints[0].name);

    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|frame| {
            watchdeck_ui::view(frame, &model, &Theme::dark(), jiff::Timestamp::now());
        })
        .unwrap();
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    for endpoint in &running.endpoints {
        assert!(screen.contains(&endpoint.name), "{} missing", endpoint.name);
    }
    assert!(
        !screen.contains('✗'),
        "a source failed:\n{}",
        terminal.backend()
    );

    // The scenario rolls payment v1.4.2 out at 2m: new pods replace the old ones, live.
    let before = payment_pods(&model);
    assert!(!before.is_empty());
    let fleet = Arc::clone(&running.fleet);
    tokio::task::spawn_blocking(move || fleet.advance_to(START_MS + 10 * 60_000))
        .await
        .unwrap();
    pump(&mut model, &mut rx, |m| {
        payment_pods(m).difference(&before).next().is_some()
    })
    .await;
    drop(sources);
}
