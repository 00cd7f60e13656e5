//! incident-triage as shipped: eight read-only checks from errors to the database, each
//! probed with its parameters filled in and its value shown; the first failing one stops
//! with its value; nothing is ever planned, executed or audited, even on a read-only cluster.
//! The diff, confirmation, roll back and unknown-outcome scenarios of the other runbooks
//! need a mutation; incident-triage has none.

use std::time::Duration;

use super::super::fixtures::observed;
use super::super::harness::{Harness, Kind};
use super::{CONDITION, choices, failed, failing, probes, shipped_run};
use crate::runbook::engine::{Answer, Gate, Recovery, RunResult, StepStatus};
use crate::runbook::resolved::{Comparison, ObjectKind, ObjectRef, Probe};

/// The value each check shows when it holds, in step order.
const VALUES: [&str; 8] = [
    "0.002 (want < 0.01)",
    "0.006 (want < 0.01)",
    "0.31 (want < 0.5)",
    "0 (want <= 1)",
    "4/4 updated and ready",
    "1 (want == 1)",
    "lag 2s (want < 30s)",
    "0.41 (want < 0.8)",
];

fn run(cluster: &str) -> Harness {
    let mut h = shipped_run("incident-triage", &[("cluster", cluster)]);
    for value in VALUES {
        h.script(Kind::Probe, observed(true, value));
    }
    h
}

fn object(namespace: &str, kind: ObjectKind, name: &str) -> ObjectRef {
    ObjectRef {
        cluster: "staging".into(),
        namespace: namespace.into(),
        kind,
        name: name.into(),
    }
}

/// Nothing but probes was requested and nothing was audited.
fn assert_read_only(h: &Harness) {
    for kind in [
        Kind::Identity,
        Kind::Access,
        Kind::Plan,
        Kind::Execute,
        Kind::Read,
    ] {
        assert_eq!(h.count(kind), 0, "{kind:?} requested: {:?}", h.requests());
    }
    assert!(h.audits().is_empty());
}

#[test]
fn every_check_probes_its_condition_in_order_and_shows_its_value() {
    let mut h = run("staging");
    h.start();
    assert_eq!(
        h.result(),
        Some(&RunResult::Completed),
        "no question is asked"
    );
    let p = probes(&h);
    assert_eq!(p.len(), 8);
    let queries: Vec<(usize, Comparison, f64, &str)> = p
        .iter()
        .enumerate()
        .filter_map(|(i, probe)| match probe {
            Probe::Query {
                cluster,
                query,
                op,
                threshold,
            } => {
                assert_eq!(cluster, "staging");
                Some((i, *op, *threshold, query.as_str()))
            }
            _ => None,
        })
        .collect();
    let shapes: Vec<(usize, Comparison, f64)> =
        queries.iter().map(|(i, op, t, _)| (*i, *op, *t)).collect();
    assert_eq!(
        shapes,
        [
            (0, Comparison::Lt, 0.01),
            (1, Comparison::Lt, 0.01),
            (2, Comparison::Lt, 0.5),
            (3, Comparison::Le, 1.0),
            (5, Comparison::Eq, 1.0),
            (7, Comparison::Lt, 0.8),
        ]
    );
    assert!(queries[0].3.starts_with(
        "sum(rate(http_requests_total{cluster=\"staging\",namespace=\"shop\",status=~\"5..\"}[5m]))"
    ));
    assert!(queries[1].3.starts_with("max(sum by (service) (rate("));
    assert!(
        queries[2]
            .3
            .starts_with("max(histogram_quantile(0.95, sum by (service, le)")
    );
    assert_eq!(
        queries[3].3,
        "max(increase(kube_pod_container_status_restarts_total{cluster=\"staging\",namespace=\"shop\"}[10m]))"
    );
    assert_eq!(
        queries[4].3,
        "min(pg_up{cluster=\"staging\",namespace=\"database\"})"
    );
    assert!(
        queries[5]
            .3
            .contains("pg_settings_max_connections{cluster=\"staging\",namespace=\"database\"}")
    );
    assert_eq!(
        p[4],
        Probe::RolloutComplete {
            object: object("shop", ObjectKind::Deployment, "api-gateway")
        }
    );
    assert_eq!(
        p[6],
        Probe::ReplicationLag {
            object: object("database", ObjectKind::CnpgCluster, "orders-db"),
            below: Duration::from_secs(30)
        }
    );

    for (i, value) in VALUES.iter().enumerate() {
        assert_eq!(h.status(i), &StepStatus::Done((*value).into()), "step {i}");
    }
    assert!(
        matches!(h.status(8), StepStatus::Done(t) if t.starts_with("Checks on staging done: any you continued past is marked failed above"))
    );
    assert_read_only(&h);
}

#[test]
fn the_first_failing_check_stops_with_its_value_and_later_checks_never_run() {
    let mut h = run("staging");
    h.reset(Kind::Probe)
        .script(Kind::Probe, observed(true, VALUES[0]))
        .script(Kind::Probe, observed(true, VALUES[1]))
        .script(Kind::Probe, observed(false, "1.84 (want < 0.5)"));
    h.start();
    assert_eq!(h.status(2), &failing("1.84 (want < 0.5)"));
    assert_eq!(h.prompt().gate, Gate::Failure);
    assert_eq!(
        h.prompt().message,
        "1.84 (want < 0.5)\nRetry, continue anyway, or stop the run?"
    );
    assert_eq!(choices(&h), CONDITION);
    h.answer(Answer::Recover(Recovery::Stop));
    assert_eq!(h.result(), Some(&failed(2, "1.84 (want < 0.5)")));
    assert_eq!(h.count(Kind::Probe), 3);
    assert!((3..9).all(|i| h.status(i) == &StepStatus::Pending));
    assert_read_only(&h);
}

#[test]
fn a_check_that_cannot_be_evaluated_is_reported_and_continue_runs_the_rest() {
    let mut h = run("staging");
    h.reset(Kind::Probe)
        .script(Kind::Probe, observed(true, VALUES[0]))
        .script(
            Kind::Probe,
            crate::runbook::op::OpOutcome::Probed(Err(crate::runbook::op::OpError::new(
                "prometheus on staging: connection refused",
            ))),
        )
        .script(Kind::Probe, observed(true, "ok"));
    h.start();
    let failed = "could not check: prometheus on staging: connection refused";
    assert_eq!(h.status(1), &StepStatus::Failed(failed.into()));
    h.answer(Answer::Recover(Recovery::Continue));
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert_eq!(
        h.status(1),
        &StepStatus::Failed(failed.into()),
        "still shown as failed"
    );
    assert_eq!(
        h.run.steps()[1].log,
        ["continued by the user although the condition did not hold"]
    );
    assert_eq!(h.count(Kind::Probe), 8);
    assert_read_only(&h);
}

#[test]
fn triage_runs_on_a_read_only_cluster_and_never_asks_for_a_change() {
    let mut h = run("frozen");
    h.start();
    assert_eq!(h.result(), Some(&RunResult::Completed));
    assert!(probes(&h).iter().all(|p| p.cluster() == "frozen"));
    assert!(!h.requests().iter().any(|r| r.mutates()));
    assert_read_only(&h);
}
