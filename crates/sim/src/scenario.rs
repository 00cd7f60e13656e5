//! Scenarios: TOML timelines that drive the simulated fleet (what happens, where and when),
//! plus the behaviour of image versions so that rolling back restores an older behaviour.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::clock::Millis;

/// Scenarios shipped in the binary, so `cargo run --release` needs no files.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "steady",
        include_str!("../../../fixtures/scenarios/steady.toml"),
    ),
    (
        "bad-deploy",
        include_str!("../../../fixtures/scenarios/bad-deploy.toml"),
    ),
    (
        "region-outage",
        include_str!("../../../fixtures/scenarios/region-outage.toml"),
    ),
    (
        "traffic-spike",
        include_str!("../../../fixtures/scenarios/traffic-spike.toml"),
    ),
    (
        "hostile",
        include_str!("../../../fixtures/scenarios/hostile.toml"),
    ),
    (
        "bad-canary",
        include_str!("../../../fixtures/scenarios/bad-canary.toml"),
    ),
    (
        "good-canary",
        include_str!("../../../fixtures/scenarios/good-canary.toml"),
    ),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub versions: Vec<VersionBehaviour>,
    /// Sorted by time; events at the same time keep their file order.
    pub events: Vec<TimedEvent>,
    /// The scenario's `[[slos]]`; empty means the design's set (`sim::slos::scenario_slos`).
    pub slos: Vec<watchdeck_core::slo::SloSpec>,
    /// The scenario's `[[deny]]` entries: permissions the simulated API servers refuse.
    pub deny: Vec<super::rbac::DenyRule>,
}

/// How pods running one image version of a service behave.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionBehaviour {
    pub service: String,
    pub version: String,
    /// Share of requests answered with HTTP 500 by this version.
    #[serde(default)]
    pub error_ratio: Option<f64>,
    /// Median latency in milliseconds when not under load.
    #[serde(default)]
    pub latency_ms: Option<f64>,
    /// Containers of this version crash shortly after starting.
    #[serde(default)]
    pub crash_looping: bool,
}

/// A scenario event and when it happens, counted from the scenario's start.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedEvent {
    pub at: Millis,
    /// What happens; the TOML's `action` key names the variant.
    pub action: ScenarioEvent,
}

/// Something that happens to the fleet at a point of the timeline (a `[[events]]` entry).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ScenarioEvent {
    /// A CI system rolls out a new image version of a service.
    Deploy {
        cluster: String,
        service: String,
        version: String,
        #[serde(default)]
        change_cause: Option<String>,
    },
    /// A canary Deployment `<service>-canary` starts next to the stable one: the stable's
    /// template with `version`'s image and a `track: canary` label, `replicas` pods (named
    /// `<service>-canary-<hash>-<id>`) that take their share of the service's traffic and
    /// behave as `version` does (its `[[versions]]` entry).
    Canary {
        cluster: String,
        service: String,
        version: String,
        #[serde(default = "one")]
        replicas: i64,
        #[serde(default)]
        change_cause: Option<String>,
    },
    /// Offered traffic to a service is multiplied by `factor` (1 restores it).
    Traffic {
        cluster: String,
        service: String,
        factor: f64,
    },
    /// The cluster's database instances fail, primary first (a regional storage outage).
    DatabaseOutage { cluster: String },
    /// An annotation is set on the first pod of a service (for hostile-string tests).
    AnnotatePod {
        cluster: String,
        service: String,
        key: String,
        value: String,
    },
    /// A Kubernetes Event is recorded against the first pod of a service.
    RecordEvent {
        cluster: String,
        service: String,
        reason: String,
        message: String,
        #[serde(default = "warning")]
        event_type: String,
    },
    /// An alert is sent straight to the cluster's Alertmanager, for `duration`.
    Alert {
        cluster: String,
        labels: BTreeMap<String, String>,
        #[serde(default)]
        annotations: BTreeMap<String, String>,
        duration: String,
    },
}

fn one() -> i64 {
    1
}

fn warning() -> String {
    "Warning".to_string()
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ScenarioError {
    #[error("unknown scenario `{0}`; built-in scenarios: {list}", list = built_in_names().join(", "))]
    Unknown(String),
    #[error("cannot read scenario file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(name, _)| *name).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    versions: Vec<VersionBehaviour>,
    #[serde(default)]
    events: Vec<RawEvent>,
    #[serde(default)]
    slos: Vec<super::slos::entries::RawSlo>,
    #[serde(default)]
    deny: Vec<super::rbac::DenyRule>,
}

#[derive(Deserialize)]
struct RawEvent {
    at: toml::Spanned<String>,
    #[serde(flatten)]
    action: ScenarioEvent,
}

impl Scenario {
    /// A built-in scenario by name, or a scenario file when `name_or_path` ends in `.toml`.
    pub fn resolve(name_or_path: &str) -> Result<Self, ScenarioError> {
        if name_or_path.ends_with(".toml") {
            return Self::load(Path::new(name_or_path));
        }
        let (name, text) = BUILT_IN
            .iter()
            .find(|(name, _)| *name == name_or_path)
            .ok_or_else(|| ScenarioError::Unknown(name_or_path.to_string()))?;
        Self::parse(text, &format!("fixtures/scenarios/{name}.toml"))
    }

    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Self, ScenarioError> {
        let invalid = |line: Option<usize>, message: String| ScenarioError::Invalid {
            origin: match line {
                Some(line) => format!("{origin}:{line}"),
                None => origin.to_string(),
            },
            message,
        };
        let raw: RawScenario = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of(text, span.start));
            invalid(line, e.message().trim().to_string())
        })?;
        let mut events = Vec::with_capacity(raw.events.len());
        for event in raw.events {
            let line = line_of(text, event.at.span().start);
            let at = parse_duration(event.at.get_ref()).ok_or_else(|| {
                invalid(
                    Some(line),
                    format!(
                        "events.at: expected a duration such as \"90s\" or \"2m\", found {:?}",
                        event.at.get_ref()
                    ),
                )
            })?;
            if let ScenarioEvent::Alert { duration, .. } = &event.action
                && parse_duration(duration).is_none()
            {
                return Err(invalid(
                    Some(line),
                    format!(
                        "events.duration: expected a duration such as \"10m\", found {duration:?}"
                    ),
                ));
            }
            events.push(TimedEvent {
                at,
                action: event.action,
            });
        }
        events.sort_by_key(|e| e.at);
        let slo_origin = |offset: usize| format!("{origin}:{}", line_of(text, offset));
        let slos = super::slos::entries::resolve(raw.slos, slo_origin)
            .map_err(|e| invalid(Some(line_of(text, e.offset)), e.message))?;
        Ok(Scenario {
            name: raw.name,
            description: raw.description,
            versions: raw.versions,
            events,
            slos,
            deny: raw.deny,
        })
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// A duration in watchdeck's grammar (`watchdeck_core::duration`: `90s`, `2m`, `1h30m`,
/// `500ms`) in the simulator's milliseconds.
pub fn parse_duration(text: &str) -> Option<Millis> {
    watchdeck_core::duration::parse_duration(text)
        .ok()
        .and_then(|d| Millis::try_from(d.as_millis()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_scenario_parses() {
        for name in built_in_names() {
            let scenario = Scenario::resolve(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(scenario.name, name);
        }
    }

    #[test]
    fn durations() {
        for (text, ms) in [
            ("90s", Some(90_000)),
            ("2m", Some(120_000)),
            ("1h30m", Some(5_400_000)),
            ("500ms", Some(500)),
            ("", None),
            ("m", None),
            ("5x", None),
        ] {
            assert_eq!(parse_duration(text), ms, "{text}");
        }
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let text = "name = \"x\"\n\n[[events]]\nat = \"soon\"\naction = \"traffic\"\ncluster = \"a\"\nservice = \"b\"\nfactor = 2.0\n";
        let err = Scenario::parse(text, "x.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.toml:4: events.at: expected a duration such as \"90s\" or \"2m\", found \"soon\""
        );
        let err = Scenario::parse(
            "name = \"x\"\n[[events]]\nat = \"1m\"\naction = \"explode\"\n",
            "y.toml",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("y.toml:"), "{err}");
        assert!(err.to_string().contains("explode"), "{err}");
    }

    #[test]
    fn deny_rules_parse_with_missing_fields_as_wildcards() {
        let text = "name = \"x\"\n[[deny]]\ncluster = \"us-east-1\"\nverb = \"patch\"\nresource = \"deployments\"\nsubresource = \"scale\"\n";
        let scenario = Scenario::parse(text, "x.toml").unwrap();
        assert_eq!(scenario.deny.len(), 1);
        assert_eq!(scenario.deny[0].namespace, None);
        assert_eq!(scenario.deny[0].subresource.as_deref(), Some("scale"));
        let err =
            Scenario::parse("name = \"x\"\n[[deny]]\nverbs = \"patch\"\n", "y.toml").unwrap_err();
        assert!(err.to_string().contains("verbs"), "{err}");
    }

    #[test]
    fn every_built_in_scenario_resolves_by_name_with_its_own_name() {
        for (name, _) in BUILT_IN {
            let scenario = Scenario::resolve(name).unwrap();
            assert_eq!(scenario.name, *name);
        }
        assert!(BUILT_IN.iter().any(|(name, _)| *name == "hostile"));
    }

    #[test]
    fn unknown_scenario_lists_the_built_in_ones() {
        let err = Scenario::resolve("nope").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown scenario `nope`; built-in scenarios: steady, bad-deploy, region-outage, traffic-spike, hostile, bad-canary, good-canary"
        );
    }
}
