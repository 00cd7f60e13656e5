//! Pods reduced to compact, sanitized rows as they arrive: kubectl's status text, ready and
//! restart counts, node, age, and for the describe panel the owner, conditions and
//! containers. managedFields, specs, annotations and everything else are dropped.

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

use super::watch::Feed;
use watchdeck_core::event::{Payload, PodsChange};
use watchdeck_core::model::kube::KubeResource;
use watchdeck_core::model::pod::{PodKey, PodRow};
use watchdeck_core::model::pod_detail::{
    ContainerRow, OwnerRef, PodCondition, PodDetail, Termination,
};
use watchdeck_core::text::Text;

/// How pod objects become pod messages.
pub fn feed() -> Feed<Pod, PodRow> {
    Feed {
        resource: KubeResource::Pods,
        reduce: pod_row,
        reset: |namespace, rows| Payload::Pods(PodsChange::relist(namespace, rows)),
        upsert: |row| Payload::Pods(PodsChange::Upsert(row)),
        deleted: |pod| pod_key(pod).map(|key| Payload::Pods(PodsChange::Deleted(key))),
    }
}

pub fn pod_key(pod: &Pod) -> Option<PodKey> {
    let name = pod.metadata.name.as_deref()?;
    Some(PodKey::new(
        pod.metadata.namespace.as_deref().unwrap_or_default(),
        name,
    ))
}

/// Reduces a pod to its row: status text, ready and restart counts as kubectl computes them.
/// `None` for an object without a name.
pub fn pod_row(pod: &Pod) -> Option<PodRow> {
    let key = pod_key(pod)?;
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown");
    let pod_reason = status
        .and_then(|s| s.reason.as_deref())
        .filter(|r| !r.is_empty());
    let mut reason = pod_reason.unwrap_or(phase).to_string();
    let conditions = status
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    let condition_true = |kind: &str| {
        conditions
            .iter()
            .any(|c| c.type_ == kind && c.status.eq_ignore_ascii_case("true"))
    };
    if conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".to_string();
    }

    let init_specs = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or_default();
    let sidecar = |name: &str| {
        init_specs
            .iter()
            .any(|c| c.name == name && c.restart_policy.as_deref() == Some("Always"))
    };
    let mut total = spec.map_or(0, |s| s.containers.len())
        + init_specs.iter().filter(|c| sidecar(&c.name)).count();
    let mut ready = 0usize;
    let mut restarts = 0u32;
    let mut sidecar_restarts = 0u32;
    let count = |s: &ContainerStatus| u32::try_from(s.restart_count).unwrap_or(0);

    let init_statuses = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or_default();
    let mut initializing = false;
    for (i, container) in init_statuses.iter().enumerate() {
        restarts += count(container);
        if sidecar(&container.name) {
            sidecar_restarts += count(container);
        }
        let state = container.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar(&container.name) && container.started == Some(true) {
            ready += usize::from(container.ready);
            continue;
        }
        reason = match (terminated, waiting) {
            (Some(t), _) => match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match t.signal.filter(|s| *s != 0) {
                    Some(signal) => format!("Init:Signal:{signal}"),
                    None => format!("Init:ExitCode:{}", t.exit_code),
                },
            },
            (None, Some(w)) if w != "PodInitializing" => format!("Init:{w}"),
            _ => format!("Init:{i}/{}", init_specs.len()),
        };
        initializing = true;
        break;
    }

    let statuses = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default();
    if !initializing || condition_true("Initialized") {
        restarts = sidecar_restarts;
        let mut has_running = false;
        for container in statuses.iter().rev() {
            restarts += count(container);
            let state = container.state.as_ref();
            let waiting = state
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(w) = waiting {
                reason = w.to_string();
            } else if let Some(t) = terminated {
                reason = match (
                    t.reason.as_deref().filter(|r| !r.is_empty()),
                    t.signal.filter(|s| *s != 0),
                ) {
                    (Some(r), _) => r.to_string(),
                    (None, Some(signal)) => format!("Signal:{signal}"),
                    (None, None) => format!("ExitCode:{}", t.exit_code),
                };
            } else if container.ready && state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true("Ready") {
                "Running"
            } else {
                "NotReady"
            }
            .to_string();
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if pod_reason == Some("NodeLost") {
            reason = "Unknown".to_string();
        } else if phase != "Failed" && phase != "Succeeded" {
            reason = "Terminating".to_string();
        }
    }

    let waiting_in = |s: &ContainerStatus, what: &str| {
        s.state
            .as_ref()
            .and_then(|st| st.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
            == Some(what)
    };
    let crash_looping = statuses
        .iter()
        .chain(init_statuses)
        .any(|s| waiting_in(s, "CrashLoopBackOff"));
    total = total.max(ready);
    Some(PodRow {
        key,
        status: Text::new(&reason),
        ready: u32::try_from(ready).unwrap_or(u32::MAX),
        total: u32::try_from(total).unwrap_or(u32::MAX),
        restarts,
        node: Text::new(
            spec.and_then(|s| s.node_name.as_deref())
                .unwrap_or("<none>"),
        ),
        created: pod.metadata.creation_timestamp.as_ref().map(|t| t.0),
        crash_looping,
        detail: Box::new(pod_detail(pod, init_statuses, statuses)),
    })
}

/// What the describe and metrics panels need, and nothing else.
fn pod_detail(pod: &Pod, init: &[ContainerStatus], main: &[ContainerStatus]) -> PodDetail {
    let owner = pod
        .metadata
        .owner_references
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|o| o.controller == Some(true))
        .map(|o| OwnerRef {
            kind: Text::new(&o.kind),
            name: Text::new(&o.name),
        });
    let spec = pod.spec.as_ref();
    let metrics_port = spec
        .into_iter()
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .find_map(|p| u16::try_from(p.container_port).ok());
    let status = pod.status.as_ref();
    let conditions = status
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|c| PodCondition {
            kind: Text::new(&c.type_),
            status: Text::new(&c.status),
            reason: Text::new(c.reason.as_deref().unwrap_or_default()),
            message: Text::new(c.message.as_deref().unwrap_or_default()),
            since: c.last_transition_time.as_ref().map(|t| t.0),
        })
        .collect();
    let containers = init
        .iter()
        .map(|c| container_row(c, true))
        .chain(main.iter().map(|c| container_row(c, false)))
        .collect();
    PodDetail {
        owner,
        ip: Text::new(status.and_then(|s| s.pod_ip.as_deref()).unwrap_or_default()),
        metrics_port,
        conditions,
        containers,
    }
}

fn container_row(status: &ContainerStatus, init: bool) -> ContainerRow {
    let state = status.state.as_ref();
    let (state_text, reason) = match state {
        Some(s) if s.running.is_some() => ("running", None),
        Some(s) if s.waiting.is_some() => (
            "waiting",
            s.waiting.as_ref().and_then(|w| w.reason.as_deref()),
        ),
        Some(s) if s.terminated.is_some() => (
            "terminated",
            s.terminated.as_ref().and_then(|t| t.reason.as_deref()),
        ),
        _ => ("unknown", None),
    };
    let last = status
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .map(|t| Termination {
            reason: Text::new(t.reason.as_deref().unwrap_or_default()),
            exit_code: t.exit_code,
            finished: t.finished_at.as_ref().map(|f| f.0),
        });
    ContainerRow {
        name: Text::new(&status.name),
        init,
        ready: status.ready,
        state: Text::new(state_text),
        reason: Text::new(reason.unwrap_or_default()),
        restarts: u32::try_from(status.restart_count).unwrap_or(0),
        last,
    }
}
