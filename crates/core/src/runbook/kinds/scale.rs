//! `scale`: set a Deployment's or StatefulSet's replicas, to a count or sized for the
//! measured load (`target_utilisation`); verified by the rollout (Deployments) or the ready
//! pods (StatefulSets).

use super::{StepKindDef, VERIFY_TIMEOUT, keys, not_mine};
use crate::runbook::parse::conditions::target;
use crate::runbook::parse::reader::{Cur, Reader, child};
use crate::runbook::parse::titles::{field, object};
use crate::runbook::resolve::{Resolver, mutate};
use crate::runbook::resolved::{Mutation, Probe, ResolvedStep};
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
}
