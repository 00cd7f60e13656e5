//! Real Kubernetes control planes for tests: the binaries scripts/k8s-build makes from Go
//! modules (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok), started by
//! its k8s-up launcher on loopback in a temporary directory, one control plane per cluster,
//! with fixtures/k8s applied. Dropping the handle (or the test process ending) stops them.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The three clusters of the simulated fleet.
pub const CLUSTERS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-1"];

/// Where scripts/k8s-build put the binaries: `WATCHDECK_K8S_BIN` (scripts/test sets it), else
/// target/k8s/bin of this checkout.
pub fn bin_dir() -> PathBuf {
    std::env::var_os("WATCHDECK_K8S_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/k8s/bin"))
}

pub struct ControlPlane {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    pub dir: tempfile::TempDir,
    /// One context per cluster and identity: NAME (admin), NAME-view, NAME-shop.
    pub kubeconfig: PathBuf,
    /// The watchdeck config k8s-up wrote: one `[[clusters]]` per control plane.
    pub config: PathBuf,
}

impl ControlPlane {
    /// Starts one control plane per name in `clusters`; `extra` goes to k8s-up as is.
    pub fn start(clusters: &[&str], extra: &[&str]) -> ControlPlane {
        let launcher = bin_dir().join("k8s-up");
        assert!(
            launcher.exists(),
            "{} is missing: run scripts/k8s-build (scripts/test does it first)",
            launcher.display()
        );
        // Under target/ (cargo's CARGO_TARGET_TMPDIR): a control plane shared through a
        // static is never dropped, so its directory is not removed; k8s-up removes its own
        // state (etcd data, about 200 MB for three clusters) when it shuts down.
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temporary directory");
        let state = dir.path().join("state");
        let log_path = dir.path().join("k8s-up.log");
        let log = std::fs::File::create(&log_path).expect("k8s-up log");
        let fleet = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/k8s");
        let mut child = Command::new(&launcher)
            .arg("--dir")
            .arg(&state)
            .arg("--fleet")
            .arg(&fleet)
            .arg("--clusters")
            .arg(clusters.join(","))
            .arg("--control-stdin")
            .arg("--remove-dir-on-exit")
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", launcher.display()));
        let stdin = child.stdin.take().expect("k8s-up stdin");
        let stdout = child.stdout.take().expect("k8s-up stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let mut plane = ControlPlane {
            child,
            stdin,
            lines,
            kubeconfig: state.join("kubeconfig"),
            config: state.join("watchdeck.toml"),
            dir,
        };
        let started = Instant::now();
        match plane.lines.recv_timeout(Duration::from_secs(300)) {
            Ok(line) if line.starts_with("ready ") => {
                eprintln!(
                    "k8s-up: {} control plane(s) ready in {:.1} s",
                    clusters.len(),
                    started.elapsed().as_secs_f64()
                );
                plane
            }
            other => {
                let _ = plane.child.kill();
                let _ = plane.child.wait();
                panic!(
                    "k8s-up did not become ready ({other:?}); its log:\n{}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
            }
        }
    }

    /// Sends one control command (stop|start CLUSTER COMPONENT, compact CLUSTER); returns the
    /// "ok ..." answer, panics on an error answer.
    pub fn command(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").expect("k8s-up takes commands");
        self.stdin.flush().expect("k8s-up takes commands");
        match self.lines.recv_timeout(Duration::from_secs(180)) {
            Ok(line) if line.starts_with("ok") => line,
            other => panic!("k8s-up `{command}`: {other:?}"),
        }
    }

    /// Runs kubectl against `context`; Ok(stdout) or Err(stderr).
    pub fn try_kubectl(&self, context: &str, args: &[&str]) -> Result<String, String> {
        try_kubectl(&self.kubeconfig, context, args)
    }

    /// Runs kubectl against `context`; its stdout, or a panic with its stderr.
    pub fn kubectl(&self, context: &str, args: &[&str]) -> String {
        kubectl(&self.kubeconfig, context, args)
    }

    /// `kubectl get -o json`, parsed.
    pub fn get_json(&self, context: &str, args: &[&str]) -> serde_json::Value {
        get_json(&self.kubeconfig, context, args)
    }

    /// The watchdeck config with `extra` appended to every `[[clusters]]` entry (for
    /// example a Prometheus or Alertmanager URL) and each context renamed by `suffix`
    /// (`-view`, `-shop`, or "" for admin).
    pub fn config_with(&self, suffix: &str, extra: impl Fn(&str) -> String) -> PathBuf {
        let text = std::fs::read_to_string(&self.config).expect("watchdeck.toml");
        let mut out = String::new();
        let mut current: Option<String> = None;
        let flush = |out: &mut String, current: &Option<String>| {
            if let Some(name) = current {
                out.push_str(&extra(name));
            }
        };
        for line in text.lines() {
            if line.trim() == "[[clusters]]" {
                flush(&mut out, &current);
                current = None;
            }
            if let Some(name) = line
                .strip_prefix("name = \"")
                .and_then(|s| s.strip_suffix('"'))
            {
                current = Some(name.to_string());
            }
            if let Some(context) = line
                .strip_prefix("context = \"")
                .and_then(|s| s.strip_suffix('"'))
            {
                out.push_str(&format!("context = \"{context}{suffix}\"\n"));
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        flush(&mut out, &current);
        let path = self
            .dir
            .path()
            .join(format!("watchdeck{suffix}-{}.toml", out.len()));
        std::fs::write(&path, out).expect("config written");
        path
    }
}

/// Runs kubectl with `kubeconfig` against `context`; Ok(stdout) or Err(stderr).
pub fn try_kubectl(kubeconfig: &Path, context: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--context")
        .arg(context)
        .args(args)
        .output()
        .expect("kubectl runs");
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// [`try_kubectl`]'s stdout, or a panic with its stderr.
pub fn kubectl(kubeconfig: &Path, context: &str, args: &[&str]) -> String {
    try_kubectl(kubeconfig, context, args)
        .unwrap_or_else(|e| panic!("kubectl --context {context} {}: {e}", args.join(" ")))
}

/// `kubectl get ARGS -o json`, parsed.
pub fn get_json(kubeconfig: &Path, context: &str, args: &[&str]) -> serde_json::Value {
    let mut full = vec!["get"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["-o", "json"]);
    serde_json::from_str(&kubectl(kubeconfig, context, &full)).expect("kubectl prints JSON")
}

impl Drop for ControlPlane {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.stdin.flush();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
