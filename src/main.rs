//! The watchdeck binary: parses the command line, sets up logging, and runs the console or
//! the simulator.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use watchdeck::cli::{Cli, Command};

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
        Some(Command::Sim(args)) => runtime.block_on(watchdeck_sim::cli::run(args)),
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
