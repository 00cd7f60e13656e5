//! One refresh of a cluster's SLOs: the batch (one request), a follow-up only for windows
//! whose recording rule vanished, and, when Prometheus refuses the batch (too large, or one
//! SLO's template is wrong), one query per SLO so the others still get readings and the bad
//! one is named with Prometheus's message. A failed request makes every SLO unknown with a
//! reason a person can act on; old numbers are never passed off as current.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use jiff::Timestamp;

use super::SloTarget;
use super::batch::{Quantity, Span, Term, batch, slo_terms, spans};
use super::parse::{Answer, reading, timestamp};
use crate::sources::endpoint::FetchError;
use crate::sources::prometheus::client::{PollError, PromClient};
use crate::sources::prometheus::response::QueryFailure;
use watchdeck_core::slo::{SloId, SloReading, SloSpec};

/// One refresh's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refresh {
    pub readings: Vec<(SloId, SloReading)>,
    /// Set when the request failed for every SLO (retry with backoff if it is retryable).
    pub failure: Option<PollError>,
}

/// The state one cluster's SLO poller keeps between refreshes.
#[derive(Debug, Clone)]
pub struct SloFetcher {
    target: SloTarget,
    /// The Prometheus address, for messages.
    endpoint: String,
    timeout: Duration,
    /// (SLO, span) pairs a recording rule answered last time: their errors terms are left out.
    covered: BTreeSet<(SloId, Span)>,
    /// SLOs whose own query Prometheus rejected, with the message; asked alone each refresh.
    rejected: BTreeMap<SloId, String>,
    /// One query per SLO from now on (Prometheus refused the whole batch but not its parts).
    split: bool,
}

/// Whether Prometheus refused the request itself (bad query, too large), not the connection.
fn refused_batch(e: &PollError) -> bool {
    match e {
        PollError::Query(QueryFailure::Rejected { .. }) => true,
        PollError::Query(
            QueryFailure::Unavailable { status, .. }
            | QueryFailure::NotJson { status, .. }
            | QueryFailure::Refused { status, .. },
        ) => matches!(status, 413 | 414 | 431),
        _ => false,
    }
}

impl SloFetcher {
    pub fn new(target: SloTarget, endpoint: String, timeout: Duration) -> Self {
        SloFetcher {
            target,
            endpoint,
            timeout,
            covered: BTreeSet::new(),
            rejected: BTreeMap::new(),
            split: false,
        }
    }

    pub fn target(&self) -> &SloTarget {
        &self.target
    }

    /// The reason shown for a failed request: where, and what to check.
    pub fn reason(&self, e: &PollError) -> String {
        let what = match e {
            PollError::Fetch(FetchError::Timeout) => {
                format!("timeout after {} s", self.timeout.as_secs().max(1))
            }
            other => other.message(),
        };
        format!("Prometheus at {}: {what}", self.endpoint)
    }

    /// Every SLO unknown with `reason`.
    pub fn unknown_all(&self, at: Timestamp, reason: &str) -> Vec<(SloId, SloReading)> {
        self.target
            .slos
            .iter()
            .map(|(id, _)| (*id, SloReading::unknown(at, reason)))
            .collect()
    }

    fn spec(&self, slo: SloId) -> Option<&SloSpec> {
        self.target
            .slos
            .iter()
            .find(|(id, _)| *id == slo)
            .map(|(_, s)| s)
    }

    fn terms(&self, slos: &[SloId]) -> Vec<Term> {
        let covered = |slo: SloId, span: Span| self.covered.contains(&(slo, span));
        slos.iter()
            .filter_map(|slo| Some((*slo, self.spec(*slo)?)))
            .flat_map(|(slo, spec)| slo_terms(slo, spec, &self.target.matchers, &covered))
            .collect()
    }

    async fn ask(
        &self,
        client: &PromClient,
        slos: &[SloId],
        time: Option<f64>,
    ) -> Result<Answer, PollError> {
        let data = client.instant_post(&batch(&self.terms(slos)), time).await?;
        Ok(Answer::read(&data.series, data.warnings))
    }

    /// Reads every SLO at `time` (unix seconds; `None` for the server's now).
    pub async fn refresh(&mut self, client: &PromClient, time: Option<f64>) -> Refresh {
        let (alone, together): (Vec<SloId>, Vec<SloId>) = self
            .target
            .slos
            .iter()
            .map(|(id, _)| *id)
            .partition(|id| self.split || self.rejected.contains_key(id));
        let mut answer = Answer::default();
        let mut singles = alone;
        let mut batch_refused = false;
        if !together.is_empty() {
            match self.ask(client, &together, time).await {
                Ok(a) => answer = a,
                Err(e) if refused_batch(&e) && together.len() > 1 => {
                    tracing::warn!(
                        endpoint = %self.endpoint,
                        reason = %e.message(),
                        slos = together.len(),
                        "Prometheus refused the batched SLO query; asking one query per SLO"
                    );
                    singles.extend(together.iter().copied());
                    batch_refused = true;
                }
                Err(e) if refused_batch(&e) => {
                    singles.extend(together.iter().copied());
                }
                Err(e) => return self.failed(time, e),
            }
        }
        let mut newly_rejected = 0;
        for slo in singles {
            let at = answer.at.or(time);
            match self.ask(client, &[slo], at).await {
                Ok(a) => {
                    self.rejected.remove(&slo);
                    answer.merge(a);
                }
                Err(e) if refused_batch(&e) => {
                    if self.rejected.insert(slo, e.message()).is_none() {
                        newly_rejected += 1;
                        tracing::warn!(slo, reason = %e.message(), "SLO query rejected");
                    }
                }
                Err(e) => return self.failed(time, e),
            }
        }
        if batch_refused && newly_rejected == 0 {
            tracing::warn!(endpoint = %self.endpoint, "SLO batch too large for Prometheus: one query per SLO from now on");
            self.split = true;
        }
        if let Err(e) = self.follow_up(client, &mut answer, time).await {
            return self.failed(time, e);
        }
        let at = answer
            .at
            .or(time)
            .map(timestamp)
            .unwrap_or_else(Timestamp::now);
        let readings = self
            .target
            .slos
            .iter()
            .map(|(id, spec)| match self.rejected.get(id) {
                Some(message) => (
                    *id,
                    SloReading::unknown(
                        at,
                        &format!("SLO {} ({}): {message}", spec.name, spec.origin),
                    ),
                ),
                None => (*id, reading(*id, spec, &answer, at)),
            })
            .collect();
        Refresh {
            readings,
            failure: None,
        }
    }

    /// Asks for the errors terms of windows whose rule series was expected but is gone, and
    /// remembers which windows the rules answer for now.
    async fn follow_up(
        &mut self,
        client: &PromClient,
        answer: &mut Answer,
        time: Option<f64>,
    ) -> Result<(), PollError> {
        let mut missing = Vec::new();
        for (slo, spec) in &self.target.slos {
            if self.rejected.contains_key(slo) {
                continue;
            }
            for span in spans(spec) {
                let has = answer.has_rule(*slo, span);
                if !has && self.covered.remove(&(*slo, span)) {
                    missing.push((*slo, span));
                } else if has {
                    self.covered.insert((*slo, span));
                }
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let mut slos: Vec<SloId> = missing.iter().map(|(slo, _)| *slo).collect();
        slos.dedup();
        let terms: Vec<Term> = self
            .terms(&slos)
            .into_iter()
            .filter(|t| {
                t.key.quantity == Quantity::Errors && missing.contains(&(t.key.slo, t.key.span))
            })
            .collect();
        let data = client
            .instant_post(&batch(&terms), answer.at.or(time))
            .await?;
        answer.merge(Answer::read(&data.series, data.warnings));
        Ok(())
    }

    fn failed(&self, time: Option<f64>, e: PollError) -> Refresh {
        let at = time.map(timestamp).unwrap_or_else(Timestamp::now);
        Refresh {
            readings: self.unknown_all(at, &self.reason(&e)),
            failure: Some(e),
        }
    }
}
