//! `scale`: set a Deployment's or StatefulSet's replicas, to a count or sized for the
//! measured load (`target_utilisation`); verified by the rollout (Deployments) or the ready
//! pods (StatefulSets).

use super::{StepKindDef, VERIFY_TIMEOUT, keys, not_mine, place};
use crate::runbook::op::PlanReport;
use crate::runbook::parse::conditions::target;
use crate::runbook::parse::reader::{Cur, Reader, child};
use crate::runbook::parse::titles::{field, object};
use crate::runbook::resolve::{Resolver, mutate};
use crate::runbook::resolved::{Mutation, ObjectRef, Probe, ResolvedStep};
use crate::runbook::spec::{Field, ObjectKind, StepKind};

pub(super) struct Scale;

impl StepKindDef for Scale {
    fn keyword(&self) -> &'static str {
        "scale"
    }

    fn mutates(&self) -> bool {
        true
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        keys(
            r,
            cur,
            &[
                "target",
                "replicas",
                "expect_replicas",
                "target_utilisation",
                "verify_timeout",
            ],
        );
        let target = target(r, cur, &[ObjectKind::Deployment, ObjectKind::StatefulSet]);
        let path = child(cur.path, "target_utilisation");
        let target_utilisation = match r.get(cur, "target_utilisation") {
            Some(n) => Some(r.field_number(n, &path)?),
            None => None,
        };
        let path = child(cur.path, "replicas");
        let replicas = match (r.get(cur, "replicas"), &target_utilisation) {
            // Sized for the load: `replicas` is the least count, 1 unless given.
            (None, Some(_)) => Some(Field::Literal(1)),
            _ => r
                .required(
                    cur,
                    "replicas",
                    "a number of replicas or \"{{ param }}\" (or `target_utilisation` to size for the load)",
                )
                .and_then(|n| r.field_integer(n, &path, 0)),
        };
        let path = child(cur.path, "expect_replicas");
        let expect = match r.get(cur, "expect_replicas") {
            Some(n) => Some(r.field_integer(n, &path, 0)?),
            None => None,
        };
        let verify_timeout = r.duration_or(cur, "verify_timeout", VERIFY_TIMEOUT);
        Some(StepKind::Scale {
            target: target?,
            replicas: replicas?,
            expect_replicas: expect,
            target_utilisation,
            verify_timeout,
        })
    }

    fn describe(&self, kind: &StepKind) -> String {
        match kind {
            StepKind::Scale {
                target,
                target_utilisation: Some(share),
                ..
            } => format!(
                "Scale {} for the load at {} CPU utilisation",
                object(target),
                field(share)
            ),
            StepKind::Scale {
                target, replicas, ..
            } => format!("Scale {} to {} replicas", object(target), field(replicas)),
            other => other.keyword().to_owned(),
        }
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Scale {
            target,
            replicas,
            expect_replicas,
            target_utilisation,
            verify_timeout,
        } = kind
        else {
            return Err(not_mine(self, kind));
        };
        let object = r.target(target)?;
        let replicas = r.replicas(replicas, "replicas")?;
        let expect_replicas = match expect_replicas {
            Some(f) => Some(r.replicas(f, "expect_replicas")?),
            None => None,
        };
        let for_load = match target_utilisation {
            Some(f) => Some(r.utilisation(f)?),
            None => None,
        };
        let mutation = Mutation::Scale {
            object,
            replicas,
            expect_replicas,
            for_load,
        };
        Ok(mutate(mutation, *verify_timeout))
    }

    /// A scaled Deployment has rolled out; other workloads have the pods ready.
    fn verify(&self, mutation: &Mutation) -> Option<Probe> {
        let Mutation::Scale {
            object, replicas, ..
        } = mutation
        else {
            return None;
        };
        Some(match object.kind {
            ObjectKind::Deployment => Probe::RolloutComplete {
                object: object.clone(),
            },
            _ => Probe::PodsReady {
                object: object.clone(),
                min_ready: i64::from(*replicas),
            },
        })
    }

    fn object<'m>(&self, mutation: &'m Mutation) -> Option<&'m ObjectRef> {
        match mutation {
            Mutation::Scale { object, .. } => Some(object),
            _ => None,
        }
    }

    fn subresource(&self, _mutation: &Mutation) -> Option<&'static str> {
        Some("scale")
    }

    fn change(&self, mutation: &Mutation, plan: Option<&PlanReport>) -> String {
        let Mutation::Scale {
            object, replicas, ..
        } = mutation
        else {
            return mutation.verb().to_owned();
        };
        match plan.and_then(|p| p.current_replicas) {
            Some(from) => format!("scale {} from {from} to {replicas} replicas", place(object)),
            None => format!("scale {} to {replicas} replicas", place(object)),
        }
    }

    /// Scale back to the replicas before, expecting the count this change set.
    fn undo(&self, mutation: &Mutation, plan: &PlanReport) -> Option<Mutation> {
        let Mutation::Scale {
            object, replicas, ..
        } = mutation
        else {
            return None;
        };
        Some(Mutation::Scale {
            object: object.clone(),
            replicas: plan.current_replicas?,
            expect_replicas: Some(*replicas),
            for_load: None,
        })
    }

    /// A scale sized for the load: the count the plan computed.
    fn take_plan(&self, mutation: &mut Mutation, plan: &PlanReport) {
        if let (Mutation::Scale { replicas, .. }, Some(planned)) = (mutation, plan.target_replicas)
        {
            *replicas = planned;
        }
    }

    /// Replicas other than the step expects: someone changed the workload.
    fn blocked(&self, mutation: &Mutation, plan: &PlanReport) -> Option<String> {
        if let Mutation::Scale {
            expect_replicas: Some(expected),
            ..
        } = mutation
            && let Some(found) = plan.current_replicas
            && found != *expected
        {
            return Some(format!(
                "expected {expected} replicas, found {found}: someone changed it; re-check \
                 before acting"
            ));
        }
        None
    }

    /// Scaling to zero or to more than twice the current replicas, worded.
    fn large_change(&self, mutation: &Mutation, plan: &PlanReport) -> Option<String> {
        let Mutation::Scale {
            object, replicas, ..
        } = mutation
        else {
            return None;
        };
        let to = *replicas;
        match plan.current_replicas {
            Some(from) if to == 0 || i64::from(to) > 2 * i64::from(from) => Some(format!(
                "Large change: {} {object} from {from} to {to} replicas",
                if to == 0 { "scale down" } else { "scale up" }
            )),
            None => Some(format!(
                "Large change: the current replicas of {object} are unknown; scaling to {to}"
            )),
            Some(_) => None,
        }
    }

    /// A scale-up: more pods for the same spec.
    fn adds_capacity(&self, mutation: &Mutation, plan: &PlanReport) -> bool {
        matches!(mutation, Mutation::Scale { replicas, .. }
            if plan.current_replicas.is_some_and(|from| *replicas > from))
    }

    /// A scale-up of a workload whose pods were not all ready before the change (one crash
    /// looping on a bad node): verification waits for the added capacity, since the pods
    /// that were failing before are another problem with its own alert.
    fn verify_added(&self, mutation: &Mutation, plan: &PlanReport) -> Option<(Probe, String)> {
        let Mutation::Scale {
            object, replicas, ..
        } = mutation
        else {
            return None;
        };
        let (from, ready) = (plan.current_replicas?, plan.ready_before?);
        if ready >= from || *replicas <= from {
            return None;
        }
        let added = *replicas - from;
        let min_ready = ready + added;
        let why = format!(
            "{} of {from} pods were not ready before the change: verification waits for the {added} added (at least {min_ready} ready), not for those",
            from - ready
        );
        Some((
            Probe::PodsReady {
                object: object.clone(),
                min_ready: i64::from(min_ready),
            },
            why,
        ))
    }
}
