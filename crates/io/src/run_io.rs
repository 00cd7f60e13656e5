//! The console's IO for runbook runs: each operation the engine asks for runs as a task
//! after its delay and answers on a bounded channel the loop reads; audit records are
//! written synchronously (opened on first use, one fsynced line each) so a record is on disk
//! before the loop performs anything that follows it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::audit::AuditLog;
use watchdeck_core::runbook::audit::AuditRecord;
use watchdeck_core::runbook::op::{ExecError, OpError, OpOutcome, OpRequest};

/// Performs one operation (in the console: `ops::Ops::perform`).
pub type Perform = Arc<dyn Fn(OpRequest) -> BoxFuture<'static, OpOutcome> + Send + Sync>;

/// Outcomes waiting for the loop; operations beyond this wait to send (backpressure).
const REPLY_CAPACITY: usize = 64;

/// The outcome of operation `id` of run `run`.
#[derive(Debug)]
pub struct RunReply {
    pub run: u64,
    pub id: u64,
    pub outcome: OpOutcome,
}

/// Runs operations and writes the audit file.
pub struct RunIo {
    perform: Option<Perform>,
    audit_path: Option<PathBuf>,
    audit: Option<AuditLog>,
    tx: mpsc::Sender<RunReply>,
    rx: mpsc::Receiver<RunReply>,
    tasks: JoinSet<()>,
    /// Operations started, for the log and tests.
    started: u64,
    /// Real time per unit of an operation's delay: 1 in the console; a story played at N
    /// times real time sets 1/N, so a verification's "every 5 s" is 5 s of virtual time.
    delay_scale: f64,
}

impl RunIo {
    /// `perform` runs operations (`None`: every operation fails, saying runbooks are not
    /// available); records go to `audit_path` (`None`: every record fails, so nothing is
    /// ever executed unaudited).
    pub fn new(perform: Option<Perform>, audit_path: Option<PathBuf>) -> Self {
        let (tx, rx) = mpsc::channel(REPLY_CAPACITY);
        RunIo {
            perform,
            audit_path,
            audit: None,
            tx,
            rx,
            tasks: JoinSet::new(),
            started: 0,
            delay_scale: 1.0,
        }
    }

    /// Scales every later operation's delay by `scale` (see [`RunIo::start`]); a scale that
    /// is not a positive finite number is ignored.
    pub fn set_delay_scale(&mut self, scale: f64) {
        if scale.is_finite() && scale > 0.0 {
            self.delay_scale = scale;
        }
    }

    /// Starts operation `id` of run `run` after `delay` (times the delay scale); returns at once.
    pub fn start(&mut self, run: u64, id: u64, request: OpRequest, delay: Duration) {
        while self.tasks.try_join_next().is_some() {}
        self.started += 1;
        let tx = self.tx.clone();
        let perform = self.perform.clone();
        let delay = delay.mul_f64(self.delay_scale);
        tracing::debug!(run, id, ?request, ?delay, "run operation");
        self.tasks.spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let outcome = match perform {
                Some(perform) => perform(request).await,
                None => failed(
                    &request,
                    "runbook operations are not available in this console",
                ),
            };
            let _ = tx.send(RunReply { run, id, outcome }).await;
        });
    }

    /// Appends `record` to the audit file and flushes it to disk; the error says which file
    /// and why.
    pub fn audit(&mut self, record: &AuditRecord) -> Result<(), String> {
        let log = match &mut self.audit {
            Some(log) => log,
            None => {
                let path = self.audit_path.as_ref().ok_or_else(|| {
                    "no audit file: set [runbooks] audit_file in the config (no state directory was found for the default)".to_string()
                })?;
                self.audit
                    .insert(AuditLog::open(path).map_err(|e| e.to_string())?)
            }
        };
        let result = log.append(record).map_err(|e| e.to_string());
        if result.is_err() {
            // Reopen on the next record: the file may have been fixed meanwhile.
            self.audit = None;
        }
        result
    }

    /// The next outcome; pending forever while none comes.
    pub async fn next_reply(&mut self) -> Option<RunReply> {
        self.rx.recv().await
    }

    /// Operations started so far.
    pub fn started(&self) -> u64 {
        self.started
    }
}

/// The failure outcome matching `request`'s kind, with `message`; an execution that could
/// not be sent changed nothing.
pub fn failed(request: &OpRequest, message: &str) -> OpOutcome {
    let error = OpError::new(message);
    match request {
        OpRequest::Identity { .. } => OpOutcome::Identity(Err(error)),
        OpRequest::Access(_) => OpOutcome::Access(Err(error)),
        OpRequest::Plan(_) => OpOutcome::Plan(Err(error)),
        OpRequest::Execute { .. } => {
            OpOutcome::Executed(Err(ExecError::NotSent(message.to_string())))
        }
        OpRequest::Read(_) => OpOutcome::Read(Err(error)),
        OpRequest::Probe(_) => OpOutcome::Probed(Err(error)),
    }
}
