//! `silence`'s IO: plan a silence (the alerts it would mute), create it on the cluster's
//! Alertmanager, read it back.

use futures::future::BoxFuture;

use super::{MutationKind, not_mine};
use crate::ops::client::Ops;
use crate::ops::silence;
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport, Snapshot};
use watchdeck_core::runbook::resolved::Mutation;

pub(super) struct Silence;

impl MutationKind for Silence {
    fn keyword(&self) -> &'static str {
        "silence"
    }

    fn plan<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<PlanReport, OpError>> {
        Box::pin(silence::plan(ops, mutation))
    }

    fn execute<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
        plan: &'a PlanReport,
    ) -> BoxFuture<'a, Result<Executed, ExecError>> {
        Box::pin(async move {
            let Mutation::Silence { cluster, .. } = mutation else {
                return Err(ExecError::NotSent(not_mine(self.keyword(), mutation)));
            };
            silence::execute(ops, cluster, plan).await
        })
    }

    fn read<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<Snapshot, OpError>> {
        Box::pin(silence::read(ops, mutation))
    }
}
