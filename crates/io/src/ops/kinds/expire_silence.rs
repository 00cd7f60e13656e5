//! `expire-silence`'s IO: plan the expiry of a silence (the alerts that notify again), expire
//! it on the cluster's Alertmanager, read it back.

use futures::future::BoxFuture;

use super::{MutationKind, not_mine};
use crate::ops::client::Ops;
use crate::ops::unsilence;
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport, Snapshot};
use watchdeck_core::runbook::resolved::Mutation;

pub(super) struct ExpireSilence;

impl MutationKind for ExpireSilence {
    fn keyword(&self) -> &'static str {
        "expire-silence"
    }

    fn plan<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<PlanReport, OpError>> {
        Box::pin(async move {
            let Mutation::ExpireSilence { cluster, id } = mutation else {
                return Err(OpError::new(not_mine(self.keyword(), mutation)));
            };
            unsilence::plan(ops, cluster, id).await
        })
    }

    fn execute<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
        plan: &'a PlanReport,
    ) -> BoxFuture<'a, Result<Executed, ExecError>> {
        Box::pin(async move {
            let Mutation::ExpireSilence { cluster, id } = mutation else {
                return Err(ExecError::NotSent(not_mine(self.keyword(), mutation)));
            };
            unsilence::execute(ops, cluster, id, plan).await
        })
    }

    fn read<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<Snapshot, OpError>> {
        Box::pin(async move {
            let Mutation::ExpireSilence { cluster, id } = mutation else {
                return Err(OpError::new(not_mine(self.keyword(), mutation)));
            };
            unsilence::read(ops, cluster, id).await
        })
    }
}
