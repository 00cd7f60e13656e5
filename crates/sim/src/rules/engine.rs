//! The rule engine: evaluates alerting rules on their group's interval with Prometheus's
//! pending/firing/`for` semantics, keeps resolved alerts for 15 minutes, and renders the
//! `/api/v1/rules` and `/api/v1/alerts` payloads.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Value as Json, json};

use super::template::Template;
use super::{AlertRule, RuleGroup};
use crate::clock::{Millis, rfc3339_millis};
use crate::labels::Labels;
use crate::promql::gofmt::format_e;
use crate::promql::{QueryValue, instant_query_parsed, parse};
use crate::tsdb::Tsdb;

/// How long a resolved alert is kept (and re-sent) after it stopped firing, as Prometheus.
pub const RESOLVED_RETENTION_MS: Millis = 15 * 60 * 1000;
/// At most this many missed evaluations are caught up when the clock jumps.
const MAX_CATCH_UP: i64 = 64;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RuleError {
    #[error("rule {rule}: invalid expression: {message}")]
    Expr { rule: String, message: String },
    #[error("rule {rule}: template {field}: {message}")]
    Template {
        rule: String,
        field: String,
        message: String,
    },
    #[error("no rule group named {0}")]
    NoGroup(String),
    #[error("group {0}: interval must be positive")]
    Interval(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertState {
    Inactive,
    Pending,
    Firing,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inactive => "inactive",
            Self::Pending => "pending",
            Self::Firing => "firing",
        }
    }
}

/// An alert of one of the simulator's alerting rules, as Prometheus keeps it (pending or
/// firing, then resolved): labels include `alertname` and the rule's labels.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleAlert {
    pub labels: Labels,
    pub annotations: BTreeMap<String, String>,
    pub state: AlertState,
    pub active_at: Millis,
    pub fired_at: Option<Millis>,
    pub resolved_at: Option<Millis>,
    pub value: f64,
}

struct RuleState {
    rule: AlertRule,
    /// `rule.expr` parsed once: every evaluation reuses it (and its compiled regexes).
    expr: promql_parser::parser::Expr,
    label_templates: Vec<(String, Template)>,
    annotation_templates: Vec<(String, Template)>,
    active: BTreeMap<Labels, RuleAlert>,
    last_error: Option<String>,
    last_evaluation: Option<Millis>,
}

struct GroupState {
    name: String,
    interval_ms: Millis,
    rules: Vec<RuleState>,
    last_evaluation: Option<Millis>,
}

/// Rule groups and their alerts' state.
#[derive(Default)]
pub struct RuleEngine {
    groups: Vec<GroupState>,
}

fn compile(rule: AlertRule) -> Result<RuleState, RuleError> {
    let expr = parse(&rule.expr).map_err(|e| RuleError::Expr {
        rule: rule.name.clone(),
        message: e.to_string(),
    })?;
    let templates = |map: &BTreeMap<String, String>| -> Result<Vec<(String, Template)>, RuleError> {
        map.iter()
            .map(|(k, v)| {
                Template::parse(v)
                    .map(|t| (k.clone(), t))
                    .map_err(|message| RuleError::Template {
                        rule: rule.name.clone(),
                        field: k.clone(),
                        message,
                    })
            })
            .collect()
    };
    Ok(RuleState {
        label_templates: templates(&rule.labels)?,
        annotation_templates: templates(&rule.annotations)?,
        expr,
        rule,
        active: BTreeMap::new(),
        last_error: None,
        last_evaluation: None,
    })
}

impl RuleEngine {
    pub fn new(groups: Vec<RuleGroup>) -> Result<Self, RuleError> {
        let mut engine = Self::default();
        for g in groups {
            engine.add_group(g)?;
        }
        Ok(engine)
    }

    pub fn add_group(&mut self, group: RuleGroup) -> Result<(), RuleError> {
        if group.interval_ms <= 0 {
            return Err(RuleError::Interval(group.name));
        }
        let rules = group
            .rules
            .into_iter()
            .map(compile)
            .collect::<Result<Vec<_>, _>>()?;
        self.groups.push(GroupState {
            name: group.name,
            interval_ms: group.interval_ms,
            rules,
            last_evaluation: None,
        });
        Ok(())
    }

    /// Adds a rule to an existing group (scenarios add their own alerts this way).
    pub fn add_rule(&mut self, group: &str, rule: AlertRule) -> Result<(), RuleError> {
        let state = compile(rule)?;
        let g = self
            .groups
            .iter_mut()
            .find(|g| g.name == group)
            .ok_or_else(|| RuleError::NoGroup(group.into()))?;
        g.rules.push(state);
        Ok(())
    }

    /// The rule definitions, e.g. for [`super::prometheus_rule_file`].
    pub fn groups(&self) -> Vec<RuleGroup> {
        self.groups
            .iter()
            .map(|g| RuleGroup {
                name: g.name.clone(),
                interval_ms: g.interval_ms,
                rules: g.rules.iter().map(|r| r.rule.clone()).collect(),
            })
            .collect()
    }

    /// Runs every evaluation that is due by `now_ms` (timestamps aligned to multiples of the
    /// group interval), catching up missed ones so `for` durations count from the right time.
    pub fn evaluate(&mut self, db: &Tsdb, now_ms: Millis) {
        for g in &mut self.groups {
            let due = now_ms - now_ms.rem_euclid(g.interval_ms);
            let mut ts = match g.last_evaluation {
                Some(last) => (last + g.interval_ms).max(due - (MAX_CATCH_UP - 1) * g.interval_ms),
                None => due,
            };
            while ts <= due {
                for r in &mut g.rules {
                    r.eval(db, ts);
                }
                g.last_evaluation = Some(ts);
                ts += g.interval_ms;
            }
        }
    }

    fn all_alerts(&self) -> impl Iterator<Item = &RuleAlert> {
        self.groups
            .iter()
            .flat_map(|g| g.rules.iter())
            .flat_map(|r| r.active.values())
    }

    /// Pending and firing alerts.
    pub fn active_alerts(&self) -> Vec<RuleAlert> {
        self.all_alerts()
            .filter(|a| a.state != AlertState::Inactive)
            .cloned()
            .collect()
    }

    /// What Prometheus sends to Alertmanager: firing alerts and alerts resolved within the
    /// last 15 minutes (with `resolved_at` set).
    pub fn alerts_to_notify(&self) -> Vec<RuleAlert> {
        self.all_alerts()
            .filter(|a| a.state != AlertState::Pending)
            .cloned()
            .collect()
    }

    /// The `data` of `/api/v1/alerts`.
    pub fn alerts_json(&self) -> Json {
        let alerts: Vec<Json> = self
            .all_alerts()
            .filter(|a| a.state != AlertState::Inactive)
            .map(alert_json)
            .collect();
        json!({ "alerts": alerts })
    }

    /// The `data` of `/api/v1/rules`.
    pub fn rules_json(&self) -> Json {
        let groups: Vec<Json> = self
            .groups
            .iter()
            .map(|g| {
                let rules: Vec<Json> = g.rules.iter().map(RuleState::to_json).collect();
                json!({
                    "name": g.name,
                    "file": RULE_FILE_NAME,
                    "rules": rules,
                    "interval": seconds(g.interval_ms),
                    "limit": 0,
                    "evaluationTime": 0.0,
                    "lastEvaluation": go_time(g.last_evaluation),
                })
            })
            .collect();
        json!({ "groups": groups })
    }
}

/// The name the rule file is reported under in `/api/v1/rules`.
pub const RULE_FILE_NAME: &str = "watchdeck-sim.rules.json";

/// Go's `time.Time` JSON form (RFC 3339 with trailing zeros of the fraction removed), or the
/// zero time for "never".
fn go_time(ms: Option<Millis>) -> String {
    match ms {
        None => "0001-01-01T00:00:00Z".into(),
        Some(ms) => {
            let text = rfc3339_millis(ms);
            let (main, frac) = text
                .trim_end_matches('Z')
                .split_once('.')
                .unwrap_or((&text, ""));
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                format!("{}Z", main.trim_end_matches('Z'))
            } else {
                format!("{main}.{frac}Z")
            }
        }
    }
}

/// A duration in seconds as Go encodes a float64: `60`, not `60.0`.
fn seconds(ms: Millis) -> Json {
    if ms % 1000 == 0 {
        json!(ms / 1000)
    } else {
        json!(ms as f64 / 1000.0)
    }
}

fn alert_json(a: &RuleAlert) -> Json {
    json!({
        "labels": a.labels,
        "annotations": a.annotations,
        "state": a.state.as_str(),
        "activeAt": go_time(Some(a.active_at)),
        "value": format_e(a.value),
    })
}

impl RuleState {
    fn eval(&mut self, db: &Tsdb, ts: Millis) {
        self.last_evaluation = Some(ts);
        let samples = match instant_query_parsed(db, &self.expr, ts) {
            Ok(QueryValue::Vector { samples, .. }) => samples,
            Ok(other) => {
                self.last_error = Some(format!(
                    "rule result is a {}, not an instant vector",
                    other.result_type()
                ));
                return;
            }
            Err(e) => {
                self.last_error = Some(e.to_string());
                return;
            }
        };
        let mut current: Vec<(Labels, BTreeMap<String, String>, f64)> =
            Vec::with_capacity(samples.len());
        let mut seen = HashSet::new();
        for s in samples {
            let mut labels = s.labels.without_metric_name();
            for (name, t) in &self.label_templates {
                labels.insert(name.clone(), t.render(&s.labels, s.value));
            }
            labels.insert("alertname", self.rule.name.clone());
            if !seen.insert(labels.clone()) {
                self.last_error = Some(
                    "vector contains metrics with the same labelset after applying alert labels"
                        .into(),
                );
                return;
            }
            let annotations = self
                .annotation_templates
                .iter()
                .map(|(k, t)| (k.clone(), t.render(&s.labels, s.value)))
                .collect();
            current.push((labels, annotations, s.value));
        }
        self.last_error = None;
        for (labels, annotations, value) in current {
            match self.active.get_mut(&labels) {
                Some(a) if a.state != AlertState::Inactive => {
                    a.value = value;
                    a.annotations = annotations;
                }
                _ => {
                    let alert = RuleAlert {
                        labels: labels.clone(),
                        annotations,
                        state: AlertState::Pending,
                        active_at: ts,
                        fired_at: None,
                        resolved_at: None,
                        value,
                    };
                    self.active.insert(labels, alert);
                }
            }
        }
        let for_ms = self.rule.for_ms;
        self.active.retain(|labels, a| {
            if !seen.contains(labels) {
                if a.state == AlertState::Pending
                    || a.resolved_at
                        .is_some_and(|r| ts - r > RESOLVED_RETENTION_MS)
                {
                    return false;
                }
                if a.state != AlertState::Inactive {
                    a.state = AlertState::Inactive;
                    a.resolved_at = Some(ts);
                }
                return true;
            }
            if a.state == AlertState::Pending && ts - a.active_at >= for_ms {
                a.state = AlertState::Firing;
                a.fired_at = Some(ts);
            }
            true
        });
    }

    fn state(&self) -> AlertState {
        self.active
            .values()
            .map(|a| a.state)
            .max()
            .unwrap_or(AlertState::Inactive)
    }

    fn to_json(&self) -> Json {
        let alerts: Vec<Json> = self
            .active
            .values()
            .filter(|a| a.state != AlertState::Inactive)
            .map(alert_json)
            .collect();
        let mut rule = json!({
            "state": self.state().as_str(),
            "name": self.rule.name,
            "query": self.rule.expr,
            "duration": seconds(self.rule.for_ms),
            "keepFiringFor": 0,
            "labels": self.rule.labels,
            "annotations": self.rule.annotations,
            "alerts": alerts,
            "health": match (&self.last_error, self.last_evaluation) {
                (Some(_), _) => "err",
                (None, Some(_)) => "ok",
                (None, None) => "unknown",
            },
            "evaluationTime": 0.0,
            "lastEvaluation": go_time(self.last_evaluation),
            "type": "alerting",
        });
        if let Some(e) = &self.last_error {
            rule["lastError"] = json!(e);
        }
        rule
    }
}
