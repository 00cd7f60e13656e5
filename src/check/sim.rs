//! The simulated fleet `watchdeck check` looks at when there is no config: the scenario from a
//! fixed start, advanced to `--at`, then held still (or run at `--speed`) while the sources
//! collect, so that the same scenario, seed and `--at` give the same report.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::task::JoinHandle;

use watchdeck_sim::clock::Millis;
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::server;
use watchdeck_sim::server::Running;
use watchdeck_sim::world::TICK_MS;

/// Scenario time zero for checks: 2026-01-01T00:00:00Z.
pub const CHECK_START_MS: Millis = 1_767_225_600_000;

/// A simulated fleet served on loopback for one check. Dropping it stops everything.
pub struct CheckSim {
    pub running: Running,
    clock: Option<JoinHandle<()>>,
}

impl Drop for CheckSim {
    fn drop(&mut self) {
        if let Some(clock) = &self.clock {
            clock.abort();
        }
    }
}

/// Builds `scenario` with `seed`, advances it to `at` after the start, serves it, and runs
/// its clock at `speed` (virtual seconds per real second) when given.
pub async fn start(
    scenario: &str,
    seed: u64,
    at: Duration,
    speed: Option<f64>,
) -> anyhow::Result<CheckSim> {
    let scenario = Scenario::resolve(scenario)?;
    let at_ms = Millis::try_from(at.as_millis()).context("--at is too far in the future")?;
    let options = SimOptions::new(seed, CHECK_START_MS);
    let fleet = tokio::task::spawn_blocking(move || {
        let fleet = Fleet::new(scenario, &options);
        fleet.advance_to(CHECK_START_MS + at_ms);
        fleet
    })
    .await
    .context("building the simulated fleet")?;
    let fleet = Arc::new(fleet);
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let running = server::start(Arc::clone(&fleet), loopback, None).await?;
    let clock = speed.map(|speed| spawn_clock(fleet, speed));
    Ok(CheckSim { running, clock })
}

/// Advances virtual time at `speed` from where it is now.
fn spawn_clock(fleet: Arc<Fleet>, speed: f64) -> JoinHandle<()> {
    tokio::spawn(async move {
        let origin_virtual = fleet.now.get();
        let origin = tokio::time::Instant::now();
        let period = Duration::from_secs_f64((TICK_MS as f64 / 1000.0 / speed).max(0.01));
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            let target =
                origin_virtual + (origin.elapsed().as_secs_f64() * speed * 1000.0) as Millis;
            let fleet = Arc::clone(&fleet);
            if tokio::task::spawn_blocking(move || fleet.advance_to(target))
                .await
                .is_err()
            {
                tracing::error!("simulator step panicked; stopping the clock");
                return;
            }
        }
    })
}
