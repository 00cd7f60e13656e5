//! `promote`'s IO: a CNPG promotion is planned, applied (to the `status` subresource when an
//! instance becomes the target primary) and read back through Kubernetes; a Patroni one
//! through the configured endpoint's REST API. The example to copy for a new mutating kind.

use futures::future::BoxFuture;

use super::{MutationKind, not_mine};
use crate::ops::client::Ops;
use crate::ops::kube::{self, describe};
use crate::ops::patroni;
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport, Snapshot};
use watchdeck_core::runbook::resolved::Mutation;

pub(super) struct Promote;

impl MutationKind for Promote {
    fn keyword(&self) -> &'static str {
        "promote"
    }

    fn plan<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<PlanReport, OpError>> {
        Box::pin(async move {
            match mutation {
                Mutation::PromoteCnpg {
                    object,
                    instance,
                    max_lag,
                } => kube::promote::plan(ops, object, instance.as_deref(), *max_lag).await,
                Mutation::PromotePatroni {
                    endpoint,
                    candidate,
                    max_lag,
                } => patroni::plan(ops, endpoint, candidate, *max_lag).await,
                other => Err(OpError::new(not_mine(self.keyword(), other))),
            }
        })
    }

    fn execute<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
        plan: &'a PlanReport,
    ) -> BoxFuture<'a, Result<Executed, ExecError>> {
        Box::pin(async move {
            match mutation {
                Mutation::PromoteCnpg {
                    object,
                    instance: Some(instance),
                    ..
                } => {
                    let done = format!("asked {} to make {instance} its primary", describe(object));
                    kube::execute::apply(ops, mutation, plan, done).await
                }
                Mutation::PromoteCnpg { object, .. } => {
                    let done = format!("promoted {}: replica mode off", describe(object));
                    kube::execute::apply(ops, mutation, plan, done).await
                }
                Mutation::PromotePatroni { endpoint, .. } => {
                    patroni::execute(ops, endpoint, plan).await
                }
                other => Err(ExecError::NotSent(not_mine(self.keyword(), other))),
            }
        })
    }

    fn read<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<Snapshot, OpError>> {
        Box::pin(async move {
            match mutation {
                Mutation::PromoteCnpg { object, .. } => kube::read::read(ops, object).await,
                Mutation::PromotePatroni { endpoint, .. } => patroni::read(ops, endpoint).await,
                other => Err(OpError::new(not_mine(self.keyword(), other))),
            }
        })
    }
}
