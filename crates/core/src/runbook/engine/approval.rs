//! The plan's approval: the questions asked once the run's changes are planned (the whole
//! plan with the pages firing on the clusters it touches, each production cluster typed once, a typed
//! acknowledgement per promotion over its `max_lag`), the answers, and the plan as shown.

use std::collections::VecDeque;
use std::time::Duration;

use jiff::Timestamp;

use super::gates::{changed_lines, describe, large_change};
use super::mutate::blocked;
use super::plan::{Ask, Planned, Planning, Scope};
use super::run::{Phase, Run, human, yes_text};
use super::{Answer, Expect, Gate, Prompt, RunEffect, StepStatus};
use crate::runbook::kinds;
use crate::runbook::op::PlanReport;
use crate::runbook::resolved::Mutation;
use crate::text::sanitize;

impl Run {
    /// Every step planned: the approval's questions, or on without one when nothing changes.
    pub(super) fn planned_all(
        &mut self,
        mut p: Planning,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let changing: Vec<&Planned> = p
            .approval
            .planned
            .iter()
            .filter(|x| x.changes().is_some())
            .collect();
        let mut clusters: Vec<String> = Vec::new();
        for planned in &changing {
            if let Some(c) = planned.mutation.cluster()
                && !clusters.iter().any(|k| k == c)
            {
                clusters.push(c.to_owned());
            }
        }
        let mut asks = VecDeque::new();
        if !changing.is_empty() {
            asks.push_back(Ask {
                gate: Gate::Plan,
                message: self.plan_text(&p.approval.planned, &clusters),
                expect: Expect::YesNo,
                scope: Scope::Run,
                also: Vec::new(),
                amount: None,
            });
        }
        for cluster in &clusters {
            p.approval
                .paging
                .insert(cluster.clone(), self.pages_on(cluster));
            if !self.is_production(cluster) {
                continue;
            }
            let objects: Vec<String> = changing
                .iter()
                .filter_map(|x| x.mutation.object())
                .filter(|o| &o.cluster == cluster)
                .map(|o| o.to_string())
                .collect();
            let steps = changing
                .iter()
                .filter(|x| x.mutation.cluster() == Some(cluster.as_str()))
                .count();
            asks.push_back(Ask {
                gate: Gate::Production,
                message: format!(
                    "{cluster} is a production cluster and the plan changes it in {steps} \
                     step{}. Type {cluster} to approve them, or answer no.",
                    if steps == 1 { "" } else { "s" }
                ),
                expect: Expect::Typed(cluster.clone()),
                scope: Scope::Cluster(cluster.clone()),
                also: objects,
                amount: None,
            });
        }
        for planned in &changing {
            if let Some((amount, max)) = over_limit(&planned.mutation, planned.changes()) {
                asks.push_back(data_loss_ask(planned.step, &planned.mutation, amount, max));
            }
        }
        p.asks = asks;
        self.ask_approval(p, now, out);
    }

    fn ask_approval(&mut self, p: Planning, now: Timestamp, out: &mut Vec<RunEffect>) {
        match p.asks.front().cloned() {
            Some(ask) => {
                self.set_status(StepStatus::Asking);
                self.prompt = Some(Prompt {
                    gate: ask.gate,
                    message: ask.message,
                    expect: ask.expect,
                    data_at_risk: ask.amount.map(|(_, d)| d),
                });
                self.phase = Phase::Planning(Box::new(p));
            }
            None => {
                self.approval = Some(p.approval);
                self.check_access(p.first, now, out);
            }
        }
    }

    /// An answer to one of the approval's questions.
    pub(super) fn on_approval_answer(
        &mut self,
        mut p: Planning,
        prompt: Prompt,
        answer: Answer,
        now: Timestamp,
        out: &mut Vec<RunEffect>,
    ) {
        let Some(ask) = p.asks.front().cloned() else {
            return self.ask_approval(p, now, out);
        };
        if answer == Answer::No {
            let mut first = p.first;
            first.confirmations = p
                .approval
                .confirmations
                .into_iter()
                .map(|(_, text)| text)
                .collect();
            return self.declined(first, prompt.gate, now, out);
        }
        let text = match (&ask.expect, &answer) {
            (Expect::Typed(want), Answer::Typed(t))
                if t.trim() == want || ask.also.iter().any(|a| a == t.trim()) =>
            {
                Some(t.trim().to_owned())
            }
            (Expect::Typed(want), Answer::Typed(t)) => {
                let mut again = prompt;
                again.message = format!(
                    "{:?} does not match: type {want}. {}",
                    sanitize(t.trim()),
                    ask.message
                );
                self.prompt = Some(again);
                self.phase = Phase::Planning(Box::new(p));
                return;
            }
            (Expect::Typed(_), _) => None,
            _ => yes_text(&answer),
        };
        let Some(text) = text else {
            self.prompt = Some(prompt);
            self.phase = Phase::Planning(Box::new(p));
            return;
        };
        p.asks.pop_front();
        if let Some((step, amount)) = ask.amount {
            p.approval.accepted_loss.insert(step, amount);
        }
        p.approval.confirmations.push((ask.scope, text));
        self.ask_approval(p, now, out);
    }

    /// The whole plan, worded: every change in order with its diff and warnings.
    fn plan_text(&self, planned: &[Planned], clusters: &[String]) -> String {
        let changing = planned.iter().filter(|p| p.changes().is_some()).count();
        let mut lines = vec![format!(
            "{changing} change{} in order on {}. Approve once; a step is asked again only if \
             its target changes before it runs.",
            if changing == 1 { "" } else { "s" },
            clusters.join(", ")
        )];
        let mut n = 0;
        for p in planned {
            let title = self.step_title(p.step);
            match (&p.plan, p.changes()) {
                (_, Some(plan)) => {
                    n += 1;
                    lines.push(format!(
                        "{n}. {} (step {}: {title})",
                        describe(&p.mutation, Some(plan)),
                        p.step + 1
                    ));
                    lines.extend(
                        changed_lines(&plan.diff)
                            .into_iter()
                            .map(|l| format!("   {l}")),
                    );
                    if let Some(warning) = large_change(&p.mutation, plan) {
                        lines.push(format!("   ⚠ {warning}"));
                    }
                    if let Some((amount, max)) = over_limit(&p.mutation, Some(plan)) {
                        lines.push(format!(
                            "   ⚠ data at risk: {} of writes, over this step's {} limit",
                            human(amount),
                            human(max)
                        ));
                    } else if let Some(d) = plan.data_at_risk {
                        lines.push(format!("   data at risk: {} of writes", human(d)));
                    }
                }
                (Ok(plan), None) => {
                    let refused = blocked(&p.mutation, plan);
                    let why = plan
                        .already
                        .as_deref()
                        .map(sanitize)
                        .or(refused.clone())
                        .unwrap_or_else(|| "changes nothing".to_owned());
                    let kind = if plan.already.is_none() && refused.is_some() {
                        "refused"
                    } else {
                        "already in the wanted state"
                    };
                    lines.push(format!("-  step {} ({title}): {kind}: {why}", p.step + 1));
                }
                (Err(why), None) => lines.push(format!(
                    "-  step {} ({title}): not planned now, asked when reached: {why}",
                    p.step + 1
                )),
            }
        }
        let mut paging = false;
        for cluster in clusters {
            if let Some(pages) = self.paging_reason(cluster) {
                paging = true;
                lines.push(format!("⚠ {pages}"));
            }
            if let Some(low) = self.budget_reason(cluster) {
                lines.push(format!("⚠ {low}"));
            }
        }
        lines.push(if paging {
            "Approve the plan with these pages firing? A page that starts after the approval \
             is asked about before the next change."
                .to_owned()
        } else {
            "Approve the plan?".to_owned()
        });
        lines.join("\n")
    }

    fn step_title(&self, step: usize) -> String {
        self.runbook
            .steps
            .get(step)
            .map(|s| s.id.clone())
            .unwrap_or_default()
    }
}

/// The data at risk of a change and its limit (`StepKindDef::max_data_at_risk`: a
/// promotion's `max_lag`), when over the limit.
pub(super) fn over_limit(
    mutation: &Mutation,
    plan: Option<&PlanReport>,
) -> Option<(Duration, Duration)> {
    let max = kinds::of_mutation(mutation)?.max_data_at_risk(mutation)?;
    let amount = plan?.data_at_risk?;
    (amount > max).then_some((amount, max))
}

/// The text that accepts losing `amount` of writes.
pub(super) fn data_loss_text(amount: Duration) -> String {
    format!("accept {} of lost writes", human(amount))
}

fn data_loss_ask(step: usize, mutation: &Mutation, amount: Duration, max: Duration) -> Ask {
    let text = data_loss_text(amount);
    Ask {
        gate: Gate::DataLoss,
        message: format!(
            "Promoting now loses {} of writes (the primary's last commit minus the replica's \
             last replay), more than the {} this step allows: {}. The incident commander \
             decides: type {text} to go on, or answer no.",
            human(amount),
            human(max),
            describe(mutation, None)
        ),
        expect: Expect::Typed(text),
        scope: Scope::Step(step),
        also: Vec::new(),
        amount: Some((step, amount)),
    }
}
