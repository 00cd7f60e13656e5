//! Runbook operations as the engine asks for them (plan, execute), and silences made the way
//! the console and `watchdeck run` make them: planned, then executed, as OS user `oncall`, at
//! the fleet's virtual time.

use std::time::Duration;

use watchdeck_core::clock::Clock;
use watchdeck_core::clock::VirtualNow;
use watchdeck_core::matcher::{MatchOp, Matcher};
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, OpOutcome, OpRequest, PlanReport};
use watchdeck_core::runbook::resolved::Mutation;
use watchdeck_io::ops::Ops;
use watchdeck_io::sources::target::ClusterTarget;

/// Operations on one cluster, as OS user `oncall`, at the fleet's virtual time.
pub fn silence_ops(target: &ClusterTarget, fleet_now: &VirtualNow) -> Ops {
    Ops::new(
        std::slice::from_ref(target),
        Default::default(),
        Default::default(),
    )
    .with_clock(Clock::Virtual(fleet_now.clone()))
    .with_os_user("oncall")
}

/// A matcher `name="value"` (or `=~` when `regex`).
pub fn matcher(name: &str, value: &str, regex: bool) -> Matcher {
    Matcher::new(name, MatchOp::from_flags(true, regex), value)
}

pub async fn plan(ops: &Ops, mutation: &Mutation) -> Result<PlanReport, OpError> {
    match ops.perform(OpRequest::Plan(mutation.clone())).await {
        OpOutcome::Plan(result) => result.map(|plan| *plan),
        other => panic!("a plan answers with a plan, not {other:?}"),
    }
}

pub async fn execute(
    ops: &Ops,
    mutation: &Mutation,
    plan: &PlanReport,
) -> Result<Executed, ExecError> {
    let request = OpRequest::Execute {
        mutation: mutation.clone(),
        plan: Box::new(plan.clone()),
    };
    match ops.perform(request).await {
        OpOutcome::Executed(result) => result,
        other => panic!("an execution answers with its result, not {other:?}"),
    }
}

/// Creates the silence; returns its id.
pub async fn create_silence(
    ops: &Ops,
    cluster: &str,
    matchers: Vec<Matcher>,
    duration: Duration,
    comment: &str,
) -> String {
    let mutation = Mutation::Silence {
        cluster: cluster.to_string(),
        matchers,
        duration,
        comment: comment.to_string(),
    };
    let plan = plan(ops, &mutation).await.expect("silence plan");
    let done = execute(ops, &mutation, &plan)
        .await
        .expect("silence created");
    match done.resource_version {
        Some(id) => id,
        None => panic!("no silence id in {}", done.message),
    }
}

/// Expires silence `id`: the plan (what the run panel shows) and the execution's result.
pub async fn expire_silence(ops: &Ops, cluster: &str, id: &str) -> (PlanReport, Executed) {
    let mutation = Mutation::ExpireSilence {
        cluster: cluster.to_string(),
        id: id.to_string(),
    };
    let plan = plan(ops, &mutation).await.expect("expire plan");
    let done = execute(ops, &mutation, &plan)
        .await
        .expect("silence expired");
    (plan, done)
}
