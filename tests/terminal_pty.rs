//! The real binary under a pseudo-terminal: the terminal is restored (alternate screen left,
//! cursor shown, mouse reporting off) when the console is stopped by SIGTERM or SIGHUP or
//! quits by key, and hostile strings from a cluster never reach the terminal as escapes.

mod common;
mod pty;

use std::time::Duration;

use pty::{Console, foreign_sequences, start, tail};

/// The sequences `tui::restore` writes, in order: mouse reporting off, focus reports off,
/// leave the alternate screen, show the cursor.
const RESTORE: &[&str] = &["\x1b[?1000l", "\x1b[?1004l", "\x1b[?1049l", "\x1b[?25h"];

/// A config watching the simulator: one cluster per simulated region, no Prometheus.
fn config_for(sim: &common::Sim, home: &std::path::Path) -> std::path::PathBuf {
    let mut text = String::from("[ui]\nrefresh_interval = \"1s\"\n");
    for endpoint in &sim.running.endpoints {
        text.push_str(&format!(
            "\n[[clusters]]\nname = \"{}\"\nkubeconfig = \"{}\"\n\n[[clusters.alertmanagers]]\nurl = \"{}\"\n",
            endpoint.name,
            sim.kubeconfig.display(),
            endpoint.alertmanager
        ));
    }
    let path = home.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

async fn console_on(scenario: &str) -> (common::Sim, tempfile::TempDir, Console) {
    let options = common::options(7, common::FIXED_START);
    let sim = common::start(scenario, options, Some(1.0)).await;
    let home = tempfile::tempdir().unwrap();
    let config = config_for(&sim, home.path());
    let config = config.to_str().unwrap().to_string();
    let console = start(home.path(), &["--config", &config]);
    (sim, home, console)
}

/// The output after the console entered the alternate screen must end with the restore
/// sequences, in order, and nothing drawn after them.
fn assert_restored(output: &[u8]) {
    let text = String::from_utf8_lossy(output);
    let entered = text.find("\x1b[?1049h").expect("alternate screen entered");
    let after = &text[entered..];
    let mut at = 0;
    for sequence in RESTORE {
        let found = after[at..].find(sequence).unwrap_or_else(|| {
            panic!("{sequence:?} missing after the last frame: {}", tail(after))
        });
        at += found + sequence.len();
    }
    // Dropping the terminal may show the cursor once more; nothing else may follow.
    let rest = after[at..].replace("\x1b[?25h", "");
    assert!(
        rest.trim().is_empty(),
        "output after the restore: {}",
        tail(&rest)
    );
}

async fn stop_with(signal: &str) {
    let (_sim, _home, mut console) = console_on("steady").await;
    console.wait_for("the overview", |t| {
        t.contains("Overview") && t.contains("us-east-1")
    });
    // Let it draw a few frames with data, then stop it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    console.signal(signal);
    let status = console.wait_exit();
    let output = console.output();
    assert!(status.success(), "exit status after SIG{signal}: {status}");
    assert_restored(&output);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_restores_the_terminal() {
    stop_with("TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_restores_the_terminal() {
    stop_with("HUP").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_cluster_text_never_reaches_the_terminal_as_escapes() {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/scenarios/hostile.toml"
    );
    let (_sim, _home, mut console) = console_on(scenario).await;
    // The hostile alert is on screen, its escapes shown as inert pictures (␛).
    console.wait_for("the hostile alert", |t| t.contains("HOSTILE␛[2J"));
    console.signal("TERM");
    let status = console.wait_exit();
    let output = console.output();
    assert!(status.success(), "{status}");
    let problems = foreign_sequences(&output);
    assert!(
        problems.is_empty(),
        "{} foreign sequences, first: {:?}",
        problems.len(),
        &problems[..problems.len().min(5)]
    );
    assert_restored(&output);
}
