//! `promote`: a replica becomes primary, through CloudNativePG (a replica cluster leaves
//! replica mode, or an instance becomes the target primary) or Patroni's REST API
//! (`POST /failover`). `max_lag` refuses when the data at risk is larger. The example to copy
//! for a kind that reaches a cluster; its IO half is `watchdeck_io::ops::kinds::promote`.

use std::time::Duration;

use super::{StepKindDef, VERIFY_TIMEOUT, keys, not_mine, place};
use crate::runbook::engine::human;
use crate::runbook::op::PlanReport;
use crate::runbook::params::{dns_label, dns_subdomain};
use crate::runbook::parse::conditions::target;
use crate::runbook::parse::reader::{Accepts, Cur, Reader, child};
use crate::runbook::parse::titles::{field, object};
use crate::runbook::resolve::{Resolver, mutate};
use crate::runbook::resolved::{Mutation, ObjectRef, Probe, ResolvedStep};
use crate::runbook::spec::{ObjectKind, PromotionSpec, StepKind};

pub(super) struct Promote;

impl StepKindDef for Promote {
    fn keyword(&self) -> &'static str {
        "promote"
    }

    fn mutates(&self) -> bool {
        true
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        keys(
            r,
            cur,
            &[
                "via",
                "target",
                "instance",
                "endpoint",
                "candidate",
                "max_lag",
                "verify_timeout",
            ],
        );
        let via_path = child(cur.path, "via");
        let via = match r.get(cur, "via") {
            Some(n) => r.scalar(n, &via_path, "cnpg or patroni")?,
            None => "cnpg",
        };
        let max_lag = match r.get(cur, "max_lag") {
            Some(n) => Some(r.duration(n, &child(cur.path, "max_lag"))?),
            None => None,
        };
        let verify_timeout = r.duration_or(cur, "verify_timeout", VERIFY_TIMEOUT);
        let misplaced = |r: &mut Reader<'_>, keys: &[&str], via: &str| {
            for key in keys {
                if r.get(cur, key).is_some() {
                    let message = format!("`{key}` does not apply to a promotion via {via}");
                    r.report_key(cur.node, key, &child(cur.path, key), message);
                }
            }
        };
        let promotion = match via {
            "cnpg" => {
                misplaced(r, &["endpoint", "candidate"], "cnpg");
                let target = target(r, cur, &[ObjectKind::CnpgCluster]);
                let path = child(cur.path, "instance");
                let instance = match r.get(cur, "instance") {
                    Some(n) => Some(r.field_string(
                        n,
                        &path,
                        Accepts::Name,
                        "an instance name",
                        dns_subdomain,
                    )?),
                    None => None,
                };
                PromotionSpec::Cnpg {
                    target: target?,
                    instance,
                    max_lag,
                }
            }
            "patroni" => {
                misplaced(r, &["target", "instance"], "patroni");
                let path = child(cur.path, "endpoint");
                let endpoint = r
                    .required(
                        cur,
                        "endpoint",
                        "the name of a Patroni endpoint in the config",
                    )
                    .and_then(|n| {
                        let text = r.scalar(n, &path, "an endpoint name")?;
                        match dns_label(text) {
                            Ok(()) => Some(text.to_string()),
                            Err(why) => {
                                r.report(
                                    n,
                                    &path,
                                    format!("{text:?} is not an endpoint name: {why}"),
                                );
                                None
                            }
                        }
                    });
                let path = child(cur.path, "candidate");
                let candidate = r
                    .required(cur, "candidate", "the member to promote")
                    .and_then(|n| {
                        r.field_string(n, &path, Accepts::Name, "a member name", dns_subdomain)
                    });
                PromotionSpec::Patroni {
                    endpoint: endpoint?,
                    candidate: candidate?,
                    max_lag,
                }
            }
            other => {
                let node = r.get(cur, "via")?;
                r.report(
                    node,
                    &via_path,
                    format!("expected cnpg or patroni, found {other:?}"),
                );
                return None;
            }
        };
        Some(StepKind::Promote {
            promotion,
            verify_timeout,
        })
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::Promote { promotion, .. } = kind else {
            return kind.keyword().to_owned();
        };
        match promotion {
            PromotionSpec::Cnpg {
                target,
                instance: Some(instance),
                ..
            } => format!("Promote instance {} of {}", field(instance), object(target)),
            PromotionSpec::Cnpg { target, .. } => {
                format!("Promote {} to primary", object(target))
            }
            PromotionSpec::Patroni {
                endpoint,
                candidate,
                ..
            } => format!("Promote {} through Patroni ({endpoint})", field(candidate)),
        }
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Promote {
            promotion,
            verify_timeout,
        } = kind
        else {
            return Err(not_mine(self, kind));
        };
        let mutation = match promotion {
            PromotionSpec::Cnpg {
                target,
                instance,
                max_lag,
            } => Mutation::PromoteCnpg {
                object: r.target(target)?,
                instance: match instance {
                    Some(f) => Some(r.string(f)?),
                    None => None,
                },
                max_lag: *max_lag,
            },
            PromotionSpec::Patroni {
                endpoint,
                candidate,
                max_lag,
            } => Mutation::PromotePatroni {
                endpoint: endpoint.clone(),
                candidate: r.string(candidate)?,
                max_lag: *max_lag,
            },
        };
        Ok(mutate(mutation, *verify_timeout))
    }

    /// A promoted CNPG cluster accepts writes; a Patroni failover answers for itself.
    fn verify(&self, mutation: &Mutation) -> Option<Probe> {
        let Mutation::PromoteCnpg { object, .. } = mutation else {
            return None;
        };
        Some(Probe::Writable {
            object: object.clone(),
        })
    }

    fn object<'m>(&self, mutation: &'m Mutation) -> Option<&'m ObjectRef> {
        match mutation {
            Mutation::PromoteCnpg { object, .. } => Some(object),
            _ => None,
        }
    }

    /// An instance becomes the target primary through the cluster's `status`.
    fn subresource(&self, mutation: &Mutation) -> Option<&'static str> {
        matches!(
            mutation,
            Mutation::PromoteCnpg {
                instance: Some(_),
                ..
            }
        )
        .then_some("status")
    }

    fn change(&self, mutation: &Mutation, _plan: Option<&PlanReport>) -> String {
        match mutation {
            Mutation::PromoteCnpg {
                object, instance, ..
            } => match instance {
                Some(i) => format!("promote instance {i} of {} to primary", place(object)),
                None => format!("promote {} out of replica mode", place(object)),
            },
            Mutation::PromotePatroni {
                endpoint,
                candidate,
                ..
            } => format!("fail Patroni cluster {endpoint} over to {candidate}"),
            other => other.verb().to_owned(),
        }
    }

    fn audit_object(&self, mutation: &Mutation) -> String {
        match mutation {
            Mutation::PromoteCnpg { object, .. } => {
                format!("{}/{}", object.kind.keyword(), object.name)
            }
            Mutation::PromotePatroni { endpoint, .. } => format!("patroni/{endpoint}"),
            other => other.verb().to_owned(),
        }
    }

    fn data_at_risk(&self, _mutation: &Mutation, plan: &PlanReport) -> Option<Duration> {
        plan.data_at_risk
    }

    fn max_data_at_risk(&self, mutation: &Mutation) -> Option<Duration> {
        match mutation {
            Mutation::PromoteCnpg { max_lag, .. } | Mutation::PromotePatroni { max_lag, .. } => {
                *max_lag
            }
            _ => None,
        }
    }

    /// A limit on the data at risk that could not be checked: the lag was not read.
    fn blocked(&self, mutation: &Mutation, plan: &PlanReport) -> Option<String> {
        let max = self.max_data_at_risk(mutation)?;
        plan.data_at_risk.is_none().then(|| {
            format!(
                "the data at risk could not be read and at most {} is allowed; check \
                 replication before promoting",
                human(max)
            )
        })
    }
}
