//! Starting and driving runbook runs from the console: every entry point goes through
//! `start`, and the engine's effects become app effects.

use jiff::Timestamp;

use crate::effect::Effect;
use crate::model::Model;
use crate::model::runs::StartRun;

/// Validates the parameters against the runbook, builds the run context from the model
/// (cluster policies, SLO budgets and paging alerts per cluster) and starts the run, or
/// shows why it cannot start.
pub fn start(model: &mut Model, start: StartRun, now: Timestamp) -> Vec<Effect> {
    let _ = (model, start, now);
    unimplemented!("issue 5: update::runs::start")
}
