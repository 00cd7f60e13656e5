//! The runbooks the console offers: the ones shipped in runbooks/ (embedded in the binary,
//! so they work from any directory) and those in the configured directories, which
//! override a built-in of the same id.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::parse::{RunbookError, load_dir, parse_runbook};
use super::spec::Runbook;

/// The shipped runbooks: file name in runbooks/ and text.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "canary-promote-or-abort.md",
        include_str!("../../../../runbooks/canary-promote-or-abort.md"),
    ),
    (
        "incident-triage.md",
        include_str!("../../../../runbooks/incident-triage.md"),
    ),
    (
        "regional-failover.md",
        include_str!("../../../../runbooks/regional-failover.md"),
    ),
    (
        "rollback-bad-deploy.md",
        include_str!("../../../../runbooks/rollback-bad-deploy.md"),
    ),
    (
        "scale-for-traffic-spike.md",
        include_str!("../../../../runbooks/scale-for-traffic-spike.md"),
    ),
];

/// The shipped runbooks, parsed; their source reads `runbooks/<file>`.
pub fn built_in() -> (Vec<Arc<Runbook>>, Vec<RunbookError>) {
    let mut runbooks = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in BUILT_IN {
        match parse_runbook(text, &Path::new("runbooks").join(file)) {
            Ok(runbook) => runbooks.push(Arc::new(runbook)),
            Err(e) => errors.extend(e),
        }
    }
    (runbooks, errors)
}

/// The built-in runbooks, then every `*.md` in `dirs` in order: a file replaces an
/// earlier runbook with the same id (its file stem). Sorted by id. Files that fail to
/// parse are reported and left out (a broken override leaves the built-in in place).
pub fn load(dirs: &[PathBuf]) -> (Vec<Arc<Runbook>>, Vec<RunbookError>) {
    let (mut runbooks, mut errors) = built_in();
    for dir in dirs {
        let (found, problems) = load_dir(dir);
        errors.extend(problems);
        for runbook in found {
            let runbook = Arc::new(runbook);
            match runbooks.iter_mut().find(|r| r.id == runbook.id) {
                Some(slot) => *slot = runbook,
                None => runbooks.push(runbook),
            }
        }
    }
    runbooks.sort_by(|a, b| a.id.cmp(&b.id));
    (runbooks, errors)
}
