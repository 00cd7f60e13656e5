//! The whole simulation in one value: the world plus each cluster's TSDB, rule engine and
//! Alertmanager, advanced together tick by tick. Deterministic; the server drives it in
//! (scaled) real time and tests drive it directly.

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use super::alertmanager::{AmConfig, AmState, IncomingAlert};
use super::clock::Millis;
use super::history;
use super::labels::Labels;
use super::rules::{self, RuleEngine};
use super::scenario::Scenario;
use super::tsdb::{CoarseOptions, Tsdb};
use super::world::catalog::ClusterSpec;
use super::world::{TICK_MS, World, WorldOptions};
use watchdeck_core::clock::VirtualNow;

#[derive(Debug, Clone)]
pub struct SimOptions {
    pub seed: u64,
    /// Scenario time zero, Unix milliseconds.
    pub start: Millis,
    /// Virtual history simulated before time zero, so rates have data from the first query.
    pub warmup_ms: Millis,
    /// How often the simulated Prometheus scrapes and evaluates rules, in virtual time.
    pub sample_every_ms: Millis,
    pub retention_ms: Millis,
    pub watch_history: usize,
    pub extra_pods: usize,
    /// Days of synthetic SLI history before the warm-up (`sim::history`); 0 for none.
    pub history_days: u32,
}

impl SimOptions {
    pub fn new(seed: u64, start: Millis) -> Self {
        Self {
            seed,
            start,
            warmup_ms: 15 * 60_000,
            sample_every_ms: 5_000,
            retention_ms: 3 * 3_600_000,
            watch_history: super::kube::store::DEFAULT_HISTORY,
            extra_pods: 0,
            history_days: super::history::DEFAULT_DAYS,
        }
    }
}

/// One cluster's Prometheus and Alertmanager state, shared with their HTTP handlers.
#[derive(Clone)]
pub struct ClusterSignals {
    pub name: &'static str,
    pub tsdb: Arc<RwLock<Tsdb>>,
    pub rules: Arc<RwLock<RuleEngine>>,
    pub alertmanager: Arc<RwLock<AmState>>,
}

pub struct Fleet {
    /// The real instant at which virtual time was `start`; a ticker keeps virtual time
    /// `start + elapsed * speed` from here, so building the fleet does not make it lag.
    pub zero: std::time::Instant,
    pub start: Millis,
    pub world: Arc<Mutex<World>>,
    pub now: VirtualNow,
    pub clusters: Vec<ClusterSignals>,
    sample_every_ms: Millis,
    last_sample: Mutex<Millis>,
}

impl Fleet {
    pub fn new(scenario: Scenario, options: &SimOptions) -> Self {
        let zero = std::time::Instant::now();
        let begin = options.start - options.warmup_ms;
        let world_options = WorldOptions {
            seed: options.seed,
            start: begin,
            watch_history: options.watch_history,
            extra_pods: options.extra_pods,
        };
        let mut world = World::new(scenario, &world_options);
        world.start = options.start;
        let clusters = world
            .clusters
            .iter()
            .enumerate()
            .map(|(i, c)| ClusterSignals {
                name: c.name(),
                tsdb: Arc::new(RwLock::new(cluster_tsdb(options, c.spec, begin))),
                rules: Arc::new(RwLock::new(RuleEngine::new(rules::default_rule_groups()).unwrap_or_else(|error| {
                    // The default rules are tested to compile; this is unreachable in practice.
                    tracing::error!(%error, "built-in alert rules do not compile; the simulator runs without them");
                    RuleEngine::default()
                }))),
                alertmanager: Arc::new(RwLock::new(AmState::new(options.seed.wrapping_add(i as u64), AmConfig::default()))),
            })
            .collect();
        let fleet = Self {
            zero,
            start: options.start,
            now: VirtualNow::new(begin),
            world: Arc::new(Mutex::new(world)),
            clusters,
            sample_every_ms: options.sample_every_ms.max(TICK_MS),
            last_sample: Mutex::new(Millis::MIN),
        };
        fleet.sample();
        fleet.advance_to(options.start);
        fleet
    }

    pub fn lock_world(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes a permission away from every client from now on (the simulator's RBAC).
    pub fn deny(&self, rule: super::rbac::DenyRule) {
        self.lock_world().deny.push(rule);
    }

    /// Advances one tick; scrapes and evaluates rules when a sample interval has passed.
    pub fn step(&self) {
        let now = {
            let mut world = self.lock_world();
            world.step();
            world.now
        };
        self.now.set(now);
        let due = {
            let last = self.last_sample.lock().map_or(Millis::MIN, |l| *l);
            last == Millis::MIN || now - last >= self.sample_every_ms
        };
        if due {
            self.sample();
        }
    }

    pub fn advance_to(&self, target: Millis) {
        while self.now.get() + TICK_MS <= target {
            self.step();
        }
    }

    /// One scrape of every cluster into its TSDB, one rule evaluation, and the firing alerts
    /// (and any scenario alerts) sent to the cluster's Alertmanager.
    fn sample(&self) {
        let (now, scrapes, direct) = {
            let mut world = self.lock_world();
            let now = world.now;
            let scrapes: Vec<Vec<(Labels, f64)>> = (0..world.clusters.len())
                .map(|i| {
                    let mut samples: Vec<(Labels, f64)> = world
                        .metric_families(i)
                        .into_iter()
                        .flat_map(|f| f.samples)
                        .collect();
                    if let Some(rules) = self.clusters.get(i).and_then(|c| c.rules.read().ok()) {
                        samples.extend(alerts_series(&rules.active_alerts()));
                    }
                    samples
                })
                .collect();
            (now, scrapes, std::mem::take(&mut world.outbox))
        };
        if let Ok(mut last) = self.last_sample.lock() {
            *last = now;
        }
        for (cluster, samples) in self.clusters.iter().zip(scrapes) {
            if let Ok(mut tsdb) = cluster.tsdb.write() {
                tsdb.append_scrape(now, samples);
            }
            let alerts = {
                let (Ok(tsdb), Ok(mut rules)) = (cluster.tsdb.read(), cluster.rules.write()) else {
                    continue;
                };
                rules.evaluate(&tsdb, now);
                rules
                    .alerts_to_notify()
                    .into_iter()
                    .map(|alert| to_incoming(alert, now, self.sample_every_ms))
                    .collect()
            };
            if let Ok(mut am) = cluster.alertmanager.write()
                && let Err(error) = am.receive(now, alerts)
            {
                tracing::warn!(cluster = cluster.name, %error, "simulated Alertmanager refused alerts");
            }
        }
        for alert in direct {
            if let Some(cluster) = self.clusters.get(alert.cluster)
                && let Ok(mut am) = cluster.alertmanager.write()
            {
                let sent = am.receive(
                    now,
                    vec![IncomingAlert {
                        labels: Labels::from_pairs(alert.labels),
                        annotations: Labels::from_pairs(alert.annotations),
                        starts_at_ms: Some(alert.starts_at),
                        ends_at_ms: Some(alert.ends_at),
                        generator_url: String::new(),
                    }],
                );
                if let Err(error) = sent {
                    tracing::warn!(%error, "a scenario alert was refused by the simulated Alertmanager");
                }
            }
        }
    }
}

/// Prometheus' `ALERTS{alertname, alertstate, ...}` series (value 1) for the pending and
/// firing alerts of the last rule evaluation, so checks can ask which alerts fire.
fn alerts_series(alerts: &[super::rules::RuleAlert]) -> Vec<(Labels, f64)> {
    alerts
        .iter()
        .filter(|a| a.state != super::rules::AlertState::Inactive)
        .map(|a| {
            (
                a.labels
                    .clone()
                    .with(super::labels::METRIC_NAME, "ALERTS")
                    .with("alertstate", a.state.as_str()),
                1.0,
            )
        })
        .collect()
}

/// A cluster's store: live scrapes for `retention_ms`, and a coarse tier holding the
/// synthetic history and five-minute copies of the SLI series for the SLO periods.
fn cluster_tsdb(options: &SimOptions, cluster: &ClusterSpec, begin: Millis) -> Tsdb {
    let days = Millis::from(options.history_days.max(history::DEFAULT_DAYS));
    let mut tsdb = Tsdb::with_coarse(
        options.retention_ms,
        CoarseOptions {
            every_ms: history::STEP_MS,
            retention_ms: days * 86_400_000 + 3_600_000,
            metrics: history::SLI_METRICS.iter().map(|m| m.to_string()).collect(),
        },
    );
    if options.history_days > 0 {
        let rows = history::cluster_history(options.seed, cluster, begin, options.history_days);
        if !tsdb.load_history(rows.grid, rows.series) {
            tracing::warn!(
                cluster = cluster.name,
                "synthetic history was refused; SLO periods start empty"
            );
        }
    }
    tsdb
}

/// What Prometheus sends Alertmanager for a rule's alert: firing ones end a few evaluation
/// intervals ahead (so they resolve if Prometheus goes away), resolved ones at their end.
fn to_incoming(alert: rules::RuleAlert, now: Millis, interval: Millis) -> IncomingAlert {
    IncomingAlert {
        labels: alert.labels,
        annotations: Labels::from_pairs(alert.annotations),
        starts_at_ms: Some(alert.active_at),
        ends_at_ms: Some(alert.resolved_at.unwrap_or(now + 4 * interval.max(60_000))),
        generator_url: String::new(),
    }
}
