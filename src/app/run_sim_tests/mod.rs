//! Direct actions end to end through the console: keys on the Workloads screen go through
//! `update`, frames are drawn on a test terminal, and the real executor with
//! `watchdeck_io::ops::Ops` acts on the simulated fleet over loopback; afterwards the fleet is read
//! through its own Kubernetes API (not the model) and the audit file is checked.
//!
//! This module wraps the story driver (`crate::story::driver`: the fleet, the loop's `apply`,
//! keys, waits) in `Console` with reads of the fleet and the audit file; `rollback` and
//! `scale` are the scenarios.

mod rollback;
mod scale;

use std::ops::{Deref, DerefMut};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::Api;
use kube::config::{KubeConfigOptions, Kubeconfig};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::story::driver::{Driver, FleetSpec, Pace, START_MS, Until};
use watchdeck_core::action::Key;
use watchdeck_core::cluster::ClusterId;
use watchdeck_core::model::Model;
use watchdeck_core::model::runs::RunPhase;
use watchdeck_core::model::workload::{WorkloadKey, WorkloadKind, WorkloadRow};
use watchdeck_core::model::workload_view::{ActionPopup, RowKey, row_keys, selected_key};
use watchdeck_core::runbook::audit::{AuditPhase, AuditRecord};
use watchdeck_core::runbook::engine::{Expect, Gate, RunResult};
use watchdeck_io::audit::{AuditLine, read_all};
use watchdeck_sim::server;

/// The longest any wait may take before the test fails, showing the screen.
const WAIT: Duration = Duration::from_secs(120);
/// While time runs, the fleet is stepped this much virtual time ...
const STEP_MS: i64 = 2_000;
/// ... this often in real time (about 20 times real time: a rollout of a few virtual
/// minutes at most takes seconds, well inside the step's 5 minute verification).
const STEP_EVERY: Duration = Duration::from_millis(100);
/// j/k presses allowed to reach a row.
const MAX_MOVES: usize = 200;
const NAMESPACE: &str = "shop";
const SERVICE: &str = "payment";

/// The console on a simulated fleet: the story driver (the loop's own `apply` and `frame`,
/// the real sources and executor), with the checks these tests need.
struct Console {
    driver: Driver<TestBackend>,
    _dir: tempfile::TempDir,
}

impl Deref for Console {
    type Target = Driver<TestBackend>;
    fn deref(&self) -> &Self::Target {
        &self.driver
    }
}

impl DerefMut for Console {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.driver
    }
}

impl Console {
    /// The bad-deploy fleet at `at` (6 minutes of warm-up), the console as `watchdeck`
    /// starts it on the simulator, with only the clusters named in `production` marked
    /// production and a private audit file; synced with the fleet and the payment rows known.
    async fn start(at: i64, production: &[&str]) -> Console {
        let mut spec = FleetSpec::new("bad-deploy", 42, at - START_MS);
        spec.warmup_ms = 6 * 60_000;
        spec.production = Some(production.iter().map(|p| p.to_string()).collect());
        let pace = Pace {
            every: STEP_EVERY,
            step_ms: STEP_MS,
            frame_every: Duration::ZERO,
        };
        let dir = tempfile::tempdir().unwrap();
        let terminal = Terminal::new(TestBackend::new(160, 50)).unwrap();
        let audit = dir.path().join("audit.jsonl");
        let mut driver = Driver::start(&spec, pace, terminal, audit).await.unwrap();
        driver.wall_limit = Some(WAIT);
        let mut console = Console { driver, _dir: dir };
        console.until("the console is synced", synced).await;
        console
    }

    /// A key press as the loop hands it over (with the clock's now), then its frame.
    fn press(&mut self, key: Key) {
        let quit = self.driver.press(key);
        assert!(!quit, "the console quit\n{}", self.screen());
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(Key::Char(c));
        }
    }

    /// Handles data events, operation outcomes and ticks as the loop does (and steps the
    /// fleet while time runs) until `done` holds; fails with the screen after [`WAIT`].
    async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) {
        let holds = |d: &mut Driver<TestBackend>| done(&d.model);
        let until = self.driver.run_for(i64::MAX / 4, Some(&holds)).await;
        if until != Until::Done {
            panic!("timed out waiting until {what}\n{}", self.screen());
        }
        self.screen();
    }

    /// `j`/`k` on the Workloads screen until `cluster`'s Deployment `name` is selected.
    fn select_deployment(&mut self, cluster: ClusterId, name: &str) {
        let want = RowKey::Workload(
            cluster,
            WorkloadKey::new(WorkloadKind::Deployment, NAMESPACE, name),
        );
        for _ in 0..MAX_MOVES {
            let keys = row_keys(&self.model);
            let target = keys.iter().position(|k| *k == want);
            let target = target.unwrap_or_else(|| panic!("no row {want:?}\n{}", self.screen()));
            let selected = selected_key(&self.model);
            let at = keys.iter().position(|k| Some(k) == selected.as_ref());
            match at {
                Some(at) if at == target => return,
                Some(at) if at > target => self.press(Key::Char('k')),
                _ => self.press(Key::Char('j')),
            }
        }
        panic!("{want:?} not reached with j/k\n{}", self.screen());
    }

    /// The index of the cluster named `name`.
    fn cluster(&self, name: &str) -> ClusterId {
        let clusters = &self.model.clusters;
        clusters
            .iter()
            .position(|c| c.name.as_str() == name)
            .unwrap()
    }

    /// The gate and what it expects, while the run waits for an answer.
    fn prompt(&self) -> Option<(Gate, Expect)> {
        let run = self.model.runs.active.as_ref()?;
        let prompt = run.prompt().filter(|_| self.model.runs.busy())?;
        Some((prompt.gate, prompt.expect.clone()))
    }

    /// Waits for the next question of the run.
    async fn next_prompt(&mut self) -> (Gate, Expect) {
        self.until("the run asks", |m| m.runs.phase() == Some(RunPhase::Asking))
            .await;
        self.prompt().unwrap()
    }

    /// Answers yes at every plain gate left, running time (rollouts progress) until the run
    /// ends; returns the gates answered.
    async fn yes_until_the_end(&mut self) -> Vec<Gate> {
        let mut answered = Vec::new();
        self.time_runs = true;
        loop {
            self.until("the run asks or ends", |m| {
                matches!(m.runs.phase(), Some(RunPhase::Asking | RunPhase::Ended))
            })
            .await;
            let Some((gate, expect)) = self.prompt() else {
                break;
            };
            assert_eq!(expect, Expect::YesNo, "{gate:?}\n{}", self.screen());
            answered.push(gate);
            self.press(Key::Char('y'));
        }
        self.time_runs = false;
        answered
    }

    fn result(&self) -> Option<RunResult> {
        self.model.runs.active.as_ref()?.result().cloned()
    }

    /// The Deployment as the fleet's API server has it, read with a client of its own.
    async fn deployment(&self, cluster: &str, name: &str) -> Deployment {
        let kubeconfig: Kubeconfig =
            serde_json::from_value(server::kubeconfig(&self.running.endpoints)).unwrap();
        let options = KubeConfigOptions {
            context: Some(cluster.to_string()),
            ..KubeConfigOptions::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .unwrap();
        let client = kube::Client::try_from(config).unwrap();
        Api::<Deployment>::namespaced(client, NAMESPACE)
            .get(name)
            .await
            .unwrap()
    }

    /// Every record of the audit file (none when it was never written).
    fn audit_records(&self) -> Vec<AuditRecord> {
        if !self.audit.exists() {
            return Vec::new();
        }
        read_all(&self.audit)
            .unwrap()
            .into_iter()
            .map(|line| match line {
                AuditLine::Record(record) => *record,
                AuditLine::Damaged { line, reason } => panic!("audit line {line}: {reason}"),
            })
            .collect()
    }
}

/// Every cluster's pods, alerts and payment Deployment with its ReplicaSets are in.
fn synced(model: &Model) -> bool {
    use watchdeck_core::model::health::{Health, SourceKind};
    model.clusters.iter().all(|c| {
        let payment = WorkloadKey::new(WorkloadKind::Deployment, NAMESPACE, SERVICE);
        !c.pods.is_empty()
            && matches!(c.health(SourceKind::Pods), Health::Ok { .. })
            && matches!(c.health(SourceKind::Alerts), Health::Ok { .. })
            && c.kube.workloads.contains_key(&payment)
            && c.kube
                .workloads
                .values()
                .any(|w| w.key.kind == WorkloadKind::ReplicaSet)
    })
}

/// The payment Deployment's row of `cluster`, as the console knows it.
fn payment_row(model: &Model, cluster: ClusterId) -> Option<&WorkloadRow> {
    let key = WorkloadKey::new(WorkloadKind::Deployment, NAMESPACE, SERVICE);
    model.clusters.get(cluster)?.kube.workloads.get(&key)
}

/// The records of one action (attempt, result or refusal share its id), by phase.
fn phases_of(records: &[AuditRecord], action_id: &str) -> Vec<AuditPhase> {
    records
        .iter()
        .filter(|r| r.action_id == action_id)
        .map(|r| r.phase)
        .collect()
}

/// The attempt record of the one executed action; it has exactly an attempt and a result.
fn executed_action(records: &[AuditRecord]) -> &AuditRecord {
    let attempt = records
        .iter()
        .find(|r| r.phase == AuditPhase::Attempt)
        .expect("an attempt record");
    let phases = phases_of(records, &attempt.action_id);
    assert_eq!(phases, [AuditPhase::Attempt, AuditPhase::Result]);
    attempt
}

fn has_line(screen: &str, parts: &[&str]) -> bool {
    screen
        .lines()
        .any(|line| parts.iter().all(|part| line.contains(part)))
}
