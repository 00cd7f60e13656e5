//! Command-line interface: the console (default), the standalone simulator, and friends.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "watchdeck",
    version,
    about = "Terminal operations console: pods, metrics, alerts and SLOs across clusters",
    long_about = "watchdeck shows pod status, service metrics, alerts and SLO error budgets for every \
cluster at once, and runs guarded runbook actions.\n\nWith no config file it starts on a built-in \
simulated fleet (three clusters, no setup needed).",
    after_help = "Config: --config FILE, else $XDG_CONFIG_HOME/watchdeck/config.toml (~/.config/watchdeck/config.toml).\n\
Logs: $XDG_STATE_HOME/watchdeck/watchdeck.log (~/.local/state/watchdeck/watchdeck.log); never on screen."
)]
pub struct Cli {
    /// Config file listing clusters (default: the XDG config dir)
    #[arg(long, global = true, value_name = "FILE", env = "WATCHDECK_CONFIG")]
    pub config: Option<PathBuf>,

    /// Log file (default: the XDG state dir)
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    #[command(flatten)]
    pub demo: DemoArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the fleet simulator standalone, for kubectl, curl, a real Prometheus or another console
    Sim(SimArgs),
}

/// How the built-in simulated fleet runs.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Scenario: steady, bad-deploy, region-outage, traffic-spike, or a path to a .toml file
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
