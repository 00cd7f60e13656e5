//! `scale`'s IO: plan a replica count (sized for the load when asked) on a Deployment or
//! StatefulSet's scale subresource, apply it, read the workload back.

use futures::future::BoxFuture;

use super::{MutationKind, not_mine};
use crate::ops::client::Ops;
use crate::ops::kube::{self, describe};
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport};
use watchdeck_core::runbook::resolved::Mutation;

pub(super) struct Scale;

impl MutationKind for Scale {
    fn keyword(&self) -> &'static str {
        "scale"
    }

    fn plan<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<PlanReport, OpError>> {
        Box::pin(async move {
            let Mutation::Scale {
                object,
                replicas,
                expect_replicas,
                for_load,
            } = mutation
            else {
                return Err(OpError::new(not_mine(self.keyword(), mutation)));
            };
            kube::scale::plan(ops, object, *replicas, *expect_replicas, *for_load).await
        })
    }

    fn execute<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
        plan: &'a PlanReport,
    ) -> BoxFuture<'a, Result<Executed, ExecError>> {
        Box::pin(async move {
            let Mutation::Scale {
                object, replicas, ..
            } = mutation
            else {
                return Err(ExecError::NotSent(not_mine(self.keyword(), mutation)));
            };
            let done = match plan.current_replicas {
                Some(before) => format!(
                    "scaled {} from {before} to {replicas} replicas",
                    describe(object)
                ),
                None => format!("scaled {} to {replicas} replicas", describe(object)),
            };
            kube::execute::apply(ops, mutation, plan, done).await
        })
    }
}
