//! `confirm`: a human gate, a yes/no question the run waits on. The simplest step kind: copy
//! this module for a kind that does not reach a cluster.

use super::{StepKindDef, keys, not_mine};
use crate::runbook::parse::reader::{Cur, Reader, child};
use crate::runbook::parse::titles::short;
use crate::runbook::resolve::Resolver;
use crate::runbook::resolved::ResolvedStep;
use crate::runbook::spec::StepKind;

pub(super) struct Confirm;

impl StepKindDef for Confirm {
    fn keyword(&self) -> &'static str {
        "confirm"
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        keys(r, cur, &["question"]);
        let path = child(cur.path, "question");
        let node = r.required(cur, "question", "a yes/no question")?;
        let question = r.template(node, &path, "a yes/no question")?;
        Some(StepKind::Confirm { question })
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::Confirm { question } = kind else {
            return kind.keyword().to_owned();
        };
        short(&question.text)
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Confirm { question } = kind else {
            return Err(not_mine(self, kind));
        };
        Ok(ResolvedStep::Confirm {
            question: r.template(question)?,
        })
    }
}
