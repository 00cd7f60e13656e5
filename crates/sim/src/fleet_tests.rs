//! Fleet-level tests: the world, its scrapes and its alert rules together, over virtual time.

use super::fleet::{Fleet, SimOptions};
use super::rules::AlertState;
use super::scenario::Scenario;
use super::world::TICK_MS;
use crate::clock::Millis;

const START: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const MIN: Millis = 60_000;

fn fleet(scenario: &str) -> Fleet {
    let mut options = SimOptions::new(11, START);
    options.warmup_ms = 2 * MIN;
    options.history_days = 0;
    Fleet::new(
        Scenario::resolve(scenario).expect("built-in scenario"),
        &options,
    )
}

/// The pods with an active `alertname` alert in cluster `cluster` now, and its state.
fn states_of(fleet: &Fleet, cluster: usize, alertname: &str) -> Vec<(String, AlertState)> {
    let Ok(rules) = fleet.clusters[cluster].rules.read() else {
        return Vec::new();
    };
    rules
        .active_alerts()
        .iter()
        .filter(|a| a.labels.get("alertname") == Some(alertname))
        .map(|a| (a.labels.get("pod").unwrap_or("").to_string(), a.state))
        .collect()
}

#[test]
fn a_crash_looping_pod_pages_once_and_stays_firing() {
    // Every fleet has one notification pod in eu-west-1 crash-looping on a bad node, 14
    // restarts in: its back-off is at the 5 minute cap, so a count of restarts over 10
    // minutes hovers around 2 and used to resolve and re-fire.
    let fleet = fleet("steady");
    let mut first_fired: Option<(Millis, String)> = None;
    let mut states = Vec::new();
    let end = START + 32 * MIN;
    while fleet.now.get() + TICK_MS <= end {
        fleet.step();
        let now = fleet.now.get();
        let alerts = states_of(&fleet, 1, "PodCrashLooping");
        if first_fired.is_none()
            && let Some((pod, _)) = alerts.iter().find(|(_, s)| *s == AlertState::Firing)
        {
            first_fired = Some((now, pod.clone()));
        }
        if let Some((_, pod)) = &first_fired {
            let state = alerts
                .iter()
                .find(|(p, _)| p == pod)
                .map_or(AlertState::Inactive, |(_, s)| *s);
            states.push((now, state));
        }
    }
    let (fired, pod) = first_fired.expect("PodCrashLooping fires in eu-west-1");
    assert!(pod.starts_with("notification-"), "{pod}");
    assert!(
        fired < START + 3 * MIN,
        "fired at +{}s",
        (fired - START) / 1000
    );
    // Thirty virtual minutes in CrashLoopBackOff (back-off reaches its 5 minute cap): firing
    // the whole time, never resolved and re-fired.
    assert!(end - fired >= 29 * MIN);
    let not_firing: Vec<_> = states
        .iter()
        .filter(|(_, s)| *s != AlertState::Firing)
        .map(|(t, s)| format!("+{}s {}", (t - START) / 1000, s.as_str()))
        .collect();
    assert!(not_firing.is_empty(), "{not_firing:?}");
}
