//! Parameter values: validated against their declared kind (DNS-1123 names, bounded numbers
//! and durations, configured clusters, choices) before a run starts. `resolve` substitutes
//! them into typed fields.

use std::collections::BTreeMap;

use super::spec::{ParamKind, Runbook};

/// Validated parameter values by name, in canonical text form (`16`, `15m`, `payment`).
pub type Values = BTreeMap<String, String>;

/// A parameter value that was refused, worded for people:
/// `parameter deployment: "web;id" is not a valid name: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub param: String,
    pub message: String,
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "parameter {}: {}", self.param, self.message)
    }
}

/// Programs `command` steps may run: allowlist name -> argv prefix. Off unless the config
/// enables it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandPolicy {
    pub enabled: bool,
    pub programs: BTreeMap<String, Vec<String>>,
}

/// Checks `given` (name, raw value) against the runbook's declarations: unknown names,
/// missing required values (no default), and each value against its kind. `clusters` are
/// the configured cluster names a `cluster` parameter may take. All problems are returned.
pub fn validate(
    runbook: &Runbook,
    given: &[(String, String)],
    clusters: &[String],
) -> Result<Values, Vec<ParamError>> {
    let _ = (runbook, given, clusters);
    unimplemented!("issue 5: params::validate")
}

/// One value against its kind; `Ok` holds the canonical text.
pub fn validate_value(
    kind: &ParamKind,
    value: &str,
    clusters: &[String],
) -> Result<String, String> {
    let _ = (kind, value, clusters);
    unimplemented!("issue 5: params::validate_value")
}
