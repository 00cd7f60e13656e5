//! `rollback`'s IO: plan a Deployment's return to an earlier revision's pod template, apply
//! it, read the Deployment back.

use futures::future::BoxFuture;

use super::{MutationKind, not_mine};
use crate::ops::client::Ops;
use crate::ops::kube::{self, describe};
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport};
use watchdeck_core::runbook::resolved::Mutation;

pub(super) struct Rollback;

impl MutationKind for Rollback {
    fn keyword(&self) -> &'static str {
        "rollback"
    }

    fn plan<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<PlanReport, OpError>> {
        Box::pin(async move {
            let Mutation::Rollback { object, revision } = mutation else {
                return Err(OpError::new(not_mine(self.keyword(), mutation)));
            };
            kube::rollback::plan(ops, object, *revision).await
        })
    }

    fn execute<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
        plan: &'a PlanReport,
    ) -> BoxFuture<'a, Result<Executed, ExecError>> {
        Box::pin(async move {
            let Mutation::Rollback { object, .. } = mutation else {
                return Err(ExecError::NotSent(not_mine(self.keyword(), mutation)));
            };
            let target = plan
                .notes
                .iter()
                .find(|n| n.ends_with("[target]"))
                .and_then(|n| n.split(':').next())
                .unwrap_or("the previous revision");
            let done = format!("rolled {} back to {target}", describe(object));
            kube::execute::apply(ops, mutation, plan, done).await
        })
    }
}
