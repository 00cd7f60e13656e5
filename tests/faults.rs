//! Faults against the simulated fleet, through the headless collector (the console's sources
//! and `update`, no terminal): a cluster unreachable from the start, and a cluster lost
//! mid-session and brought back. The others keep updating, the dead one shows why, nothing
//! exits, and recovery needs no help.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::api::ListParams;
use tokio::time::Instant;
use watchdeck::check::Collector;
use watchdeck::console::targets_from_simulator;
use watchdeck_core::clock::Clock;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::model::{ClusterState, Model};
use watchdeck_io::sources::target::ClusterTarget;

/// Generous: transitions usually take a second or two; this only bounds a broken run.
const PATIENCE: Duration = Duration::from_secs(90);

fn health(model: &Model, cluster: usize, kind: SourceKind) -> Health {
    model.clusters[cluster].health(kind).clone()
}

fn ok_after(state: &ClusterState, kind: SourceKind, after: Timestamp) -> bool {
    matches!(state.health(kind), Health::Ok { at } if *at > after)
}

/// Points `target`'s Kubernetes API and Alertmanager at a loopback port nobody listens on.
fn kill(target: &mut ClusterTarget) {
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    for named in &mut target.kubeconfig.clusters {
        if let Some(cluster) = named.cluster.as_mut() {
            cluster.server = Some(dead.clone());
        }
    }
    target.alertmanagers = watchdeck::console::simulator_alertmanager(&dead)
        .into_iter()
        .collect();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_unreachable_at_start_fails_alone() {
    let sim = common::start("steady", common::options(7, common::FIXED_START), None).await;
    let mut targets = targets_from_simulator(&sim.running.endpoints).unwrap();
    kill(&mut targets[2]);
    let mut collector = Collector::start(&targets, Clock::Wall);
    let deadline = Instant::now() + PATIENCE;
    assert!(
        collector.first_answers(deadline).await,
        "sources never all answered"
    );

    for live in [0, 1] {
        let state = &collector.model.clusters[live];
        assert!(!state.pods.is_empty(), "{} has no pods", state.name);
        assert!(state.health(SourceKind::Pods).is_ok(), "{}", state.name);
        assert!(state.health(SourceKind::Alerts).is_ok(), "{}", state.name);
    }
    let dead = &collector.model.clusters[2];
    assert!(dead.pods.is_empty());
    for kind in [SourceKind::Pods, SourceKind::Alerts] {
        match dead.health(kind) {
            Health::Failed { reason, .. } => {
                assert_eq!(reason.as_str(), "connection refused", "{kind:?}")
            }
            other => panic!("{kind:?} of the dead cluster: {other:?}"),
        }
    }

    // Nothing exits: the dead cluster keeps being retried while the others keep confirming.
    let first_failure = match dead.health(SourceKind::Pods) {
        Health::Failed { since, .. } => *since,
        _ => unreachable!(),
    };
    let mut retried = false;
    let checkpoint = collector.now();
    let deadline = Instant::now() + PATIENCE;
    while !(retried
        && ok_after(&collector.model.clusters[0], SourceKind::Pods, checkpoint)
        && ok_after(&collector.model.clusters[1], SourceKind::Pods, checkpoint))
    {
        let event = collector.next(deadline).await.expect("events keep coming");
        retried |= event.cluster == 2 && event.at > first_failure;
    }
    // Pods, alerts and metrics of each of the 3 clusters.
    assert_eq!(collector.started().len(), 9, "every source still runs");
    assert!(matches!(
        health(&collector.model, 2, SourceKind::Pods),
        Health::Failed { since, .. } if since == first_failure
    ));
    let report = watchdeck::check::report::build(&collector.model, collector.now(), "test");
    assert_eq!(report.exit_code, 3);
}

async fn pod_names(sim: &common::Sim, cluster: &str) -> BTreeSet<String> {
    let client = sim.kube_client(cluster).await;
    let pods: kube::Api<Pod> = kube::Api::all(client);
    pods.list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect()
}

fn model_pod_names(model: &Model, cluster: usize) -> BTreeSet<String> {
    model.clusters[cluster]
        .pods
        .keys()
        .map(|k| k.name.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_lost_mid_session_goes_stale_and_recovers() {
    let mut sim = common::start("bad-deploy", common::options(42, common::FIXED_START), None).await;
    let targets = targets_from_simulator(&sim.running.endpoints).unwrap();
    let lost = targets[0].name.clone();
    let mut collector = Collector::start(&targets, Clock::Wall);
    assert!(collector.first_answers(Instant::now() + PATIENCE).await);
    let synced = |m: &Model| {
        m.clusters
            .iter()
            .all(|c| c.health(SourceKind::Pods).is_ok() && c.health(SourceKind::Alerts).is_ok())
    };
    assert!(collector.until(Instant::now() + PATIENCE, synced).await);
    let before = model_pod_names(&collector.model, 0);

    // The cluster goes away.
    let paused_at = Timestamp::now();
    assert!(sim.running.pause_cluster(&lost).await);
    // Each source shows it stale within 10 s of the loss, keeping the time of its last good
    // data (the pod watch's connection is cut; the Alertmanager poll is refused).
    for kind in [SourceKind::Pods, SourceKind::Alerts] {
        let is_stale = |m: &Model| matches!(m.clusters[0].health(kind), Health::Stale { .. });
        assert!(
            collector.until(Instant::now() + PATIENCE, is_stale).await,
            "{kind:?} of the lost cluster never went stale: {:?}",
            collector.model.clusters[0].health
        );
        let noticed = collector.now().duration_since(paused_at);
        let Health::Stale { since, reason } = health(&collector.model, 0, kind) else {
            unreachable!()
        };
        assert!(!reason.is_empty());
        assert!(
            since <= paused_at,
            "{kind:?}: last good data {since} after {paused_at}"
        );
        assert!(
            noticed < jiff::SignedDuration::from_secs(10),
            "{kind:?} stale only {noticed:?} after the loss"
        );
    }
    let stale = |m: &Model| {
        matches!(m.clusters[0].health(SourceKind::Pods), Health::Stale { .. })
            && matches!(
                m.clusters[0].health(SourceKind::Alerts),
                Health::Stale { .. }
            )
    };
    assert_eq!(
        model_pod_names(&collector.model, 0),
        before,
        "last data kept"
    );

    // The others keep updating while it is gone.
    let checkpoint = collector.now();
    let others_fresh = |m: &Model| {
        (1..m.clusters.len()).all(|i| ok_after(&m.clusters[i], SourceKind::Pods, checkpoint))
    };
    assert!(
        collector
            .until(Instant::now() + PATIENCE, others_fresh)
            .await
    );
    assert!(stale(&collector.model), "still stale while gone");

    // While it is away, payment v1.4.2 rolls out there (virtual time 2m → 10m).
    sim.advance(10 * 60_000).await;
    let current = async {
        assert!(sim.running.resume_cluster(&lost).await.unwrap());
        pod_names(&sim, &lost).await
    }
    .await;
    assert_ne!(current, before, "the rollout changed the pods");

    // It comes back by itself, with the pods as they are now.
    let resumed_at = collector.now();
    let recovered = |m: &Model| {
        ok_after(&m.clusters[0], SourceKind::Pods, resumed_at)
            && ok_after(&m.clusters[0], SourceKind::Alerts, resumed_at)
            && model_pod_names(m, 0) == current
    };
    assert!(
        collector.until(Instant::now() + PATIENCE, recovered).await,
        "no recovery: {:?}, pods equal: {}",
        collector.model.clusters[0].health,
        model_pod_names(&collector.model, 0) == current
    );
    // Pods, alerts and metrics of each of the 3 clusters.
    assert_eq!(collector.started().len(), 9, "every source still runs");
}

/// A TCP relay in front of an endpoint that can go silent, like a network partition: frozen,
/// it stops passing bytes but keeps every connection open, and holds new ones unanswered.
struct Partition {
    addr: std::net::SocketAddr,
    frozen: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Partition {
    async fn start(upstream: &str) -> Partition {
        let upstream: std::net::SocketAddr =
            upstream.trim_start_matches("http://").parse().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (frozen, _) = tokio::sync::watch::channel(false);
        let watch = frozen.clone();
        let task = tokio::spawn(async move {
            let mut relays = tokio::task::JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                let mut frozen = watch.subscribe();
                relays.spawn(async move {
                    let already = *frozen.borrow();
                    if already {
                        // Accepted, never answered.
                        return std::future::pending::<()>().await;
                    }
                    let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    let went_silent = tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => false,
                        _ = frozen.wait_for(|f| *f) => true,
                    };
                    if went_silent {
                        // Silent, but both connections stay open.
                        std::future::pending::<()>().await
                    }
                });
            }
        });
        Partition { addr, frozen, task }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn freeze(&self, frozen: bool) {
        self.frozen.send_replace(frozen);
    }
}

impl Drop for Partition {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_api_server_turns_stale_through_the_health_probe() {
    let sim = common::start("steady", common::options(3, common::FIXED_START), None).await;
    let mut targets = targets_from_simulator(&sim.running.endpoints).unwrap();
    let partition = Partition::start(&sim.running.endpoints[1].kubernetes).await;
    let name = targets[1].name.clone();
    for named in &mut targets[1].kubeconfig.clusters {
        if named.name == name
            && let Some(cluster) = named.cluster.as_mut()
        {
            cluster.server = Some(partition.url());
        }
    }
    let mut collector = Collector::start(&targets, Clock::Wall);
    let synced = |m: &Model| {
        m.clusters
            .iter()
            .all(|c| c.health(SourceKind::Pods).is_ok())
    };
    assert!(collector.until(Instant::now() + PATIENCE, synced).await);

    // The watch connection stays open but nothing more arrives: no error, no end of stream.
    let silent_at = Timestamp::now();
    partition.freeze(true);
    let stale = |m: &Model| matches!(m.clusters[1].health(SourceKind::Pods), Health::Stale { .. });
    assert!(
        collector.until(Instant::now() + PATIENCE, stale).await,
        "{:?}",
        collector.model.clusters[1].health
    );
    let noticed = collector.now().duration_since(silent_at);
    let Health::Stale { since, reason } = health(&collector.model, 1, SourceKind::Pods) else {
        unreachable!()
    };
    assert!(reason.as_str().starts_with("timeout"), "{reason}");
    assert!(since <= silent_at);
    assert!(
        noticed < jiff::SignedDuration::from_secs(10),
        "stale only {noticed:?} after the API server went silent"
    );
    assert!(
        collector.model.clusters[0].health(SourceKind::Pods).is_ok()
            && collector.model.clusters[2].health(SourceKind::Pods).is_ok()
    );

    // The partition heals: a new watch gets through and the source is current again.
    partition.freeze(false);
    let healed_at = collector.now();
    assert!(
        collector
            .until(Instant::now() + PATIENCE, |m| ok_after(
                &m.clusters[1],
                SourceKind::Pods,
                healed_at
            ))
            .await,
        "{:?}",
        collector.model.clusters[1].health
    );
}
