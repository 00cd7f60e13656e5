//! `expire-silence`: expire an Alertmanager silence before its end. Built by the alerts
//! view's direct action (the id comes from the silence shown); runbook files cannot name one.

use std::time::Duration;

use super::{StepKindDef, not_mine};
use crate::runbook::op::PlanReport;
use crate::runbook::parse::reader::{Cur, Reader};
use crate::runbook::parse::titles::field;
use crate::runbook::resolve::{Resolver, mutate};
use crate::runbook::resolved::{Mutation, ResolvedStep};
use crate::runbook::spec::StepKind;

pub(super) struct ExpireSilence;

impl StepKindDef for ExpireSilence {
    fn keyword(&self) -> &'static str {
        "expire-silence"
    }

    fn in_files(&self) -> bool {
        false
    }

    fn mutates(&self) -> bool {
        true
    }

    /// Never reached: the parser offers only kinds `in_files`.
    fn parse(&self, _r: &mut Reader<'_>, _cur: Cur<'_>) -> Option<StepKind> {
        None
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::ExpireSilence { cluster, id } = kind else {
            return kind.keyword().to_owned();
        };
        format!("Expire silence {} on {}", field(id), field(cluster))
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::ExpireSilence { cluster, id } = kind else {
            return Err(not_mine(self, kind));
        };
        let mutation = Mutation::ExpireSilence {
            cluster: r.string(cluster)?,
            id: r.string(id)?,
        };
        Ok(mutate(mutation, Duration::ZERO))
    }

    fn cluster<'m>(&self, mutation: &'m Mutation) -> Option<&'m str> {
        match mutation {
            Mutation::ExpireSilence { cluster, .. } => Some(cluster),
            _ => None,
        }
    }

    fn change(&self, mutation: &Mutation, _plan: Option<&PlanReport>) -> String {
        let Mutation::ExpireSilence { cluster, id } = mutation else {
            return mutation.verb().to_owned();
        };
        format!("expire silence {id} on {cluster} (its alerts notify again)")
    }

    fn audit_object(&self, mutation: &Mutation) -> String {
        let Mutation::ExpireSilence { id, .. } = mutation else {
            return mutation.verb().to_owned();
        };
        format!("silence/{id}")
    }
}
