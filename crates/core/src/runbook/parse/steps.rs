//! One ```step block's `kind:` -> the step kind that reads the rest (`runbook::kinds`): the
//! kinds runbook files may name, and the error for one they cannot. Each kind's keys, types
//! and defaults are in its own module; the reference for authors is runbooks/README.md.

use crate::runbook::kinds::{self, StepKindDef};
use crate::suggest::closest;

use super::reader::{Cur, Reader, child};

/// The step kind named by `kind:`, reported when missing or unknown.
pub(super) fn kind_of(r: &mut Reader<'_>, cur: Cur<'_>) -> Option<&'static dyn StepKindDef> {
    let names = kinds::file_keywords();
    let expected = format!("a step kind: one of {}", names.join(", "));
    let node = r.required(cur, "kind", &expected)?;
    let path = child(cur.path, "kind");
    let kind = r.scalar(node, &path, &expected)?;
    if let Some(def) = kinds::find(kind).filter(|def| def.in_files()) {
        return Some(def);
    }
    let hint = match closest(kind, &names) {
        Some(near) => format!("did you mean `{near}`? "),
        None => String::new(),
    };
    let message = format!(
        "unknown step kind {kind:?}; {hint}expected one of {}",
        names.join(", ")
    );
    r.report(node, &path, message);
    None
}
