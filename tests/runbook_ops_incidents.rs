//! Runbook operations against the simulated fleet for the incidents the stories play: the
//! traffic spike sized from the measured load, and the third region re-pointed after a
//! regional failover.

mod common;

use common::ops::{execute, plan};

use std::collections::BTreeMap;

use watchdeck_core::clock::Clock;
use watchdeck_core::runbook::op::{Observation, OpError, OpOutcome, OpRequest};
use watchdeck_core::runbook::params::CommandPolicy;
use watchdeck_core::runbook::resolved::{Comparison, Mutation, ObjectKind, ObjectRef, Probe};
use watchdeck_io::ops::Ops;
use watchdeck_io::sources::target::ClusterTarget;

const MIN: i64 = 60_000;

fn ops(sim: &common::Sim) -> Ops {
    let targets: Vec<ClusterTarget> =
        watchdeck::console::targets_from_simulator(&sim.running.endpoints).expect("targets");
    Ops::new(&targets, BTreeMap::new(), CommandPolicy::default())
        .with_clock(Clock::Virtual(sim.running.fleet.now.clone()))
        .with_os_user("oncall")
}

fn object(cluster: &str, namespace: &str, kind: ObjectKind, name: &str) -> ObjectRef {
    ObjectRef {
        cluster: cluster.into(),
        namespace: namespace.into(),
        kind,
        name: name.into(),
    }
}

async fn probe(ops: &Ops, probe: Probe) -> Result<Observation, OpError> {
    match ops.perform(OpRequest::Probe(probe)).await {
        OpOutcome::Probed(result) => result,
        other => panic!("a probe answers with an observation, not {other:?}"),
    }
}

fn p99_below(cluster: &str, service: &str, seconds: f64) -> Probe {
    Probe::Query {
        cluster: cluster.into(),
        query: format!(
            "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{{cluster=\"{cluster}\",namespace=\"shop\",service=\"{service}\"}}[1m])))"
        ),
        op: Comparison::Lt,
        threshold: seconds,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traffic_spike_is_sized_from_the_load_and_the_sized_count_brings_p99_back() {
    let sim = common::start(
        "traffic-spike",
        common::options(31, common::FIXED_START),
        None,
    )
    .await;
    // order gets 10x from 1m; by 6m the 2-minute rates see only the spike.
    sim.advance(6 * MIN).await;
    let ops = ops(&sim);
    let order = object("us-east-1", "shop", ObjectKind::Deployment, "order");
    let slow = probe(&ops, p99_below("us-east-1", "order", 0.5))
        .await
        .expect("p99");
    assert!(!slow.holds, "saturated order is slow: {}", slow.value);

    let mutation = Mutation::Scale {
        object: order.clone(),
        replicas: 1,
        expect_replicas: None,
        for_load: Some(0.6),
    };
    let report = plan(&ops, &mutation).await.expect("plan");
    assert_eq!(report.refusal, None);
    assert_eq!(report.current_replicas, Some(4));
    // ~1,200 req/s x 1/67 CPU-s/req = ~18 CPU; at 60% of 1 CPU per pod: 30 (+-1 for the
    // daily swing and noise). CPU capped at 4 pods' limits must not make it count 7.
    let wanted = report.target_replicas.expect("computed count");
    assert!((29..=32).contains(&wanted), "{wanted}: {:?}", report.notes);
    let arithmetic = &report.notes[0];
    assert!(
        arithmetic.contains(" req/s x 0.015 CPU-s/req = ")
            && arithmetic.ends_with(&format!("60% of 1 CPU per pod -> {wanted} pods, now 4")),
        "{arithmetic}"
    );
    assert_eq!(report.patch["spec"]["replicas"], wanted);

    execute(&ops, &mutation, &report).await.expect("scaled");
    sim.advance(3 * MIN).await;
    let recovered = probe(&ops, p99_below("us-east-1", "order", 0.5))
        .await
        .expect("p99");
    assert!(
        recovered.holds,
        "p99 after scaling to {wanted}: {}",
        recovered.value
    );

    // Sized again with the load carried: nothing more to add, and it never scales in.
    let again = plan(&ops, &mutation).await.expect("plan");
    assert_eq!(again.target_replicas, Some(wanted));
    assert!(again.nothing_to_do(), "{:?}", again.diff);
}

/// Firing alerts of `cluster` as Prometheus' `ALERTS` series says, as `name{pod|service}`.
async fn firing(sim: &common::Sim, cluster: &str) -> Vec<String> {
    let signals = sim
        .running
        .fleet
        .clusters
        .iter()
        .find(|c| c.name == cluster)
        .expect("cluster");
    let Ok(rules) = signals.rules.read() else {
        return Vec::new();
    };
    let mut names: Vec<String> = rules
        .active_alerts()
        .iter()
        .filter(|a| a.state.as_str() == "firing")
        .map(|a| {
            let subject = a
                .labels
                .get("service")
                .or_else(|| a.labels.get("pod"))
                .unwrap_or("");
            format!("{}{{{subject}}}", a.labels.get("alertname").unwrap_or(""))
        })
        .collect();
    names.sort();
    names
}

async fn mutate(ops: &Ops, mutation: Mutation) {
    let report = plan(ops, &mutation).await.expect("plan");
    assert_eq!(report.refusal, None, "{mutation:?}");
    execute(ops, &mutation, &report).await.expect("executed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failover_that_repoints_the_third_region_leaves_only_the_dead_region_alerting() {
    let sim = common::start(
        "region-outage",
        common::options(41, common::FIXED_START),
        None,
    )
    .await;
    sim.advance(4 * MIN).await;
    let ops = ops(&sim);
    let db = |cluster: &str| object(cluster, "database", ObjectKind::CnpgCluster, "orders-db");
    mutate(
        &ops,
        Mutation::PromoteCnpg {
            object: db("eu-west-1"),
            instance: None,
            max_lag: None,
        },
    )
    .await;
    sim.advance(20_000).await;

    // The third region still follows the dead primary: its lag only grows.
    let lagging = Probe::ReplicationLag {
        object: db("ap-southeast-1"),
        below: std::time::Duration::from_secs(60),
    };
    assert!(!probe(&ops, lagging.clone()).await.expect("lag").holds);
    let follow = Mutation::FollowCnpg {
        object: db("ap-southeast-1"),
        source: "orders-db-eu-west-1".into(),
    };
    let report = plan(&ops, &follow).await.expect("plan");
    assert_eq!(report.refusal, None);
    assert!(
        report
            .diff
            .iter()
            .any(|d| format!("{d:?}").contains("source orders-db-eu-west-1")),
        "{:?}",
        report.diff
    );
    execute(&ops, &follow, &report).await.expect("re-pointed");
    let unknown = plan(
        &ops,
        &Mutation::FollowCnpg {
            object: db("ap-southeast-1"),
            source: "orders-db-mars-1".into(),
        },
    )
    .await
    .expect("plan");
    assert!(
        unknown
            .refusal
            .is_some_and(|r| r.contains("no external cluster orders-db-mars-1")),
    );
    for (name, replicas) in [
        ("order", 8),
        ("payment", 6),
        ("auth", 5),
        ("user", 4),
        ("api-gateway", 8),
        ("notification", 4),
        ("analytics", 4),
    ] {
        mutate(
            &ops,
            Mutation::Scale {
                object: object("eu-west-1", "shop", ObjectKind::Deployment, name),
                replicas,
                expect_replicas: None,
                for_load: None,
            },
        )
        .await;
    }
    sim.advance(10 * MIN).await;
    assert!(
        probe(&ops, lagging).await.expect("lag").holds,
        "ap-southeast-1 streams from eu-west-1 again"
    );
    // Every fleet has one notification pod crash-looping on a bad node in eu-west-1: not
    // the failover's to fix, and not on the request path.
    let left = firing(&sim, "eu-west-1").await;
    assert!(
        left.iter()
            .all(|a| a.starts_with("PodCrashLooping{notification-")),
        "{left:?}"
    );
    assert_eq!(firing(&sim, "ap-southeast-1").await, Vec::<String>::new());
    // What the failover does not fix: the dead region's own database.
    assert!(
        firing(&sim, "us-east-1")
            .await
            .iter()
            .all(|a| a.starts_with("PostgresDown{")),
        "{:?}",
        firing(&sim, "us-east-1").await
    );
    // The runbook's alert checks see the same through ALERTS.
    let quiet = probe(
        &ops,
        Probe::Query {
            cluster: "ap-southeast-1".into(),
            query: "count(ALERTS{alertstate=\"firing\",cluster=\"ap-southeast-1\"}) or vector(0)"
                .into(),
            op: Comparison::Lt,
            threshold: 1.0,
        },
    )
    .await
    .expect("ALERTS");
    assert!(quiet.holds, "{}", quiet.value);
    let dead = probe(
        &ops,
        Probe::Query {
            cluster: "us-east-1".into(),
            query: "count(ALERTS{alertstate=\"firing\",alertname=\"PostgresDown\"})".into(),
            op: Comparison::Ge,
            threshold: 1.0,
        },
    )
    .await
    .expect("ALERTS");
    assert!(dead.holds, "{}", dead.value);
}
