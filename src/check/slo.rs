//! The SLO part of the headless reports: one row per SLO and scope (the fleet aggregate and
//! each cluster), built from the model's SLO board, with the status each row contributes: a
//! firing page tier is critical; a ticket tier, a spent budget or an unknown SLO is a warning.

use serde::Serialize;

use super::report::Status;
use watchdeck_core::model::Model;
use watchdeck_core::model::health::{Health, SourceKind};
use watchdeck_core::slo::format;
use watchdeck_core::slo::windows::{DISPLAY_WINDOWS, promql_duration};
use watchdeck_core::slo::{Exhaustion, SloEntry, SloScope, SloSpec, TierState};

/// Scope name of the fleet-wide rows.
pub const FLEET: &str = "fleet";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SloRow {
    pub name: String,
    pub service: String,
    /// A cluster name, or `fleet` for the aggregate.
    pub scope: String,
    /// The target as written exactly (`99.99%`), and in parts per million.
    pub target: String,
    pub target_ppm: u32,
    pub period: String,
    pub windows: &'static str,
    /// `query`, `sloth rules` or `pyrra rules`.
    pub source: String,
    /// `PAGE`, `ticket`, `close 75%`, `partly unknown`, `ok`, or `unknown`.
    pub state: String,
    /// Why the SLO cannot be judged; the figures are then absent.
    pub unknown: Option<String>,
    /// Good share over the shortest window.
    pub sli: Option<f64>,
    pub budget_remaining: Option<f64>,
    pub budget_consumed: Option<f64>,
    /// Burn rate by window (`5m`, `1h`, `6h`, `1d`, `3d`).
    pub burn: Vec<BurnCell>,
    pub tiers: Vec<TierRow>,
    /// Until the budget runs out at the fastest tier's long-window burn rate: `1d 12h`,
    /// `exhausted`, `never`, or `-` when unknown.
    pub exhaustion: String,
    pub exhaustion_secs: Option<u64>,
    pub low_traffic: Vec<String>,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurnCell {
    pub window: String,
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierRow {
    pub severity: &'static str,
    pub long: String,
    pub short: String,
    pub factor: f64,
    pub long_burn: Option<f64>,
    pub short_burn: Option<f64>,
    /// `firing`, `close`, `clear` or `unknown`.
    pub state: &'static str,
    /// For `close`: the share of the threshold reached (0.75 = 75%).
    pub share: Option<f64>,
    pub reason: Option<String>,
}

/// Every SLO row of the model, in definition order: the fleet row, then each cluster.
pub fn rows(model: &Model) -> Vec<SloRow> {
    let board = &model.slos;
    let mut out = Vec::new();
    for (id, spec) in board.specs.iter().enumerate() {
        if let Some(entry) = board.entry(id, SloScope::Fleet) {
            out.push(row(spec, FLEET, entry));
        }
        for (cluster, state) in model.clusters.iter().enumerate() {
            if let Some(entry) = board.entry(id, SloScope::Cluster(cluster)) {
                out.push(row(spec, state.name.as_str(), entry));
            } else if spec.applies_to(state.name.as_str()) {
                let why = if matches!(state.health(SourceKind::Metrics), Health::Disabled) {
                    "no Prometheus configured for this cluster"
                } else {
                    "no answer from Prometheus within --timeout"
                };
                out.push(missing(spec, state.name.as_str(), why));
            }
        }
    }
    out
}

/// The rows of one cluster.
pub fn cluster_rows<'a>(rows: &'a [SloRow], cluster: &'a str) -> impl Iterator<Item = &'a SloRow> {
    rows.iter().filter(move |r| r.scope == cluster)
}

fn base(spec: &SloSpec, scope: &str) -> SloRow {
    SloRow {
        name: spec.name.to_string(),
        service: spec.service.to_string(),
        scope: scope.to_string(),
        target: spec.target.to_string(),
        target_ppm: spec.target.ppm(),
        period: spec.period.to_string(),
        windows: spec.windows.label(),
        source: spec.data.label().to_string(),
        state: "unknown".to_string(),
        unknown: None,
        sli: None,
        budget_remaining: None,
        budget_consumed: None,
        burn: Vec::new(),
        tiers: Vec::new(),
        exhaustion: "-".to_string(),
        exhaustion_secs: None,
        low_traffic: Vec::new(),
        status: Status::Ok,
    }
}

fn missing(spec: &SloSpec, scope: &str, why: &str) -> SloRow {
    SloRow {
        unknown: Some(why.to_string()),
        status: Status::Warning,
        ..base(spec, scope)
    }
}

fn row(spec: &SloSpec, scope: &str, entry: &SloEntry) -> SloRow {
    let e = &entry.evaluation;
    let mut row = base(spec, scope);
    row.source = entry.reading.source.label().to_string();
    if let Some(why) = &e.unknown {
        row.unknown = Some(why.to_string());
        row.status = Status::Warning;
        return row;
    }
    row.state = format::headline(e.headline());
    row.sli = e.sli_now.map(|n| n.0);
    row.budget_remaining = e.budget_remaining.map(|n| n.0);
    row.budget_consumed = e.budget_consumed.map(|n| n.0);
    row.burn = DISPLAY_WINDOWS
        .iter()
        .map(|w| BurnCell {
            window: promql_duration(*w),
            rate: e.burn.get(w).map(|n| n.0),
        })
        .collect();
    row.tiers = e
        .tiers
        .iter()
        .map(|t| {
            let (state, share, reason) = match &t.state {
                TierState::Firing => ("firing", None, None),
                TierState::Close { share } => ("close", Some(share.0), None),
                TierState::Clear => ("clear", None, None),
                TierState::Unknown(why) => ("unknown", None, Some(why.to_string())),
            };
            TierRow {
                severity: t.tier.severity.label(),
                long: promql_duration(t.tier.long_secs),
                short: promql_duration(t.tier.short_secs),
                factor: t.tier.factor,
                long_burn: t.long_burn.map(|n| n.0),
                short_burn: t.short_burn.map(|n| n.0),
                state,
                share,
                reason,
            }
        })
        .collect();
    row.exhaustion = format::exhaustion(e.exhaustion, spec.period.secs());
    if let Some(Exhaustion::In(secs)) = e.exhaustion {
        row.exhaustion_secs = Some(secs);
    }
    row.low_traffic = e
        .low_traffic
        .iter()
        .map(|l| {
            format!(
                "{:.0} requests in {}; one failure would cross {}",
                l.events.0,
                promql_duration(l.window_secs),
                format::burn(l.factor.0)
            )
        })
        .collect();
    let spent = e.budget_remaining.is_some_and(|r| r.0 <= 0.0);
    row.status = if e.paging() {
        Status::Critical
    } else if e.ticketing() || spent {
        Status::Warning
    } else {
        Status::Ok
    };
    row
}

impl SloRow {
    /// Budget left as text, `-` when unknown.
    pub fn budget_text(&self) -> String {
        self.budget_remaining
            .map_or_else(|| "-".to_string(), format::budget)
    }

    pub fn sli_text(&self) -> String {
        self.sli.map_or_else(|| "-".to_string(), format::sli)
    }

    /// A burn cell as text: `12.3x`, `-` when unknown.
    pub fn burn_text(&self, window: &str) -> String {
        self.burn
            .iter()
            .find(|c| c.window == window)
            .and_then(|c| c.rate)
            .map_or_else(|| "-".to_string(), format::burn)
    }
}
