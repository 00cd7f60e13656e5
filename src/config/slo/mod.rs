//! Service level objectives in the config: `[[slos]]` tables and the Sloth, OpenSLO and
//! Pyrra files named by `slo_files`, all resolved into [`SloSpec`]s with exact targets and
//! every problem reported as file:line:col and field path.

mod check;
mod table;

use crate::config::walk::{Tab, Walker};
use crate::model::slo::SloSpec;

pub(crate) use table::Context;

/// Reads `[[slos]]` (and, once present, `slo_files`) into SLO specs.
pub(crate) fn slos(w: &mut Walker<'_>, root: &Tab<'_, '_>, cx: &Context<'_>) -> Vec<SloSpec> {
    table::slos(w, root, cx)
}

#[cfg(test)]
mod table_tests;
