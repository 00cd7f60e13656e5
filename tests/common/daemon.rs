//! Running real programs (Debian's Prometheus, Alertmanager and VictoriaMetrics) in tests:
//! start one with its stderr in a log file, wait until it answers, and wait for the
//! console's next event.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use watchdeck_core::event::DataEvent;

/// Starts `program` with `args`, stderr to `log`; killed when the handle drops.
pub fn spawn_logged(program: &Path, args: &[String], log: &Path) -> Child {
    let log = std::fs::File::create(log).expect("log file");
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()))
}

/// Waits (up to 20 s) until `{base}/-/ready` answers 2xx; panics with the program's log.
pub async fn wait_ready(base: &str, what: &str, log: &Path) {
    wait_answers(base, "/-/ready", what, log).await;
}

/// Waits (up to 20 s) until `{base}{path}` answers 2xx; panics with the program's log.
pub async fn wait_answers(base: &str, path: &str, what: &str, log: &Path) {
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client
            .get(format!("{base}{path}"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{what} at {base} did not become ready; its log:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// The next event a source or the executor sends, within 30 s.
pub async fn next_event(rx: &mut mpsc::Receiver<DataEvent>) -> DataEvent {
    tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("an answer within 30 s")
        .expect("channel open")
}
