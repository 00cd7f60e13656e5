//! Command-line interface: the console (default), the standalone simulator, and friends.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use watchdeck_sim::cli::{DemoArgs, SimArgs};

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

    /// Record the console's terminal output to FILE as an asciicast v2 file (`asciinema play FILE`)
    #[arg(long, value_name = "FILE")]
    pub cast: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the fleet simulator standalone, for kubectl, curl, a real Prometheus or another console
    Sim(SimArgs),
    /// Print one snapshot of the fleet's health and exit with its status (for cron jobs and reviews)
    Check(CheckArgs),
    /// Print every SLO (budget left, burn rates, alert tiers) and exit 2 when a page tier fires
    #[command(after_help = SLO_EXIT_CODES)]
    Slo(CheckArgs),
    /// Run a runbook without the console: every guard, prompts on the terminal, audit logged
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// List the audit log of actions (who, what, where, result)
    Audit(AuditArgs),
    /// Play an incident story on the simulated fleet with captions (space pause, → next step, q quit)
    #[command(after_help = DEMO_HELP)]
    Demo(StoryDemoArgs),
}

/// Exit codes and examples of `watchdeck demo`.
pub const DEMO_HELP: &str = "Exit codes:
   0  the story closed: every wait reached and every expect held
   1  an expect did not hold or a wait timed out (file:line and what was seen), or q before the end
  64  usage error: unknown story, invalid story file, bad --size or --speed

Think and wait times are virtual: --speed 10 shows ten minutes of incident in one.

Examples:
  watchdeck demo --list
  watchdeck demo bad-deploy --speed 5
  watchdeck demo regional-failover --speed 10 --size 120x40 --cast failover.cast
  watchdeck demo my-story.toml";

/// `watchdeck demo`.
#[derive(Debug, Clone, Args)]
pub struct StoryDemoArgs {
    /// Story name (see --list) or path to a story .toml file
    #[arg(value_name = "STORY", required_unless_present = "list")]
    pub story: Option<String>,

    /// Virtual seconds per real second
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub speed: f64,

    /// Size to play at, columns x rows (default: the story's), drawn in the top-left corner
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,

    /// Also record what is drawn to FILE as asciicast v2 (plays with asciinema)
    #[arg(long, value_name = "FILE")]
    pub cast: Option<PathBuf>,

    /// Multiply every think time by X (2 for a slower reader)
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub think_scale: f64,

    /// List the shipped stories and exit
    #[arg(long)]
    pub list: bool,
}

impl StoryDemoArgs {
    /// Checks values clap cannot check by type.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.speed.is_finite() && self.speed > 0.0 && self.speed <= 1000.0) {
            return Err(format!(
                "--speed must be a number above 0 and at most 1000, got {}",
                self.speed
            ));
        }
        if !(self.think_scale.is_finite() && self.think_scale > 0.0 && self.think_scale <= 10.0) {
            return Err(format!(
                "--think-scale must be a number above 0 and at most 10, got {}",
                self.think_scale
            ));
        }
        Ok(())
    }
}

/// Exit codes and examples of `watchdeck run`.
pub const RUN_HELP: &str = "Exit codes:
   0  every step done (or, with --dry-run, every change planned)
   1  stopped: a confirmation was declined or not given (see --yes, --confirm)
   2  a step failed (permission denied, precondition, verification timed out)
   3  an action's outcome is unknown: verify the target by hand
  64  usage error: unknown runbook, invalid parameter, invalid config
  70  internal error (the simulator or the runtime could not start)
  74  the audit file cannot be written: nothing was executed after that

A run plans its changes once and asks once: the plan (--yes approves it), the name of each
production cluster it changes (--confirm CLUSTER; cluster/namespace/name of a changed object is
accepted too), and, for a promotion whose data at risk is over its max_lag, the amount of writes
lost (--accept-data-loss DURATION, at least the figure). A step is asked again only if its
target changed since the approval. Without a terminal a failed step stops the run.

Without a config file the run acts on the built-in simulated fleet, started at --at of
--scenario and run at --speed.

Examples:
  watchdeck run rollback-bad-deploy --param cluster=us-east-1 --param deployment=payment --at 15m
  watchdeck run scale-for-traffic-spike --param cluster=us-east-1 --param deployment=order \\
      --param replicas=16 --dry-run
  watchdeck run regional-failover --scenario region-outage --at 3m --yes --confirm eu-west-1
  watchdeck run --list";

/// `watchdeck run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Runbook id (see --list) or path to a runbook .md file
    #[arg(value_name = "RUNBOOK", required_unless_present = "list")]
    pub runbook: Option<String>,

    /// A parameter, repeatable: --param cluster=us-east-1
    #[arg(long = "param", short = 'p', value_name = "KEY=VALUE")]
    pub params: Vec<String>,

    /// Plan every change (permission, preconditions, server-side dry run, diff) and execute none
    #[arg(long)]
    pub dry_run: bool,

    /// Without a terminal: accept plain yes/no confirmations
    #[arg(long)]
    pub yes: bool,

    /// Without a terminal: the typed confirmation of a production cluster the plan changes,
    /// repeatable (cluster/namespace/name of a changed object is accepted too)
    #[arg(long = "confirm", value_name = "CLUSTER")]
    pub confirms: Vec<String>,

    /// Without a terminal: accept losing up to this much of the writes a promotion over its
    /// max_lag loses (the acknowledgement is recorded in the audit log)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub accept_data_loss: Option<std::time::Duration>,

    /// The alert that led here, recorded in the audit log
    #[arg(long, value_name = "TEXT")]
    pub alert: Option<String>,

    /// Audit file (default: [runbooks] audit_file, else the XDG state dir)
    #[arg(long, value_name = "FILE")]
    pub audit_file: Option<PathBuf>,

    /// List the runbooks available and exit
    #[arg(long)]
    pub list: bool,

    /// Simulated fleet: scenario (steady, bad-deploy, region-outage, traffic-spike, hostile, or a .toml path)
    #[arg(long, default_value = "bad-deploy", value_name = "NAME")]
    pub scenario: String,

    /// Simulated fleet: seed
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub seed: u64,

    /// Simulated fleet: moment of the scenario the run starts at, e.g. 15m
    #[arg(long, default_value = "0s", value_name = "DURATION", value_parser = parse_duration_arg)]
    pub at: std::time::Duration,

    /// Simulated fleet: virtual seconds per real second while the run goes on
    #[arg(long, default_value_t = 10.0, value_name = "X")]
    pub speed: f64,
}

/// `watchdeck audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Output: table (terminal) or json (one record per line, as stored)
    #[arg(long, value_enum, default_value_t = AuditFormat::Table, value_name = "FORMAT")]
    pub format: AuditFormat,

    /// Audit file (default: [runbooks] audit_file, else the XDG state dir)
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Only the newest N actions
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
}

/// Exit codes of `watchdeck slo`.
pub const SLO_EXIT_CODES: &str = "Exit codes:
   0  every SLO judged, no burn-rate tier firing
   1  a ticket tier fires, or an SLO's budget for the period is spent
   2  a page tier fires (wins over every other finding)
   3  an SLO cannot be judged (Prometheus unreachable, no data, partial answer)
  64  usage or config error, or no SLOs defined
  70  internal error

Columns: SLI now is the good share over 5m; BUDGET is the share of the period's error budget
left; each burn column is the error ratio over that window divided by the budget; STATE is the
hottest multiwindow tier (Sloth or Pyrra windows, per SLO); EXHAUSTED IN assumes the 1h burn
rate continues.

Examples:
  watchdeck slo --at 10m                    simulated bad-deploy ten minutes in
  watchdeck slo --config prod.toml --format json";

/// Exit codes of `watchdeck check`, worst wins (see [`crate::check::exit`]).
pub const CHECK_EXIT_CODES: &str = "\
Exit status (the worst finding wins):
  0   healthy: every source answered, nothing firing, every workload up
  1   warnings: a warning alert, a stale source, or pods pending / not ready
  2   critical: a critical alert, or crash-looping / failed pods
  3   cannot see: a source could not be reached (failed, or no answer before --timeout);
      the rest of the snapshot is still printed, and 3 wins over 2 because a
      partial view cannot vouch for the whole fleet
  64  usage or configuration error (bad option, invalid config file)
  70  internal error (the runtime or the simulator could not start)

Without a config file the snapshot is of the built-in simulated fleet, its clock held at
--at (from 2026-01-01T00:00:00Z), so the same scenario, seed and --at print the same report.

Examples:
  watchdeck check                                   simulated bad-deploy, at its start
  watchdeck check --at 10m --format markdown        ten minutes in, for a ticket
  watchdeck check --config prod.toml --format json  real clusters, for a script";

/// `watchdeck check`: one headless snapshot.
#[derive(Debug, Clone, Args)]
#[command(after_help = CHECK_EXIT_CODES)]
pub struct CheckArgs {
    /// Output: table (terminal, 100 columns), json (scripts), markdown (tickets)
    #[arg(long, value_enum, default_value_t = CheckFormat::Table, value_name = "FORMAT")]
    pub format: CheckFormat,

    /// Longest wait for every source to answer once, e.g. 15s or 1m
    #[arg(long, default_value = "15s", value_name = "DURATION", value_parser = parse_duration_arg)]
    pub timeout: std::time::Duration,

    /// Simulated fleet: scenario (steady, bad-deploy, region-outage, traffic-spike, hostile, or a .toml path)
    #[arg(long, default_value = "bad-deploy", value_name = "NAME")]
    pub scenario: String,

    /// Simulated fleet: seed; the same seed, scenario and --at give the same report
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub seed: u64,

    /// Simulated fleet: moment of the scenario to look at, e.g. 0s, 90s, 10m, 1h30m
    #[arg(long, default_value = "0s", value_name = "DURATION", value_parser = parse_duration_arg)]
    pub at: std::time::Duration,

    /// Simulated fleet: let the virtual clock run at X while collecting (default: held at --at)
    #[arg(long, value_name = "X")]
    pub speed: Option<f64>,
}

/// How `watchdeck check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
    Markdown,
}

impl CheckArgs {
    /// Checks values clap cannot check by type.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(speed) = self.speed
            && !(speed.is_finite() && speed > 0.0 && speed <= 1000.0)
        {
            return Err(format!(
                "--speed must be a number above 0 and at most 1000, got {speed}"
            ));
        }
        if self.timeout.is_zero() {
            return Err("--timeout must be longer than 0s".to_string());
        }
        Ok(())
    }
}

/// A duration in watchdeck's grammar (`watchdeck_core::duration`): "15s", "10m", "1h30m".
fn parse_duration_arg(text: &str) -> Result<std::time::Duration, String> {
    watchdeck_core::duration::parse_duration(text)
        .map_err(|_| format!("expected a duration such as 0s, 90s, 10m or 1h30m, got {text:?}"))
}
