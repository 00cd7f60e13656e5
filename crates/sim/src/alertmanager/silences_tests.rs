//! Tests for the silence store: lifecycle, updates, validation, listing and retention.

use super::*;
use watchdeck_core::matcher::parse_matcher;

const T0: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const MIN: Millis = 60_000;

fn spec(matchers: Vec<MatcherSpec>, starts: Millis, ends: Millis) -> SilenceSpec {
    SilenceSpec {
        id: None,
        matchers,
        starts_at_ms: starts,
        ends_at_ms: ends,
        created_by: "alice".into(),
        comment: "deploy".into(),
    }
}

fn eq(name: &str, value: &str) -> MatcherSpec {
    MatcherSpec::new(name, value, false, true)
}

fn store() -> Silences {
    Silences::new(SimRng::new(42))
}

fn created(s: &mut Silences, now: Millis, spec: SilenceSpec) -> String {
    s.upsert(now, spec)
        .unwrap_or_else(|e| panic!("upsert refused: {e}"))
}

#[test]
fn lifecycle_goes_pending_active_expired_and_only_active_mutes() {
    let mut s = store();
    let id = created(
        &mut s,
        T0,
        spec(
            vec![eq("alertname", "HighErrorRate")],
            T0 + 10 * MIN,
            T0 + 70 * MIN,
        ),
    );
    let labels = Labels::from_pairs([("alertname", "HighErrorRate"), ("cluster", "eu-west-1")]);
    let cases = [
        (T0, SilenceState::Pending, false),
        (T0 + 10 * MIN, SilenceState::Active, true),
        (T0 + 69 * MIN, SilenceState::Active, true),
        (T0 + 70 * MIN, SilenceState::Expired, false),
    ];
    for (now, state, mutes) in cases {
        let sil = s.get(now, &id).map(|x| x.state(now));
        assert_eq!(sil, Some(state), "at +{}m", (now - T0) / MIN);
        assert_eq!(
            s.active_matching(now, &labels).contains(&id),
            mutes,
            "at +{}m",
            (now - T0) / MIN
        );
    }
}

#[test]
fn expire_ends_active_now_and_collapses_pending() {
    let mut s = store();
    let active = created(&mut s, T0, spec(vec![eq("a", "1")], T0, T0 + 60 * MIN));
    let pending = created(
        &mut s,
        T0,
        spec(vec![eq("a", "2")], T0 + 30 * MIN, T0 + 60 * MIN),
    );
    let now = T0 + 5 * MIN;
    assert_eq!(s.expire(now, &active), Ok(()));
    assert_eq!(s.expire(now, &pending), Ok(()));
    let a = s.get(now, &active).cloned();
    assert_eq!(
        a.as_ref()
            .map(|x| (x.starts_at_ms, x.ends_at_ms, x.state(now))),
        Some((T0, now, SilenceState::Expired))
    );
    let p = s.get(now, &pending).cloned();
    assert_eq!(
        p.as_ref().map(|x| (x.starts_at_ms, x.ends_at_ms)),
        Some((now, now))
    );
    assert_eq!(
        s.expire(now + MIN, &active),
        Ok(()),
        "expiring twice is a no-op"
    );
    assert_eq!(s.get(now + MIN, &active).map(|x| x.ends_at_ms), Some(now));
    assert_eq!(
        s.expire(now, "00000000-0000-4000-8000-000000000000"),
        Err(SilenceError::NotFound)
    );
}

#[test]
fn update_in_place_versus_expire_and_recreate() {
    let mut s = store();
    let id = created(
        &mut s,
        T0,
        spec(vec![eq("service", "api")], T0, T0 + 60 * MIN),
    );
    let now = T0 + 10 * MIN;

    // Active, same matchers, same start, later end: updated in place.
    let mut extend = spec(vec![eq("service", "api")], T0, T0 + 120 * MIN);
    extend.id = Some(id.clone());
    extend.comment = "longer".into();
    assert_eq!(s.upsert(now, extend), Ok(id.clone()));
    let kept = s.get(now, &id).cloned();
    assert_eq!(
        kept.as_ref()
            .map(|x| (x.ends_at_ms, x.updated_at_ms, x.comment.as_str())),
        Some((T0 + 120 * MIN, now, "longer"))
    );

    // Active, matchers changed: the old one is expired now and a new ID is issued.
    let mut change = spec(vec![eq("service", "web")], T0, T0 + 120 * MIN);
    change.id = Some(id.clone());
    let new_id = created(&mut s, now, change);
    assert_ne!(new_id, id);
    assert_eq!(
        s.get(now, &id).map(|x| (x.state(now), x.ends_at_ms)),
        Some((SilenceState::Expired, now))
    );
    let fresh = s.get(now, &new_id).cloned();
    assert_eq!(
        fresh.as_ref().map(|x| (x.state(now), x.starts_at_ms)),
        Some((SilenceState::Active, now))
    );

    // Pending, start moved later: in place.
    let pending = created(
        &mut s,
        now,
        spec(vec![eq("a", "1")], T0 + 30 * MIN, T0 + 60 * MIN),
    );
    let mut later = spec(vec![eq("a", "1")], T0 + 40 * MIN, T0 + 60 * MIN);
    later.id = Some(pending.clone());
    assert_eq!(s.upsert(now, later), Ok(pending.clone()));

    // Expired: always a new silence; the old one stays expired untouched.
    let mut revive = spec(vec![eq("service", "api")], now, T0 + 90 * MIN);
    revive.id = Some(id.clone());
    let revived = created(&mut s, now + MIN, revive);
    assert!(revived != id && revived != new_id);
    assert_eq!(s.get(now + MIN, &id).map(|x| x.ends_at_ms), Some(now));

    let mut unknown = spec(vec![eq("a", "1")], now, T0 + 90 * MIN);
    unknown.id = Some("8d1e5c0a-0000-4000-8000-000000000000".into());
    assert_eq!(s.upsert(now, unknown), Err(SilenceError::NotFound));
}

#[test]
fn validation_errors_match_alertmanager() {
    let ok = || spec(vec![eq("alertname", "X")], T0, T0 + 60 * MIN);
    let with = |m: Vec<MatcherSpec>| spec(m, T0, T0 + 60 * MIN);
    let cases: Vec<(SilenceSpec, &str)> = vec![
        (
            spec(vec![eq("a", "1")], T0 + 60 * MIN, T0),
            "Failed to create silence: start time must be before end time",
        ),
        (
            spec(vec![eq("a", "1")], T0 - 60 * MIN, T0 - MIN),
            "Failed to create silence: end time can't be in the past",
        ),
        (
            with(vec![]),
            "invalid silence: at least one matcher required",
        ),
        (
            with(vec![eq("bad-name", "x")]),
            r#"invalid silence: invalid label matcher 0: invalid label name "bad-name""#,
        ),
        (
            with(vec![eq("a", "x"), MatcherSpec::new("b", "(", true, true)]),
            "invalid silence: invalid label matcher 1: invalid regular expression \"(\": error parsing regexp:",
        ),
        (
            with(vec![MatcherSpec::new("b", "a)(b", true, true)]),
            "invalid silence: invalid label matcher 0: invalid regular expression \"a)(b\"",
        ),
        (
            with(vec![eq("a", ""), MatcherSpec::new("b", ".*", true, true)]),
            "invalid silence: at least one matcher must not match the empty string",
        ),
    ];
    let mut s = store();
    for (input, want) in cases {
        let got = s
            .upsert(T0, input)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(got.starts_with(want), "got {got:?}, want prefix {want:?}");
    }
    assert!(s.upsert(T0, ok()).is_ok());
    assert!(
        s.upsert(T0, with(vec![MatcherSpec::new("a", "", false, false)]))
            .is_ok(),
        "a!=\"\" is allowed"
    );
}

#[test]
fn list_filters_exactly_and_sorts_by_state_then_time() {
    let mut s = store();
    let late = created(&mut s, T0, spec(vec![eq("a", "1")], T0, T0 + 90 * MIN));
    let soon = created(
        &mut s,
        T0,
        spec(vec![eq("a", "1"), eq("b", "2")], T0, T0 + 30 * MIN),
    );
    let pending = created(
        &mut s,
        T0,
        spec(vec![eq("a", "1")], T0 + 10 * MIN, T0 + 20 * MIN),
    );
    let old = created(&mut s, T0, spec(vec![eq("a", "1")], T0, T0 + MIN));
    let now = T0 + 5 * MIN;
    let ids: Vec<&str> = s.list(now, &[]).iter().map(|x| x.id.as_str()).collect();
    assert_eq!(
        ids,
        [soon.as_str(), late.as_str(), pending.as_str(), old.as_str()]
    );

    let filter = |text: &str| {
        parse_matcher(text)
            .and_then(|m| m.compile())
            .map(|m| vec![m])
            .unwrap_or_default()
    };
    let only_b: Vec<&str> = s
        .list(now, &filter("b=2"))
        .iter()
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(only_b, [soon.as_str()]);
    assert!(
        s.list(now, &filter("a=~1")).is_empty(),
        "operator must match exactly too"
    );
}

#[test]
fn expired_silences_are_dropped_after_retention_and_ids_are_seeded() {
    let mut s = store();
    let id = created(&mut s, T0, spec(vec![eq("a", "1")], T0, T0 + MIN));
    assert!(s.get(T0 + MIN + RETENTION_MS - 1, &id).is_some());
    assert!(s.get(T0 + MIN + RETENTION_MS, &id).is_none());
    let mut twin = store();
    assert_eq!(
        created(&mut twin, T0, spec(vec![eq("a", "1")], T0, T0 + MIN)),
        id
    );
    let mut other = Silences::new(SimRng::new(7));
    assert_ne!(
        created(&mut other, T0, spec(vec![eq("a", "1")], T0, T0 + MIN)),
        id
    );
}
