//! One resolution of a cluster's samples: a grid of scrape timestamps shared by every series,
//! each series holding one value per grid slot (stale marker where it was absent), with
//! retention. The store keeps two: live scrapes and the coarse five-minute history.

use std::collections::{BTreeSet, HashMap, VecDeque};

use promql_parser::label::Matcher;

use super::chunk::{CHUNK, SeriesValues};
use super::{STALE_NAN_BITS, is_stale_marker};
use crate::clock::Millis;
use crate::labels::{Labels, METRIC_NAME};

pub(crate) type SeriesId = u32;

#[derive(Debug)]
struct Series {
    labels: Labels,
    /// Grid sequence number of `values[0]`, always at a chunk boundary.
    first_seq: u64,
    /// One value per grid slot from `first_seq` on; absent slots hold the stale marker.
    values: SeriesValues,
    /// Sequence number of the latest real (non-stale) sample.
    last_real_seq: u64,
}

impl Series {
    /// Sequence number one past the last stored slot.
    fn end_seq(&self) -> u64 {
        self.first_seq + self.values.len() as u64
    }

    fn is_live(&self) -> bool {
        self.values.last().is_some_and(|v| !is_stale_marker(v))
    }
}

/// One resolution of a cluster's scrapes: a shared timestamp grid and the series on it.
#[derive(Debug)]
pub(crate) struct Tier {
    retention_ms: Millis,
    /// Scrape timestamps, ascending; `grid[0]` has sequence number `grid_base`.
    grid: VecDeque<Millis>,
    grid_base: u64,
    slots: Vec<Option<Series>>,
    free: Vec<SeriesId>,
    by_fingerprint: HashMap<u64, Vec<SeriesId>>,
    by_name: HashMap<String, BTreeSet<SeriesId>>,
}

impl Tier {
    pub fn new(retention_ms: Millis) -> Self {
        Self {
            retention_ms,
            grid: VecDeque::new(),
            grid_base: 0,
            slots: Vec::new(),
            free: Vec::new(),
            by_fingerprint: HashMap::new(),
            by_name: HashMap::new(),
        }
    }

    /// Records one scrape of all current series of a cluster at `ts_ms`. Series not in it are
    /// marked stale. A scrape not later than the previous one is ignored (out of order).
    pub fn append_scrape(
        &mut self,
        ts_ms: Millis,
        samples: impl IntoIterator<Item = (Labels, f64)>,
    ) {
        if self.grid.back().is_some_and(|last| *last >= ts_ms) {
            return;
        }
        let seq = self.grid_base + self.grid.len() as u64;
        self.grid.push_back(ts_ms);
        for (labels, value) in samples {
            let id = self.find_or_create(labels, seq);
            if let Some(series) = self.slots[id as usize].as_mut() {
                while series.end_seq() < seq {
                    series.values.push(f64::from_bits(STALE_NAN_BITS));
                }
                if !is_stale_marker(value) {
                    series.last_real_seq = seq;
                }
                if series.end_seq() == seq {
                    series.values.push(value);
                } else {
                    // The same labels twice in one scrape: the later value wins.
                    series.values.set_last(value);
                }
            }
        }
        for series in self.slots.iter_mut().flatten() {
            if series.is_live() && series.end_seq() <= seq {
                series.values.push(f64::from_bits(STALE_NAN_BITS));
            }
        }
        self.prune(ts_ms - self.retention_ms);
    }

    fn find_or_create(&mut self, labels: Labels, seq: u64) -> SeriesId {
        let fp = labels.fingerprint();
        if let Some(ids) = self.by_fingerprint.get(&fp) {
            for id in ids {
                if self.slots[*id as usize]
                    .as_ref()
                    .is_some_and(|s| s.labels == labels)
                {
                    return *id;
                }
            }
        }
        let name = labels.metric_name().unwrap_or_default().to_string();
        let series = Series {
            labels,
            first_seq: seq - seq % CHUNK as u64,
            values: SeriesValues::default(),
            last_real_seq: seq,
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = Some(series);
                id
            }
            None => {
                self.slots.push(Some(series));
                (self.slots.len() - 1) as SeriesId
            }
        };
        self.by_fingerprint.entry(fp).or_default().push(id);
        self.by_name.entry(name).or_default().insert(id);
        id
    }

    /// Drops grid slots older than `cutoff`, and series left with no real sample.
    fn prune(&mut self, cutoff: Millis) {
        let mut dropped = 0u64;
        while self.grid.front().is_some_and(|t| *t < cutoff) {
            self.grid.pop_front();
            dropped += 1;
        }
        if dropped == 0 {
            return;
        }
        self.grid_base += dropped;
        let base = self.grid_base;
        let mut emptied = Vec::new();
        for (id, slot) in self.slots.iter_mut().enumerate() {
            let Some(series) = slot.as_mut() else {
                continue;
            };
            while series.first_seq + CHUNK as u64 <= base && series.values.pop_front_chunk() {
                series.first_seq += CHUNK as u64;
            }
            if !series.is_live() && series.last_real_seq < base {
                emptied.push(id as SeriesId);
            }
        }
        for id in emptied {
            self.remove(id);
        }
    }

    fn remove(&mut self, id: SeriesId) {
        let Some(series) = self.slots[id as usize].take() else {
            return;
        };
        let fp = series.labels.fingerprint();
        if let Some(ids) = self.by_fingerprint.get_mut(&fp) {
            ids.retain(|x| *x != id);
            if ids.is_empty() {
                self.by_fingerprint.remove(&fp);
            }
        }
        let name = series.labels.metric_name().unwrap_or_default();
        if let Some(ids) = self.by_name.get_mut(name) {
            ids.remove(&id);
            if ids.is_empty() {
                self.by_name.remove(name);
            }
        }
        self.free.push(id);
    }

    /// Series whose labels satisfy all matchers (a matcher matching "" also matches a missing
    /// label, as in Prometheus). Uses the metric-name index when a matcher constrains the name.
    pub fn select(&self, matchers: &[Matcher]) -> Vec<SeriesId> {
        let name_eq = matchers.iter().find(|m| {
            m.name == METRIC_NAME && matches!(m.op, promql_parser::label::MatchOp::Equal)
        });
        let name_other = matchers
            .iter()
            .find(|m| m.name == METRIC_NAME && !m.is_match(""));
        let candidates: Vec<SeriesId> = match (name_eq, name_other) {
            (Some(m), _) => self
                .by_name
                .get(&m.value)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
            (None, Some(m)) => self
                .by_name
                .iter()
                .filter(|(name, _)| m.is_match(name))
                .flat_map(|(_, ids)| ids.iter().copied())
                .collect(),
            (None, None) => (0..self.slots.len() as SeriesId).collect(),
        };
        let mut out: Vec<SeriesId> = candidates
            .into_iter()
            .filter(|id| {
                self.slots[*id as usize].as_ref().is_some_and(|s| {
                    matchers
                        .iter()
                        .all(|m| m.is_match(s.labels.get(&m.name).unwrap_or("")))
                })
            })
            .collect();
        out.sort_unstable();
        out
    }

    pub fn labels(&self, series: SeriesId) -> &Labels {
        static EMPTY: std::sync::OnceLock<Labels> = std::sync::OnceLock::new();
        match self.slots.get(series as usize).and_then(Option::as_ref) {
            Some(s) => &s.labels,
            None => EMPTY.get_or_init(Labels::new),
        }
    }

    /// Grid index range (into `self.grid`) of timestamps in `(start, end]`.
    fn grid_range(&self, start_exclusive: Millis, end_inclusive: Millis) -> (usize, usize) {
        let lo = self.grid.partition_point(|t| *t <= start_exclusive);
        let hi = self.grid.partition_point(|t| *t <= end_inclusive);
        (lo, hi.max(lo))
    }

    /// Real samples (stale markers left out) of a series with timestamps in `(start, end]`.
    pub fn samples(
        &self,
        series: SeriesId,
        start_exclusive: Millis,
        end_inclusive: Millis,
    ) -> Vec<(Millis, f64)> {
        let mut out = Vec::new();
        self.for_each_slot(series, start_exclusive, end_inclusive, |t, v| {
            if !is_stale_marker(v) {
                out.push((t, v));
            }
            true
        });
        out
    }

    /// The latest slot of a series in `(at - lookback, at]`, stale marker included, so the
    /// caller can tell "ended here" from "nothing here".
    pub fn latest_slot(
        &self,
        series: SeriesId,
        at: Millis,
        lookback: Millis,
    ) -> Option<(Millis, f64)> {
        let s = self.slots.get(series as usize).and_then(Option::as_ref)?;
        let (lo, hi) = self.grid_range(at.saturating_sub(lookback), at);
        for idx in (lo..hi).rev() {
            let seq = self.grid_base + idx as u64;
            if seq < s.first_seq {
                break;
            }
            if let Some(v) = s.values.get((seq - s.first_seq) as usize) {
                return Some((self.grid[idx], v));
            }
        }
        None
    }

    /// Calls `f` on each slot in `(start, end]` in time order until it returns false.
    fn for_each_slot(
        &self,
        series: SeriesId,
        start: Millis,
        end: Millis,
        mut f: impl FnMut(Millis, f64) -> bool,
    ) {
        let Some(s) = self.slots.get(series as usize).and_then(Option::as_ref) else {
            return;
        };
        let (lo, hi) = self.grid_range(start, end);
        for idx in lo..hi {
            let seq = self.grid_base + idx as u64;
            if seq < s.first_seq {
                continue;
            }
            match s.values.get((seq - s.first_seq) as usize) {
                Some(v) if f(self.grid[idx], v) => {}
                _ => break,
            }
        }
    }

    /// Whether the series has a real sample in `[start, end]` (the API's series/labels window).
    pub fn has_samples_between(&self, series: SeriesId, start: Millis, end: Millis) -> bool {
        let mut found = false;
        self.for_each_slot(series, start.saturating_sub(1), end, |_, v| {
            found = !is_stale_marker(v);
            !found
        });
        found
    }

    /// The series with exactly these labels, if held.
    pub fn find(&self, labels: &Labels) -> Option<SeriesId> {
        self.by_fingerprint
            .get(&labels.fingerprint())?
            .iter()
            .copied()
            .find(|id| {
                self.slots[*id as usize]
                    .as_ref()
                    .is_some_and(|s| &s.labels == labels)
            })
    }

    /// Every series held, ascending.
    pub fn all(&self) -> Vec<SeriesId> {
        (0..self.slots.len() as SeriesId)
            .filter(|i| self.slots[*i as usize].is_some())
            .collect()
    }

    /// Metric names with at least one series, and their series.
    pub fn names(&self) -> impl Iterator<Item = (&String, &BTreeSet<SeriesId>)> {
        self.by_name.iter()
    }

    /// Fills an empty tier at once: `grid` ascending, each series one value per grid slot
    /// (stale marker where it had none). Rows of another length, or a tier already holding
    /// scrapes, are refused: false.
    pub fn bulk_load(&mut self, grid: Vec<Millis>, series: Vec<(Labels, Vec<f64>)>) -> bool {
        let ordered = grid.windows(2).all(|w| w[0] < w[1]);
        if !self.grid.is_empty() || !ordered || series.iter().any(|(_, v)| v.len() != grid.len()) {
            return false;
        }
        self.grid = grid.into();
        self.grid_base = 0;
        for (labels, values) in series {
            let Some(last_real) = values.iter().rposition(|v| !is_stale_marker(*v)) else {
                continue;
            };
            let id = self.find_or_create(labels, 0);
            if let Some(s) = self.slots[id as usize].as_mut() {
                s.values = SeriesValues::default();
                values.iter().for_each(|v| s.values.push(*v));
                s.last_real_seq = last_real as u64;
            }
        }
        true
    }

    /// Approximate bytes held by sample storage, the grid and series labels.
    pub fn approx_bytes(&self) -> usize {
        let labels = |l: &Labels| l.iter().map(|(k, v)| k.len() + v.len() + 64).sum::<usize>();
        self.grid.len() * 8
            + self
                .slots
                .iter()
                .flatten()
                .map(|s| std::mem::size_of::<Series>() + s.values.bytes() + labels(&s.labels))
                .sum::<usize>()
    }

    /// Timestamp of the oldest retained scrape, if any.
    pub fn first_scrape(&self) -> Option<Millis> {
        self.grid.front().copied()
    }

    /// Timestamp of the newest scrape, if any.
    pub fn last_scrape(&self) -> Option<Millis> {
        self.grid.back().copied()
    }
}
