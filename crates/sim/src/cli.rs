//! The simulator's command line, shared by `watchdeck sim` and the standalone `watchdeck-sim`
//! binary: which scenario, seed and speed, where to listen, and the run until a signal.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::fleet::{Fleet, SimOptions};
use crate::scenario::Scenario;
use crate::server;

/// How the built-in simulated fleet runs.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Scenario: steady, bad-deploy, region-outage, traffic-spike, hostile, or a path to a .toml file
    #[arg(long, default_value = "bad-deploy", value_name = "NAME")]
    pub scenario: String,

    /// Seed of the simulation; the same seed and scenario give the same fleet
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub seed: u64,

    /// Virtual seconds per real second
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub speed: f64,
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    #[command(flatten)]
    pub demo: DemoArgs,

    /// First address to listen on; port 0 picks free ports, another port counts up from it
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: SocketAddr,

    /// Write a kubeconfig with one context per cluster to FILE
    #[arg(long, value_name = "FILE")]
    pub write_kubeconfig: Option<PathBuf>,

    /// Virtual time of the scenario's start, RFC 3339 (default: now)
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
}

impl DemoArgs {
    /// Checks values clap cannot check by type.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.speed.is_finite() && self.speed > 0.0 && self.speed <= 1000.0) {
            return Err(format!(
                "--speed must be a number above 0 and at most 1000, got {}",
                self.speed
            ));
        }
        Ok(())
    }
}

/// Serves the fleet on loopback, prints its endpoints (and writes a kubeconfig), and runs
/// until SIGINT, SIGTERM or SIGHUP.
pub async fn run(args: SimArgs) -> anyhow::Result<ExitCode> {
    args.demo.validate().map_err(anyhow::Error::msg)?;
    let scenario = Scenario::resolve(&args.demo.scenario)?;
    let start = match &args.start {
        Some(text) => crate::clock::parse_rfc3339(text).ok_or_else(|| {
            anyhow::anyhow!(
                "--start: expected an RFC 3339 time such as 2026-01-01T00:00:00Z, got {text:?}"
            )
        })?,
        None => jiff::Timestamp::now().as_second() * 1000,
    };
    let options = SimOptions::new(args.demo.seed, start);
    let fleet = std::sync::Arc::new(
        tokio::task::spawn_blocking(move || Fleet::new(scenario, &options)).await?,
    );
    let running = server::start(fleet, args.listen, Some(args.demo.speed)).await?;
    if let Some(path) = &args.write_kubeconfig {
        server::write_kubeconfig(path, &running.endpoints)?;
        println!("kubeconfig {}", path.display());
    }
    for endpoint in &running.endpoints {
        println!("kubernetes {} {}", endpoint.name, endpoint.kubernetes);
        println!("prometheus {} {}", endpoint.name, endpoint.prometheus);
        println!("alertmanager {} {}", endpoint.name, endpoint.alertmanager);
    }
    wait_for_shutdown().await;
    drop(running);
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
