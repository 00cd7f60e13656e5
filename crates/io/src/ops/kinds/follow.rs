//! `follow`'s IO: plan a CNPG replica cluster's new `spec.replica.source`, apply it, read
//! the cluster back.

use futures::future::BoxFuture;

use super::{MutationKind, not_mine};
use crate::ops::client::Ops;
use crate::ops::kube::{self, describe};
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport};
use watchdeck_core::runbook::resolved::Mutation;

pub(super) struct Follow;

impl MutationKind for Follow {
    fn keyword(&self) -> &'static str {
        "follow"
    }

    fn plan<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<PlanReport, OpError>> {
        Box::pin(async move {
            let Mutation::FollowCnpg { object, source } = mutation else {
                return Err(OpError::new(not_mine(self.keyword(), mutation)));
            };
            kube::follow::plan(ops, object, source).await
        })
    }

    fn execute<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
        plan: &'a PlanReport,
    ) -> BoxFuture<'a, Result<Executed, ExecError>> {
        Box::pin(async move {
            let Mutation::FollowCnpg { object, source } = mutation else {
                return Err(ExecError::NotSent(not_mine(self.keyword(), mutation)));
            };
            let done = format!("{} now streams from {source}", describe(object));
            kube::execute::apply(ops, mutation, plan, done).await
        })
    }
}
