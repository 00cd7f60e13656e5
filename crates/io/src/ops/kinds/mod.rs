//! The IO half of each mutating runbook step kind, one module each behind `MutationKind`
//! (plan, execute, read back against the cluster), registered once in `KINDS` by the same
//! keyword as its core half (`watchdeck_core::runbook::kinds`, found there through
//! `Mutation::verb`). `Ops::perform` dispatches `Plan`, `Execute` and `Read` requests on this
//! list; after an execution the engine verifies with the probe the core half chose, which
//! `kube::probe` evaluates for every kind alike.
//!
//! The modules are thin: the clients and shared mechanics stay where they are (`kube` for
//! the Kubernetes objects, `silence`, `unsilence`, `patroni`, `command`), and a kind's module
//! says which of them its mutation uses and how its result is worded. To add a mutating
//! kind, copy `promote.rs` and list it in `KINDS`.

mod command;
mod expire_silence;
mod follow;
mod promote;
mod rollback;
mod scale;
mod silence;

use futures::future::BoxFuture;

use super::client::Ops;
use watchdeck_core::runbook::op::{ExecError, Executed, OpError, PlanReport, Snapshot};
use watchdeck_core::runbook::resolved::Mutation;

/// Every mutating step kind's IO.
pub const KINDS: &[&dyn MutationKind] = &[
    &scale::Scale,
    &rollback::Rollback,
    &promote::Promote,
    &follow::Follow,
    &silence::Silence,
    &expire_silence::ExpireSilence,
    &command::Command,
];

/// What `Ops` does for one mutating step kind. Each call is bounded by `Ops`' timeouts and
/// never panics; a mutation of another kind is answered with an error, never acted on.
pub trait MutationKind: Sync {
    /// The step kind's keyword: `Mutation::verb` of the mutations it performs.
    fn keyword(&self) -> &'static str;

    /// Reads the target, builds the change and dry-runs it: what the change would do.
    fn plan<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<PlanReport, OpError>>;

    /// Sends exactly the planned change (the plan is not refused: `Ops` checked).
    fn execute<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
        plan: &'a PlanReport,
    ) -> BoxFuture<'a, Result<Executed, ExecError>>;

    /// Re-reads the target after an execution whose outcome is unknown: what is there now.
    /// By default the mutation's Kubernetes object (`Mutation::object`); kinds whose target
    /// is something else (a silence, a command, Patroni) say how.
    fn read<'a>(
        &'a self,
        ops: &'a Ops,
        mutation: &'a Mutation,
    ) -> BoxFuture<'a, Result<Snapshot, OpError>> {
        Box::pin(async move {
            let object = mutation
                .object()
                .ok_or_else(|| OpError::new(not_mine(self.keyword(), mutation)))?;
            crate::ops::kube::read::read(ops, object).await
        })
    }
}

/// The IO of the kind that makes `mutation`.
pub fn of(mutation: &Mutation) -> Option<&'static dyn MutationKind> {
    KINDS
        .iter()
        .copied()
        .find(|k| k.keyword() == mutation.verb())
}

/// The answer to a mutation handed to another kind's module (unreachable through `of`).
fn not_mine(keyword: &str, mutation: &Mutation) -> String {
    format!(
        "a {} change was handed to the {keyword} operations; nothing done",
        mutation.verb()
    )
}

#[cfg(test)]
mod tests {
    use super::KINDS;

    #[test]
    fn every_mutating_kind_has_its_io_once() {
        let keywords: Vec<&str> = KINDS.iter().map(|k| k.keyword()).collect();
        assert_eq!(
            keywords,
            [
                "scale",
                "rollback",
                "promote",
                "follow",
                "silence",
                "expire-silence",
                "command"
            ]
        );
    }
}
