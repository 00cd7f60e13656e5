//! An in-memory time-series store sampled on a shared grid, with bounded retention, in two
//! tiers: live scrapes (every few seconds, kept for hours) and a coarse tier (one point every
//! few minutes, kept for a month) that holds synthetic history and a downsampled copy of the
//! SLI series, so 30-day SLO windows have data while memory stays bounded.
//!
//! Every scrape of a cluster writes all of its series at one timestamp, so timestamps are kept
//! once per tier (the grid) and each series holds only its values, sealed per chunk into the
//! smallest exact encoding (see `chunk`), indexed by metric name. A series missing
//! from a scrape gets Prometheus's stale marker at that scrape, so instant selectors stop
//! returning it, exactly as after a failed or ended scrape in Prometheus.
//!
//! Reads join the tiers at the live tier's first scrape: a range reads coarse points before
//! it and live points from it on; series are the same series in both when their labels are.

mod chunk;
mod tier;

use std::collections::{BTreeSet, HashSet};

use promql_parser::label::Matcher;

use self::tier::{SeriesId, Tier};
use crate::clock::Millis;
use crate::labels::{Labels, METRIC_NAME};

/// Prometheus's staleness marker: a NaN with a payload no computation produces.
const STALE_NAN_BITS: u64 = 0x7ff0_0000_0000_0002;

/// Whether a stored value is the staleness marker (not an ordinary NaN sample).
pub fn is_stale_marker(value: f64) -> bool {
    value.to_bits() == STALE_NAN_BITS
}

/// The stale marker itself, for callers building history rows.
pub fn stale_marker() -> f64 {
    f64::from_bits(STALE_NAN_BITS)
}

const NONE: SeriesId = SeriesId::MAX;

/// A series picked by a selection, to read samples through [`Tsdb::samples`] and friends:
/// its place in the live tier, the coarse tier, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesRef {
    live: SeriesId,
    coarse: SeriesId,
}

impl SeriesRef {
    fn live(self) -> Option<SeriesId> {
        (self.live != NONE).then_some(self.live)
    }

    fn coarse(self) -> Option<SeriesId> {
        (self.coarse != NONE).then_some(self.coarse)
    }
}

/// What the coarse tier keeps and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct CoarseOptions {
    /// One coarse point per this interval of live scrapes.
    pub every_ms: Millis,
    pub retention_ms: Millis,
    /// Metric names copied from live scrapes into the coarse tier.
    pub metrics: Vec<String>,
}

/// The in-memory store of one cluster's scrapes.
#[derive(Debug)]
pub struct Tsdb {
    live: Tier,
    coarse: Tier,
    coarse_options: Option<CoarseOptions>,
    /// Timestamp of the last live scrape copied into the coarse tier.
    last_coarse: Option<Millis>,
    /// The next live scrape is copied whatever the interval: it ends the loaded history.
    handoff: bool,
}

impl Tsdb {
    /// A store with live scrapes only.
    pub fn new(retention_ms: Millis) -> Self {
        Self {
            live: Tier::new(retention_ms),
            coarse: Tier::new(0),
            coarse_options: None,
            last_coarse: None,
            handoff: false,
        }
    }

    /// A store that also keeps a coarse copy of some metrics.
    pub fn with_coarse(retention_ms: Millis, coarse: CoarseOptions) -> Self {
        Self {
            coarse: Tier::new(coarse.retention_ms),
            coarse_options: Some(coarse),
            ..Self::new(retention_ms)
        }
    }

    /// Loads history into the empty coarse tier: `grid` ascending timestamps, each row one
    /// value per timestamp ([`stale_marker`] where the series had none), all before the first
    /// live scrape. False (and nothing loaded) when the tier is not empty or rows mismatch.
    pub fn load_history(&mut self, grid: Vec<Millis>, series: Vec<(Labels, Vec<f64>)>) -> bool {
        let last = grid.last().copied();
        if self.live.first_scrape().is_some() || !self.coarse.bulk_load(grid, series) {
            return false;
        }
        self.last_coarse = last;
        self.handoff = true;
        true
    }

    /// Records one scrape of all current series of a cluster at `ts_ms`. Series not in it are
    /// marked stale. A scrape not later than the previous one is ignored (out of order).
    pub fn append_scrape(
        &mut self,
        ts_ms: Millis,
        samples: impl IntoIterator<Item = (Labels, f64)>,
    ) {
        let due = self.coarse_options.as_ref().is_some_and(|o| {
            self.handoff
                || self
                    .last_coarse
                    .is_none_or(|last| ts_ms - last >= o.every_ms)
        });
        if !due || self.live.last_scrape().is_some_and(|last| last >= ts_ms) {
            self.live.append_scrape(ts_ms, samples);
            return;
        }
        let samples: Vec<(Labels, f64)> = samples.into_iter().collect();
        if let Some(options) = &self.coarse_options {
            let kept = samples
                .iter()
                .filter(|(l, _)| {
                    l.metric_name()
                        .is_some_and(|n| options.metrics.iter().any(|m| m == n))
                })
                .cloned();
            self.coarse.append_scrape(ts_ms, kept);
            self.last_coarse = Some(ts_ms);
            self.handoff = false;
        }
        self.live.append_scrape(ts_ms, samples);
    }

    /// Where the tiers meet: the live tier's first scrape (coarse points before it are read).
    fn boundary(&self) -> Millis {
        self.live.first_scrape().unwrap_or(Millis::MAX)
    }

    /// Series whose labels satisfy all matchers (a matcher matching "" also matches a missing
    /// label, as in Prometheus). Uses the metric-name index when a matcher constrains the name.
    pub fn select(&self, matchers: &[Matcher]) -> Vec<SeriesRef> {
        let live = self.live.select(matchers);
        let coarse = if self.coarse.first_scrape().is_some() {
            self.coarse.select(matchers)
        } else {
            Vec::new()
        };
        self.join(live, coarse)
    }

    /// Pairs series of the two tiers by labels.
    fn join(&self, live: Vec<SeriesId>, coarse: Vec<SeriesId>) -> Vec<SeriesRef> {
        let mut paired = HashSet::new();
        let mut out: Vec<SeriesRef> = coarse
            .into_iter()
            .map(|c| {
                let l = self.live.find(self.coarse.labels(c)).unwrap_or(NONE);
                paired.insert(l);
                SeriesRef { live: l, coarse: c }
            })
            .collect();
        out.extend(
            live.into_iter()
                .filter(|l| !paired.contains(l))
                .map(|l| SeriesRef {
                    live: l,
                    coarse: NONE,
                }),
        );
        out.sort_unstable();
        out
    }

    pub fn labels(&self, series: SeriesRef) -> &Labels {
        match series.live() {
            Some(id) => self.live.labels(id),
            None => self.coarse.labels(series.coarse),
        }
    }

    /// Real samples (stale markers left out) of a series with timestamps in `(start, end]`:
    /// coarse points before the live tier's first scrape, live points from it on.
    pub fn samples(
        &self,
        series: SeriesRef,
        start_exclusive: Millis,
        end_inclusive: Millis,
    ) -> Vec<(Millis, f64)> {
        let boundary = self.boundary();
        let mut out = match series.coarse() {
            Some(c) if start_exclusive < boundary - 1 => {
                self.coarse
                    .samples(c, start_exclusive, end_inclusive.min(boundary - 1))
            }
            _ => Vec::new(),
        };
        if let Some(l) = series.live() {
            out.extend(self.live.samples(l, start_exclusive, end_inclusive));
        }
        out
    }

    /// The value an instant selector sees at `at`: the latest slot in `(at - lookback, at]`,
    /// or nothing when that slot is a stale marker or there is none. The live tier answers
    /// when it has a slot in the window; the coarse tier answers for the part before it.
    pub fn sample_at(
        &self,
        series: SeriesRef,
        at: Millis,
        lookback: Millis,
    ) -> Option<(Millis, f64)> {
        let live = series
            .live()
            .and_then(|l| self.live.latest_slot(l, at, lookback));
        let slot = match (live, series.coarse()) {
            (Some(slot), _) => Some(slot),
            (None, Some(c)) => {
                let from = at.saturating_sub(lookback);
                let until = at.min(self.boundary());
                (until > from)
                    .then(|| self.coarse.latest_slot(c, until, until - from))
                    .flatten()
            }
            (None, None) => None,
        };
        slot.filter(|(_, v)| !is_stale_marker(*v))
    }

    /// Whether the series has a real sample in `[start, end]` (the API's series/labels window).
    pub fn has_samples_between(&self, series: SeriesRef, start: Millis, end: Millis) -> bool {
        series
            .live()
            .is_some_and(|l| self.live.has_samples_between(l, start, end))
            || series.coarse().is_some_and(|c| {
                self.coarse.has_samples_between(
                    c,
                    start,
                    end.min(self.boundary().saturating_sub(1)),
                )
            })
    }

    /// Every series of both tiers.
    fn all(&self) -> Vec<SeriesRef> {
        self.join(self.live.all(), self.coarse.all())
    }

    /// Label sets of the series matching any of the selectors with samples in `[start, end]`,
    /// sorted, as `/api/v1/series` lists them.
    pub fn series_matching(
        &self,
        selectors: &[Vec<Matcher>],
        start: Millis,
        end: Millis,
    ) -> Vec<Labels> {
        let mut ids: BTreeSet<SeriesRef> = BTreeSet::new();
        for matchers in selectors {
            ids.extend(self.select(matchers));
        }
        let mut out: Vec<Labels> = ids
            .into_iter()
            .filter(|id| self.has_samples_between(*id, start, end))
            .map(|id| self.labels(id).clone())
            .collect();
        out.sort();
        out
    }

    fn window_series(
        &self,
        selectors: &[Vec<Matcher>],
        start: Millis,
        end: Millis,
    ) -> Vec<SeriesRef> {
        let mut ids: BTreeSet<SeriesRef> = BTreeSet::new();
        if selectors.is_empty() {
            ids.extend(self.all());
        } else {
            for matchers in selectors {
                ids.extend(self.select(matchers));
            }
        }
        ids.into_iter()
            .filter(|id| self.has_samples_between(*id, start, end))
            .collect()
    }

    /// Sorted label names used by series (all, or those matching any selector) in `[start, end]`.
    pub fn label_names(
        &self,
        selectors: &[Vec<Matcher>],
        start: Millis,
        end: Millis,
    ) -> Vec<String> {
        let mut names = BTreeSet::new();
        for id in self.window_series(selectors, start, end) {
            names.extend(self.labels(id).iter().map(|(k, _)| k.to_string()));
        }
        names.into_iter().collect()
    }

    /// Sorted values of one label over series (all, or matching) in `[start, end]`.
    pub fn label_values(
        &self,
        name: &str,
        selectors: &[Vec<Matcher>],
        start: Millis,
        end: Millis,
    ) -> Vec<String> {
        let mut values = BTreeSet::new();
        if name == METRIC_NAME && selectors.is_empty() {
            let live = self.live.names().map(|(n, ids)| (n, ids, true));
            let coarse = self.coarse.names().map(|(n, ids)| (n, ids, false));
            for (metric, ids, is_live) in live.chain(coarse) {
                if values.contains(metric) {
                    continue;
                }
                let seen = ids.iter().any(|id| {
                    if is_live {
                        self.live.has_samples_between(*id, start, end)
                    } else {
                        self.coarse.has_samples_between(
                            *id,
                            start,
                            end.min(self.boundary().saturating_sub(1)),
                        )
                    }
                });
                if seen {
                    values.insert(metric.clone());
                }
            }
        } else {
            for id in self.window_series(selectors, start, end) {
                if let Some(v) = self.labels(id).get(name) {
                    values.insert(v.to_string());
                }
            }
        }
        values.into_iter().collect()
    }

    /// Number of distinct series currently held in either tier.
    pub fn series_count(&self) -> usize {
        self.all().len()
    }

    /// Approximate bytes held by sample storage, the grids and series labels, both tiers.
    pub fn approx_bytes(&self) -> usize {
        self.live.approx_bytes() + self.coarse.approx_bytes()
    }

    /// Approximate bytes of the coarse tier alone.
    pub fn coarse_bytes(&self) -> usize {
        self.coarse.approx_bytes()
    }

    /// Timestamp of the oldest retained sample of either tier, if any.
    pub fn first_scrape(&self) -> Option<Millis> {
        match (self.coarse.first_scrape(), self.live.first_scrape()) {
            (Some(c), Some(l)) => Some(c.min(l)),
            (c, l) => c.or(l),
        }
    }
}

#[cfg(test)]
mod coarse_tests;
#[cfg(test)]
mod tests;
