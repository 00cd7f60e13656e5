//! The pod source: one watcher per cluster on Pods in all namespaces, each event reduced at
//! once to a compact, sanitized `PodRow` (managedFields and the rest are dropped), sent to the
//! app loop over the bounded channel. Failures set this source's health and retry with
//! jittered backoff; a fresh LIST after each failure reconciles missed deletions.

use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use kube::config::{ExecInteractiveMode, KubeConfigOptions, Kubeconfig};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, Config};
use tokio::sync::mpsc;

use super::retry::{Backoff, describe};
use crate::event::{DataEvent, Payload, PodsChange};
use crate::model::health::SourceKind;
use crate::model::pod::{PodKey, PodRow};
use crate::model::{ClusterId, Text};

/// How long to wait for a TCP (and TLS) connection to an API server.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Server-side duration of one watch call; the watcher reconnects after it.
pub const WATCH_TIMEOUT_SECS: u32 = 60;
/// Longest silence on a connection: a watch ends (and a new one starts) before this.
pub const READ_TIMEOUT: Duration = Duration::from_secs(75);
/// How often a synced watch probes the API server (`GET /version`) and, when it answers,
/// confirms that its data is current. A quiet watch cannot tell "nothing changed" from "the
/// connection is dead", so without an answer the source turns stale within about
/// `ALIVE_EVERY + PROBE_TIMEOUT` and the watch restarts.
pub const ALIVE_EVERY: Duration = Duration::from_secs(5);
/// Longest wait for the health probe's answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Builds a client for `context` of `kubeconfig`, with connect and read timeouts. Exec
/// credential plugins run non-interactively: they must not read the keyboard or write on the
/// console's screen.
pub async fn client(mut kubeconfig: Kubeconfig, context: &str) -> Result<Client, String> {
    for named in &mut kubeconfig.auth_infos {
        if let Some(exec) = named.auth_info.as_mut().and_then(|auth| auth.exec.as_mut()) {
            exec.interactive_mode = Some(ExecInteractiveMode::Never);
        }
    }
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..KubeConfigOptions::default()
    };
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| format!("kubeconfig: {}", describe(&e)))?;
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    config.read_timeout = Some(READ_TIMEOUT);
    config.write_timeout = Some(CONNECT_TIMEOUT);
    config.reset_reader_on_write = true;
    Client::try_from(config).map_err(|e| format!("client: {}", describe(&e)))
}

/// A short reason for a watcher failure: "connection refused", "timeout", "HTTP 403 ...",
/// "bad JSON: ...".
pub fn reason(err: &watcher::Error) -> String {
    match err {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => client_reason(e),
        watcher::Error::WatchError(status) => {
            status_reason(status.code, &status.reason, &status.message)
        }
        watcher::Error::NoResourceVersion => "no resourceVersion in list".to_string(),
    }
}

fn client_reason(err: &kube::Error) -> String {
    match err {
        kube::Error::Api(status) => status_reason(status.code, &status.reason, &status.message),
        kube::Error::SerdeError(e) => format!("bad JSON: {e}"),
        other => describe(other),
    }
}

fn status_reason(code: u16, reason: &str, message: &str) -> String {
    let detail = if message.is_empty() { reason } else { message };
    if detail.is_empty() {
        format!("HTTP {code}")
    } else {
        format!("HTTP {code}: {detail}")
    }
}

/// A 410 Gone means the watch's resourceVersion expired: routine, re-list without alarm.
fn is_expired(err: &watcher::Error) -> bool {
    match err {
        watcher::Error::WatchError(status) => status.code == 410,
        watcher::Error::WatchFailed(kube::Error::Api(status)) => status.code == 410,
        _ => false,
    }
}

/// Watches the cluster's pods until the receiver is dropped. Never returns an error: failures
/// become `Payload::Failed` for this (cluster, source) only.
pub async fn watch_pods(
    cluster: ClusterId,
    kubeconfig: Kubeconfig,
    context: String,
    tx: mpsc::Sender<DataEvent>,
) {
    let to_app = super::ToApp::new(cluster, tx);
    let send = |payload: Payload| to_app.send(payload);
    let fail = |reason: String| Payload::Failed {
        source: SourceKind::Pods,
        reason: Text::new(&reason),
    };
    let mut backoff = Backoff::new(
        Duration::from_millis(500),
        Duration::from_secs(30),
        cluster as u64 * 2,
    );
    let client = loop {
        match client(kubeconfig.clone(), &context).await {
            Ok(client) => break client,
            Err(reason) => {
                tracing::warn!(cluster, %reason, "kubernetes client");
                if !send(fail(reason)).await {
                    return;
                }
                tokio::time::sleep(backoff.next_delay().max(Duration::from_secs(5))).await;
            }
        }
    };
    let api: Api<Pod> = Api::all(client.clone());
    let config = watcher::Config::default().timeout(WATCH_TIMEOUT_SECS);
    loop {
        let mut stream = std::pin::pin!(watcher::watcher(api.clone(), config.clone()));
        let mut buffer: Vec<PodRow> = Vec::new();
        let mut synced = false;
        let mut alive = tokio::time::interval(ALIVE_EVERY);
        alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let failure = loop {
            let item = tokio::select! {
                item = stream.next() => item,
                _ = alive.tick() => {
                    if !synced {
                        continue;
                    }
                    if let Err(reason) = probe(&client).await {
                        break Ended::ProbeFailed(reason);
                    }
                    if !send(Payload::Alive(SourceKind::Pods)).await {
                        return;
                    }
                    continue;
                }
            };
            let payload = match item {
                Some(Ok(Event::Init)) => {
                    buffer.clear();
                    continue;
                }
                Some(Ok(Event::InitApply(pod))) => {
                    buffer.extend(pod_row(&pod));
                    continue;
                }
                Some(Ok(Event::InitDone)) => {
                    synced = true;
                    backoff.reset();
                    Payload::Pods(PodsChange::Reset(std::mem::take(&mut buffer)))
                }
                Some(Ok(Event::Apply(pod))) => match pod_row(&pod) {
                    Some(row) => Payload::Pods(PodsChange::Upsert(row)),
                    None => continue,
                },
                Some(Ok(Event::Delete(pod))) => match pod_key(&pod) {
                    Some(key) => Payload::Pods(PodsChange::Deleted(key)),
                    None => continue,
                },
                Some(Err(err)) => break Ended::Failed(err),
                None => break Ended::Closed,
            };
            if !send(payload).await {
                return;
            }
        };
        match failure {
            Ended::Failed(err) if is_expired(&err) => {
                tracing::debug!(cluster, "pod watch expired, re-listing");
                continue;
            }
            Ended::Failed(err) => {
                let reason = reason(&err);
                tracing::warn!(cluster, %reason, "pod watch failed");
                if !send(fail(reason)).await {
                    return;
                }
            }
            Ended::ProbeFailed(reason) => {
                tracing::warn!(cluster, %reason, "API server health probe failed; restarting the watch");
                if !send(fail(reason)).await {
                    return;
                }
            }
            Ended::Closed => tracing::debug!(cluster, "pod watch ended"),
        }
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

/// Why one watch stream ended.
enum Ended {
    Failed(watcher::Error),
    /// The watch looked fine but the API server did not answer the health probe.
    ProbeFailed(String),
    /// The stream ended without an error.
    Closed,
}

/// The cheap health probe: `GET /version` within [`PROBE_TIMEOUT`].
async fn probe(client: &Client) -> Result<(), String> {
    match tokio::time::timeout(PROBE_TIMEOUT, client.apiserver_version()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(err)) => Err(client_reason(&err)),
        Err(_) => Err(format!(
            "timeout: no answer to the health probe within {}s",
            PROBE_TIMEOUT.as_secs()
        )),
    }
}

fn pod_key(pod: &Pod) -> Option<PodKey> {
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
    })
}

#[cfg(test)]
mod tests;
