//! The runbook engine's own cost, without IO: parsing the shipped runbooks, and driving
//! regional-failover (13 steps: checks, a confirmation, a promotion, five scales, waits) from
//! start to finish with every operation answered at once and every gate accepted, the work
//! the engine adds on top of the cluster calls during an incident.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use watchdeck_core::runbook::engine::{
    Answer, ClusterPolicy, Expect, Recovery, Run, RunContext, RunEffect, RunInput, RunResult,
};
use watchdeck_core::runbook::library::built_in;
use watchdeck_core::runbook::op::{
    AccessVerdict, DiffLine, Executed, Observation, OpOutcome, OpRequest, PlanReport, Snapshot,
};
use watchdeck_core::runbook::spec::Runbook;

fn plan() -> PlanReport {
    PlanReport {
        before: Snapshot {
            resource_version: Some("41".into()),
            lines: vec!["replicas: 3".into(), "image: shop/order:v2.0.1".into()],
        },
        after: Snapshot {
            resource_version: Some("41".into()),
            lines: vec!["replicas: 8".into(), "image: shop/order:v2.0.1".into()],
        },
        diff: vec![
            DiffLine::Removed("replicas: 3".into()),
            DiffLine::Added("replicas: 8".into()),
            DiffLine::Context("image: shop/order:v2.0.1".into()),
        ],
        patch: serde_json::json!({"spec": {"replicas": 8}}),
        refusal: None,
        current_replicas: Some(3),
        data_at_risk: Some(Duration::from_secs(12)),
        target_replicas: None,
        ready_before: None,
        already: None,
        notes: Vec::new(),
    }
}

fn answer(request: &OpRequest) -> OpOutcome {
    match request {
        OpRequest::Identity { .. } => OpOutcome::Identity(Ok("sim-admin".into())),
        OpRequest::Access(_) => OpOutcome::Access(Ok(AccessVerdict {
            allowed: true,
            reason: String::new(),
        })),
        OpRequest::Plan(_) => OpOutcome::Plan(Ok(Box::new(plan()))),
        OpRequest::Execute { .. } => OpOutcome::Executed(Ok(Executed {
            resource_version: Some("42".into()),
            message: "applied".into(),
        })),
        OpRequest::Read(_) => OpOutcome::Read(Ok(Snapshot::default())),
        OpRequest::Probe(_) => OpOutcome::Probed(Ok(Observation {
            holds: true,
            value: "0.004 (want < 0.01)".into(),
            lag: Some(Duration::from_secs(12)),
        })),
    }
}

fn context() -> RunContext {
    let mut context = RunContext {
        os_user: "oncall".into(),
        run_id: "bench".into(),
        ..RunContext::default()
    };
    for name in ["us-east-1", "eu-west-1", "ap-southeast-1"] {
        context.clusters.insert(
            name.into(),
            ClusterPolicy {
                context: name.into(),
                read_only: false,
                production: true,
            },
        );
    }
    context
}

/// Drives the run to its end: operations answered at once, every gate accepted.
fn drive(runbook: &Arc<Runbook>, values: &BTreeMap<String, String>) -> RunResult {
    let mut run = Run::new(Arc::clone(runbook), values.clone(), context());
    let mut now = Timestamp::from_second(1_767_225_600).unwrap_or(Timestamp::UNIX_EPOCH);
    let mut pending = run.start(now);
    loop {
        let op = pending.iter().find_map(|e| match e {
            RunEffect::Op { id, request, .. } => Some((*id, answer(request))),
            _ => None,
        });
        pending = if let Some((id, outcome)) = op {
            now += jiff::SignedDuration::from_secs(1);
            run.handle(RunInput::Op { id, outcome }, now)
        } else if let Some(prompt) = run.prompt() {
            let reply = match &prompt.expect {
                Expect::YesNo => Answer::Yes,
                Expect::Typed(text) => Answer::Typed(text.clone()),
                Expect::Choice(_) => Answer::Recover(Recovery::Stop),
            };
            run.handle(RunInput::Answer(reply), now)
        } else {
            break;
        };
    }
    run.result().cloned().expect("the run ended")
}

fn bench(c: &mut Criterion) {
    c.bench_function("parse the 5 shipped runbooks", |b| {
        b.iter(|| {
            let (runbooks, errors) = built_in();
            assert!(errors.is_empty());
            runbooks.len()
        })
    });

    let (runbooks, _) = built_in();
    let failover = runbooks
        .iter()
        .find(|r| r.id == "regional-failover")
        .expect("regional-failover ships")
        .clone();
    let clusters = vec![
        "us-east-1".to_string(),
        "eu-west-1".to_string(),
        "ap-southeast-1".to_string(),
    ];
    let values = watchdeck_core::runbook::params::validate(&failover, &[], &clusters)
        .expect("the defaults validate");
    assert_eq!(drive(&failover, &values), RunResult::Completed);
    c.bench_function("regional-failover start to finish, no IO", |b| {
        b.iter(|| drive(&failover, &values))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
