//! What a story's `wait` and `expect` steps check: a fact of the console's model (an alert, a
//! run, an SLO burn rate, a workload's ready pods) or a text on the screen, and how to say
//! what was seen instead when it does not hold.

use jiff::Timestamp;

use watchdeck_core::model::Model;
use watchdeck_core::model::runs::RunPhase;
use watchdeck_core::model::workload::{WorkloadKey, WorkloadKind, WorkloadRow};
use watchdeck_core::runbook::engine::{Gate, RunResult, StepStatus};
use watchdeck_core::slo::SloScope;

/// A condition on the console's model or screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// An alert of this name is in the cluster's list (any cluster when `None`), muted or not.
    AlertFiring {
        name: String,
        cluster: Option<String>,
    },
    /// No alert of this name is in the cluster's list (any cluster when `None`).
    AlertResolved {
        name: String,
        cluster: Option<String>,
    },
    /// Step `step` (1-based) of the active run is done.
    RunStepDone(usize),
    /// The active run ended with this result.
    Run(RunEnd),
    /// The active run asks at this gate.
    RunAsks(Gate),
    /// The SLO's burn rate over the window in the cluster is known and below `below`.
    BurnBelow {
        slo: String,
        cluster: String,
        window_secs: u64,
        below: f64,
    },
    /// The service's p99 latency in the cluster is known and below `below_secs`.
    P99Below {
        service: String,
        cluster: String,
        below_secs: f64,
    },
    /// The workload (Deployment or StatefulSet) has at least this many ready pods.
    ReadyPods {
        cluster: String,
        namespace: String,
        name: String,
        at_least: u32,
    },
    /// The active run's recovery time and data at risk are known and within its runbook's
    /// RTO and RPO.
    RecoveryMet,
    /// The text is on the screen.
    Screen(String),
}

/// How a run ended, as a story names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    Completed,
    Stopped,
    Failed,
    /// Any end.
    Ended,
}

impl RunEnd {
    pub const NAMES: [&'static str; 4] = ["completed", "stopped", "failed", "ended"];

    pub fn from_name(name: &str) -> Option<RunEnd> {
        match name {
            "completed" => Some(RunEnd::Completed),
            "stopped" => Some(RunEnd::Stopped),
            "failed" => Some(RunEnd::Failed),
            "ended" => Some(RunEnd::Ended),
            _ => None,
        }
    }
}

/// Gate names as stories write them.
pub const GATE_NAMES: [(&str, Gate); 8] = [
    ("confirm", Gate::Step),
    ("plan", Gate::Plan),
    ("apply", Gate::Apply),
    ("production", Gate::Production),
    ("risk", Gate::Risk),
    ("data-loss", Gate::DataLoss),
    ("failure", Gate::Failure),
    ("outcome-unknown", Gate::OutcomeUnknown),
];

impl Condition {
    /// Whether the condition holds on `model` and the `screen` text.
    pub fn holds(&self, model: &Model, screen: &str, now: Timestamp) -> bool {
        match self {
            Condition::AlertFiring { name, cluster } => alert_count(model, name, cluster) > 0,
            Condition::AlertResolved { name, cluster } => {
                alert_count(model, name, cluster) == 0 && alerts_seen(model, cluster)
            }
            Condition::RunStepDone(step) => {
                let run = model.runs.active.as_ref();
                let status = run.and_then(|r| r.steps().get(step.saturating_sub(1)));
                matches!(status.map(|s| &s.status), Some(StepStatus::Done(_)))
            }
            Condition::Run(end) => {
                let result = model.runs.active.as_ref().and_then(|r| r.result());
                match (end, result) {
                    (RunEnd::Ended, _) => model.runs.phase() == Some(RunPhase::Ended),
                    (RunEnd::Completed, Some(RunResult::Completed))
                    | (RunEnd::Stopped, Some(RunResult::Stopped { .. }))
                    | (RunEnd::Failed, Some(RunResult::Failed { .. })) => true,
                    _ => false,
                }
            }
            Condition::RunAsks(gate) => asking(model) == Some(*gate),
            Condition::BurnBelow {
                slo,
                cluster,
                window_secs,
                below,
            } => burn(model, slo, cluster, *window_secs).is_some_and(|b| b < *below),
            Condition::P99Below {
                service,
                cluster,
                below_secs,
            } => p99(model, service, cluster).is_some_and(|p| p < *below_secs),
            Condition::ReadyPods {
                cluster,
                namespace,
                name,
                at_least,
            } => workload(model, cluster, namespace, name).is_some_and(|w| w.ready >= *at_least),
            Condition::RecoveryMet => recovery(model, now).is_some_and(|r| {
                r.rto.is_some_and(|rto| r.elapsed <= rto)
                    && r.rpo
                        .is_some_and(|rpo| r.data_at_risk.is_some_and(|d| d <= rpo))
            }),
            Condition::Screen(text) => screen.contains(text.as_str()),
        }
    }

    /// What the condition asks for, in words.
    pub fn describe(&self) -> String {
        let cluster_of =
            |c: &Option<String>| c.as_deref().map_or(String::new(), |c| format!(" in {c}"));
        match self {
            Condition::AlertFiring { name, cluster } => {
                format!("{name} firing{}", cluster_of(cluster))
            }
            Condition::AlertResolved { name, cluster } => {
                format!("{name} resolved{}", cluster_of(cluster))
            }
            Condition::RunStepDone(step) => format!("run step {step} done"),
            Condition::Run(end) => format!("run {}", RunEnd::NAMES[*end as usize]),
            Condition::RunAsks(gate) => format!("run asking at the {} gate", gate_name(*gate)),
            Condition::BurnBelow {
                slo,
                cluster,
                window_secs,
                below,
            } => format!("{slo} burn rate over {window_secs}s in {cluster} below {below}"),
            Condition::P99Below {
                service,
                cluster,
                below_secs,
            } => format!(
                "{service} p99 latency in {cluster} below {}ms",
                below_secs * 1000.0
            ),
            Condition::ReadyPods {
                cluster,
                namespace,
                name,
                at_least,
            } => format!("{cluster}/{namespace}/{name} with at least {at_least} ready pods"),
            Condition::RecoveryMet => {
                "recovery time and data at risk within the RTO and RPO".to_string()
            }
            Condition::Screen(text) => format!("{text:?} on screen"),
        }
    }

    /// What was seen instead, for a failure message.
    pub fn seen(&self, model: &Model, screen: &str, now: Timestamp) -> String {
        match self {
            Condition::AlertFiring { name, cluster }
            | Condition::AlertResolved { name, cluster } => {
                format!(
                    "{} {name} alert(s) listed",
                    alert_count(model, name, cluster)
                )
            }
            Condition::RunStepDone(_) | Condition::Run(_) | Condition::RunAsks(_) => {
                run_seen(model)
            }
            Condition::BurnBelow {
                slo,
                cluster,
                window_secs,
                ..
            } => match burn(model, slo, cluster, *window_secs) {
                Some(b) => format!("burn rate {b:.2}"),
                None => "no burn rate known".to_string(),
            },
            Condition::P99Below {
                service, cluster, ..
            } => match p99(model, service, cluster) {
                Some(p) => format!("p99 {:.0}ms", p * 1000.0),
                None => "no p99 known".to_string(),
            },
            Condition::ReadyPods {
                cluster,
                namespace,
                name,
                ..
            } => match workload(model, cluster, namespace, name) {
                Some(w) => format!("{}/{} ready", w.ready, w.desired),
                None => "no such workload known".to_string(),
            },
            Condition::RecoveryMet => match recovery(model, now) {
                Some(r) => format!(
                    "elapsed {}s (RTO {:?}), data at risk {:?} (RPO {:?})",
                    r.elapsed.as_secs(),
                    r.rto,
                    r.data_at_risk,
                    r.rpo
                ),
                None => "no run".to_string(),
            },
            Condition::Screen(_) => format!("the screen was:\n{screen}"),
        }
    }
}

/// A gate's name as stories write it.
pub fn gate_name(gate: Gate) -> &'static str {
    GATE_NAMES
        .iter()
        .find(|(_, g)| *g == gate)
        .map_or("?", |(n, _)| n)
}

/// The gate the active run asks at, if it asks.
pub fn asking(model: &Model) -> Option<Gate> {
    if model.runs.phase() != Some(RunPhase::Asking) {
        return None;
    }
    Some(model.runs.active.as_ref()?.prompt()?.gate)
}

fn run_seen(model: &Model) -> String {
    let Some(run) = model.runs.active.as_ref() else {
        return "no run".to_string();
    };
    let id = &run.runbook().id;
    match (run.result(), asking(model), model.runs.indicator()) {
        (Some(result), _, _) => format!("run {id} ended: {result:?}"),
        (None, Some(gate), _) => {
            // The step's last log lines say why it asks (a re-ask names what changed).
            let tail: Vec<&str> = run
                .current()
                .and_then(|i| run.steps().get(i))
                .map(|step| {
                    step.log
                        .iter()
                        .rev()
                        .take(3)
                        .rev()
                        .map(String::as_str)
                        .collect()
                })
                .unwrap_or_default();
            format!(
                "run {id} asking at the {} gate; step log: {}",
                gate_name(gate),
                tail.join(" | ")
            )
        }
        (None, None, Some(indicator)) => indicator,
        _ => format!("run {id}"),
    }
}

fn clusters<'m>(
    model: &'m Model,
    cluster: &'m Option<String>,
) -> impl Iterator<Item = &'m watchdeck_core::model::ClusterState> {
    model
        .clusters
        .iter()
        .filter(move |c| cluster.as_deref().is_none_or(|n| c.name.as_str() == n))
}

fn alert_count(model: &Model, name: &str, cluster: &Option<String>) -> usize {
    clusters(model, cluster)
        .flat_map(|c| c.alerts.iter())
        .filter(|a| a.name.as_str() == name)
        .count()
}

/// The cluster's alerts were read (a resolved alert is one the list no longer has).
fn alerts_seen(model: &Model, cluster: &Option<String>) -> bool {
    use watchdeck_core::model::health::{Health, SourceKind};
    clusters(model, cluster).all(|c| matches!(c.health(SourceKind::Alerts), Health::Ok { .. }))
}

fn burn(model: &Model, slo: &str, cluster: &str, window_secs: u64) -> Option<f64> {
    let id = model
        .slos
        .specs
        .iter()
        .position(|s| s.name.as_str() == slo)?;
    let cluster = model
        .clusters
        .iter()
        .position(|c| c.name.as_str() == cluster)?;
    let entry = model.slos.entry(id, SloScope::Cluster(cluster))?;
    let rate = entry.evaluation.burn.get(&window_secs)?.0;
    rate.is_finite().then_some(rate)
}

fn recovery(
    model: &Model,
    now: Timestamp,
) -> Option<watchdeck_core::runbook::engine::RecoveryReport> {
    let run = model.runs.active.as_ref()?;
    Some(run.recovery(now))
}

fn p99(model: &Model, service: &str, cluster: &str) -> Option<f64> {
    let state = model.clusters.iter().find(|c| c.name.as_str() == cluster)?;
    let red = state
        .metrics
        .services
        .values()
        .find(|s| s.name.as_str() == service)?;
    red.p99.map(|p| p.0).filter(|p| p.is_finite())
}

fn workload<'m>(
    model: &'m Model,
    cluster: &str,
    namespace: &str,
    name: &str,
) -> Option<&'m WorkloadRow> {
    let state = model.clusters.iter().find(|c| c.name.as_str() == cluster)?;
    [WorkloadKind::Deployment, WorkloadKind::StatefulSet]
        .into_iter()
        .find_map(|kind| {
            state
                .kube
                .workloads
                .get(&WorkloadKey::new(kind, namespace, name))
        })
}
