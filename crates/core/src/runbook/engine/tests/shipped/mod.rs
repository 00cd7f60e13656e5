//! Scenario tests of the runbooks shipped in runbooks/, exactly as `library::built_in()`
//! embeds and parses them: parameters validated with their defaults, operations answered by
//! the scripted harness. They fail when a runbook file or the engine changes what a user
//! would see. One file per runbook (two for the longer ones); the helpers they share are here.

mod canary_promote_or_abort;
mod incident_triage;
mod regional_failover;
mod regional_failover_scaling;
mod rollback_bad_deploy;
mod rollback_bad_deploy_after;
mod scale_for_traffic_spike;

pub(super) use rollback_bad_deploy::rollback_plan;

use super::fixtures::context;
use super::harness::{Harness, Kind};
use crate::runbook::engine::{
    Answer, ClusterPolicy, Expect, Gate, Recovery, RunContext, RunResult, StepStatus,
};
use crate::runbook::library::built_in;
use crate::runbook::op::diff::diff;
use crate::runbook::op::{ExecError, OpOutcome, OpRequest, PlanReport, Snapshot};
use crate::runbook::params::validate;
use crate::runbook::resolved::{Mutation, Probe};
use crate::runbook::spec::Runbook;

/// The shipped runbook `id`; panics when any shipped file fails to parse.
pub(super) fn shipped(id: &str) -> Runbook {
    let (runbooks, errors) = built_in();
    assert!(
        errors.is_empty(),
        "shipped runbooks do not parse: {errors:?}"
    );
    match runbooks.iter().find(|r| r.id == id) {
        Some(r) => (**r).clone(),
        None => panic!("no shipped runbook {id}"),
    }
}

/// The fixtures' clusters (`staging`, `prod` production, `frozen` read-only) plus the two
/// regions regional-failover defaults to, all production: `us-east-1`, `eu-west-1` and
/// `ap-southeast-1`.
pub(super) fn shipped_context() -> RunContext {
    let mut ctx = context();
    for region in ["us-east-1", "eu-west-1", "ap-southeast-1"] {
        ctx.clusters.insert(
            region.to_owned(),
            ClusterPolicy {
                context: format!("{region}-admin"),
                read_only: false,
                production: true,
            },
        );
    }
    ctx
}

/// A harness for shipped runbook `id` in `shipped_context()`, with `given` validated the way
/// `watchdeck run` validates `--param`s (defaults filled in).
pub(super) fn shipped_run(id: &str, given: &[(&str, &str)]) -> Harness {
    let runbook = shipped(id);
    let ctx = shipped_context();
    let clusters: Vec<String> = ctx.clusters.keys().cloned().collect();
    let given: Vec<(String, String)> = given
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let values = match validate(&runbook, &given, &clusters) {
        Ok(values) => values,
        Err(errors) => panic!("parameters of {id} refused: {errors:?}"),
    };
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    Harness::new(runbook, &pairs, ctx)
}

/// Answers every confirmation (confirm steps and guards) with what passes it, until the run
/// ends or fails; returns each gate asked with its message, in order.
pub(super) fn pass_gates(h: &mut Harness) -> Vec<(Gate, String)> {
    let mut asked = Vec::new();
    while let Some(prompt) = h.run.prompt().cloned() {
        if matches!(prompt.gate, Gate::Failure | Gate::OutcomeUnknown) {
            break;
        }
        asked.push((prompt.gate, prompt.message));
        match prompt.expect {
            Expect::Typed(text) => h.answer(Answer::Typed(text)),
            _ => h.answer(Answer::Yes),
        };
    }
    asked
}

/// The gates of `pass_gates`, without their messages.
pub(super) fn gates(asked: &[(Gate, String)]) -> Vec<Gate> {
    asked.iter().map(|(g, _)| *g).collect()
}

/// Every mutation sent for execution, in order.
pub(super) fn executed(h: &Harness) -> Vec<Mutation> {
    h.requests()
        .into_iter()
        .filter_map(|r| match r {
            OpRequest::Execute { mutation, .. } => Some(mutation.clone()),
            _ => None,
        })
        .collect()
}

/// Every mutation planned, in order.
pub(super) fn planned_mutations(h: &Harness) -> Vec<Mutation> {
    h.requests()
        .into_iter()
        .filter_map(|r| match r {
            OpRequest::Plan(mutation) => Some(mutation.clone()),
            _ => None,
        })
        .collect()
}

/// Every condition probed (checks, waits, verifications), in order.
pub(super) fn probes(h: &Harness) -> Vec<Probe> {
    h.requests()
        .into_iter()
        .filter_map(|r| match r {
            OpRequest::Probe(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

/// `(name, replicas)` of each scale sent for execution, in order.
pub(super) fn scaled(h: &Harness) -> Vec<(String, i32)> {
    executed(h)
        .into_iter()
        .filter_map(|m| match m {
            Mutation::Scale {
                object, replicas, ..
            } => Some((object.name, replicas)),
            _ => None,
        })
        .collect()
}

/// A plan as ops reports it: the snapshots before and after, diffed line by line.
pub(super) fn plan_of(before: &[&str], after: &[&str]) -> PlanReport {
    let snapshot = |lines: &[&str]| Snapshot {
        resource_version: Some("41".to_owned()),
        lines: lines.iter().map(|l| (*l).to_owned()).collect(),
    };
    let (before, after) = (snapshot(before), snapshot(after));
    PlanReport {
        diff: diff(&before.lines, &after.lines),
        before,
        after,
        patch: serde_json::Value::Null,
        refusal: None,
        current_replicas: None,
        data_at_risk: None,
        target_replicas: None,
        ready_before: None,
        already: None,
        notes: Vec::new(),
    }
}

/// Scaling Deployment `name` from `from` to `to` replicas, as ops plans it.
pub(super) fn scale_of(name: &str, from: i32, to: i32) -> PlanReport {
    let image = format!("image {name}: {name}:2.3.0");
    let mut plan = plan_of(
        &[&format!("replicas: {from}"), &image, "paused: false"],
        &[&format!("replicas: {to}"), &image, "paused: false"],
    );
    plan.patch = serde_json::json!({"spec": {"replicas": to}});
    plan.current_replicas = Some(from);
    plan.target_replicas = Some(to);
    plan
}

/// The ways out offered after a check or wait that did not hold.
pub(super) const CONDITION: [Recovery; 3] = [Recovery::Retry, Recovery::Continue, Recovery::Stop];
/// After a change that went through and did not verify, where it has an inverse.
pub(super) const UNDOABLE: [Recovery; 4] = [
    Recovery::Verify,
    Recovery::RollBack,
    Recovery::Continue,
    Recovery::Stop,
];
/// After a change that went through and did not verify, without an inverse (a promotion).
pub(super) const NOT_UNDOABLE: [Recovery; 3] =
    [Recovery::Verify, Recovery::Continue, Recovery::Stop];
/// After a refusal, or a change without an inverse.
pub(super) const RETRY_OR_STOP: [Recovery; 2] = [Recovery::Retry, Recovery::Stop];
/// After an execution whose outcome is unknown.
pub(super) const UNKNOWN: [Recovery; 3] = [Recovery::Verify, Recovery::Continue, Recovery::Stop];

/// The choices of the current prompt; panics when it is not a choice.
pub(super) fn choices(h: &Harness) -> Vec<Recovery> {
    match &h.prompt().expect {
        Expect::Choice(c) => c.clone(),
        other => panic!("not a choice: {other:?}"),
    }
}

pub(super) fn stopped(step: usize, reason: &str) -> RunResult {
    RunResult::Stopped {
        step,
        reason: reason.to_owned(),
    }
}

pub(super) fn failed(step: usize, reason: &str) -> RunResult {
    RunResult::Failed {
        step,
        reason: reason.to_owned(),
    }
}

/// The kinds of every operation requested, in order: `Probe Identity Access Plan ...`.
pub(super) fn kinds(h: &Harness) -> String {
    let kinds: Vec<String> = h
        .requests()
        .iter()
        .map(|r| format!("{:?}", Kind::of(r)))
        .collect();
    kinds.join(" ")
}

pub(super) fn done(text: &str) -> StepStatus {
    StepStatus::Done(text.to_owned())
}

pub(super) fn failing(text: &str) -> StepStatus {
    StepStatus::Failed(text.to_owned())
}

/// Scripts the next execution to go unanswered (`ExecError::Unknown`) and the re-read to
/// show `lines`.
pub(super) fn unanswered(h: &mut Harness, message: &str, lines: &[&str]) {
    h.script(
        Kind::Execute,
        OpOutcome::Executed(Err(ExecError::Unknown(message.to_owned()))),
    );
    h.script(
        Kind::Read,
        OpOutcome::Read(Ok(Snapshot {
            resource_version: Some("77".to_owned()),
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        })),
    );
}
