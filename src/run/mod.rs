//! `watchdeck run RUNBOOK`: one runbook run without the console, through the same engine,
//! guards and audit log: parameters validated, risk read from a snapshot of the fleet, every
//! question asked on the terminal or answered by `--yes` / `--confirm`, exit code by outcome.

pub mod answer;
pub mod print;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::check::exit;
use crate::cli::RunArgs;
use crate::console::{targets_from_config, targets_from_simulator};
use watchdeck_core::clock::Clock;
use watchdeck_core::config;
use watchdeck_core::config::Config;
use watchdeck_core::runbook::engine::{ClusterPolicy, Run, RunContext, RunResult, StepStatus};
use watchdeck_core::runbook::params;
use watchdeck_core::runbook::spec::Runbook;
use watchdeck_core::runbook::{library, parse};
use watchdeck_io::audit::AuditLog;
use watchdeck_io::audit::who::os_user;
use watchdeck_io::runner;
use watchdeck_io::sources::target::ClusterTarget;

use answer::{FlagAnswers, TerminalAnswers};
use print::TextProgress;

/// Exit codes of `watchdeck run` (see `cli::RUN_HELP`).
pub const COMPLETED: u8 = 0;
pub const STOPPED: u8 = 1;
pub const FAILED: u8 = 2;
pub const UNKNOWN: u8 = 3;
pub const AUDIT_UNWRITABLE: u8 = 74;

/// How long the snapshot that feeds the risk gates may take.
const SNAPSHOT_TIMEOUT: Duration = Duration::from_secs(15);

pub async fn run(config_path: Option<PathBuf>, args: RunArgs) -> u8 {
    match run_inner(config_path, args).await {
        Ok(code) => code,
        Err((code, message)) => {
            eprintln!("watchdeck run: {message}");
            code
        }
    }
}

type Failure = (u8, String);

async fn run_inner(config_path: Option<PathBuf>, args: RunArgs) -> Result<u8, Failure> {
    if !(args.speed.is_finite() && args.speed > 0.0 && args.speed <= 1000.0) {
        return Err((
            exit::USAGE,
            format!(
                "--speed must be above 0 and at most 1000, got {}",
                args.speed
            ),
        ));
    }
    let loaded =
        config::discover(config_path.as_deref()).map_err(|e| (exit::USAGE, e.to_string()))?;
    let config = loaded.as_ref().map(|l| &l.config);
    let library = load_library(config);
    if args.list {
        crate::check::run::print(&list(&library));
        return Ok(COMPLETED);
    }
    let wanted = args.runbook.clone().unwrap_or_default();
    let runbook = find_runbook(&library, &wanted)?;

    // The simulator (when there is no config) must outlive the run.
    let (targets, clock, slos, sim_fleet) = match &loaded {
        Some(loaded) => {
            let targets = targets_from_config(&loaded.config)
                .map_err(|e| (exit::USAGE, format!("{}: {e:#}", loaded.path.display())))?;
            (targets, Clock::Wall, loaded.config.slos.clone(), None)
        }
        None => {
            let sim =
                crate::check::sim::start(&args.scenario, args.seed, args.at, Some(args.speed))
                    .await
                    .map_err(|e| {
                        (
                            exit::INTERNAL,
                            format!("cannot start the simulated fleet: {e:#}"),
                        )
                    })?;
            let targets = targets_from_simulator(&sim.running.endpoints)
                .map_err(|e| (exit::INTERNAL, format!("{e:#}")))?;
            let clock = Clock::Virtual(sim.running.fleet.now.clone());
            let slos = watchdeck_sim::scenario::Scenario::resolve(&args.scenario)
                .map(|s| watchdeck_sim::slos::scenario_slos(&s))
                .unwrap_or_default();
            (targets, clock, slos, Some(sim))
        }
    };

    let cluster_names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    let given = parse_params(&args.params)?;
    let values = params::validate(&runbook, &given, &cluster_names).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        (
            exit::USAGE,
            format!(
                "runbook {} cannot start:\n{}\n{}",
                runbook.id,
                lines.join("\n"),
                params_help(&runbook)
            ),
        )
    })?;

    let audit_path = args
        .audit_file
        .clone()
        .or_else(|| config.and_then(|c| c.runbooks.audit_file.clone()))
        .or_else(watchdeck_io::audit::default_path)
        .ok_or_else(|| {
            (
                exit::USAGE,
                "no audit file: set HOME or XDG_STATE_HOME, or pass --audit-file".to_owned(),
            )
        })?;
    let mut audit = AuditLog::open(&audit_path).map_err(|e| (AUDIT_UNWRITABLE, e.to_string()))?;

    let (model, _) =
        crate::check::run::snapshot_model(&targets, slos, clock.clone(), SNAPSHOT_TIMEOUT).await;
    let commands = config
        .map(|c| c.runbooks.commands.clone())
        .unwrap_or_default();
    let context = RunContext {
        clusters: policies(&targets),
        risk: watchdeck_core::update::runs::risk(&model),
        os_user: os_user(),
        alert: args.alert.clone(),
        dry_run: args.dry_run,
        commands: commands.clone(),
        run_id: run_id(clock.now()),
    };
    let patroni = config
        .map(|c| c.runbooks.patroni.clone())
        .unwrap_or_default();
    let ops = watchdeck_io::ops::Ops::new(&targets, patroni, commands);

    println!("watchdeck run {}: {}", runbook.id, runbook.title);
    let shown: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!("  parameters: {}", shown.join(" "));
    if args.dry_run {
        println!("  dry run: every change is planned and shown, none is executed");
    }
    println!("  audit: {}", audit.path().display());

    let mut run = Run::new(Arc::clone(&runbook), values, context);
    // The simulated fleet's clock runs `speed` times real time: so do the run's waits.
    let real_per_virtual = if sim_fleet.is_some() {
        1.0 / args.speed
    } else {
        1.0
    };
    let mut progress = TextProgress::new(std::io::stdout());
    let now = || clock.now();
    let scripted = args.yes || !args.confirms.is_empty() || args.accept_data_loss.is_some();
    let result = if std::io::stdin().is_terminal() && !scripted {
        runner::drive(
            &mut run,
            &ops,
            &mut audit,
            &mut TerminalAnswers,
            &mut progress,
            now,
            real_per_virtual,
        )
        .await
    } else {
        let mut flags = FlagAnswers {
            yes: args.yes,
            confirms: args.confirms.clone(),
            accept_data_loss: args.accept_data_loss,
            tried: Vec::new(),
        };
        runner::drive(
            &mut run,
            &ops,
            &mut audit,
            &mut flags,
            &mut progress,
            now,
            real_per_virtual,
        )
        .await
    };
    let result = result.map_err(|e| (AUDIT_UNWRITABLE, e.to_string()))?;
    println!();
    print_recovery(&run, clock.now());
    Ok(outcome(&run, &result))
}

fn outcome(run: &Run, result: &RunResult) -> u8 {
    let unknown = run
        .steps()
        .iter()
        .any(|s| matches!(s.status, StepStatus::Unknown(_)));
    match result {
        _ if unknown => {
            println!("result: an action's outcome is unknown: verify it by hand");
            UNKNOWN
        }
        RunResult::Completed => {
            match run.outcome() {
                Some(outcome) => println!("result: completed: {outcome}"),
                None => println!("result: completed"),
            }
            COMPLETED
        }
        RunResult::Stopped { step, reason } => {
            println!("result: stopped at step {}: {reason}", step + 1);
            STOPPED
        }
        RunResult::Failed { step, reason } => {
            println!("result: failed at step {}: {reason}", step + 1);
            FAILED
        }
    }
}

fn print_recovery(run: &Run, now: jiff::Timestamp) {
    let report = run.recovery(now);
    let human = |d: Duration| {
        watchdeck_core::model::time::human_duration(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    };
    if let Some(rto) = report.rto {
        let verdict = if report.elapsed <= rto {
            "met"
        } else {
            "MISSED"
        };
        println!(
            "recovery time: {} (RTO {}: {verdict})",
            human(report.elapsed),
            human(rto)
        );
    }
    if let Some(rpo) = report.rpo {
        match report.data_at_risk {
            Some(lag) => {
                let verdict = if lag <= rpo { "met" } else { "MISSED" };
                println!(
                    "data at risk: {} of writes (the primary's last commit minus the replica's last replay, at promotion; RPO {}: {verdict})",
                    watchdeck_io::ops::prometheus::format_lag(lag),
                    human(rpo)
                );
            }
            None => println!(
                "data at risk: unknown (no promotion planned; RPO {})",
                human(rpo)
            ),
        }
    }
}

/// Built-in runbooks and the config's directories; problems in files are reported and the
/// rest stay usable.
fn load_library(config: Option<&Config>) -> Vec<Arc<Runbook>> {
    let dirs = config.map(|c| c.runbooks.dirs.clone()).unwrap_or_default();
    let (library, problems) = library::load(&dirs);
    for problem in problems {
        eprintln!("watchdeck run: {problem} (that runbook is left out)");
    }
    library
}

fn find_runbook(library: &[Arc<Runbook>], wanted: &str) -> Result<Arc<Runbook>, Failure> {
    if wanted.ends_with(".md") || wanted.contains('/') {
        let path = Path::new(wanted);
        let text = std::fs::read_to_string(path).map_err(|e| {
            (
                exit::USAGE,
                format!("cannot read runbook {}: {e}", path.display()),
            )
        })?;
        return parse::parse_runbook(&text, path)
            .map(Arc::new)
            .map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                (exit::USAGE, lines.join("\n"))
            });
    }
    library
        .iter()
        .find(|r| r.id == wanted)
        .cloned()
        .ok_or_else(|| {
            let ids: Vec<&str> = library.iter().map(|r| r.id.as_str()).collect();
            (
                exit::USAGE,
                format!("no runbook {wanted:?}; available: {}", ids.join(", ")),
            )
        })
}

/// `key=value` pairs; the value may contain `=`.
fn parse_params(raw: &[String]) -> Result<Vec<(String, String)>, Failure> {
    raw.iter()
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                .ok_or_else(|| (exit::USAGE, format!("--param {p:?}: expected KEY=VALUE")))
        })
        .collect()
}

fn params_help(runbook: &Runbook) -> String {
    let mut out = String::from("parameters of this runbook:");
    for p in &runbook.params {
        let default = p
            .default
            .as_ref()
            .map(|d| format!(" (default {d})"))
            .unwrap_or_default();
        out.push_str(&format!("\n  {}{default}: {}", p.name, p.description));
    }
    out
}

fn list(library: &[Arc<Runbook>]) -> String {
    let width = library.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in library {
        let params: Vec<&str> = r.params.iter().map(|p| p.name.as_str()).collect();
        out.push_str(&format!("{:<width$}  {}\n", r.id, r.title));
        out.push_str(&format!(
            "{:<width$}  parameters: {}\n",
            "",
            params.join(", ")
        ));
    }
    out
}

fn policies(targets: &[ClusterTarget]) -> BTreeMap<String, ClusterPolicy> {
    targets
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                ClusterPolicy {
                    context: t.context.clone(),
                    read_only: t.read_only,
                    production: t.production,
                },
            )
        })
        .collect()
}

/// A run id from its start and the process: `20261122T101500Z-4242`.
pub fn run_id(now: jiff::Timestamp) -> String {
    format!("{}-{}", now.strftime("%Y%m%dT%H%M%SZ"), std::process::id())
}
