//! Service level objectives in the config: `[[slos]]` tables and the Sloth, OpenSLO and
//! Pyrra files named by `slo_files`, all resolved into [`SloSpec`]s with exact targets and
//! every problem reported as file:line:col and field path.

mod check;
mod files;
mod import;
mod rule_data;
mod table;

use crate::config::walk::{Tab, Walker};
use crate::slo::SloSpec;

pub(crate) use table::Context;

/// Reads `[[slos]]`, then the files named by `slo_files`, into SLO specs with unique names.
pub(crate) fn slos(w: &mut Walker<'_>, root: &Tab<'_, '_>, cx: &Context<'_>) -> Vec<SloSpec> {
    let mut specs = table::slos(w, root, cx);
    let mut taken: Vec<(String, String)> = specs
        .iter()
        .map(|s| (s.name.as_str().to_string(), s.origin.as_str().to_string()))
        .collect();
    specs.extend(files::slo_files(w, root, cx.paths, &mut taken));
    specs
}

/// Imports one Sloth, OpenSLO or Pyrra YAML file on its own (for `watchdeck slo` and tools):
/// its SLOs, or every problem as `file:line:col: field.path: message`.
pub fn load_slo_file(path: &std::path::Path) -> Result<Vec<SloSpec>, crate::config::ConfigError> {
    use crate::config::{ConfigError, ConfigErrors};
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let shown = path.display().to_string();
    let (specs, problems) = files::import_text(&text, &shown, &mut Vec::new());
    if problems.is_empty() {
        Ok(specs)
    } else {
        Err(ConfigError::Invalid(ConfigErrors::new(problems)))
    }
}

/// Converts a Pyrra `ServiceLevelObjective` read from a cluster (as JSON) with the same code
/// as the file import; the problems come back as `field.path: message` sentences.
pub fn pyrra_object(
    object: &serde_json::Value,
    cluster: &str,
) -> Result<Vec<SloSpec>, Vec<String>> {
    import::pyrra_object(object, cluster).map_err(|issues| {
        issues
            .into_iter()
            .map(|i| {
                if i.path.is_empty() {
                    i.message
                } else {
                    format!("{}: {}", i.path, i.message)
                }
            })
            .collect()
    })
}

#[cfg(test)]
mod table_tests;
