//! The loop's side of runbook runs: audit records written synchronously before the
//! execution that follows them, and a run that cannot be audited ending without executing.

use std::sync::{Arc, Mutex};

use super::*;
use watchdeck_core::action::Key;
use watchdeck_core::fixture::runs::{at_first_gate, plan, run_model};
use watchdeck_core::runbook::audit::AuditPhase;
use watchdeck_core::runbook::op::{OpOutcome, OpRequest};
use watchdeck_io::audit::{AuditLine, read_all};
use watchdeck_io::run_io::{Perform, RunIo};

/// A performer that records what it was asked and answers with an error.
fn recording() -> (Perform, Arc<Mutex<Vec<OpRequest>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let perform: Perform = Arc::new(move |request: OpRequest| {
        log.lock().unwrap().push(request.clone());
        Box::pin(async move { watchdeck_io::run_io::failed(&request, "test: not performed") })
    });
    (perform, seen)
}

fn executor(audit: std::path::PathBuf) -> (Executor, Arc<Mutex<Vec<OpRequest>>>) {
    let (tx, _rx) = mpsc::channel(8);
    let (perform, seen) = recording();
    let executor = Executor::new(Vec::new(), tx).with_runs(RunIo::new(Some(perform), Some(audit)));
    (executor, seen)
}

/// Approves the plan, and answers the re-check the approved step makes before it executes
/// (operation 4, after identity, access and the plan) with the same plan.
fn yes(model: &mut Model, executor: &mut Option<Executor>) {
    let mut dirty = false;
    let msg = Msg::Key {
        key: Key::Char('y'),
        now: watchdeck_core::fixture::at(20),
    };
    assert!(!apply(model, executor, &Clock::Wall, msg, &mut dirty));
    assert!(dirty);
    let rechecked = Msg::RunOutcome {
        run: model.runs.seq,
        id: 4,
        outcome: Box::new(OpOutcome::Plan(Ok(Box::new(plan(4, 6))))),
        now: watchdeck_core::fixture::at(21),
    };
    assert!(!apply(model, executor, &Clock::Wall, rechecked, &mut dirty));
}

#[tokio::test]
async fn an_unwritable_audit_file_ends_the_run_without_executing() {
    let dir = tempfile::tempdir().unwrap();
    // A regular file where the audit file's directory should be: fails even for root,
    // which a read-only directory would not stop.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let path = blocker.join("audit.jsonl");
    let mut model = run_model();
    at_first_gate(&mut model, "staging-eu-1", 6);
    let (executor, seen) = executor(path.clone());
    let mut executor = Some(executor);

    yes(&mut model, &mut executor);

    let why = model.runs.halted.clone().expect("the run is halted");
    assert!(
        why.contains(&path.display().to_string()),
        "names the file: {why}"
    );
    assert!(why.contains("not executed"), "{why}");
    assert_eq!(
        executor.as_mut().unwrap().runs().started(),
        1,
        "the re-check only: the execution after the failed record was dropped"
    );
    tokio::task::yield_now().await;
    assert!(
        !seen.lock().unwrap().iter().any(|r| r.mutates()),
        "nothing executed"
    );
    assert!(model.runs.panel.visible);
    assert!(!path.exists());
}

#[tokio::test]
async fn the_attempt_record_is_on_disk_before_the_execution_starts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state").join("audit.jsonl");
    let mut model = run_model();
    at_first_gate(&mut model, "staging-eu-1", 6);
    let (executor, _seen) = executor(path.clone());
    let mut executor = Some(executor);

    yes(&mut model, &mut executor);

    assert!(model.runs.halted.is_none());
    assert_eq!(
        executor.as_mut().unwrap().runs().started(),
        2,
        "the re-check and the execution"
    );
    let lines = read_all(&path).unwrap();
    let [AuditLine::Record(record)] = &lines[..] else {
        panic!("one attempt record expected: {lines:?}");
    };
    assert_eq!(record.phase, AuditPhase::Attempt);
    assert_eq!(record.cluster, "staging-eu-1");
    assert_eq!(record.object, "deployment/payment");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn operation_outcomes_come_back_tagged_with_their_run() {
    let (perform, seen) = recording();
    let mut io = RunIo::new(Some(perform), None);
    let request = OpRequest::Identity {
        cluster: "staging-eu-1".to_string(),
    };
    io.start(7, 3, request.clone(), Duration::from_millis(1));
    let reply = io.next_reply().await.unwrap();
    assert_eq!((reply.run, reply.id), (7, 3));
    assert!(matches!(reply.outcome, OpOutcome::Identity(Err(_))));
    assert_eq!(*seen.lock().unwrap(), vec![request]);
}
