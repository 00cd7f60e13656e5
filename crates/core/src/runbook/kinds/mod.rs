//! Runbook step kinds, one module each: everything core knows about a kind (how a
//! ```step block of it is read and checked, the title it gets, how its parameters are
//! substituted and validated, what verifies it, how its change is worded, audited and
//! undone, which guardrails it adds) lives in its module, behind `StepKindDef`, and the
//! kind is registered once in `KINDS`. The parser, the title writer, the resolver and the
//! engine dispatch on that list.
//!
//! The seam: a kind's *data* stays a variant of `spec::StepKind` (and, when it mutates, of
//! `resolved::Mutation`), because the engine, the screens, the story player and many tests
//! share those values as plain, comparable data. The variant is the vocabulary; the module is
//! the behaviour. `StepKind::keyword` and `Mutation::verb` name the kind a value belongs to,
//! which is how dispatch finds the module. The engine runs every kind through one of the
//! shapes of `resolved::ResolvedStep` (check, wait, mutate, confirm, note); only a kind that
//! needs a new shape changes the engine. The trait is internal to `runbook` because it
//! speaks the parser's `Reader` and the resolver's `Resolver`.
//!
//! The IO half of a mutating kind (plan, execute, read back against the cluster) cannot live
//! here (core has no tokio, kube or reqwest): it is one module per kind under
//! `watchdeck_io::ops::kinds`, registered in that module's `KINDS` by the same keyword.
//!
//! To add a step kind: copy `promote.rs` (a mutating kind) or `confirm.rs` (a plain one),
//! add its variant to `spec::StepKind` (and `resolved::Mutation`) with its keyword, and
//! list it in `KINDS`; a mutating kind also gets its `watchdeck_io::ops::kinds` module.

mod check;
mod command;
mod confirm;
mod expire_silence;
mod follow;
mod note;
mod promote;
mod rollback;
mod scale;
mod silence;
mod wait;

use std::time::Duration;

use super::op::PlanReport;
use super::parse::reader::{Cur, Reader};
use super::resolve::Resolver;
use super::resolved::{Mutation, ObjectRef, Probe, ResolvedStep};
use super::spec::StepKind;

/// Every step kind, in the order runbook files' errors list them.
pub(in crate::runbook) const KINDS: &[&dyn StepKindDef] = &[
    &check::Check,
    &scale::Scale,
    &rollback::Rollback,
    &promote::Promote,
    &follow::Follow,
    &wait::Wait,
    &confirm::Confirm,
    &silence::Silence,
    &note::Note,
    &command::Command,
    &expire_silence::ExpireSilence,
];

/// The keys every step takes, whatever its kind.
const COMMON: &[&str] = &["kind", "id", "title", "when"];

/// How long a mutation's verification may take unless the step says `verify_timeout`.
pub(in crate::runbook) const VERIFY_TIMEOUT: Duration = Duration::from_secs(300);

/// One step kind: what core does with a step of it, from the file to the engine.
pub(in crate::runbook) trait StepKindDef: Sync {
    /// The keyword in files (`kind: promote`), in the audit log and on the screens.
    fn keyword(&self) -> &'static str;

    /// False for kinds only built in code (the alerts view's expire-silence): runbook files
    /// cannot name them.
    fn in_files(&self) -> bool {
        true
    }

    /// Steps that change something outside watchdeck.
    fn mutates(&self) -> bool {
        false
    }

    /// A check or wait: its condition gives a verdict that a later step's `when` can name.
    fn gives_verdict(&self) -> bool {
        false
    }

    /// A step whose text, once it runs, is also the run's outcome (`note` with
    /// `outcome: true`).
    fn is_outcome(&self, _kind: &StepKind) -> bool {
        false
    }

    /// Reads and checks the kind's keys of one ```step block (the common ones, `kind`, `id`,
    /// `title` and `when`, are read by the parser): unknown keys, types, required fields,
    /// defaults. Reports through `r` and returns `None` when the block is wrong.
    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind>;

    /// The title of a step that gives none: a short sentence from its fields, parameters
    /// shown as `{{ name }}`.
    fn describe(&self, kind: &StepKind) -> String;

    /// Substitutes parameter values into the step and validates what they make (a replica
    /// count in range, an allowlisted command): the step as the engine runs it. Errors are
    /// worded for people.
    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String>;

    /// What must hold after this kind's mutation for it to count as done; `None` when the
    /// mutation verifies itself (a silence read back, a command's exit status).
    fn verify(&self, _mutation: &Mutation) -> Option<Probe> {
        None
    }

    /// The Kubernetes object this kind's mutation changes; `None` outside Kubernetes
    /// (Alertmanager, Patroni, commands).
    fn object<'m>(&self, _mutation: &'m Mutation) -> Option<&'m ObjectRef> {
        None
    }

    /// The cluster the mutation acts on: its object's, unless the kind says otherwise
    /// (a silence's Alertmanager); `None` for Patroni and commands.
    fn cluster<'m>(&self, mutation: &'m Mutation) -> Option<&'m str> {
        self.object(mutation).map(|o| o.cluster.as_str())
    }

    /// The subresource the change is sent to (`scale`, `status`), for the access review and
    /// the patch alike; `None` for the object itself.
    fn subresource(&self, _mutation: &Mutation) -> Option<&'static str> {
        None
    }

    /// The change in words, for questions, guardrails and the log:
    /// `scale deployment/payment in us-east-1/shop from 4 to 8 replicas`.
    fn change(&self, mutation: &Mutation, _plan: Option<&PlanReport>) -> String {
        mutation.verb().to_owned()
    }

    /// The object the audit log names: `deployment/payment`, `patroni/orders`, `silence`;
    /// by default the Kubernetes object's kind and name, else the verb.
    fn audit_object(&self, mutation: &Mutation) -> String {
        match self.object(mutation) {
            Some(o) => format!("{}/{}", o.kind.keyword(), o.name),
            None => mutation.verb().to_owned(),
        }
    }

    /// The mutation that undoes `mutation`, from what its plan read (the replicas or the
    /// revision before); `None` when the change has no inverse.
    fn undo(&self, _mutation: &Mutation, _plan: &PlanReport) -> Option<Mutation> {
        None
    }

    /// Takes what the plan computed into the mutation (a scale sized for the load: the count
    /// to show, gate and audit).
    fn take_plan(&self, _mutation: &mut Mutation, _plan: &PlanReport) {}

    /// Why the plan cannot be executed as it stands, besides the target's own refusal
    /// (replicas other than the step expects, a data at risk that could not be read).
    fn blocked(&self, _mutation: &Mutation, _plan: &PlanReport) -> Option<String> {
        None
    }

    /// The writes the change would lose, as its plan measured them (promotions).
    fn data_at_risk(&self, _mutation: &Mutation, _plan: &PlanReport) -> Option<Duration> {
        None
    }

    /// The most data at risk the step allows (a promotion's `max_lag`).
    fn max_data_at_risk(&self, _mutation: &Mutation) -> Option<Duration> {
        None
    }

    /// A change large enough to warn about (scaling to zero or more than doubling), worded.
    fn large_change(&self, _mutation: &Mutation, _plan: &PlanReport) -> Option<String> {
        None
    }

    /// More capacity for the same spec (a scale-up): a page that starts meanwhile makes it
    /// more urgent, not riskier.
    fn adds_capacity(&self, _mutation: &Mutation, _plan: &PlanReport) -> bool {
        false
    }

    /// A narrower verification when the plan shows the target was already partly failing
    /// (a scale-up waits for the added pods only), and why.
    fn verify_added(&self, _mutation: &Mutation, _plan: &PlanReport) -> Option<(Probe, String)> {
        None
    }
}

/// `deployment/payment in us-east-1/shop`, for `change`.
pub(in crate::runbook) fn place(o: &ObjectRef) -> String {
    format!(
        "{}/{} in {}/{}",
        o.kind.keyword(),
        o.name,
        o.cluster,
        o.namespace
    )
}

/// The kind with this keyword.
pub(in crate::runbook) fn find(keyword: &str) -> Option<&'static dyn StepKindDef> {
    KINDS.iter().copied().find(|k| k.keyword() == keyword)
}

/// The kind a step belongs to.
pub(in crate::runbook) fn of(kind: &StepKind) -> Option<&'static dyn StepKindDef> {
    find(kind.keyword())
}

/// The kind whose step makes this mutation.
pub(in crate::runbook) fn of_mutation(mutation: &Mutation) -> Option<&'static dyn StepKindDef> {
    find(mutation.verb())
}

/// The keywords runbook files may use, in `KINDS` order.
pub fn file_keywords() -> Vec<&'static str> {
    KINDS
        .iter()
        .filter(|k| k.in_files())
        .map(|k| k.keyword())
        .collect()
}

/// Checks the keys of a step of a kind that takes `own` besides the common ones.
pub(in crate::runbook) fn keys(r: &mut Reader<'_>, cur: Cur<'_>, own: &[&str]) {
    let known: Vec<&str> = COMMON.iter().chain(own).copied().collect();
    r.keys(cur, "a mapping of step fields", &known);
}

/// What a kind's `resolve` returns for a step that is not of its kind: unreachable through
/// `of`, reported instead of panicking.
pub(in crate::runbook) fn not_mine(def: &dyn StepKindDef, kind: &StepKind) -> String {
    format!(
        "a {} step was handed to the {} step kind",
        kind.keyword(),
        def.keyword()
    )
}

#[cfg(test)]
mod tests;
