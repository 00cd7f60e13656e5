//! Starting and driving runbook runs from the console: every entry point goes through
//! `start`, operation outcomes and the user's answers go to the engine, and the engine's
//! effects become app effects tagged with the run's sequence number.

mod context;
mod keys;
mod quit;
#[cfg(test)]
mod quit_tests;
#[cfg(test)]
pub(crate) mod tests;

use jiff::Timestamp;

pub use self::context::{risk, run_id};
pub use self::keys::{on_key, show_panel};
pub use self::quit::{on_quit_key, quit};
use crate::effect::Effect;
use crate::model::Model;
use crate::model::runs::{Notice, RunPanel, StartRun};
use crate::runbook::audit::AuditPhase;
use crate::runbook::engine::{Run, RunContext, RunEffect, RunInput};
use crate::runbook::op::OpOutcome;
use crate::runbook::params;

/// Validates the parameters against the runbook, builds the run context from the model
/// (cluster policies, SLO budgets and paging alerts per cluster) and starts the run, or
/// shows why it cannot start.
pub fn start(model: &mut Model, start: StartRun, now: Timestamp) -> Vec<Effect> {
    let id = start.runbook.id.clone();
    if model.runs.busy() {
        let running = model
            .runs
            .active
            .as_ref()
            .map_or_else(String::new, |r| r.runbook().id.clone());
        model.runs.notice = Some(Notice {
            title: format!("{id} not started"),
            lines: vec![format!(
                "run {running} is still going (one run at a time): answer or stop it first"
            )],
        });
        model.runs.panel.visible = true;
        return vec![Effect::Render];
    }
    let clusters: Vec<String> = model.clusters.iter().map(|c| c.name.to_string()).collect();
    let values = match params::validate(&start.runbook, &start.given, &clusters) {
        Ok(values) => values,
        Err(errors) => {
            tracing::info!(runbook = %id, problems = errors.len(), "run refused: invalid parameters");
            model.runs.notice = Some(Notice {
                title: format!("{id} not started: fix the parameters and start it again"),
                lines: errors.iter().map(ToString::to_string).collect(),
            });
            model.runs.panel.visible = true;
            return vec![Effect::Render];
        }
    };
    let seq = model.runs.seq + 1;
    let previous = model
        .runs
        .active
        .as_ref()
        .map(|r| r.context().run_id.clone());
    let context = RunContext {
        clusters: model.runs.clusters.clone(),
        risk: risk(model),
        os_user: model.runs.os_user.clone(),
        alert: start.alert.clone(),
        dry_run: false,
        commands: model.runs.commands.clone(),
        run_id: run_id(now, seq, previous.as_deref()),
    };
    tracing::info!(runbook = %id, run = %context.run_id, "run started");
    let mut run = Run::new(start.runbook, values, context);
    let effects = run.start(now);
    let runs = &mut model.runs;
    runs.seq = seq;
    runs.active = Some(run);
    runs.halted = None;
    runs.notice = None;
    runs.panel = RunPanel {
        visible: true,
        ..RunPanel::default()
    };
    translate(model, effects)
}

/// Feeds the outcome of operation `id` to run `run`; outcomes of an older run, or of a run
/// the console halted, are dropped.
pub fn on_outcome(
    model: &mut Model,
    run: u64,
    id: u64,
    outcome: OpOutcome,
    now: Timestamp,
) -> Vec<Effect> {
    if run != model.runs.seq || model.runs.halted.is_some() {
        tracing::debug!(run, id, "outcome of an old run dropped");
        return Vec::new();
    }
    feed(model, RunInput::Op { id, outcome }, now)
}

/// The audit file refused a record of run `run`: the loop has dropped what followed it, the
/// run ends here and says so.
pub fn on_audit_failed(
    model: &mut Model,
    run: u64,
    phase: AuditPhase,
    error: String,
) -> Vec<Effect> {
    if run != model.runs.seq || model.runs.active.is_none() {
        return Vec::new();
    }
    let consequence = match phase {
        AuditPhase::Attempt => "the step was not executed and the run stopped here",
        AuditPhase::Result => {
            "the step was executed but its result is not in the audit file; the run stopped here, check the target by hand"
        }
        AuditPhase::Refused => "the run stopped here; nothing was executed",
    };
    model.runs.halted = Some(format!("{error}; {consequence}"));
    model.runs.panel.visible = true;
    vec![Effect::Render]
}

/// Gives `input` to the active run (if it is still going) and translates what it asks for.
pub(super) fn feed(model: &mut Model, input: RunInput, now: Timestamp) -> Vec<Effect> {
    if !model.runs.busy() {
        return Vec::new();
    }
    let fresh = risk(model);
    let Some(run) = model.runs.active.as_mut() else {
        return Vec::new();
    };
    // A page that appeared since the approval makes the next step on its cluster ask again.
    run.set_risk(fresh);
    let asked = run.prompt().cloned();
    let effects = run.handle(input, now);
    let prompt_changed = run.prompt().is_some() && run.prompt().cloned() != asked;
    if prompt_changed {
        // A new question: show the step it is about, from the top.
        model.runs.panel.selected = None;
        model.runs.panel.scroll = 0;
        model.runs.panel.input.clear();
    }
    translate(model, effects)
}

/// Engine effects to app effects, in order (the loop performs audit records before what
/// follows them).
fn translate(model: &mut Model, effects: Vec<RunEffect>) -> Vec<Effect> {
    let run = model.runs.seq;
    let mut out = Vec::with_capacity(effects.len() + 1);
    for effect in effects {
        match effect {
            RunEffect::Op { id, request, delay } => out.push(Effect::RunOp {
                run,
                id,
                request: Box::new(request),
                delay,
            }),
            RunEffect::Audit(record) => out.push(Effect::RunAudit { run, record }),
            RunEffect::Finished(result) => {
                tracing::info!(run, ?result, "run ended");
            }
        }
    }
    out.push(Effect::Render);
    out
}
