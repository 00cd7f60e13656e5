//! Verification after a change: the step's probe, polled every few seconds until it holds
//! or the step's verify timeout has passed since the change was applied.

use std::time::Duration;

use jiff::Timestamp;

use super::mutate::{Mutating, Stage};
use super::run::{Run, elapsed, human};
use super::{RunEffect, StepStatus};
use crate::runbook::audit::AuditPhase;
use crate::runbook::op::{Observation, OpError, OpRequest};
use crate::text::sanitize;

/// How often a verification probes.
pub const VERIFY_EVERY: Duration = Duration::from_secs(5);

impl Run {
    /// Applied: probe the step's verification, or finish when the change verifies itself.
    pub(super) fn begin_verify(
        &mut self,
        mut m: Mutating,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let Some(probe) = m.verify.clone() else {
            return self.succeeded(m, None, now, out);
        };
        m.stage = Stage::Verify;
        m.verify_began = Some(now);
        self.set_status(StepStatus::Running(format!(
            "verifying (up to {})",
            human(m.verify_timeout)
        )));
        self.op(OpRequest::Probe(probe), Duration::ZERO, out);
        self.keep(m);
    }

    pub(super) fn on_verify_probe(
        &mut self,
        m: Mutating,
        result: Result<Observation, OpError>,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let value = match result {
            Ok(obs) if obs.holds => return self.succeeded(m, Some(sanitize(&obs.value)), now, out),
            Ok(obs) => sanitize(&obs.value),
            Err(e) => format!("could not check: {}", sanitize(&e.message)),
        };
        let began = m.verify_began.unwrap_or(now);
        let waited = elapsed(began, now);
        if waited >= m.verify_timeout {
            let reason = format!(
                "verification timed out after {}: {value}",
                human(m.verify_timeout)
            );
            self.audit(
                &m,
                AuditPhase::Result,
                format!("failed: {reason}"),
                now,
                out,
            );
            return self.failed(m, reason);
        }
        self.set_status(StepStatus::Running(format!(
            "verifying ({} of {}): {value}",
            human(waited),
            human(m.verify_timeout)
        )));
        if let Some(probe) = m.verify.clone() {
            self.op(OpRequest::Probe(probe), VERIFY_EVERY, out);
        }
        self.keep(m);
    }
}
