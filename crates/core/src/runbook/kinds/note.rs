//! `note`: guidance only; with `outcome: true` its text is also the run's outcome.

use super::{StepKindDef, keys, not_mine};
use crate::runbook::parse::matchers::flag;
use crate::runbook::parse::reader::{Cur, Reader, child};
use crate::runbook::parse::titles::short;
use crate::runbook::resolve::Resolver;
use crate::runbook::resolved::ResolvedStep;
use crate::runbook::spec::StepKind;

pub(super) struct Note;

impl StepKindDef for Note {
    fn keyword(&self) -> &'static str {
        "note"
    }

    fn is_outcome(&self, kind: &StepKind) -> bool {
        matches!(kind, StepKind::Note { outcome: true, .. })
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        keys(r, cur, &["text", "outcome"]);
        let path = child(cur.path, "text");
        let node = r.required(cur, "text", "the note's text")?;
        let text = r.template(node, &path, "the note's text")?;
        let outcome = flag(r, cur, "outcome", false)?;
        Some(StepKind::Note { text, outcome })
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::Note { text, .. } = kind else {
            return kind.keyword().to_owned();
        };
        short(&text.text)
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Note { text, .. } = kind else {
            return Err(not_mine(self, kind));
        };
        Ok(ResolvedStep::Note {
            text: r.template(text)?,
        })
    }
}
