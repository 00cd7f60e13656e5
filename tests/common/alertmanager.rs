//! Real Alertmanagers (Debian's `prometheus-alertmanager`) for tests, on free loopback
//! ports with their own storage and logs: alone (gossip off), or two replicas gossiping with
//! each other as one HA cluster, with intervals short enough for a test to see a silence
//! spread; and the console's view of a cluster's replicas (its target, one merged poll).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use tokio::process::Child;
use watchdeck_core::model::silence::AlertSnapshot;
use watchdeck_io::sources::alertmanager::{poll_replicas, replicas, url_endpoint, url_spec};
use watchdeck_io::sources::target::ClusterTarget;

use super::daemon::{spawn_logged, wait_ready};

pub struct RealAlertmanager {
    pub url: String,
    pub log: PathBuf,
    child: Child,
}

impl RealAlertmanager {
    /// One Alertmanager, gossip off; files named after `name` in `dir`.
    pub async fn start(dir: &Path, name: &str) -> RealAlertmanager {
        start(dir, name, &["--cluster.listen-address=".to_string()]).await
    }

    /// Two replicas of one Alertmanager on loopback, each peering the other: a silence
    /// created on one reaches the other by gossip within about a second (broadcasts go out
    /// with the next gossip round or probe, each every second; full state every 2 s), so a
    /// poll right after it was made usually finds it on one replica only.
    pub async fn start_pair(dir: &Path, name: &str) -> [RealAlertmanager; 2] {
        let ports = [super::free_port(), super::free_port()];
        let gossip = |me: u16, peer: u16| {
            vec![
                format!("--cluster.listen-address=127.0.0.1:{me}"),
                format!("--cluster.advertise-address=127.0.0.1:{me}"),
                format!("--cluster.peer=127.0.0.1:{peer}"),
                "--cluster.gossip-interval=1s".to_string(),
                "--cluster.pushpull-interval=2s".to_string(),
                "--cluster.settle-timeout=2s".to_string(),
                "--cluster.reconnect-interval=1s".to_string(),
            ]
        };
        let first = start(dir, &format!("{name}-1"), &gossip(ports[0], ports[1])).await;
        let second = start(dir, &format!("{name}-2"), &gossip(ports[1], ports[0])).await;
        [first, second]
    }

    /// Kills the process and waits for it to be gone.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("alertmanager killed");
    }

    /// The server's log, for failure messages.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `host:port`, as Prometheus's `alerting` section names it.
    pub fn host_port(&self) -> &str {
        self.url.trim_start_matches("http://")
    }
}

/// A cluster whose Alertmanager replicas are at `alertmanagers`, as the console targets it.
pub fn target(name: &str, alertmanagers: Vec<String>) -> ClusterTarget {
    ClusterTarget {
        read_only: false,
        production: false,
        name: name.to_string(),
        labels: Default::default(),
        kubeconfig: Default::default(),
        context: name.to_string(),
        namespaces: Vec::new(),
        alertmanagers: alertmanagers
            .iter()
            .map(|url| url_endpoint(url, Duration::from_secs(5)).unwrap())
            .collect(),
        alert_filter: Vec::new(),
        prometheus: None,
    }
}

/// One poll of the replicas at `urls`, merged as the alerts source merges them.
pub async fn snapshot(urls: &[String]) -> AlertSnapshot {
    let specs: Vec<_> = urls
        .iter()
        .map(|url| url_spec(url, Duration::from_secs(5)).unwrap())
        .collect();
    poll_replicas(&replicas(&specs).await.unwrap(), &[])
        .await
        .unwrap()
}

async fn start(dir: &Path, name: &str, cluster_args: &[String]) -> RealAlertmanager {
    let program = super::require_any(
        &["prometheus-alertmanager", "alertmanager"],
        "prometheus-alertmanager",
    );
    let config: PathBuf = dir.join(format!("{name}.yml"));
    std::fs::write(
        &config,
        json!({
            "route": {"receiver": "default", "group_by": ["alertname", "cluster"], "group_wait": "1s", "group_interval": "1s"},
            "receivers": [{"name": "default"}],
        })
        .to_string(),
    )
    .expect("alertmanager config");
    let port = super::free_port();
    let log = dir.join(format!("{name}.log"));
    let mut args = vec![
        format!("--config.file={}", config.display()),
        format!("--web.listen-address=127.0.0.1:{port}"),
        format!(
            "--storage.path={}",
            dir.join(format!("{name}-data")).display()
        ),
    ];
    args.extend(cluster_args.iter().cloned());
    let child = spawn_logged(&program, &args, &log);
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&url, "alertmanager", &log).await;
    RealAlertmanager { url, log, child }
}
