//! `watchdeck check` from start to exit code: resolve what to look at (config file or the
//! simulated fleet), collect one answer from every source, print the report.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use super::collect::Collector;
use super::exit;
use super::report::{self, Report};
use crate::cli::{CheckArgs, CheckFormat};
use crate::console::{targets_from_config, targets_from_simulator};
use watchdeck_core::clock::Clock;
use watchdeck_core::config;
use watchdeck_core::model::time::human_duration;
use watchdeck_core::slo::SloSpec;
use watchdeck_io::sources::target::ClusterTarget;

/// Runs the check and returns the process exit code; the report goes to stdout, errors for
/// people to stderr.
pub async fn run(config_path: Option<PathBuf>, args: CheckArgs) -> u8 {
    let report = match collect("check", config_path, &args).await {
        Ok(report) => report,
        Err(code) => return code,
    };
    print(&render(&report, args.format));
    report.exit_code
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Resolves what to look at (config file or the simulated fleet), collects one answer from
/// every source and builds the report; on failure, says why on stderr (prefixed with
/// `watchdeck {command}`) and returns the exit code.
pub async fn collect(
    command: &str,
    config_path: Option<PathBuf>,
    args: &CheckArgs,
) -> Result<Report, u8> {
    if let Err(message) = args.validate() {
        eprintln!("watchdeck {command}: {message}");
        return Err(exit::USAGE);
    }
    let loaded = match config::discover(config_path.as_deref()) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("watchdeck {command}: {error}");
            return Err(exit::USAGE);
        }
    };
    let report = match loaded {
        Some(loaded) => {
            let targets = match targets_from_config(&loaded.config) {
                Ok(targets) => targets,
                Err(error) => {
                    eprintln!("watchdeck {command}: {}: {error:#}", loaded.path.display());
                    return Err(exit::USAGE);
                }
            };
            let subject = format!("config {}", loaded.path.display());
            let slos = loaded.config.slos.clone();
            snapshot(&targets, slos, Clock::Wall, args.timeout, &subject).await
        }
        None => {
            let sim = match super::sim::start(&args.scenario, args.seed, args.at, args.speed).await
            {
                Ok(sim) => sim,
                Err(error) => {
                    eprintln!("watchdeck {command}: cannot start the simulated fleet: {error:#}");
                    return Err(exit::INTERNAL);
                }
            };
            let targets = match targets_from_simulator(&sim.running.endpoints) {
                Ok(targets) => targets,
                Err(error) => {
                    eprintln!("watchdeck {command}: {error:#}");
                    return Err(exit::INTERNAL);
                }
            };
            let subject = format!(
                "simulated fleet: scenario {}, seed {}, at {}",
                args.scenario,
                args.seed,
                human_duration(i64::try_from(args.at.as_secs()).unwrap_or(i64::MAX))
            );
            let clock = Clock::Virtual(sim.running.fleet.now.clone());
            let slos = watchdeck_sim::scenario::Scenario::resolve(&args.scenario)
                .map(|scenario| watchdeck_sim::slos::scenario_slos(&scenario))
                .unwrap_or_default();
            snapshot(&targets, slos, clock, args.timeout, &subject).await
        }
    };
    Ok(report)
}

/// Starts the sources of `targets` (with the `slos` and any Pyrra SLOs found in the
/// clusters), waits until each source and each SLO cluster has answered once or `timeout`
/// passes, and returns the report at that moment.
pub async fn snapshot(
    targets: &[ClusterTarget],
    slos: Vec<SloSpec>,
    clock: Clock,
    timeout: Duration,
    subject: &str,
) -> Report {
    let (model, now) = snapshot_model(targets, slos, clock, timeout).await;
    report::build(&model, now, subject)
}

/// What the console would know once every source answered (or `timeout` passed): the model
/// and its moment. `watchdeck run` reads its risk gates from it.
pub async fn snapshot_model(
    targets: &[ClusterTarget],
    slos: Vec<SloSpec>,
    clock: Clock,
    timeout: Duration,
) -> (watchdeck_core::model::Model, Timestamp) {
    let deadline = tokio::time::Instant::now() + timeout;
    let slos = tokio::time::timeout(
        timeout,
        watchdeck_io::slo_discovery::with_pyrra_slos(targets, slos.clone()),
    )
    .await
    .unwrap_or(slos);
    let mut collector = Collector::start_with_slos(targets, slos, clock);
    collector.first_answers(deadline).await;
    collector.first_slo_answers(deadline).await;
    let now: Timestamp = collector.now();
    (collector.model, now)
}

/// The report in the chosen format, ending in a newline.
pub fn render(report: &Report, format: CheckFormat) -> String {
    match format {
        CheckFormat::Table => super::table::render(report),
        CheckFormat::Markdown => super::markdown::render(report),
        CheckFormat::Json => {
            let mut json = serde_json::to_string_pretty(report).unwrap_or_else(|error| {
                format!("{{\"error\": \"cannot serialize the report: {error}\"}}")
            });
            json.push('\n');
            json
        }
    }
}
