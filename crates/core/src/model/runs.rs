//! Runbooks in the console: the library the palette and alerts offer, the run in progress,
//! and the request every entry point (palette, alert, direct action from a view) makes to
//! start one, so they all go through the same engine and guards.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::runbook::engine::{ClusterPolicy, Run, StepStatus};
use crate::runbook::params::CommandPolicy;
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
    /// The run on screen, if any (kept after it ends, to show its result).
    pub active: Option<Run>,
    /// Mutation policy by cluster name (read-only, production, kubeconfig context).
    pub clusters: BTreeMap<String, ClusterPolicy>,
    /// Which programs `command` steps may run.
    pub commands: CommandPolicy,
    /// The operating-system user, for the audit log.
    pub os_user: String,
    /// Sequence number of the newest run started; operation outcomes tagged with an older
    /// one are dropped.
    pub seq: u64,
    /// Set when the console ended the active run itself (the audit file could not be
    /// written): why, worded for people. The engine gets no more input.
    pub halted: Option<String>,
    /// Why the last request to start a run was refused (invalid parameters, another run
    /// active): a title and one line per problem.
    pub notice: Option<Notice>,
    pub panel: RunPanel,
    /// Set while quitting waits for a yes: a run has a change applied and not verified (or
    /// is working); the question, worded.
    pub quit_question: Option<String>,
}

/// A message shown in the run panel instead of (or below) a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub lines: Vec<String>,
}

/// The run panel's view state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunPanel {
    /// Shown over the screen, taking every key; hidden with Esc while the run goes on.
    pub visible: bool,
    /// The step browsed with j/k; `None` follows the current step.
    pub selected: Option<usize>,
    /// First line of the step detail (guidance, diff, log) shown.
    pub scroll: u16,
    /// Text typed at a typed confirmation.
    pub input: crate::model::input::InputLine,
}

/// Where the active run stands, for the status bar and the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunPhase {
    /// Working (an operation in flight or a wait pending).
    Working,
    /// A prompt waits for the user.
    Asking,
    /// Ended by the engine or halted by the console.
    Ended,
}

impl Runs {
    /// Where the active run stands; `None` without one.
    pub fn phase(&self) -> Option<RunPhase> {
        let run = self.active.as_ref()?;
        Some(if self.halted.is_some() || run.result().is_some() {
            RunPhase::Ended
        } else if run.prompt().is_some() {
            RunPhase::Asking
        } else {
            RunPhase::Working
        })
    }

    /// True while a run is active and not ended: a new one must wait.
    pub fn busy(&self) -> bool {
        matches!(self.phase(), Some(RunPhase::Working | RunPhase::Asking))
    }

    /// The step the panel shows: the browsed one, else the current one, else the last one
    /// that did something (after the end).
    pub fn shown_step(&self) -> Option<usize> {
        let run = self.active.as_ref()?;
        let count = run.steps().len();
        if count == 0 {
            return None;
        }
        if let Some(selected) = self.panel.selected {
            return Some(selected.min(count - 1));
        }
        run.current().or_else(|| {
            run.steps()
                .iter()
                .rposition(|s| !matches!(s.status, StepStatus::Pending))
        })
    }

    /// The status-bar line while the panel is hidden:
    /// `run rollback-bad-deploy: step 3/6 waiting for you`.
    pub fn indicator(&self) -> Option<String> {
        let run = self.active.as_ref()?;
        let id = &run.runbook().id;
        let count = run.steps().len();
        let step = self.shown_step().map_or(0, |s| s + 1);
        let what = match self.phase()? {
            RunPhase::Working => format!("step {step}/{count} running"),
            RunPhase::Asking => format!("step {step}/{count} waiting for you"),
            RunPhase::Ended if self.halted.is_some() => "halted".to_string(),
            RunPhase::Ended => match run.result() {
                Some(crate::runbook::engine::RunResult::Completed) => "completed".to_string(),
                Some(crate::runbook::engine::RunResult::Stopped { step, .. }) => {
                    format!("stopped at step {}/{count}", step + 1)
                }
                Some(crate::runbook::engine::RunResult::Failed { step, .. }) => {
                    format!("failed at step {}/{count}", step + 1)
                }
                None => "ended".to_string(),
            },
        };
        Some(format!("run {id}: {what}"))
    }
}

impl PartialEq for Runs {
    /// Runs compare by everything but the engine state (it holds floats): whether a run is
    /// active stands for it.
    fn eq(&self, other: &Self) -> bool {
        self.library == other.library
            && self.active.is_some() == other.active.is_some()
            && self.clusters == other.clusters
            && self.commands == other.commands
            && self.os_user == other.os_user
            && self.seq == other.seq
            && self.halted == other.halted
            && self.notice == other.notice
            && self.panel == other.panel
            && self.quit_question == other.quit_question
    }
}
