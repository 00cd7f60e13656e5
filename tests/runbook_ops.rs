//! Runbook operations against the simulated fleet (and a fake Patroni): plans with server
//! dry runs and diffs that change nothing, executions with their preconditions, permission
//! checks from the simulator's RBAC, probes, silences, commands, and what a black-holed or
//! closed endpoint makes of an execution.

mod common;

use common::ops::{execute, plan};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;
use watchdeck_core::clock::Clock;
use watchdeck_core::matcher::{MatchOp, Matcher};
use watchdeck_core::runbook::op::{
    DiffLine, ExecError, Observation, OpError, OpOutcome, OpRequest, PlanReport, Snapshot,
};
use watchdeck_core::runbook::params::CommandPolicy;
use watchdeck_core::runbook::resolved::{
    AccessCheck, Comparison, Mutation, ObjectKind, ObjectRef, Probe,
};
use watchdeck_io::ops::Ops;
use watchdeck_io::sources::target::ClusterTarget;
use watchdeck_sim::rbac::DenyRule;

const MIN: i64 = 60_000;

fn targets(sim: &common::Sim) -> Vec<ClusterTarget> {
    watchdeck::console::targets_from_simulator(&sim.running.endpoints).expect("targets")
}

fn ops_with(targets: &[ClusterTarget], commands: CommandPolicy, sim: &common::Sim) -> Ops {
    Ops::new(targets, BTreeMap::new(), commands)
        .with_clock(Clock::Virtual(sim.running.fleet.now.clone()))
        .with_os_user("oncall")
}

fn ops(sim: &common::Sim) -> Ops {
    ops_with(&targets(sim), CommandPolicy::default(), sim)
}

fn object(cluster: &str, namespace: &str, kind: ObjectKind, name: &str) -> ObjectRef {
    ObjectRef {
        cluster: cluster.into(),
        namespace: namespace.into(),
        kind,
        name: name.into(),
    }
}

fn payment(cluster: &str) -> ObjectRef {
    object(cluster, "shop", ObjectKind::Deployment, "payment")
}

fn orders_db(cluster: &str) -> ObjectRef {
    object(cluster, "database", ObjectKind::CnpgCluster, "orders-db")
}

async fn read(ops: &Ops, mutation: &Mutation) -> Result<Snapshot, OpError> {
    match ops.perform(OpRequest::Read(mutation.clone())).await {
        OpOutcome::Read(result) => result,
        other => panic!("a read answers with a snapshot, not {other:?}"),
    }
}

async fn probe(ops: &Ops, probe: Probe) -> Result<Observation, OpError> {
    match ops.perform(OpRequest::Probe(probe)).await {
        OpOutcome::Probed(result) => result,
        other => panic!("a probe answers with an observation, not {other:?}"),
    }
}

async fn spec_replicas(sim: &common::Sim, cluster: &str) -> i32 {
    let api: Api<Deployment> = Api::namespaced(sim.kube_client(cluster).await, "shop");
    let deployment = api.get("payment").await.expect("payment reads");
    deployment.spec.and_then(|s| s.replicas).expect("replicas")
}

fn scale(cluster: &str, replicas: i32) -> Mutation {
    Mutation::Scale {
        object: payment(cluster),
        replicas,
        expect_replicas: None,
        for_load: None,
    }
}

fn changed(plan: &PlanReport) -> Vec<DiffLine> {
    plan.diff
        .iter()
        .filter(|d| !matches!(d, DiffLine::Context(_)))
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_plan_diffs_without_changing_then_execute_scales() {
    let sim = common::start("steady", common::options(21, common::FIXED_START), None).await;
    let ops = ops(&sim);
    let mutation = scale("us-east-1", 6);
    let report = plan(&ops, &mutation).await.expect("plan");
    assert_eq!(report.refusal, None);
    assert_eq!(report.current_replicas, Some(3));
    assert_eq!(
        changed(&report),
        [
            DiffLine::Removed("replicas: 3".into()),
            DiffLine::Added("replicas: 6".into())
        ]
    );
    assert!(
        report
            .diff
            .iter()
            .any(|d| matches!(d, DiffLine::Context(l) if l.starts_with("image payment: "))),
        "{:?}",
        report.diff
    );
    assert!(report.before.resource_version.is_some());
    assert_eq!(
        spec_replicas(&sim, "us-east-1").await,
        3,
        "a plan changes nothing"
    );

    let done = execute(&ops, &mutation, &report).await.expect("scaled");
    assert!(done.message.contains("from 3 to 6"), "{}", done.message);
    assert_eq!(spec_replicas(&sim, "us-east-1").await, 6);
    let now = read(&ops, &mutation).await.expect("read back");
    assert!(
        now.lines.contains(&"replicas: 6".to_string()),
        "{:?}",
        now.lines
    );

    let same = plan(&ops, &mutation).await.expect("plan again");
    assert!(same.nothing_to_do(), "{:?}", same.diff);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_plan_conflicts_and_paused_deployment_is_refused() {
    let sim = common::start("steady", common::options(22, common::FIXED_START), None).await;
    let ops = ops(&sim);
    let mutation = scale("us-east-1", 5);
    let report = plan(&ops, &mutation).await.expect("plan");
    // Someone else scales in between.
    let api: Api<Deployment> = Api::namespaced(sim.kube_client("us-east-1").await, "shop");
    api.patch_scale(
        "payment",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 4}})),
    )
    .await
    .expect("other scale");
    match execute(&ops, &mutation, &report).await {
        Err(ExecError::Conflict(message)) => {
            assert!(message.contains("re-plan"), "{message}")
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        spec_replicas(&sim, "us-east-1").await,
        4,
        "the conflict changed nothing"
    );

    let expecting = Mutation::Scale {
        object: payment("us-east-1"),
        replicas: 8,
        expect_replicas: Some(3),
        for_load: None,
    };
    let refused = plan(&ops, &expecting).await.expect("plan");
    assert!(
        refused
            .refusal
            .as_deref()
            .is_some_and(|r| r.contains("has 4 replicas, the runbook expected 3")),
        "{:?}",
        refused.refusal
    );

    api.patch(
        "payment",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"paused": true}})),
    )
    .await
    .expect("pause");
    let paused = plan(&ops, &mutation).await.expect("plan");
    assert_eq!(
        paused.refusal.as_deref(),
        Some(
            "deployment shop/payment in us-east-1 is paused (spec.paused=true): resume it first with `kubectl rollout resume deployment/payment -n shop`"
        )
    );
    assert!(paused.nothing_to_do());
    match execute(&ops, &mutation, &paused).await {
        Err(ExecError::Rejected(_)) => {}
        other => panic!("a refused plan is never executed, got {other:?}"),
    }
    assert_eq!(spec_replicas(&sim, "us-east-1").await, 4);
}

fn error_ratio(cluster: &str, below: f64) -> Probe {
    Probe::Query {
        cluster: cluster.into(),
        query: "(sum(rate(http_requests_total{service=\"payment\",status=~\"5..\"}[1m])) or vector(0)) / sum(rate(http_requests_total{service=\"payment\"}[1m]))".into(),
        op: Comparison::Lt,
        threshold: below,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_shows_the_image_diff_and_history_and_heals_the_error_ratio() {
    let sim = common::start(
        common::BAD_DEPLOY_NOW,
        common::options(23, common::FIXED_START),
        None,
    )
    .await;
    sim.advance(4 * MIN).await;
    let ops = ops(&sim);
    let bad = probe(&ops, error_ratio("us-east-1", 0.01))
        .await
        .expect("query");
    assert!(!bad.holds, "v1.4.2 fails about 8%: {}", bad.value);

    let mutation = Mutation::Rollback {
        object: payment("us-east-1"),
        revision: None,
    };
    let report = plan(&ops, &mutation).await.expect("plan");
    assert_eq!(report.refusal, None);
    let changes = changed(&report);
    let image = |version: &str| {
        changes
            .iter()
            .find(|d| match d {
                DiffLine::Removed(l) | DiffLine::Added(l) => {
                    l.starts_with("image payment: ") && l.ends_with(&format!("payment:{version}"))
                }
                DiffLine::Context(_) => false,
            })
            .cloned()
    };
    assert!(
        matches!(image("v1.4.2"), Some(DiffLine::Removed(_))),
        "{changes:?}"
    );
    assert!(
        matches!(image("v1.4.1"), Some(DiffLine::Added(_))),
        "{changes:?}"
    );
    assert!(
        report.notes.iter().any(|n| n.contains("payment:v1.4.2")
            && n.contains("ci: deploy payment v1.4.2")
            && n.ends_with("[current]")),
        "{:?}",
        report.notes
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("payment:v1.4.1") && n.ends_with("[target]")),
        "{:?}",
        report.notes
    );
    let before = read(&ops, &mutation).await.expect("read");
    assert_eq!(
        before.lines, report.before.lines,
        "the dry run stored nothing"
    );

    let done = execute(&ops, &mutation, &report)
        .await
        .expect("rolled back");
    assert!(
        done.message.contains("back to revision"),
        "{}",
        done.message
    );
    sim.advance(5 * MIN).await;
    let rollout = probe(
        &ops,
        Probe::RolloutComplete {
            object: payment("us-east-1"),
        },
    )
    .await
    .expect("rollout probe");
    assert!(rollout.holds, "{}", rollout.value);
    assert!(
        rollout.value.starts_with("3/3 updated, 3/3 ready"),
        "{}",
        rollout.value
    );
    let healed = probe(&ops, error_ratio("us-east-1", 0.01))
        .await
        .expect("query");
    assert!(healed.holds, "{}", healed.value);
    let now = read(&ops, &mutation).await.expect("read");
    assert!(
        now.lines.iter().any(|l| l.ends_with("payment:v1.4.1")),
        "{:?}",
        now.lines
    );

    let history = plan(
        &ops,
        &Mutation::Rollback {
            object: payment("us-east-1"),
            revision: Some(99),
        },
    )
    .await
    .expect("plan");
    assert!(
        history
            .refusal
            .as_deref()
            .is_some_and(|r| r.contains("revision 99 does not exist")),
        "{:?}",
        history.refusal
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cnpg_replica_cluster_promotes_and_becomes_writable() {
    let sim = common::start(
        "region-outage",
        common::options(24, common::FIXED_START),
        None,
    )
    .await;
    sim.advance(90_000).await;
    let ops = ops(&sim);
    let primary_region = plan(
        &ops,
        &Mutation::PromoteCnpg {
            object: orders_db("us-east-1"),
            instance: None,
            max_lag: None,
        },
    )
    .await
    .expect("plan");
    assert!(
        primary_region
            .already
            .as_deref()
            .is_some_and(|r| r.contains("already primary")),
        "{:?}",
        primary_region.already
    );

    let writable = Probe::Writable {
        object: orders_db("eu-west-1"),
    };
    let before = probe(&ops, writable.clone()).await.expect("probe");
    assert!(!before.holds);
    assert!(before.value.contains("replica mode"), "{}", before.value);

    let mutation = Mutation::PromoteCnpg {
        object: orders_db("eu-west-1"),
        instance: None,
        max_lag: Some(Duration::from_secs(1)),
    };
    let early = plan(&ops, &mutation).await.expect("plan");
    // Over max_lag is the engine's question now; ops measures and plans.
    assert_eq!(early.refusal, None);
    assert_eq!(
        changed(&early),
        [
            DiffLine::Removed("replica mode: true (source orders-db-us-east-1)".into()),
            DiffLine::Added("replica mode: false".into())
        ]
    );
    let at_risk = early.data_at_risk.expect("data at risk measured");
    // What the replica missed when us-east-1 died (cross-region lag, within a scrape).
    assert!(at_risk < Duration::from_secs(10), "{at_risk:?}");
    assert!(
        early
            .notes
            .iter()
            .any(|n| n.contains("pg_last_committed_xact_timestamp_seconds")),
        "{:?}",
        early.notes
    );
    // Ten minutes later nothing more is lost: the figure is frozen, while postgres_exporter's
    // now-minus-last-replay has grown by ten minutes.
    sim.advance(10 * MIN).await;
    let report = plan(&ops, &mutation).await.expect("plan");
    assert_eq!(report.data_at_risk, Some(at_risk));
    let growing = probe(
        &ops,
        Probe::ReplicationLag {
            object: orders_db("eu-west-1"),
            below: Duration::from_secs(30),
        },
    )
    .await
    .expect("lag");
    assert!(
        growing.lag.is_some_and(|l| l > Duration::from_secs(600)),
        "{}",
        growing.value
    );
    execute(&ops, &mutation, &report).await.expect("promoted");
    sim.advance(10_000).await;
    let after = probe(&ops, writable).await.expect("probe");
    assert!(after.holds, "{}", after.value);
}

fn scale_check(cluster: &str) -> AccessCheck {
    AccessCheck {
        cluster: cluster.into(),
        verb: "patch".into(),
        group: "apps".into(),
        resource: "deployments".into(),
        subresource: "scale".into(),
        namespace: "shop".into(),
        name: "payment".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_reviews_follow_deny_rules_and_identity_names_the_user() {
    let sim = common::start("steady", common::options(25, common::FIXED_START), None).await;
    let ops = ops(&sim);
    let verdict = |outcome| match outcome {
        OpOutcome::Access(Ok(verdict)) => verdict,
        other => panic!("expected a verdict, got {other:?}"),
    };
    let allowed = verdict(
        ops.perform(OpRequest::Access(scale_check("us-east-1")))
            .await,
    );
    assert!(allowed.allowed, "{}", allowed.reason);

    sim.running.fleet.deny(DenyRule {
        cluster: Some("us-east-1".into()),
        verb: Some("patch".into()),
        resource: Some("deployments".into()),
        subresource: Some("scale".into()),
        namespace: Some("shop".into()),
        ..DenyRule::default()
    });
    let denied = verdict(
        ops.perform(OpRequest::Access(scale_check("us-east-1")))
            .await,
    );
    assert!(!denied.allowed);
    // As from a real API server's RBAC: a denial comes without a reason.
    assert_eq!(denied.reason, "");
    let elsewhere = verdict(
        ops.perform(OpRequest::Access(scale_check("eu-west-1")))
            .await,
    );
    assert!(elsewhere.allowed, "the rule names us-east-1 only");

    let refused = plan(&ops, &scale("us-east-1", 5)).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.message.contains("HTTP 403")),
        "{refused:?}"
    );
    let report = plan(&ops, &scale("eu-west-1", 5)).await.expect("plan");
    let on_denied = Mutation::Scale {
        object: payment("us-east-1"),
        replicas: 5,
        expect_replicas: None,
        for_load: None,
    };
    match execute(&ops, &on_denied, &report).await {
        Err(ExecError::Rejected(message)) => {
            assert!(message.contains("forbidden"), "{message}")
        }
        other => panic!("expected a 403 rejection, got {other:?}"),
    }
    assert_eq!(spec_replicas(&sim, "us-east-1").await, 3);

    match ops
        .perform(OpRequest::Identity {
            cluster: "us-east-1".into(),
        })
        .await
    {
        OpOutcome::Identity(Ok(who)) => assert_eq!(
            who,
            "sim-admin (groups: system:masters, system:authenticated)"
        ),
        other => panic!("expected an identity, got {other:?}"),
    }
    match ops
        .perform(OpRequest::Identity {
            cluster: "nowhere".into(),
        })
        .await
    {
        OpOutcome::Identity(Err(e)) => assert!(e.message.contains("not configured"), "{e}"),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_probes_compare_one_value() {
    let sim = common::start("steady", common::options(26, common::FIXED_START), None).await;
    let ops = ops(&sim);
    let query = |q: &str, op, threshold| Probe::Query {
        cluster: "us-east-1".into(),
        query: q.into(),
        op,
        threshold,
    };
    let up = probe(
        &ops,
        query("sum(pg_up{namespace=\"database\"})", Comparison::Ge, 3.0),
    )
    .await
    .expect("probe");
    assert!(up.holds, "{}", up.value);
    assert_eq!(up.value, "3 (want >= 3)");
    let low = probe(&ops, query("scalar(vector(0.5))", Comparison::Gt, 1.0))
        .await
        .expect("probe");
    assert!(!low.holds);
    let none = probe(&ops, query("pg_up{pod=\"nope\"}", Comparison::Eq, 1.0))
        .await
        .expect("probe");
    assert!(!none.holds);
    assert!(none.value.starts_with("no sample"), "{}", none.value);
    let several = probe(
        &ops,
        query("pg_up{namespace=\"database\"}", Comparison::Eq, 1.0),
    )
    .await;
    assert!(
        several
            .as_ref()
            .is_err_and(|e| e.message.contains("returned 3 series")),
        "{several:?}"
    );
    let lag = probe(
        &ops,
        Probe::ReplicationLag {
            object: orders_db("eu-west-1"),
            below: Duration::from_secs(30),
        },
    )
    .await
    .expect("lag");
    assert!(lag.holds, "{}", lag.value);
    assert!(lag.lag.is_some());
}

const ALERTING: &str = r#"
name = "alerting"
description = "one page for payment in us-east-1"

[[events]]
at = "0s"
action = "alert"
cluster = "us-east-1"
labels = { alertname = "PaymentDown", service = "payment", severity = "page" }
duration = "1h"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silence_plan_lists_matched_alerts_and_execute_creates_it() {
    let sim = common::start(ALERTING, common::options(27, common::FIXED_START), None).await;
    sim.advance(10_000).await;
    let ops = ops(&sim);
    let mutation = Mutation::Silence {
        cluster: "us-east-1".into(),
        matchers: vec![Matcher::new("service", MatchOp::Equal, "payment")],
        duration: Duration::from_secs(7200),
        comment: "rolling back payment".into(),
    };
    let report = plan(&ops, &mutation).await.expect("plan");
    assert_eq!(
        report.after.lines[0], "matchers: service=\"payment\"",
        "{:?}",
        report.after.lines
    );
    assert!(
        report
            .after
            .lines
            .contains(&"created by: oncall".to_string())
    );
    assert!(
        report
            .after
            .lines
            .contains(&"ends at: 2026-01-01T02:00:10Z".to_string()),
        "{:?}",
        report.after.lines
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.starts_with("matches PaymentDown") && n.contains("firing")),
        "{:?}",
        report.notes
    );
    assert!(read(&ops, &mutation).await.expect("read").lines.is_empty());

    let done = execute(&ops, &mutation, &report).await.expect("created");
    assert!(done.message.starts_with("silence "), "{}", done.message);
    assert!(done.message.contains("(active)"), "{}", done.message);
    let now = read(&ops, &mutation).await.expect("read back");
    assert_eq!(now.lines.len(), 1, "{:?}", now.lines);
    assert!(now.lines[0].contains(done.resource_version.as_deref().unwrap_or("?")));

    let muted = plan(&ops, &mutation).await.expect("plan");
    assert!(
        muted.notes.iter().any(|n| n.contains("already muted")),
        "{:?}",
        muted.notes
    );
}

fn command(name: &str, argv: &[&str], timeout: Duration) -> Mutation {
    Mutation::Command {
        name: name.into(),
        argv: argv.iter().map(|s| s.to_string()).collect(),
        timeout,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_run_only_from_the_allowlist() {
    let sim = common::start("steady", common::options(28, common::FIXED_START), None).await;
    let program = |name: &str, prefix: &[&str]| {
        (
            name.to_string(),
            prefix.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    };
    let policy = CommandPolicy {
        enabled: true,
        programs: [
            program("echo", &["/bin/echo"]),
            program("fail", &["/bin/sh", "-c", "echo oops >&2; exit 3"]),
            program("sleep", &["/bin/sleep"]),
        ]
        .into_iter()
        .collect(),
    };
    let ops = ops_with(&targets(&sim), policy, &sim);
    let second = Duration::from_secs(5);
    let echo = command("echo", &["/bin/echo", "promoted", "$(id)"], second);
    let report = plan(&ops, &echo).await.expect("plan");
    assert_eq!(report.refusal, None);
    assert_eq!(report.after.lines, ["run: /bin/echo promoted $(id)"]);
    let done = execute(&ops, &echo, &report).await.expect("ran");
    assert_eq!(
        done.message, "/bin/echo exited 0: promoted $(id)",
        "no shell expands it"
    );

    let failing = command("fail", &["/bin/sh", "-c", "echo oops >&2; exit 3"], second);
    let report = plan(&ops, &failing).await.expect("plan");
    match execute(&ops, &failing, &report).await {
        Err(ExecError::Rejected(message)) => {
            assert_eq!(message, "/bin/sh exited with 3: oops")
        }
        other => panic!("expected a rejection, got {other:?}"),
    }

    let hanging = command("sleep", &["/bin/sleep", "30"], Duration::from_millis(300));
    let report = plan(&ops, &hanging).await.expect("plan");
    match execute(&ops, &hanging, &report).await {
        Err(ExecError::Unknown(message)) => assert!(message.contains("killed"), "{message}"),
        other => panic!("expected an unknown outcome, got {other:?}"),
    }

    let outside = command("rm", &["/bin/rm", "-rf", "/tmp/never"], second);
    let report = plan(&ops, &outside).await.expect("plan");
    assert!(
        report
            .refusal
            .as_deref()
            .is_some_and(|r| r.contains("not in the config's allowlist")),
        "{:?}",
        report.refusal
    );
    let forced = PlanReport {
        refusal: None,
        ..report
    };
    match execute(&ops, &outside, &forced).await {
        Err(ExecError::Rejected(message)) => {
            assert!(
                message.contains("not in the config's allowlist"),
                "{message}"
            )
        }
        other => panic!("defence in depth: expected a rejection, got {other:?}"),
    }
    let smuggled = command("echo", &["/bin/sh", "-c", "id"], second);
    let report = PlanReport {
        refusal: None,
        ..plan(&ops, &smuggled).await.expect("plan")
    };
    assert!(matches!(
        execute(&ops, &smuggled, &report).await,
        Err(ExecError::Rejected(_))
    ));
}

/// A target whose API server is at `server` instead of the simulator.
fn redirected(sim: &common::Sim, cluster: &str, server: &str) -> Vec<ClusterTarget> {
    let mut targets = targets(sim);
    for target in &mut targets {
        if target.name == cluster {
            for named in &mut target.kubeconfig.clusters {
                if named.name == cluster
                    && let Some(c) = named.cluster.as_mut()
                {
                    c.server = Some(server.to_string());
                }
            }
        }
    }
    targets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execute_against_a_black_hole_is_unknown_and_against_a_closed_port_not_sent() {
    let sim = common::start("steady", common::options(29, common::FIXED_START), None).await;
    let mutation = scale("us-east-1", 5);
    let report = plan(&ops(&sim), &mutation).await.expect("plan");

    let hole = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = hole.local_addr().expect("address");
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&held);
    let accepting = tokio::spawn(async move {
        while let Ok((socket, _)) = hole.accept().await {
            keep.lock().expect("lock").push(socket);
        }
    });
    let black_hole = ops_with(
        &redirected(&sim, "us-east-1", &format!("http://{address}")),
        CommandPolicy::default(),
        &sim,
    )
    .with_timeouts(Duration::from_millis(500), Duration::from_millis(800));
    match execute(&black_hole, &mutation, &report).await {
        Err(ExecError::Unknown(message)) => {
            assert!(message.contains("outcome unknown"), "{message}")
        }
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
    assert!(
        !held.lock().expect("lock").is_empty(),
        "the request reached the listener"
    );
    accepting.abort();

    let closed = format!("http://127.0.0.1:{}", common::free_port());
    let nowhere = ops_with(
        &redirected(&sim, "us-east-1", &closed),
        CommandPolicy::default(),
        &sim,
    );
    match execute(&nowhere, &mutation, &report).await {
        Err(ExecError::NotSent(message)) => {
            assert!(message.contains("connection refused"), "{message}")
        }
        other => panic!("expected not sent, got {other:?}"),
    }
    assert_eq!(spec_replicas(&sim, "us-east-1").await, 3);
}

/// A fake Patroni: `GET /cluster` with two members, `POST /failover` recorded.
async fn fake_patroni() -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    use axum::routing::{get, post};
    let posted = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&posted);
    let app = axum::Router::new()
        .route(
            "/cluster",
            get(|| async {
                axum::Json(json!({"scope": "orders", "members": [
                    {"name": "pg-1", "role": "leader", "state": "running", "timeline": 4},
                    {"name": "pg-2", "role": "replica", "state": "streaming", "timeline": 4, "lag": 2048},
                    {"name": "pg-3", "role": "replica", "state": "stopped", "lag": "unknown"},
                ]}))
            }),
        )
        .route(
            "/failover",
            post(move |axum::Json(body): axum::Json<serde_json::Value>| {
                let record = Arc::clone(&record);
                async move {
                    record.lock().expect("lock").push(body);
                    "Successfully failed over to \"pg-2\""
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{address}"), posted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patroni_failover_plans_roles_and_lag_then_posts_the_candidate() {
    let (url, posted) = fake_patroni().await;
    let patroni = [("orders".to_string(), url.parse().expect("url"))]
        .into_iter()
        .collect();
    let ops = Ops::new(&[], patroni, CommandPolicy::default());
    let promote = |candidate: &str| Mutation::PromotePatroni {
        endpoint: "orders".into(),
        candidate: candidate.into(),
        max_lag: None,
    };
    let report = plan(&ops, &promote("pg-2")).await.expect("plan");
    assert_eq!(report.refusal, None);
    assert_eq!(
        changed(&report),
        [
            DiffLine::Removed("member pg-1: leader, running".into()),
            DiffLine::Removed("member pg-2: replica, streaming, lag 2048 bytes".into()),
            DiffLine::Added("member pg-1: replica, running".into()),
            DiffLine::Added("member pg-2: leader, streaming".into()),
        ]
    );
    assert!(
        report.notes.iter().any(|n| n.contains("2048 bytes")),
        "{:?}",
        report.notes
    );
    assert!(
        posted.lock().expect("lock").is_empty(),
        "a plan posts nothing"
    );
    let done = execute(&ops, &promote("pg-2"), &report)
        .await
        .expect("failover");
    assert!(
        done.message.contains("Successfully failed over"),
        "{}",
        done.message
    );
    assert_eq!(
        *posted.lock().expect("lock"),
        [json!({"candidate": "pg-2"})]
    );

    let leader = plan(&ops, &promote("pg-1")).await.expect("plan");
    assert!(
        leader
            .already
            .as_deref()
            .is_some_and(|r| r.contains("already the leader"))
    );
    let stopped = plan(&ops, &promote("pg-3")).await.expect("plan");
    assert!(
        stopped
            .refusal
            .as_deref()
            .is_some_and(|r| r.contains("stopped"))
    );
    let unknown = plan(
        &ops,
        &Mutation::PromotePatroni {
            endpoint: "missing".into(),
            candidate: "pg-2".into(),
            max_lag: None,
        },
    )
    .await;
    assert!(unknown.is_err_and(|e| e.message.contains("not configured")));
}
