//! Substitutes validated parameter values into a step's typed fields and templates,
//! turning a `spec::Step` into an `action::Action` when the engine reaches it.

use super::action::Action;
use super::params::{CommandPolicy, Values};
use super::spec::Step;

/// Substitutes `values` into the step's typed fields and templates. Fails (worded for
/// people) when a referenced parameter has no value, a substituted field does not fit its
/// type, or a command is not allowlisted or commands are disabled.
pub fn resolve(step: &Step, values: &Values, commands: &CommandPolicy) -> Result<Action, String> {
    let _ = (step, values, commands);
    unimplemented!("issue 5: params::resolve")
}
