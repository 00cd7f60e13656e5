//! `follow`: a CloudNativePG replica cluster streams from another of its `externalClusters`
//! (after a failover, the third region follows the new primary); verified by its lag.

use std::time::Duration;

use super::{StepKindDef, VERIFY_TIMEOUT, keys, not_mine, place};
use crate::runbook::op::PlanReport;
use crate::runbook::parse::conditions::target;
use crate::runbook::parse::reader::{Cur, Reader, child};
use crate::runbook::parse::titles::object;
use crate::runbook::resolve::{Resolver, mutate};
use crate::runbook::resolved::{Mutation, ObjectRef, Probe, ResolvedStep};
use crate::runbook::spec::{ObjectKind, StepKind};

pub(super) struct Follow;

impl StepKindDef for Follow {
    fn keyword(&self) -> &'static str {
        "follow"
    }

    fn mutates(&self) -> bool {
        true
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        keys(r, cur, &["target", "source", "verify_timeout"]);
        let target = target(r, cur, &[ObjectKind::CnpgCluster]);
        let path = child(cur.path, "source");
        let expected = "the name of one of the replica cluster's externalClusters";
        let source = r
            .required(cur, "source", expected)
            .and_then(|n| r.template(n, &path, expected));
        let verify_timeout = r.duration_or(cur, "verify_timeout", VERIFY_TIMEOUT);
        Some(StepKind::Follow {
            target: target?,
            source: source?,
            verify_timeout,
        })
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::Follow { target, source, .. } = kind else {
            return kind.keyword().to_owned();
        };
        format!("Make {} follow {}", object(target), source.text.trim())
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Follow {
            target,
            source,
            verify_timeout,
        } = kind
        else {
            return Err(not_mine(self, kind));
        };
        let mutation = Mutation::FollowCnpg {
            object: r.target(target)?,
            source: r.template(source)?,
        };
        Ok(mutate(mutation, *verify_timeout))
    }

    /// Streaming from a writable source again: the lag comes back under a minute.
    fn verify(&self, mutation: &Mutation) -> Option<Probe> {
        let Mutation::FollowCnpg { object, .. } = mutation else {
            return None;
        };
        Some(Probe::ReplicationLag {
            object: object.clone(),
            below: Duration::from_secs(60),
        })
    }

    fn object<'m>(&self, mutation: &'m Mutation) -> Option<&'m ObjectRef> {
        match mutation {
            Mutation::FollowCnpg { object, .. } => Some(object),
            _ => None,
        }
    }

    fn change(&self, mutation: &Mutation, _plan: Option<&PlanReport>) -> String {
        let Mutation::FollowCnpg { object, source } = mutation else {
            return mutation.verb().to_owned();
        };
        format!("make {} stream from {source}", place(object))
    }
}
