//! Audit records for the engine's actions: every field filled from the run, the step and
//! the mutation; the diff recorded by its SHA-256 digest, never its text.

use jiff::Timestamp;
use ring::digest::{SHA256, digest};

use super::RunEffect;
use super::mutate::Mutating;
use super::run::Run;
use crate::runbook::audit::{AuditPhase, AuditRecord, Who};
use crate::runbook::kinds;
use crate::runbook::op::DiffLine;
use crate::runbook::resolved::Mutation;

impl Run {
    /// A refused record for `m`: `refused: {reason}`.
    pub(super) fn audit_refused(
        &mut self,
        m: &Mutating,
        reason: &str,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        self.audit(
            m,
            AuditPhase::Refused,
            format!("refused: {reason}"),
            now,
            out,
        );
    }

    /// Emits one audit record for `m`; the caller writes it before any effect after it.
    pub(super) fn audit(
        &mut self,
        m: &Mutating,
        phase: AuditPhase,
        result: String,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let step_index = self.current.unwrap_or(0);
        let step_id = self
            .runbook
            .steps
            .get(step_index)
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let cluster = m.mutation.cluster().unwrap_or_default().to_owned();
        let context = self
            .context
            .clusters
            .get(&cluster)
            .map(|p| p.context.clone())
            .unwrap_or_default();
        let plan = m.plan.as_ref();
        out.push(RunEffect::Audit(Box::new(AuditRecord {
            action_id: format!("{}-{step_index}-{}", self.context.run_id, m.attempt),
            phase,
            at: now.to_string(),
            who: Who {
                kubernetes: self.identities.get(&cluster).cloned().flatten(),
                os_user: self.context.os_user.clone(),
            },
            cluster,
            context,
            namespace: m
                .mutation
                .object()
                .map(|o| o.namespace.clone())
                .unwrap_or_default(),
            object: object_name(&m.mutation),
            verb: m.mutation.verb().to_owned(),
            runbook: self.runbook.id.clone(),
            step: step_id,
            params: self.values.clone(),
            diff_digest: plan.map(|p| diff_digest(&p.diff)),
            confirmations: m.confirmations.clone(),
            result,
            resource_version_before: plan.and_then(|p| p.before.resource_version.clone()),
            resource_version_after: m.executed.as_ref().and_then(|e| e.resource_version.clone()),
            alert: self.context.alert.clone(),
            dry_run: self.context.dry_run,
        })));
    }
}

/// `deployment/payment`, `cnpg-cluster/pg`, `patroni/orders`, `silence`, `silence/ID`,
/// `command/name`: as the mutation's step kind says (`StepKindDef::audit_object`).
fn object_name(mutation: &Mutation) -> String {
    match kinds::of_mutation(mutation) {
        Some(kind) => kind.audit_object(mutation),
        None => mutation.verb().to_owned(),
    }
}

/// SHA-256, hex, of the diff as shown: one line each, `  `, `- ` or `+ ` before the text.
pub(crate) fn diff_digest(diff: &[DiffLine]) -> String {
    let text = diff
        .iter()
        .map(|d| match d {
            DiffLine::Context(l) => format!("  {l}"),
            DiffLine::Removed(l) => format!("- {l}"),
            DiffLine::Added(l) => format!("+ {l}"),
        })
        .collect::<Vec<_>>()
        .join("\n");
    digest(&SHA256, text.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
