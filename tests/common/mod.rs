//! Shared test harness: a simulated fleet served on free loopback ports, and helpers to
//! find the external programs the protocol tests run (kubectl, prometheus, alertmanager).

#![allow(dead_code)]

pub mod alertmanager;
pub mod daemon;
pub mod k8s;
pub mod ops;
pub mod prometheus;
pub mod slo_rules;
pub mod victoria;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use watchdeck_sim::clock::Millis;
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::server;
use watchdeck_sim::server::Running;

/// bad-deploy's payment v1.4.2 (8% HTTP 500) rolled out in us-east-1 as the test starts, so
/// a real Prometheus started with the fleet sees the errors within seconds.
pub const BAD_DEPLOY_NOW: &str = r#"
name = "bad-deploy-now"
description = "payment v1.4.2 (8% 5xx) rolls out in us-east-1 as the test starts"

[[versions]]
service = "payment"
version = "v1.4.2"
error_ratio = 0.08
latency_ms = 95.0

[[events]]
at = "0s"
action = "deploy"
cluster = "us-east-1"
service = "payment"
version = "v1.4.2"
change_cause = "ci: deploy payment v1.4.2"
"#;

/// 2026-01-01T00:00:00Z: a fixed start, for tests that compare answers.
pub const FIXED_START: Millis = 1_767_225_600_000;

pub struct Sim {
    pub running: Running,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

/// Options with a short warm-up so tests start fast.
pub fn options(seed: u64, start: Millis) -> SimOptions {
    let mut options = SimOptions::new(seed, start);
    options.warmup_ms = 6 * 60_000;
    options
}

/// Starts a fleet; `speed` None keeps virtual time still (tests step it themselves).
pub async fn start(scenario: &str, options: SimOptions, speed: Option<f64>) -> Sim {
    watchdeck_io::install_tls_provider();
    let scenario = if scenario.contains('\n') {
        Scenario::parse(scenario, "test scenario").expect("test scenario parses")
    } else {
        Scenario::resolve(scenario).expect("scenario")
    };
    let fleet = tokio::task::spawn_blocking(move || Fleet::new(scenario, &options))
        .await
        .expect("fleet builds");
    let running = server::start(Arc::new(fleet), "127.0.0.1:0".parse().expect("addr"), speed)
        .await
        .expect("simulator starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kubeconfig");
    server::write_kubeconfig(&kubeconfig, &running.endpoints).expect("kubeconfig written");
    Sim {
        running,
        dir,
        kubeconfig,
    }
}

impl Sim {
    /// Steps virtual time forward by `ms` (for fleets started without a ticker).
    pub async fn advance(&self, ms: Millis) {
        let fleet = Arc::clone(&self.running.fleet);
        tokio::task::spawn_blocking(move || {
            let target = fleet.now.get() + ms;
            fleet.advance_to(target);
        })
        .await
        .expect("advance");
    }

    /// A kube-rs client for one simulated cluster, through the fleet's kubeconfig.
    pub async fn kube_client(&self, context: &str) -> kube::Client {
        let kubeconfig =
            kube::config::Kubeconfig::read_from(&self.kubeconfig).expect("kubeconfig parses");
        let options = kube::config::KubeConfigOptions {
            context: Some(context.to_string()),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .expect("config");
        kube::Client::try_from(config).expect("client")
    }

    pub fn endpoint(&self, cluster: &str) -> &server::ClusterEndpoints {
        self.running
            .endpoints
            .iter()
            .find(|e| e.name == cluster)
            .expect("cluster endpoint")
    }
}

/// A program the test needs, or a failure that says how to install it.
pub fn require(program: &str, package: &str) -> PathBuf {
    require_any(&[program], package)
}

/// The first of several names a program goes by (Debian names Alertmanager
/// `prometheus-alertmanager`, upstream `alertmanager`).
pub fn require_any(names: &[&str], package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| is_executable(candidate))
        .unwrap_or_else(|| panic!("{} is not on the PATH: run scripts/test as root, or `apt-get install --no-install-recommends {package}`", names.join(" or ")))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A free loopback port (bound then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
