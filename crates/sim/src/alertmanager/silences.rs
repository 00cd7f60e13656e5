//! Silences with Alertmanager's lifecycle: validation, pending/active/expired by time,
//! update-in-place versus expire-and-recreate, expiry and retention.

use std::collections::BTreeMap;

use thiserror::Error;

use crate::clock::Millis;
use crate::labels::Labels;
use crate::rng::SimRng;
use watchdeck_core::matcher::{
    Compiled, MatchOp, Matcher, all_match, go_regex_error, is_label_name, regex_why,
};

/// How long an expired silence stays queryable (Alertmanager's `--data.retention`, 120h).
pub const RETENTION_MS: Millis = 120 * 3_600_000;

/// A silence's state at a given instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SilenceState {
    Active,
    Pending,
    Expired,
}

impl SilenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Expired => "expired",
        }
    }
}

/// A matcher as posted: not yet validated or compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatcherSpec {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    pub is_equal: bool,
}

impl MatcherSpec {
    pub fn new(name: &str, value: &str, is_regex: bool, is_equal: bool) -> Self {
        Self {
            name: name.to_string(),
            value: value.to_string(),
            is_regex,
            is_equal,
        }
    }
}

/// A silence as posted (POST /api/v2/silences): `id` set means "update this one".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SilenceSpec {
    pub id: Option<String>,
    pub matchers: Vec<MatcherSpec>,
    pub starts_at_ms: Millis,
    pub ends_at_ms: Millis,
    pub created_by: String,
    pub comment: String,
}

/// A silence as the simulated Alertmanager stores it (the API's `GettableSilence` is rendered
/// from it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSilence {
    pub id: String,
    pub matchers: Vec<Compiled>,
    pub starts_at_ms: Millis,
    pub ends_at_ms: Millis,
    pub updated_at_ms: Millis,
    pub created_by: String,
    pub comment: String,
}

impl StoredSilence {
    /// Pending before `startsAt`, active in `[startsAt, endsAt)`, expired from `endsAt` on, so an
    /// expired silence stops muting at the same virtual instant it is expired.
    pub fn state(&self, now: Millis) -> SilenceState {
        if now < self.starts_at_ms {
            SilenceState::Pending
        } else if now < self.ends_at_ms {
            SilenceState::Active
        } else {
            SilenceState::Expired
        }
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        all_match(&self.matchers, labels)
    }
}

/// Why a silence was refused; messages are Alertmanager's.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SilenceError {
    #[error("Failed to create silence: start time must be before end time")]
    StartNotBeforeEnd,
    #[error("Failed to create silence: end time can't be in the past")]
    EndInPast,
    #[error("invalid silence: {0}")]
    Invalid(String),
    #[error("silence not found")]
    NotFound,
}

/// Go's zero `time.Time` (0001-01-01T00:00:00Z) in milliseconds: "not set" on the wire.
pub const GO_ZERO_MS: Millis = -62_135_596_800_000;

/// The silence store; IDs come from the seeded RNG so runs are reproducible.
#[derive(Clone, Debug)]
pub struct Silences {
    by_id: BTreeMap<String, StoredSilence>,
    rng: SimRng,
}

fn validate_matcher(spec: &MatcherSpec) -> Result<Compiled, String> {
    if !is_label_name(&spec.name) {
        return Err(format!("invalid label name {:?}", spec.name));
    }
    let op = MatchOp::from_flags(spec.is_equal, spec.is_regex);
    if op.is_regex() {
        // Alertmanager validates the bare pattern first, so `a)(b` cannot sneak past the anchors.
        if let Err(e) = regex::Regex::new(&spec.value) {
            let why = go_regex_error(&spec.value, &regex_why(&e));
            return Err(format!(
                "invalid regular expression {:?}: {why}",
                spec.value
            ));
        }
    }
    Matcher::new(&spec.name, op, &spec.value)
        .compile()
        .map_err(|e| e.alertmanager_text())
}

/// Alertmanager's `validateSilence`, returning the compiled matchers.
fn validate(spec: &SilenceSpec) -> Result<Vec<Compiled>, SilenceError> {
    let invalid = |m: String| SilenceError::Invalid(m);
    if spec.matchers.is_empty() {
        return Err(invalid("at least one matcher required".into()));
    }
    let mut matchers = Vec::with_capacity(spec.matchers.len());
    for (i, m) in spec.matchers.iter().enumerate() {
        let matcher =
            validate_matcher(m).map_err(|e| invalid(format!("invalid label matcher {i}: {e}")))?;
        matchers.push(matcher);
    }
    let matches_empty = |m: &Compiled| match m.op() {
        MatchOp::Equal | MatchOp::Regex => m.matches_value(""),
        MatchOp::NotEqual | MatchOp::NotRegex => false,
    };
    if matchers.iter().all(matches_empty) {
        return Err(invalid(
            "at least one matcher must not match the empty string".into(),
        ));
    }
    if spec.ends_at_ms < spec.starts_at_ms {
        return Err(invalid("end time must not be before start time".into()));
    }
    Ok(matchers)
}

impl Silences {
    pub fn new(rng: SimRng) -> Self {
        Self {
            by_id: BTreeMap::new(),
            rng,
        }
    }

    /// Creates or updates a silence as POST /api/v2/silences does and returns its ID: an update
    /// that would rewrite history (changed matchers, moved start of an active silence ...)
    /// expires the old silence and creates a new one with a new ID.
    pub fn upsert(&mut self, now: Millis, mut spec: SilenceSpec) -> Result<String, SilenceError> {
        self.gc(now);
        if spec.starts_at_ms >= spec.ends_at_ms {
            return Err(SilenceError::StartNotBeforeEnd);
        }
        if spec.ends_at_ms < now {
            return Err(SilenceError::EndInPast);
        }
        if spec.starts_at_ms == GO_ZERO_MS {
            spec.starts_at_ms = now;
        }
        let matchers = validate(&spec)?;
        let id = spec.id.take().filter(|id| !id.is_empty());
        let prev = match &id {
            Some(id) => Some(self.by_id.get(id).cloned().ok_or(SilenceError::NotFound)?),
            None => None,
        };
        let mut silence = StoredSilence {
            id: String::new(),
            matchers,
            starts_at_ms: spec.starts_at_ms,
            ends_at_ms: spec.ends_at_ms,
            updated_at_ms: now,
            created_by: spec.created_by,
            comment: spec.comment,
        };
        if let Some(prev) = prev {
            if can_update(&prev, &silence, now) {
                silence.id = prev.id;
                let id = silence.id.clone();
                self.by_id.insert(id.clone(), silence);
                return Ok(id);
            }
            if prev.state(now) != SilenceState::Expired {
                self.expire(now, &prev.id)?;
            }
        }
        silence.id = self.rng.uuid();
        silence.starts_at_ms = silence.starts_at_ms.max(now);
        let id = silence.id.clone();
        self.by_id.insert(id.clone(), silence);
        Ok(id)
    }

    /// Expires a silence now (DELETE); expiring an expired silence is a no-op.
    pub fn expire(&mut self, now: Millis, id: &str) -> Result<(), SilenceError> {
        let silence = self
            .by_id
            .get_mut(id)
            .filter(|s| visible(s, now))
            .ok_or(SilenceError::NotFound)?;
        match silence.state(now) {
            SilenceState::Expired => return Ok(()),
            SilenceState::Active => silence.ends_at_ms = now,
            SilenceState::Pending => {
                silence.starts_at_ms = now;
                silence.ends_at_ms = now;
            }
        }
        silence.updated_at_ms = now;
        Ok(())
    }

    pub fn get(&self, now: Millis, id: &str) -> Option<&StoredSilence> {
        self.by_id.get(id).filter(|s| visible(s, now))
    }

    /// Silences whose matchers include every filter matcher exactly (name, operator, value),
    /// sorted as Alertmanager sorts them: active by soonest end, pending by soonest start,
    /// expired by most recent end; ties by ID.
    pub fn list(&self, now: Millis, filter: &[Compiled]) -> Vec<&StoredSilence> {
        let mut out: Vec<&StoredSilence> = self
            .by_id
            .values()
            .filter(|s| visible(s, now))
            .filter(|s| filter.iter().all(|f| s.matchers.contains(f)))
            .collect();
        out.sort_by(|a, b| {
            let (sa, sb) = (a.state(now), b.state(now));
            let by_time = match sa {
                SilenceState::Active => a.ends_at_ms.cmp(&b.ends_at_ms),
                SilenceState::Pending => a.starts_at_ms.cmp(&b.starts_at_ms),
                SilenceState::Expired => b.ends_at_ms.cmp(&a.ends_at_ms),
            };
            sa.cmp(&sb).then(by_time).then_with(|| a.id.cmp(&b.id))
        });
        out
    }

    /// IDs of the silences active at `now` that match the label set, sorted.
    pub fn active_matching(&self, now: Millis, labels: &Labels) -> Vec<String> {
        self.by_id
            .values()
            .filter(|s| s.state(now) == SilenceState::Active && s.matches(labels))
            .map(|s| s.id.clone())
            .collect()
    }

    /// Drops silences past their retention, as Alertmanager's maintenance does.
    fn gc(&mut self, now: Millis) {
        self.by_id.retain(|_, s| visible(s, now));
    }
}

fn visible(silence: &StoredSilence, now: Millis) -> bool {
    silence.ends_at_ms.saturating_add(RETENTION_MS) > now
}

/// Alertmanager's `canUpdate`: same matchers, and the time change does not rewrite history.
fn can_update(prev: &StoredSilence, next: &StoredSilence, now: Millis) -> bool {
    if prev.matchers != next.matchers {
        return false;
    }
    match prev.state(now) {
        SilenceState::Active => {
            prev.starts_at_ms.div_euclid(1000) == next.starts_at_ms.div_euclid(1000)
                && next.ends_at_ms >= now
        }
        SilenceState::Pending => next.starts_at_ms >= now,
        SilenceState::Expired => false,
    }
}

#[cfg(test)]
#[path = "silences_tests.rs"]
mod tests;
