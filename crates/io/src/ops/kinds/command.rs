//! `command`'s IO: plan an allowlisted program's run (its argv, checked against the
//! allowlist again), run it without a shell; its effect cannot be read back.

use futures::future::BoxFuture;

use super::{MutationKind, not_mine};
use crate::ops::client::Ops;
use crate::ops::command;
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport, Snapshot};
use watchdeck_core::runbook::resolved::Mutation;

pub(super) struct Command;

impl MutationKind for Command {
    fn keyword(&self) -> &'static str {
        "command"
    }

    fn plan<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<PlanReport, OpError>> {
        Box::pin(async move {
            let Mutation::Command { name, argv, .. } = mutation else {
                return Err(OpError::new(not_mine(self.keyword(), mutation)));
            };
            Ok(command::plan(ops, name, argv))
        })
    }

    fn execute<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
        _plan: &'a PlanReport,
    ) -> BoxFuture<'a, Result<Executed, ExecError>> {
        Box::pin(async move {
            let Mutation::Command {
                name,
                argv,
                timeout,
            } = mutation
            else {
                return Err(ExecError::NotSent(not_mine(self.keyword(), mutation)));
            };
            command::execute(ops, name, argv, *timeout).await
        })
    }

    fn read<'a>(
        &'a self,
        _ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<Snapshot, OpError>> {
        Box::pin(async move {
            let Mutation::Command { name, .. } = mutation else {
                return Err(OpError::new(not_mine(self.keyword(), mutation)));
            };
            Err(OpError::new(format!(
                "command {name}: a program's effect cannot be read back; check it by hand"
            )))
        })
    }
}
