//! `check`: a condition that must hold now; its value is shown, and a later step's `when`
//! can act on its verdict.

use super::{StepKindDef, keys, not_mine};
use crate::runbook::parse::conditions::{self, condition_keys, condition_name};
use crate::runbook::parse::reader::{Cur, Reader};
use crate::runbook::parse::titles::condition;
use crate::runbook::resolve::Resolver;
use crate::runbook::resolved::ResolvedStep;
use crate::runbook::spec::StepKind;

pub(super) struct Check;

impl StepKindDef for Check {
    fn keyword(&self) -> &'static str {
        "check"
    }

    fn gives_verdict(&self) -> bool {
        true
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        let name = condition_name(r, cur)?;
        let mut own = vec!["condition", "on_fail"];
        own.extend(condition_keys(name));
        keys(r, cur, &own);
        conditions::condition(r, cur, name).map(StepKind::Check)
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::Check(c) = kind else {
            return kind.keyword().to_owned();
        };
        format!("Check that {}", condition(c))
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Check(cond) = kind else {
            return Err(not_mine(self, kind));
        };
        Ok(ResolvedStep::Check(r.condition(cond)?))
    }
}
