//! The simulator as its own program: `watchdeck-sim` prints its endpoints, writes a kubeconfig
//! that Debian's kubectl uses to read the fleet, and stops on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn watchdeck_sim_serves_a_fleet_kubectl_can_read() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let kubeconfig = dir.path().join("sim.kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchdeck-sim"))
        .args(["--scenario", "steady", "--speed", "5", "--write-kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("watchdeck-sim starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line of output");
        let last = line.starts_with("alertmanager ap-southeast-1 ");
        lines.push(line);
        if last {
            break;
        }
    }
    assert_eq!(
        lines.len(),
        10,
        "kubeconfig plus three endpoints per cluster: {lines:?}"
    );
    assert!(lines[0].starts_with("kubeconfig "), "{lines:?}");
    for cluster in ["us-east-1", "eu-west-1", "ap-southeast-1"] {
        for api in ["kubernetes", "prometheus", "alertmanager"] {
            let prefix = format!("{api} {cluster} http://127.0.0.1:");
            assert!(
                lines.iter().any(|l| l.starts_with(&prefix)),
                "{prefix} in {lines:?}"
            );
        }
    }
    let output = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(["--context", "eu-west-1", "get", "deployments", "-n", "shop"])
        .output()
        .expect("kubectl runs (Debian's kubernetes-client; scripts/test installs it)");
    let listed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{listed} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    for deployment in ["api-gateway", "payment", "notification"] {
        assert!(listed.contains(deployment), "{deployment} in {listed}");
    }
    let pid = child.id().to_string();
    let term = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(term.is_ok_and(|s| s.success()), "SIGTERM sent");
    let status = child.wait().expect("watchdeck-sim exits");
    assert!(status.success(), "exit status after SIGTERM: {status}");
}
