//! Tests for the alert store: merging, resolution, silencing, inhibition, filters and groups.

use super::*;
use crate::alertmanager::silences::MatcherSpec;

const T0: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const MIN: Millis = 60_000;

fn alert(pairs: &[(&str, &str)], starts: Option<Millis>, ends: Option<Millis>) -> IncomingAlert {
    IncomingAlert {
        labels: Labels::from_pairs(pairs.iter().copied()),
        annotations: Labels::from_pairs([("summary", "s")]),
        starts_at_ms: starts,
        ends_at_ms: ends,
        generator_url: "http://prometheus/graph".into(),
    }
}

fn fire(alertname: &str, severity: &str, cluster: &str, service: &str) -> IncomingAlert {
    let pairs = [
        ("alertname", alertname),
        ("severity", severity),
        ("cluster", cluster),
        ("service", service),
    ];
    alert(&pairs, Some(T0), Some(T0 + 60 * MIN))
}

fn am() -> AmState {
    AmState::new(1, AmConfig::default())
}

fn received(state: &mut AmState, now: Millis, alerts: Vec<IncomingAlert>) {
    if let Err(e) = state.receive(now, alerts) {
        panic!("receive refused: {e}");
    }
}

fn all(state: &AmState, now: Millis) -> Vec<AlertView> {
    state.alerts(now, &AlertFilter::default())
}

fn silence(
    state: &mut AmState,
    now: Millis,
    name: &str,
    value: &str,
    starts: Millis,
    ends: Millis,
) -> String {
    let spec = SilenceSpec {
        id: None,
        matchers: vec![MatcherSpec::new(name, value, false, true)],
        starts_at_ms: starts,
        ends_at_ms: ends,
        created_by: "alice".into(),
        comment: "c".into(),
    };
    state
        .upsert_silence(now, spec)
        .unwrap_or_else(|e| panic!("silence refused: {e}"))
}

#[test]
fn same_alert_from_two_replicas_is_one_alert_with_its_fingerprint() {
    let mut s = am();
    let pairs = [("alertname", "HighErrorRate"), ("cluster", "eu-west-1")];
    received(
        &mut s,
        T0 + MIN,
        vec![alert(&pairs, Some(T0), Some(T0 + 5 * MIN))],
    );
    received(
        &mut s,
        T0 + MIN + 500,
        vec![alert(&pairs, Some(T0), Some(T0 + 4 * MIN))],
    );
    let got = all(&s, T0 + 2 * MIN);
    assert_eq!(got.len(), 1);
    let a = &got[0];
    assert_eq!(a.fingerprint, Labels::from_pairs(pairs).fingerprint());
    assert_eq!(format!("{:016x}", a.fingerprint).len(), 16);
    // startsAt kept, the later explicit endsAt wins, updatedAt from the latest post.
    assert_eq!(
        (
            a.alert.starts_at_ms,
            a.alert.ends_at_ms,
            a.alert.updated_at_ms
        ),
        (T0, T0 + 5 * MIN, T0 + MIN + 500)
    );
}

#[test]
fn starts_at_kept_from_first_sight_and_ends_at_from_resolve_timeout() {
    let mut s = am();
    let pairs = [("alertname", "DiskFull")];
    received(&mut s, T0, vec![alert(&pairs, None, None)]);
    received(&mut s, T0 + 2 * MIN, vec![alert(&pairs, None, None)]);
    let got = all(&s, T0 + 2 * MIN);
    let times = got
        .first()
        .map(|a| (a.alert.starts_at_ms, a.alert.ends_at_ms, a.alert.timeout));
    assert_eq!(times, Some((T0, T0 + 7 * MIN, true)));
    assert_eq!(all(&s, T0 + 7 * MIN - 1).len(), 1);
    assert!(
        all(&s, T0 + 7 * MIN).is_empty(),
        "resolved once the timeout passes"
    );
}

#[test]
fn resolved_by_ends_at() {
    let mut s = am();
    let pairs = [("alertname", "HighErrorRate"), ("cluster", "us-east-1")];
    received(
        &mut s,
        T0,
        vec![alert(&pairs, Some(T0), Some(T0 + 4 * MIN))],
    );
    assert_eq!(all(&s, T0 + MIN).len(), 1);
    // Prometheus sends the resolution with endsAt = evaluation time.
    received(
        &mut s,
        T0 + 2 * MIN,
        vec![alert(&pairs, Some(T0), Some(T0 + 2 * MIN))],
    );
    assert!(all(&s, T0 + 2 * MIN).is_empty());
    // A later firing starts fresh.
    received(
        &mut s,
        T0 + 10 * MIN,
        vec![alert(&pairs, Some(T0 + 9 * MIN), Some(T0 + 14 * MIN))],
    );
    assert_eq!(
        all(&s, T0 + 10 * MIN).first().map(|a| a.alert.starts_at_ms),
        Some(T0 + 9 * MIN)
    );
}

#[test]
fn invalid_alerts_are_reported_and_valid_ones_kept() {
    let mut s = am();
    let batch = vec![
        alert(&[("alertname", "Ok")], Some(T0), None),
        alert(&[("bad-name", "x")], Some(T0), None),
        alert(&[], Some(T0), None),
        alert(&[("alertname", "Backwards")], Some(T0), Some(T0 - MIN)),
    ];
    let err = s.receive(T0, batch).err().map(|e| e.to_string());
    let want = r#"invalid label set: invalid name "bad-name"; at least one label pair required; start time must be before end time"#;
    assert_eq!(err.as_deref(), Some(want));
    assert_eq!(all(&s, T0).len(), 1);
}

#[test]
fn silence_lifecycle_drives_alert_state() {
    let mut s = am();
    received(
        &mut s,
        T0,
        vec![fire("HighErrorRate", "critical", "eu-west-1", "api")],
    );
    let id = silence(&mut s, T0, "service", "api", T0 + 10 * MIN, T0 + 30 * MIN);
    let state_at = |s: &AmState, now| {
        all(s, now)
            .first()
            .map(|a| (a.status.state, a.status.silenced_by.clone()))
    };
    assert_eq!(
        state_at(&s, T0 + 5 * MIN),
        Some((AlertState::Active, vec![])),
        "pending silence"
    );
    assert_eq!(
        state_at(&s, T0 + 10 * MIN),
        Some((AlertState::Suppressed, vec![id.clone()])),
        "active silence"
    );
    assert_eq!(
        state_at(&s, T0 + 30 * MIN),
        Some((AlertState::Active, vec![])),
        "ended silence"
    );
    assert_eq!(s.expire_silence(T0 + 12 * MIN, &id), Ok(()));
    assert_eq!(
        state_at(&s, T0 + 12 * MIN),
        Some((AlertState::Active, vec![])),
        "expired silence"
    );
}

#[test]
fn inhibition_follows_the_rule_and_equal_labels() {
    let target = fire("HighResponseTime", "warning", "eu-west-1", "api");
    let cases = [
        (
            "same cluster and service",
            fire("HighErrorRate", "critical", "eu-west-1", "api"),
            true,
        ),
        (
            "other service",
            fire("HighErrorRate", "critical", "eu-west-1", "web"),
            false,
        ),
        (
            "other cluster",
            fire("HighErrorRate", "critical", "us-east-1", "api"),
            false,
        ),
        (
            "source not critical",
            fire("HighErrorRate", "warning", "eu-west-1", "api"),
            false,
        ),
    ];
    for (name, source, inhibited) in cases {
        let mut s = am();
        let source_fp = format!("{:016x}", source.labels.fingerprint());
        received(&mut s, T0, vec![source, target.clone()]);
        let status = s.status_of(T0 + MIN, &target.labels);
        let want = if inhibited { vec![source_fp] } else { vec![] };
        assert_eq!(status.inhibited_by, want, "{name}");
        assert_eq!(status.state == AlertState::Suppressed, inhibited, "{name}");
    }
}

#[test]
fn silenced_source_still_inhibits_and_resolved_source_does_not() {
    let mut s = am();
    let source = fire("HighErrorRate", "critical", "eu-west-1", "api");
    let target = fire("HighResponseTime", "warning", "eu-west-1", "api");
    received(&mut s, T0, vec![source.clone(), target.clone()]);
    let id = silence(&mut s, T0, "alertname", "HighErrorRate", T0, T0 + 60 * MIN);
    let src = s.status_of(T0 + MIN, &source.labels);
    assert_eq!(
        (src.state, src.silenced_by),
        (AlertState::Suppressed, vec![id])
    );
    assert_eq!(s.status_of(T0 + MIN, &target.labels).inhibited_by.len(), 1);
    let mut resolved = source;
    resolved.ends_at_ms = Some(T0 + 2 * MIN);
    received(&mut s, T0 + 2 * MIN, vec![resolved]);
    assert!(
        s.status_of(T0 + 2 * MIN, &target.labels)
            .inhibited_by
            .is_empty()
    );
}

#[test]
fn alert_matching_both_sides_does_not_inhibit_itself_or_its_peers() {
    let mut config = AmConfig::default();
    config.inhibit_rules[0].target_matchers =
        vec![watchdeck_core::matcher::Compiled::equal("team", "sre")];
    let mut s = AmState::new(1, config);
    let mut a = fire("HighErrorRate", "critical", "eu-west-1", "api");
    a.labels.insert("team", "sre");
    let mut b = fire("Other", "critical", "eu-west-1", "api");
    b.labels.insert("team", "sre");
    received(&mut s, T0, vec![a.clone(), b]);
    assert!(s.status_of(T0, &a.labels).inhibited_by.is_empty());
}

#[test]
fn filters_select_by_state_matchers_and_receiver() {
    let mut s = am();
    received(
        &mut s,
        T0,
        vec![
            fire("HighErrorRate", "critical", "eu-west-1", "api"),
            fire("HighResponseTime", "warning", "eu-west-1", "api"),
            fire("PodCrashLooping", "warning", "us-east-1", "web"),
        ],
    );
    silence(
        &mut s,
        T0,
        "alertname",
        "PodCrashLooping",
        T0,
        T0 + 60 * MIN,
    );
    let names = |query: &str| -> Vec<String> {
        let f = AlertFilter::from_query(Some(query)).unwrap_or_else(|e| panic!("{query}: {e}"));
        s.alerts(T0 + MIN, &f)
            .iter()
            .filter_map(|a| a.alert.labels.get("alertname").map(str::to_string))
            .collect()
    };
    let mut cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "",
            vec!["HighErrorRate", "HighResponseTime", "PodCrashLooping"],
        ),
        ("silenced=false", vec!["HighErrorRate", "HighResponseTime"]),
        ("inhibited=false", vec!["HighErrorRate", "PodCrashLooping"]),
        ("active=false", vec!["HighResponseTime", "PodCrashLooping"]),
        ("silenced=false&inhibited=false", vec!["HighErrorRate"]),
        (
            "filter=severity%3D~%22warn.*%22",
            vec!["HighResponseTime", "PodCrashLooping"],
        ),
        ("filter=cluster!%3Deu-west-1", vec!["PodCrashLooping"]),
        (
            "filter=%7Bservice%3D%22api%22%2Cseverity%3Dcritical%7D",
            vec!["HighErrorRate"],
        ),
        (
            "receiver=on.*",
            vec!["HighErrorRate", "HighResponseTime", "PodCrashLooping"],
        ),
        ("receiver=pager", vec![]),
    ];
    for (query, want) in cases.drain(..) {
        let mut got = names(query);
        got.sort();
        assert_eq!(got, want, "{query:?}");
    }
}

#[test]
fn groups_by_alertname_and_cluster() {
    let mut s = am();
    received(
        &mut s,
        T0,
        vec![
            fire("HighErrorRate", "critical", "us-east-1", "api"),
            fire("HighErrorRate", "critical", "eu-west-1", "api"),
            fire("HighErrorRate", "critical", "eu-west-1", "web"),
            alert(&[("alertname", "Watchdog")], Some(T0), None),
        ],
    );
    let groups = s.groups(T0 + MIN, &AlertFilter::default());
    let shape: Vec<(String, usize)> = groups
        .iter()
        .map(|g| (g.labels.to_string(), g.alerts.len()))
        .collect();
    let want = [
        (r#"{alertname="Watchdog"}"#, 1),
        (r#"{alertname="HighErrorRate", cluster="eu-west-1"}"#, 2),
        (r#"{alertname="HighErrorRate", cluster="us-east-1"}"#, 1),
    ];
    assert_eq!(shape, want.map(|(l, n)| (l.to_string(), n)));
    assert!(groups.iter().all(|g| g.receiver == "oncall"));
    let services: Vec<&str> = groups[1]
        .alerts
        .iter()
        .filter_map(|a| a.alert.labels.get("service"))
        .collect();
    assert_eq!(services, ["api", "web"]);
    let filtered = AlertFilter::from_query(Some("filter=cluster%3Deu-west-1")).unwrap_or_default();
    assert_eq!(s.groups(T0 + MIN, &filtered).len(), 1);
}
