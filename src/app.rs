//! The console's entry point and loop. The loop owns the model: terminal events (first),
//! data events (in bounded batches), clock ticks and signals become messages for `update`;
//! a frame is drawn only when something changed, at most 60 per second.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream};
use futures::{Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, sleep_until};

use crate::tui::input::msg_of;
use watchdeck_core::clock::Clock;
use watchdeck_core::effect::Effect;
use watchdeck_core::event::{DataEvent, Msg};
use watchdeck_core::model::Model;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::update::update;
use watchdeck_io::sources::target::ClusterTarget;
use watchdeck_ui as ui;
use watchdeck_ui::ViewInfo;
use watchdeck_ui::theme::{Theme, ThemeError, no_color_requested};

use watchdeck_io::executor::Executor;
use watchdeck_io::supervise::{slo_clusters, spawn_sources_with_slos};

/// How the console looks and paces itself.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub theme: Theme,
    /// No colours at all (also forced by a non-empty `NO_COLOR` environment variable).
    pub no_color: bool,
    /// How often the screen refreshes ages when nothing else changes.
    pub tick_rate: Duration,
    /// Where "now" comes from: the simulator's virtual time in demo mode.
    pub clock: Clock,
    /// Keys to actions: the defaults with the config's `[keys]` overrides.
    pub keymap: watchdeck_core::action::Keymap,
    /// The SLOs to evaluate (config and imported files, or the demo's).
    pub slos: Vec<watchdeck_core::slo::SloSpec>,
    /// Age (on the console's clock) at which an SLO reading counts as stale; default three
    /// refresh intervals. The demo scales it by the simulator's speed.
    pub slo_stale_after: Option<Duration>,
    /// Runbooks the palette and alerts offer (built in and the config's directories).
    pub runbooks: Vec<std::sync::Arc<watchdeck_core::runbook::spec::Runbook>>,
    /// The audit file; `None` uses the default (`$XDG_STATE_HOME/watchdeck/audit.jsonl`).
    pub audit_file: Option<std::path::PathBuf>,
    /// Which programs runbook `command` steps may run (off by default).
    pub commands: watchdeck_core::runbook::params::CommandPolicy,
    /// Patroni REST endpoints by config name, for `promote` steps through Patroni.
    pub patroni: BTreeMap<String, watchdeck_core::config::HttpUrl>,
    /// The operating-system user for the audit log; empty reads `USER`/`LOGNAME`.
    pub os_user: String,
    /// Record the terminal output to this asciicast v2 file (`--cast`).
    pub cast: Option<std::path::PathBuf>,
    /// The simulated fleet's scenario and start, for the title bar (`None` on real clusters).
    pub simulation: Option<watchdeck_core::model::Simulation>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            theme: Theme::dark(),
            no_color: false,
            tick_rate: Duration::from_secs(1),
            clock: Clock::Wall,
            keymap: watchdeck_core::action::Keymap::default(),
            slos: Vec::new(),
            slo_stale_after: None,
            runbooks: Vec::new(),
            audit_file: None,
            commands: watchdeck_core::runbook::params::CommandPolicy::default(),
            patroni: BTreeMap::new(),
            os_user: String::new(),
            cast: None,
            simulation: None,
        }
    }
}

impl AppOptions {
    /// Options with the named theme: `{themes_dir}/{name}.toml` if present, else built in.
    pub fn with_theme(name: &str, themes_dir: Option<&Path>) -> Result<Self, ThemeError> {
        Ok(AppOptions {
            theme: crate::theme_files::load_theme(name, themes_dir)?,
            ..AppOptions::default()
        })
    }

    /// Options from the environment: theme `WATCHDECK_THEME` (default dark) looked up in
    /// `WATCHDECK_THEMES_DIR` then among the built-in themes; `NO_COLOR` honoured. An unknown
    /// theme falls back to dark with a warning in the log.
    pub fn from_env() -> Self {
        let name = std::env::var("WATCHDECK_THEME")
            .unwrap_or_else(|_| watchdeck_ui::theme::DEFAULT_THEME.to_string());
        let dir = std::env::var_os("WATCHDECK_THEMES_DIR").map(std::path::PathBuf::from);
        let theme = crate::theme_files::load_theme(&name, dir.as_deref()).unwrap_or_else(|err| {
            tracing::warn!(%err, "theme not loaded, using dark");
            Theme::dark()
        });
        let no_color = no_color_requested(std::env::var_os("NO_COLOR").as_deref());
        AppOptions {
            theme,
            no_color,
            ..AppOptions::default()
        }
    }

    /// The theme to draw with: monochrome when colour is off by option or `NO_COLOR`.
    pub fn effective_theme(&self, no_color_env: Option<&std::ffi::OsStr>) -> Theme {
        if self.no_color || no_color_requested(no_color_env) {
            Theme::monochrome()
        } else {
            self.theme.clone()
        }
    }
}

/// Capacity of the sources → loop channel: sources wait (backpressure) when it is full.
pub const CHANNEL_CAPACITY: usize = 1024;
/// Shortest time between two frames (60 frames per second).
pub const FRAME_INTERVAL: Duration = Duration::from_micros(16_667);
/// Data events handled before the loop looks at the keyboard and the frame clock again.
pub const DATA_BATCH: usize = 256;

/// The model before any data: clusters in configuration order, Alertmanager disabled where
/// none is configured, each cluster's mutation policy (read-only, production, context).
pub fn initial_model(targets: &[ClusterTarget]) -> Model {
    let mut model = Model::new(targets.iter().map(|t| (t.name.as_str(), &t.labels)));
    model.runs.clusters = targets
        .iter()
        .map(|t| {
            let policy = watchdeck_core::runbook::engine::ClusterPolicy {
                context: t.context.clone(),
                read_only: t.read_only,
                production: t.production,
            };
            (t.name.clone(), policy)
        })
        .collect();
    for (cluster, target) in model.clusters.iter_mut().zip(targets) {
        if target.alertmanagers.is_empty() {
            cluster.health.insert(SourceKind::Alerts, Health::Disabled);
        }
        if target.prometheus.is_none() {
            cluster.health.insert(SourceKind::Metrics, Health::Disabled);
        }
    }
    model
}

/// The SLO board at start: the definitions, and how old a reading may get before it is
/// shown as stale (three refresh intervals of the slowest SLO cluster).
pub fn slo_board(
    targets: &[ClusterTarget],
    slos: Vec<watchdeck_core::slo::SloSpec>,
) -> watchdeck_core::slo::SloBoard {
    let every = slo_clusters(targets, &slos)
        .iter()
        .filter_map(|id| targets.get(*id)?.prometheus.as_ref().map(|p| p.every))
        .max()
        .unwrap_or_default();
    let mut board = watchdeck_core::slo::SloBoard::new(slos);
    board.stale_after_secs =
        every.as_secs().max(1) * u64::from(watchdeck_io::sources::prometheus::slo::STALE_INTERVALS);
    board
}

/// The model the console starts with: the clusters of `targets`, the user, the runbook
/// library and command policy, the keymap and the SLO board of `options`.
pub(crate) fn console_model(targets: &[ClusterTarget], options: &AppOptions) -> Model {
    let mut model = initial_model(targets);
    let user = if options.os_user.is_empty() {
        watchdeck_io::audit::who::os_user()
    } else {
        options.os_user.clone()
    };
    model.ui.user = watchdeck_core::text::Text::new(&user);
    model.runs.os_user = user;
    model.runs.library = options.runbooks.clone();
    model.runs.commands = options.commands.clone();
    model.keymap = options.keymap.clone();
    model.simulation = options.simulation.clone();
    model.slos = slo_board(targets, options.slos.clone());
    if let Some(after) = options.slo_stale_after {
        model.slos.stale_after_secs = after.as_secs().max(1);
    }
    model
}

/// The console's executor: IO effects on `targets`, runbook operations through
/// `watchdeck_io::ops::Ops` (acting as `os_user`, on the options' clock) and audit records in the
/// options' audit file (else the default one). Results go to `tx`.
pub(crate) fn console_executor(
    targets: &[ClusterTarget],
    options: &AppOptions,
    os_user: &str,
    tx: mpsc::Sender<DataEvent>,
) -> Executor {
    let audit_file = options
        .audit_file
        .clone()
        .or_else(watchdeck_io::audit::default_path);
    let ops =
        watchdeck_io::ops::Ops::new(targets, options.patroni.clone(), options.commands.clone())
            .with_clock(options.clock.clone())
            .with_os_user(os_user);
    let perform: watchdeck_io::run_io::Perform = std::sync::Arc::new(move |request| {
        let ops = ops.clone();
        Box::pin(async move { ops.perform(request).await })
    });
    Executor::new(targets.to_vec(), tx)
        .with_runs(watchdeck_io::run_io::RunIo::new(Some(perform), audit_file))
}

/// Runs the console until the user quits or a SIGTERM, SIGHUP or SIGINT arrives. The
/// terminal is restored on every exit path. Logs go wherever the binary's `tracing`
/// subscriber sends them (a file, never the screen).
pub async fn run(targets: Vec<ClusterTarget>, options: AppOptions) -> anyhow::Result<()> {
    watchdeck_io::install_tls_provider();
    let theme = options.effective_theme(std::env::var_os("NO_COLOR").as_deref());
    let mut model = console_model(&targets, &options);
    let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
    let sources = spawn_sources_with_slos(&targets, &options.slos, tx.clone());
    let executor = console_executor(&targets, &options, &model.runs.os_user, tx);
    let (mut terminal, guard) = crate::tui::enter_recording(options.cast.as_deref())?;
    tracing::info!(clusters = targets.len(), theme = %theme.name, "console started");
    let shutdown = std::pin::pin!(shutdown_signal());
    let result = event_loop_with_clock(
        &options.clock,
        &mut terminal,
        &mut model,
        &theme,
        Inputs {
            data: rx,
            supervisor: Some(sources),
            executor: Some(executor),
            terminal: EventStream::new(),
        },
        shutdown,
        options.tick_rate,
    )
    .await;
    drop(guard);
    tracing::info!("console stopped");
    result.map(|_| ())
}

/// Resolves on SIGTERM, SIGHUP or SIGINT (Ctrl-C from outside raw mode).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut streams = Vec::new();
        for kind in [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
        ] {
            match signal(kind) {
                Ok(stream) => streams.push(stream),
                Err(err) => tracing::warn!(%err, "cannot listen for a signal"),
            }
        }
        if streams.is_empty() {
            return std::future::pending().await;
        }
        let waits = streams
            .iter_mut()
            .map(|s| Box::pin(async move { s.recv().await }));
        futures::future::select_all(waits).await;
        tracing::info!("signal received, quitting");
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Where the loop's messages come from.
pub struct Inputs<S> {
    pub data: mpsc::Receiver<DataEvent>,
    /// The source tasks, restarted (and marked failed) if one panics. `None` in tests.
    pub supervisor: Option<watchdeck_io::supervise::Sources>,
    /// Runs IO effects; `None` in tests that only watch the loop (IO effects are dropped).
    pub executor: Option<Executor>,
    pub terminal: S,
}

/// What the loop did, for tests and the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoopStats {
    pub frames: u64,
    pub data_events: u64,
    pub keys: u64,
    /// Longest time from a key press being handled to the frame that shows it.
    pub max_key_to_frame: Duration,
}

/// The loop: returns when the user quits, the shutdown future resolves, or the terminal's
/// event stream ends.
pub async fn event_loop<B, S>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
    theme: &Theme,
    inputs: Inputs<S>,
    shutdown: std::pin::Pin<&mut impl Future<Output = ()>>,
    tick_rate: Duration,
) -> anyhow::Result<LoopStats>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = std::io::Result<TermEvent>> + Unpin,
{
    event_loop_with_clock(
        &Clock::Wall,
        terminal,
        model,
        theme,
        inputs,
        shutdown,
        tick_rate,
    )
    .await
}

/// The event loop reading "now" from `clock`. Data events are stamped when they arrive, so
/// data ages are measured on the same clock the screen uses.
pub async fn event_loop_with_clock<B, S>(
    clock: &Clock,
    terminal: &mut Terminal<B>,
    model: &mut Model,
    theme: &Theme,
    mut inputs: Inputs<S>,
    mut shutdown: std::pin::Pin<&mut impl Future<Output = ()>>,
    tick_rate: Duration,
) -> anyhow::Result<LoopStats>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = std::io::Result<TermEvent>> + Unpin,
{
    let mut stats = LoopStats::default();
    let mut dirty = true;
    let mut next_frame = Instant::now();
    let mut key_pending: Option<Instant> = None;
    let mut data_open = true;
    let mut ticker = tokio::time::interval(tick_rate.max(Duration::from_millis(50)));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        if dirty && Instant::now() >= next_frame {
            frame(
                terminal,
                model,
                &mut inputs.executor,
                clock,
                theme,
                &mut dirty,
            )?;
            stats.frames += 1;
            next_frame = Instant::now() + FRAME_INTERVAL;
            if let Some(pressed) = key_pending.take() {
                stats.max_key_to_frame = stats.max_key_to_frame.max(pressed.elapsed());
            }
        }
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            event = inputs.terminal.next() => match event {
                Some(Ok(event)) => {
                    // Keys carry the loop's now: answers to a runbook prompt need it.
                    let Some(msg) = msg_of(&event, clock.now()) else { continue };
                    if matches!(msg, Msg::Key { .. } | Msg::Action(_)) {
                        stats.keys += 1;
                        key_pending.get_or_insert_with(Instant::now);
                    }
                    if apply(model, &mut inputs.executor, clock, msg, &mut dirty) {
                        break;
                    }
                }
                Some(Err(err)) => return Err(anyhow::Error::new(err).context("reading the terminal")),
                None => break,
            },
            Some(mut failure) = watchdeck_io::supervise::next_failure(&mut inputs.supervisor) => {
                failure.at = clock.now();
                apply(model, &mut inputs.executor, clock, Msg::Data(failure), &mut dirty);
            }
            event = inputs.data.recv(), if data_open => match event {
                Some(mut event) => {
                    stats.data_events += 1;
                    event.at = clock.now();
                    apply(model, &mut inputs.executor, clock, Msg::Data(event), &mut dirty);
                    // Drain a bounded batch, then go back to the keyboard and the frame clock.
                    for _ in 1..DATA_BATCH {
                        let Ok(mut event) = inputs.data.try_recv() else { break };
                        stats.data_events += 1;
                        event.at = clock.now();
                        apply(model, &mut inputs.executor, clock, Msg::Data(event), &mut dirty);
                    }
                }
                None => data_open = false,
            },
            Some(reply) = watchdeck_io::executor::next_run_reply(&mut inputs.executor) => {
                let msg = outcome_msg(reply, clock);
                apply(model, &mut inputs.executor, clock, msg, &mut dirty);
            }
            _ = ticker.tick() => {
                apply(
                    model,
                    &mut inputs.executor,
                    clock,
                    Msg::Tick { now: clock.now() },
                    &mut dirty,
                );
            }
            () = sleep_until(next_frame), if dirty => {}
        }
    }
    Ok(stats)
}

/// A runbook operation's outcome as the message `update` takes, at the clock's now.
pub(crate) fn outcome_msg(reply: watchdeck_io::run_io::RunReply, clock: &Clock) -> Msg {
    Msg::RunOutcome {
        run: reply.run,
        id: reply.id,
        outcome: Box::new(reply.outcome),
        now: clock.now(),
    }
}

/// Applies one message and performs its effects in order: marks the screen dirty on
/// `Render`, hands IO to the executor, feeds `StartRun` back with the clock's now, writes
/// audit records synchronously (when one fails, the run effects after it are dropped and
/// the run is told). True on `Quit`.
pub(crate) fn apply(
    model: &mut Model,
    executor: &mut Option<Executor>,
    clock: &Clock,
    msg: Msg,
    dirty: &mut bool,
) -> bool {
    let mut quit = false;
    let mut messages = std::collections::VecDeque::from([msg]);
    while let Some(msg) = messages.pop_front() {
        let mut effects: std::collections::VecDeque<Effect> = update(model, msg).into();
        while let Some(effect) = effects.pop_front() {
            match effect {
                Effect::Render => *dirty = true,
                Effect::Quit => quit = true,
                Effect::Io { cluster, request } => match executor {
                    Some(executor) => executor.run(cluster, request),
                    None => tracing::debug!(cluster, ?request, "no executor: effect dropped"),
                },
                Effect::StartRun(start) => messages.push_back(Msg::StartRun {
                    start,
                    now: clock.now(),
                }),
                Effect::RunOp {
                    run,
                    id,
                    request,
                    delay,
                } => match executor {
                    Some(executor) => executor.runs().start(run, id, *request, delay),
                    None => tracing::debug!(run, id, "no executor: run operation dropped"),
                },
                Effect::RunAudit { run, record } => {
                    let Some(executor) = executor else {
                        tracing::debug!(run, "no executor: audit record dropped");
                        continue;
                    };
                    if let Err(error) = executor.runs().audit(&record) {
                        tracing::error!(run, %error, action = %record.action_id, "audit record not written: the run stops");
                        effects.retain(|e| {
                            !matches!(e, Effect::RunOp { run: r, .. } | Effect::RunAudit { run: r, .. } if *r == run)
                        });
                        messages.push_back(Msg::RunAuditFailed {
                            run,
                            phase: record.phase,
                            error,
                        });
                    }
                }
            }
        }
    }
    quit
}

/// Draws one frame at the clock's now and tells the model what the frame laid out (list
/// pages, clickable areas, chart sizes); the screen is clean afterwards.
pub(crate) fn frame<B>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
    executor: &mut Option<Executor>,
    clock: &Clock,
    theme: &Theme,
    dirty: &mut bool,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    frame_with(terminal, model, executor, clock, theme, dirty, None, None)
}

/// [`frame`] with a story's caption below the console (when `caption` is set), keeping a
/// copy of the drawn screen in `screen` (when given).
#[allow(clippy::too_many_arguments)]
pub(crate) fn frame_with<B>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
    executor: &mut Option<Executor>,
    clock: &Clock,
    theme: &Theme,
    dirty: &mut bool,
    caption: Option<&ui::widgets::caption::Caption>,
    screen: Option<&mut ratatui::buffer::Buffer>,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let info = draw(terminal, model, theme, clock.now(), caption, screen)?;
    *dirty = false;
    let viewport = Msg::Viewport {
        pods: info.pods_rows,
        alerts: info.alerts_rows,
    };
    apply(model, executor, clock, viewport, dirty);
    apply(model, executor, clock, Msg::Layout(info.layout), dirty);
    if info.services_rows > 0 || info.chart_columns > 0 {
        let services = Msg::ServicesViewport {
            rows: info.services_rows,
            chart_columns: info.chart_columns,
        };
        apply(model, executor, clock, services, dirty);
    }
    Ok(())
}

/// Draws one frame at `now`.
fn draw<B>(
    terminal: &mut Terminal<B>,
    model: &Model,
    theme: &Theme,
    now: Timestamp,
    caption: Option<&ui::widgets::caption::Caption>,
    screen: Option<&mut ratatui::buffer::Buffer>,
) -> anyhow::Result<ViewInfo>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let mut info = ViewInfo::default();
    terminal.draw(|frame| {
        info = ui::view_captioned(frame, model, theme, now, caption);
        if let Some(screen) = screen {
            screen.clone_from(frame.buffer_mut());
        }
    })?;
    Ok(info)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod sim_tests;

#[cfg(test)]
mod run_sim_tests;

#[cfg(test)]
mod flood_tests;

#[cfg(test)]
mod run_tests;
