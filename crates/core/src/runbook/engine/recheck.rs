//! The re-check before an approved step executes: its plan made again (read and dry run)
//! compared with the approved one. Unchanged, it executes without a question; otherwise it
//! says what changed (replicas, resourceVersion, the change itself, a new page on its
//! cluster, more data at risk than accepted) and that step alone is asked again.

use super::approval::over_limit;
use super::gates::{adds_capacity, changed_lines};
use super::mutate::Mutating;
use super::run::{Run, human};
use crate::runbook::op::PlanReport;

impl Run {
    /// What changed since the plan was approved; `None` when the step has no approved plan
    /// (it was not planned up front, or it undoes a failed change).
    pub(super) fn changes_since_approval(
        &self,
        m: &Mutating,
        plan: &PlanReport,
    ) -> Option<Vec<String>> {
        if m.undo.is_some() {
            return None;
        }
        let step = self.current?;
        let approval = self.approval.as_ref()?;
        let approved = approval.plan_of(step)?;
        let mut changed = Vec::new();
        if approved.current_replicas != plan.current_replicas {
            let show = |r: Option<i32>| r.map_or_else(|| "unknown".to_owned(), |r| r.to_string());
            changed.push(format!(
                "replicas {} -> {}",
                show(approved.current_replicas),
                show(plan.current_replicas)
            ));
        }
        let ours = m
            .mutation
            .object()
            .is_some_and(|o| approval.touched.contains(&o.to_string()));
        if approved.before.resource_version != plan.before.resource_version && !ours {
            changed.push(format!(
                "resourceVersion {} -> {} (someone changed the target)",
                approved
                    .before
                    .resource_version
                    .as_deref()
                    .unwrap_or("none"),
                plan.before.resource_version.as_deref().unwrap_or("none")
            ));
        }
        if changed_lines(&approved.diff) != changed_lines(&plan.diff) {
            changed.push(format!(
                "the change is now: {}",
                changed_lines(&plan.diff).join(", ")
            ));
        }
        if let Some(cluster) = m.mutation.cluster()
            && let Some(pages) = self.new_pages(cluster)
            && !adds_capacity(&m.mutation, plan)
        {
            changed.push(format!("new page on {cluster}: {}", pages.join(", ")));
        }
        if let Some((amount, _)) = over_limit(&m.mutation, Some(plan)) {
            match approval.accepted_loss.get(&step) {
                Some(accepted) if amount <= *accepted => {}
                Some(accepted) => changed.push(format!(
                    "data at risk is now {} (accepted {})",
                    human(amount),
                    human(*accepted)
                )),
                None => changed.push(format!("data at risk is now {}", human(amount))),
            }
        }
        Some(changed)
    }
}
