//! `rollback`: roll a Deployment back to the previous revision or to `revision`; verified by
//! the rollout.

use super::{StepKindDef, VERIFY_TIMEOUT, keys, not_mine, place};
use crate::runbook::op::PlanReport;
use crate::runbook::parse::conditions::target;
use crate::runbook::parse::reader::{Cur, Reader, child};
use crate::runbook::parse::titles::{field, object};
use crate::runbook::resolve::{Resolver, mutate};
use crate::runbook::resolved::{Mutation, ObjectRef, Probe, ResolvedStep};
use crate::runbook::spec::{ObjectKind, StepKind};

pub(super) struct Rollback;

impl StepKindDef for Rollback {
    fn keyword(&self) -> &'static str {
        "rollback"
    }

    fn mutates(&self) -> bool {
        true
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        keys(r, cur, &["target", "revision", "verify_timeout"]);
        let target = target(r, cur, &[ObjectKind::Deployment]);
        let path = child(cur.path, "revision");
        let revision = match r.get(cur, "revision") {
            Some(n) => Some(r.field_integer(n, &path, 1)?),
            None => None,
        };
        let verify_timeout = r.duration_or(cur, "verify_timeout", VERIFY_TIMEOUT);
        Some(StepKind::Rollback {
            target: target?,
            revision,
            verify_timeout,
        })
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::Rollback {
            target, revision, ..
        } = kind
        else {
            return kind.keyword().to_owned();
        };
        match revision {
            Some(rev) => format!("Roll back {} to revision {}", object(target), field(rev)),
            None => format!("Roll back {} to the previous revision", object(target)),
        }
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Rollback {
            target,
            revision,
            verify_timeout,
        } = kind
        else {
            return Err(not_mine(self, kind));
        };
        let object = r.target(target)?;
        let revision = match revision {
            Some(f) => Some(r.integer(f, "revision")?),
            None => None,
        };
        if revision.is_some_and(|rev| rev < 1) {
            return Err("revision must be 1 or more".to_owned());
        }
        Ok(mutate(
            Mutation::Rollback { object, revision },
            *verify_timeout,
        ))
    }

    /// A rolled-back Deployment has rolled out.
    fn verify(&self, mutation: &Mutation) -> Option<Probe> {
        let Mutation::Rollback { object, .. } = mutation else {
            return None;
        };
        Some(Probe::RolloutComplete {
            object: object.clone(),
        })
    }

    fn object<'m>(&self, mutation: &'m Mutation) -> Option<&'m ObjectRef> {
        match mutation {
            Mutation::Rollback { object, .. } => Some(object),
            _ => None,
        }
    }

    fn change(&self, mutation: &Mutation, _plan: Option<&PlanReport>) -> String {
        let Mutation::Rollback { object, revision } = mutation else {
            return mutation.verb().to_owned();
        };
        match revision {
            Some(r) => format!("roll back {} to revision {r}", place(object)),
            None => format!("roll back {} to the previous revision", place(object)),
        }
    }

    /// Roll back to the revision before (the `revision: N` line the plan read).
    fn undo(&self, mutation: &Mutation, plan: &PlanReport) -> Option<Mutation> {
        let Mutation::Rollback { object, .. } = mutation else {
            return None;
        };
        Some(Mutation::Rollback {
            object: object.clone(),
            revision: revision_in(&plan.before.lines),
        })
    }
}

/// The `revision: N` line of a snapshot.
fn revision_in(lines: &[String]) -> Option<i64> {
    lines.iter().find_map(|l| {
        let value = l.strip_prefix("revision:")?;
        value.trim().parse().ok()
    })
}
