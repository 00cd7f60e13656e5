//! Runbooks in the console: the library the palette and alerts offer, the run in progress,
//! and the request every entry point (palette, alert, direct action from a view) makes to
//! start one, so they all go through the same engine and guards.

use std::sync::Arc;

use crate::runbook::engine::Run;
use crate::runbook::spec::Runbook;

/// A request to start a run: a runbook file, or the one-step runbook a direct action builds.
#[derive(Debug, Clone, PartialEq)]
pub struct StartRun {
    pub runbook: Arc<Runbook>,
    /// Parameter values as given (validated when the run starts).
    pub given: Vec<(String, String)>,
    /// The alert that led here (`HighErrorRate{service="payment"}`), for the audit log.
    pub alert: Option<String>,
}

/// The console's runbook state.
#[derive(Debug, Clone, Default)]
pub struct Runs {
    /// Every runbook available: built-in and the config's directories, by id.
    pub library: Vec<Arc<Runbook>>,
    /// The run on screen, if any.
    pub active: Option<Run>,
}

impl PartialEq for Runs {
    /// Runs compare by library and by whether one is active (the engine state is not
    /// compared: it holds floats).
    fn eq(&self, other: &Self) -> bool {
        self.library == other.library && self.active.is_some() == other.active.is_some()
    }
}
