//! The watchdeck binary: parses the command line, sets up logging, and runs the console or
//! the simulator.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use watchdeck::cli::{Cli, Command, SimArgs};
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::server;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version print to stdout and succeed; usage errors exit 64 (not
            // clap's 2, which `watchdeck check` uses for "critical").
            let usage_error = error.use_stderr();
            let _ = error.print();
            return if usage_error {
                ExitCode::from(watchdeck::check::exit::USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    watchdeck_io::install_tls_provider();
    let log_path = cli.log_file.clone().or_else(default_log_path);
    if let Err(error) = init_logging(log_path.as_ref()) {
        eprintln!("watchdeck: logging disabled: {error}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("watchdeck: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Some(Command::Sim(args)) => runtime.block_on(run_sim(args)),
        Some(Command::Check(args)) => Ok(ExitCode::from(
            runtime.block_on(watchdeck::check::run(cli.config.clone(), args)),
        )),
        Some(Command::Slo(args)) => Ok(ExitCode::from(
            runtime.block_on(watchdeck::check::slo_cmd::run(cli.config.clone(), args)),
        )),
        Some(Command::Run(args)) => Ok(ExitCode::from(
            runtime.block_on(watchdeck::run::run(cli.config.clone(), args)),
        )),
        Some(Command::Audit(args)) => Ok(ExitCode::from(watchdeck::audit::run(
            cli.config.clone(),
            &args,
        ))),
        Some(Command::Demo(args)) => runtime.block_on(watchdeck::story::demo::run(args)),
        None => runtime.block_on(watchdeck::console::run(
            cli.config.clone(),
            cli.demo.clone(),
            cli.cast.clone(),
        )),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("watchdeck: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn default_log_path() -> Option<PathBuf> {
    watchdeck_core::config::state_dir().map(|dir| dir.join("watchdeck.log"))
}

fn init_logging(path: Option<&PathBuf>) -> anyhow::Result<()> {
    let Some(path) = path else { return Ok(()) };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("WATCHDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| anyhow::anyhow!(e))?;
    Ok(())
}

async fn run_sim(args: SimArgs) -> anyhow::Result<ExitCode> {
    args.demo.validate().map_err(anyhow::Error::msg)?;
    let scenario = Scenario::resolve(&args.demo.scenario)?;
    let start = match &args.start {
        Some(text) => watchdeck_sim::clock::parse_rfc3339(text).ok_or_else(|| {
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
