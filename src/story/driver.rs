//! The console on a simulated fleet, driven the way the app loop drives it (the loop's own
//! `apply` and `frame`, the real sources and executor with runbook `Ops` on loopback), with
//! the driver owning the fleet's virtual clock: time moves only when the driver steps it, at a
//! pace (as fast as the sources keep up in tests, `speed` times real time in a demo). The
//! story player and the console's end-to-end tests both drive the console through it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, interval};

use crate::app::{
    AppOptions, CHANNEL_CAPACITY, apply, console_executor, console_model, frame_with, outcome_msg,
};
use watchdeck_core::action::Key;
use watchdeck_core::clock::Clock;
use watchdeck_core::event::{DataEvent, Msg};
use watchdeck_core::model::Model;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::model::runs::RunPhase;
use watchdeck_core::runbook::engine::Gate;
use watchdeck_io::executor::{Executor, next_run_reply};
use watchdeck_io::supervise::{Sources, spawn_sources_paced};
use watchdeck_sim::clock::Millis;
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::server;
use watchdeck_ui::buffer_text;
use watchdeck_ui::theme::Theme;
use watchdeck_ui::widgets::caption::Caption;

/// Scenario time zero of every story: 2026-01-01T00:00:00Z (the same fleet every time).
pub const START_MS: Millis = 1_767_225_600_000;
/// Virtual time between two polls of Prometheus and Alertmanager while a story plays.
const POLL_VIRTUAL: Duration = Duration::from_secs(4);
/// The fastest any source polls, whatever the pace: a debug build steps the fleet at about
/// one virtual second per half second of real time, so polling faster only burns the CPU
/// the fleet needs.
const POLL_FLOOR: Duration = Duration::from_millis(1000);
/// The slowest, as the console polls the demo fleet.
const POLL_CEILING: Duration = crate::console::DEMO_METRICS_EVERY;
/// Longest wait, in real time, for the console to see the fleet before time starts.
const SYNC_WALL: Duration = Duration::from_secs(90);

/// How virtual time runs: `step_ms` of it every `every` of real time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub every: Duration,
    pub step_ms: Millis,
    /// Shortest real time between two frames while time runs (keys and screen checks
    /// always draw).
    pub frame_every: Duration,
}

impl Pace {
    /// As fast as the sources keep up: one virtual second every 20 ms (50 times real time).
    pub fn test() -> Pace {
        Pace {
            every: Duration::from_millis(20),
            step_ms: 1_000,
            frame_every: Duration::from_millis(250),
        }
    }

    /// `speed` virtual seconds per real second (a demo).
    pub fn demo(speed: f64) -> Pace {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        let every = Duration::from_millis(50);
        Pace {
            every,
            step_ms: ((every.as_secs_f64() * 1000.0 * speed).round() as Millis).max(1),
            frame_every: crate::app::FRAME_INTERVAL,
        }
    }

    /// Virtual time per unit of real time.
    pub fn ratio(&self) -> f64 {
        self.step_ms as f64 / (self.every.as_secs_f64() * 1000.0).max(0.001)
    }

    /// How often sources poll in real time so that they see the fleet every few virtual seconds.
    fn poll_every(&self) -> Duration {
        POLL_VIRTUAL
            .div_f64(self.ratio())
            .clamp(POLL_FLOOR, POLL_CEILING)
    }
}

/// The fleet a driver starts: scenario, seed, the moment it is warmed to, how production is
/// decided.
#[derive(Debug, Clone)]
pub struct FleetSpec {
    /// Built-in scenario name or path to a scenario .toml.
    pub scenario: String,
    pub seed: u64,
    /// Scenario time the console starts at (the fleet is advanced to it first).
    pub at_ms: Millis,
    /// Virtual history before time zero.
    pub warmup_ms: Millis,
    /// Days of synthetic SLI history (0: SLO periods start at the warm-up).
    pub history_days: u32,
    /// Clusters that need a typed confirmation; `None` keeps the simulator's (prod ones).
    pub production: Option<Vec<String>>,
}

impl FleetSpec {
    pub fn new(scenario: &str, seed: u64, at_ms: Millis) -> FleetSpec {
        FleetSpec {
            scenario: scenario.to_string(),
            seed,
            at_ms,
            warmup_ms: 6 * 60_000,
            history_days: 0,
            production: None,
        }
    }
}

/// How a stretch of time ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// The condition held (or, without one, the time was spent).
    Done,
    /// The virtual timeout passed first.
    TimedOut,
    /// The viewer asked for the next step (demo).
    Skipped,
    /// The viewer quit (demo).
    Quit,
}

/// What a demo's viewer asks for while a story plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    PauseResume,
    Skip,
    Quit,
    Redraw,
}

/// The console on a simulated fleet.
pub struct Driver<B: Backend> {
    pub running: server::Running,
    pub model: Model,
    executor: Option<Executor>,
    pub clock: Clock,
    theme: Theme,
    pub terminal: Terminal<B>,
    rx: mpsc::Receiver<DataEvent>,
    _sources: Sources,
    /// The audit file the console writes.
    pub audit: PathBuf,
    dirty: bool,
    pace: Pace,
    /// Virtual time moves (the fleet is stepped) while waiting.
    pub time_runs: bool,
    /// The driver's virtual now, finer than the fleet's one-second ticks.
    virtual_ms: Millis,
    /// Shown below the console while set.
    pub caption: Option<Caption>,
    /// The last frame drawn.
    screen: Buffer,
    controls: Option<mpsc::Receiver<Control>>,
    paused: bool,
    /// Questions runs have asked (a prompt asked again after a wrong answer counts once).
    pub prompts: u32,
    /// Longest real time one [`Driver::run_for`] may take (a test's guard when time stands
    /// still); `None` for no limit.
    pub wall_limit: Option<Duration>,
    last_prompt: Option<(u64, Option<usize>, Gate)>,
}

/// Builds the fleet of `spec` warmed to its start moment, served on loopback without a
/// ticker (the driver owns its clock).
pub(crate) async fn serve_fleet(spec: &FleetSpec) -> anyhow::Result<(server::Running, Scenario)> {
    let scenario = Scenario::resolve(&spec.scenario)?;
    let mut options = SimOptions::new(spec.seed, START_MS);
    options.warmup_ms = spec.warmup_ms;
    options.history_days = spec.history_days;
    let at = START_MS + spec.at_ms;
    let built = scenario.clone();
    let fleet = tokio::task::spawn_blocking(move || {
        let fleet = Fleet::new(built, &options);
        fleet.advance_to(at);
        fleet
    })
    .await
    .context("building the simulated fleet")?;
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let running = server::start(Arc::new(fleet), loopback, None).await?;
    Ok((running, scenario))
}

impl<B> Driver<B>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    /// The console as `watchdeck` starts it on the simulator (targets, model, sources and
    /// executor with `Ops`), polling at `pace`, drawing on `terminal`, writing its audit
    /// records to `audit`; returns once every cluster's pods and alerts are in.
    pub async fn start(
        spec: &FleetSpec,
        pace: Pace,
        terminal: Terminal<B>,
        audit: PathBuf,
    ) -> anyhow::Result<Driver<B>> {
        let (running, scenario) = serve_fleet(spec).await?;
        let mut targets = crate::console::targets_from_simulator(&running.endpoints)?;
        let poll = pace.poll_every();
        for target in &mut targets {
            if let Some(production) = &spec.production {
                target.production = production.contains(&target.name);
            }
            if let Some(prometheus) = &mut target.prometheus {
                prometheus.every = poll;
            }
        }
        let options = AppOptions {
            clock: Clock::Virtual(running.fleet.now.clone()),
            audit_file: Some(audit.clone()),
            os_user: "story".to_string(),
            runbooks: watchdeck_core::runbook::library::load(&[]).0,
            slos: watchdeck_sim::slos::scenario_slos(&scenario),
            slo_stale_after: Some(Duration::from_secs(120)),
            simulation: Some(crate::console::simulation(
                &spec.scenario,
                running.fleet.start,
            )),
            ..AppOptions::default()
        };
        let model = console_model(&targets, &options);
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let alert_poll = watchdeck_io::sources::alertmanager::PollConfig {
            every: poll,
            ..Default::default()
        };
        let sources = spawn_sources_paced(&targets, &options.slos, alert_poll, tx.clone());
        let mut executor = console_executor(&targets, &options, &model.runs.os_user, tx);
        executor.runs().set_delay_scale(1.0 / pace.ratio());
        let virtual_ms = running.fleet.now.get();
        let mut driver = Driver {
            running,
            model,
            executor: Some(executor),
            clock: options.clock,
            theme: Theme::dark(),
            terminal,
            rx,
            _sources: sources,
            audit,
            dirty: true,
            pace,
            time_runs: false,
            virtual_ms,
            caption: None,
            screen: Buffer::empty(ratatui::layout::Rect::default()),
            controls: None,
            paused: false,
            prompts: 0,
            last_prompt: None,
            wall_limit: None,
        };
        let synced = driver
            .until_wall("the console sees the fleet", synced)
            .await;
        if !synced {
            anyhow::bail!(
                "the console did not see the simulated fleet within {}s\n{}",
                SYNC_WALL.as_secs(),
                driver.screen()
            );
        }
        Ok(driver)
    }

    /// Takes the viewer's controls (pause, skip, quit) from `controls` while time runs.
    pub fn with_controls(mut self, controls: mpsc::Receiver<Control>) -> Self {
        self.controls = Some(controls);
        self
    }

    pub fn set_theme(&mut self, theme: Theme) {
        self.theme = theme;
        self.dirty = true;
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    /// The driver's virtual now, in Unix milliseconds.
    pub fn virtual_ms(&self) -> Millis {
        self.virtual_ms
    }

    /// One message through the loop's `apply` (effects performed, runs fed back); true when
    /// the console asked to quit.
    pub fn apply(&mut self, msg: Msg) -> bool {
        let quit = apply(
            &mut self.model,
            &mut self.executor,
            &self.clock,
            msg,
            &mut self.dirty,
        );
        self.count_prompt();
        quit
    }

    /// Counts a question the first time it is asked.
    fn count_prompt(&mut self) {
        let asked = crate::story::condition::asking(&self.model).map(|gate| {
            let step = self.model.runs.active.as_ref().and_then(|r| r.current());
            (self.model.runs.seq, step, gate)
        });
        if asked.is_some() && asked != self.last_prompt {
            self.prompts += 1;
        }
        if asked.is_some() || self.model.runs.phase() != Some(RunPhase::Asking) {
            self.last_prompt = asked;
        }
    }

    /// A frame, as the loop draws it, with the caption below the console when set.
    pub fn draw(&mut self) -> anyhow::Result<()> {
        frame_with(
            &mut self.terminal,
            &mut self.model,
            &mut self.executor,
            &self.clock,
            &self.theme,
            &mut self.dirty,
            self.caption.as_ref(),
            Some(&mut self.screen),
        )
    }

    /// Sets the caption and redraws.
    pub fn set_caption(&mut self, caption: Option<Caption>) {
        self.caption = caption;
        self.dirty = true;
    }

    /// The screen after a fresh frame, one line per row (trailing blanks trimmed).
    pub fn screen(&mut self) -> String {
        if let Err(error) = self.draw() {
            tracing::warn!(%error, "frame not drawn");
        }
        buffer_text(&self.screen)
    }

    /// A key press as the loop hands it over (with the clock's now), then its frame; true
    /// when the console asked to quit.
    pub fn press(&mut self, key: Key) -> bool {
        let now = self.clock.now();
        let quit = self.apply(Msg::Key { key, now });
        if self.dirty
            && let Err(error) = self.draw()
        {
            tracing::warn!(%error, "frame not drawn");
        }
        quit
    }

    /// Handles data events, operation outcomes and viewer controls as the loop does, running
    /// virtual time at the pace (when `time_runs`), until `done` holds or `budget_ms` of
    /// virtual time has passed (then [`Until::TimedOut`], or [`Until::Done`] without a
    /// condition).
    pub async fn run_for(
        &mut self,
        budget_ms: Millis,
        done: Option<&dyn Fn(&mut Self) -> bool>,
    ) -> Until {
        let deadline = self.virtual_ms + budget_ms.max(0);
        let wall_deadline = self.wall_limit.map(|limit| Instant::now() + limit);
        let mut next_frame = Instant::now();
        let mut steps = interval(self.pace.every);
        steps.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            if done.is_some_and(|done| done(self)) {
                return Until::Done;
            }
            if self.virtual_ms >= deadline {
                return if done.is_some() {
                    Until::TimedOut
                } else {
                    Until::Done
                };
            }
            if self.dirty && Instant::now() >= next_frame {
                if let Err(error) = self.draw() {
                    tracing::warn!(%error, "frame not drawn");
                }
                next_frame = Instant::now() + self.pace.frame_every;
            }
            tokio::select! {
                () = sleep_until_some(wall_deadline) => return Until::TimedOut,
                () = tokio::time::sleep_until(next_frame), if self.dirty => {}
                event = self.rx.recv() => match event {
                    Some(mut event) => {
                        event.at = self.clock.now();
                        self.apply(Msg::Data(event));
                        for _ in 1..crate::app::DATA_BATCH {
                            let Ok(mut event) = self.rx.try_recv() else { break };
                            event.at = self.clock.now();
                            self.apply(Msg::Data(event));
                        }
                    }
                    None => return Until::Quit,
                },
                Some(reply) = next_run_reply(&mut self.executor) => {
                    let msg = outcome_msg(reply, &self.clock);
                    self.apply(msg);
                }
                Some(control) = next_control(&mut self.controls) => match control {
                    Control::PauseResume => {
                        self.paused = !self.paused;
                        if let Some(caption) = &mut self.caption {
                            caption.paused = self.paused;
                        }
                        self.dirty = true;
                    }
                    Control::Skip => return Until::Skipped,
                    Control::Quit => return Until::Quit,
                    Control::Redraw => {
                        let _ = self.terminal.autoresize();
                        self.dirty = true;
                    }
                },
                _ = steps.tick(), if self.time_runs && !self.paused => {
                    let step = self.pace.step_ms.min(deadline - self.virtual_ms);
                    self.step_to(self.virtual_ms + step).await;
                }
            }
        }
    }

    /// Like [`Driver::run_for`] with time standing still, bounded by real time; false when
    /// `done` did not hold in time.
    pub async fn until_wall(&mut self, _what: &str, done: fn(&Model) -> bool) -> bool {
        let deadline = Instant::now() + SYNC_WALL;
        while !done(&self.model) {
            tokio::select! {
                event = self.rx.recv() => {
                    let Some(mut event) = event else { return false };
                    event.at = self.clock.now();
                    self.apply(Msg::Data(event));
                }
                Some(reply) = next_run_reply(&mut self.executor) => {
                    let msg = outcome_msg(reply, &self.clock);
                    self.apply(msg);
                }
                () = tokio::time::sleep_until(deadline) => return false,
            }
        }
        self.dirty = true;
        true
    }

    /// Moves virtual time to `target`: the fleet steps every whole tick passed, and the
    /// console gets a tick for each virtual second that went by.
    async fn step_to(&mut self, target: Millis) {
        self.virtual_ms = target;
        let fleet = Arc::clone(&self.running.fleet);
        let before = fleet.now.get();
        let stepped = tokio::task::spawn_blocking(move || {
            fleet.advance_to(target);
            fleet.now.get()
        })
        .await
        .unwrap_or(before);
        if stepped != before {
            let now = self.clock.now();
            self.apply(Msg::Tick { now });
        }
    }

    /// The console's part of the screen after a fresh frame: the caption bar is narration,
    /// never evidence that the console shows something.
    pub fn console_screen(&mut self) -> String {
        let screen = self.screen();
        let caption_rows = match &self.caption {
            Some(_) if self.screen.area.height > watchdeck_ui::widgets::caption::ROWS + 3 => {
                usize::from(watchdeck_ui::widgets::caption::ROWS)
            }
            _ => 0,
        };
        let lines: Vec<&str> = screen.split('\n').collect();
        lines[..lines.len().saturating_sub(caption_rows)].join("\n")
    }

    /// Operations the executor has started for runs so far.
    pub fn operations(&mut self) -> u64 {
        self.executor.as_mut().map_or(0, |e| e.runs().started())
    }
}

/// Sleeps until `deadline`; forever without one.
async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The next viewer control; pending forever without a viewer.
async fn next_control(controls: &mut Option<mpsc::Receiver<Control>>) -> Option<Control> {
    match controls {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Every cluster's pods, alerts and service metrics are in, and each has Deployments: a
/// story's first screen never waits on a source a person would have seen arrive.
fn synced(model: &Model) -> bool {
    model.clusters.iter().all(|c| {
        !c.pods.is_empty()
            && SourceKind::ALL
                .iter()
                .all(|kind| matches!(c.health(*kind), Health::Ok { .. } | Health::Disabled))
            && !c.kube.workloads.is_empty()
    })
}
