//! Service level objectives as plain data: the definitions, the latest reading of each SLO in
//! each cluster, their evaluation (budget, burn rates, tiers), the fleet-wide aggregate and the
//! detail chart. No IO and no clock: `update` stores readings and re-evaluates them.

pub mod format;
pub mod math;
pub mod reading;
pub mod shop;
pub mod sla;
pub mod spec;
pub mod target;
pub mod windows;

use std::collections::BTreeMap;

pub use self::math::{Evaluation, Exhaustion, Headline, TierState, TierStatus, evaluate};
pub use self::reading::{ReadingSource, SloReading, WindowRatio, aggregate};
pub use self::spec::{Sli, SloData, SloSpec};
pub use self::target::Target;
pub use self::windows::{BurnTier, Period, Severity, WindowPolicy};
use crate::cluster::ClusterId;
use crate::series::{Line, QueryStatus};

/// Index of an SLO in [`SloBoard::specs`].
pub type SloId = usize;

/// One SLO in one cluster: the last reading and its evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SloEntry {
    pub reading: SloReading,
    pub evaluation: Evaluation,
}

/// Where an SLO figure applies: one cluster or the whole fleet (aggregated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SloScope {
    Cluster(ClusterId),
    Fleet,
}

/// The detail screen's charts for one SLO in one scope, over its period.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SloChart {
    pub slo: SloId,
    pub scope: Option<SloScope>,
    /// The request this answers (newest wins).
    pub seq: u64,
    /// Share of the budget left at each instant (rolling period), (unix seconds, ratio).
    pub budget: Line,
    /// Burn rate over time by window length in seconds (the fastest tiers' long windows).
    pub burn: BTreeMap<u64, Line>,
    pub status: QueryStatus,
}

/// Every SLO with its readings: the state behind the SLO screens, the overview gauges and
/// `watchdeck slo`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SloBoard {
    /// Definitions: the config's and imported files' first, then ones found in clusters.
    pub specs: Vec<SloSpec>,
    /// By (SLO, cluster).
    pub entries: BTreeMap<(SloId, ClusterId), SloEntry>,
    /// Fleet-wide aggregate of each fleet SLO (`spec.fleet`) that spans more than one cluster.
    pub fleet: BTreeMap<SloId, SloEntry>,
    pub chart: Option<SloChart>,
    /// The newest chart request; older answers are dropped.
    pub chart_seq: u64,
    /// A reading older than this (seconds) is shown as unknown (stale); 0 never.
    pub stale_after_secs: u64,
    /// No reading can turn stale before this instant, so the staleness scan (run on every
    /// data event) skips until then; `None` scans at the next event.
    pub next_stale_check: Option<jiff::Timestamp>,
}

impl SloBoard {
    pub fn new(specs: Vec<SloSpec>) -> Self {
        SloBoard {
            specs,
            ..SloBoard::default()
        }
    }

    /// Stores a reading of `slo` in `cluster` and re-evaluates it and the fleet aggregate.
    /// `cluster_names` names clusters by id (for the aggregate's messages).
    pub fn record(
        &mut self,
        slo: SloId,
        cluster: ClusterId,
        reading: SloReading,
        cluster_names: &[&str],
    ) {
        let Some(spec) = self.specs.get(slo) else {
            return;
        };
        let evaluation = evaluate(spec, &reading);
        self.entries.insert(
            (slo, cluster),
            SloEntry {
                reading,
                evaluation,
            },
        );
        self.refresh_fleet(slo, cluster_names);
    }

    /// Recomputes the fleet aggregate of a fleet SLO from its clusters' entries. The aggregate
    /// is unknown until every cluster it applies to has reported.
    pub fn refresh_fleet(&mut self, slo: SloId, cluster_names: &[&str]) {
        let Some(spec) = self.specs.get(slo) else {
            return;
        };
        let clusters: Vec<(ClusterId, &str)> = cluster_names
            .iter()
            .enumerate()
            .filter(|(_, name)| spec.applies_to(name))
            .map(|(id, name)| (id, *name))
            .collect();
        if !spec.fleet || clusters.len() < 2 {
            self.fleet.remove(&slo);
            return;
        }
        let mut readings = Vec::new();
        let mut waiting = Vec::new();
        for (id, name) in &clusters {
            match self.entries.get(&(slo, *id)) {
                Some(entry) => readings.push((*name, &entry.reading)),
                None => waiting.push(*name),
            }
        }
        let Some(mut reading) = aggregate(&readings) else {
            self.fleet.remove(&slo);
            return;
        };
        if !waiting.is_empty() {
            reading =
                SloReading::unknown(reading.at, &format!("waiting for {}", waiting.join(", ")));
        }
        let evaluation = evaluate(spec, &reading);
        self.fleet.insert(
            slo,
            SloEntry {
                reading,
                evaluation,
            },
        );
    }

    /// The entry of `slo` in `scope`.
    pub fn entry(&self, slo: SloId, scope: SloScope) -> Option<&SloEntry> {
        match scope {
            SloScope::Cluster(id) => self.entries.get(&(slo, id)),
            SloScope::Fleet => self.fleet.get(&slo),
        }
    }

    /// Whether any SLO pages in any scope.
    pub fn paging(&self) -> bool {
        self.entries
            .values()
            .chain(self.fleet.values())
            .any(|e| e.evaluation.paging())
    }
}
