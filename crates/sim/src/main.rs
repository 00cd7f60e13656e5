//! `watchdeck-sim`: the simulated fleet on its own, for kubectl, curl, a real Prometheus or
//! another console; the same as `watchdeck sim`.

use std::process::ExitCode;

use clap::Parser;
use watchdeck_sim::cli::SimArgs;

/// The watchdeck fleet simulator: Kubernetes, Prometheus and Alertmanager APIs of a simulated
/// fleet on loopback, in virtual time
#[derive(Debug, Parser)]
#[command(name = "watchdeck-sim", version)]
struct SimCli {
    #[command(flatten)]
    sim: SimArgs,
}

fn main() -> ExitCode {
    let cli = SimCli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("watchdeck-sim: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(watchdeck_sim::cli::run(cli.sim)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("watchdeck-sim: {error:#}");
            ExitCode::FAILURE
        }
    }
}
