//! `wait`: polls a condition every `every` until it holds, failing at the timeout.

use std::time::Duration;

use super::{StepKindDef, keys, not_mine};
use crate::runbook::parse::conditions::{self, condition_keys, condition_name};
use crate::runbook::parse::reader::{Cur, Reader, child, duration_text};
use crate::runbook::parse::titles::condition;
use crate::runbook::resolve::Resolver;
use crate::runbook::resolved::ResolvedStep;
use crate::runbook::spec::StepKind;
use crate::yaml::Value;

/// How often a wait step polls unless it says `every`.
const WAIT_EVERY: Duration = Duration::from_secs(10);

pub(super) struct Wait;

impl StepKindDef for Wait {
    fn keyword(&self) -> &'static str {
        "wait"
    }

    fn gives_verdict(&self) -> bool {
        true
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        keys(r, cur, &["until", "timeout", "every"]);
        let path = child(cur.path, "until");
        let until = r
            .required(cur, "until", "a condition mapping")
            .and_then(|node| {
                let until = Cur { node, path: &path };
                if !matches!(node.value, Value::Map(_)) {
                    r.keys(until, "a condition mapping", &[]);
                    return None;
                }
                let name = condition_name(r, until)?;
                let mut known = vec!["condition"];
                known.extend(condition_keys(name));
                r.keys(until, "a condition mapping", &known);
                conditions::condition(r, until, name)
            });
        let path = child(cur.path, "timeout");
        let timeout = r
            .required(cur, "timeout", "how long to wait, such as 10m")
            .and_then(|n| r.duration(n, &path));
        let every = r.duration_or(cur, "every", WAIT_EVERY);
        if let (Some(t), Some(node)) = (timeout, r.get(cur, "every"))
            && every > t
        {
            r.report(
                node,
                &child(cur.path, "every"),
                "polls less often than the timeout; make `every` shorter than `timeout`",
            );
            return None;
        }
        Some(StepKind::Wait {
            until: until?,
            timeout: timeout?,
            every,
        })
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::Wait { until, timeout, .. } = kind else {
            return kind.keyword().to_owned();
        };
        format!(
            "Wait until {} (up to {})",
            condition(until),
            duration_text(*timeout)
        )
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Wait {
            until,
            timeout,
            every,
        } = kind
        else {
            return Err(not_mine(self, kind));
        };
        Ok(ResolvedStep::Wait {
            until: r.condition(until)?,
            timeout: *timeout,
            every: *every,
        })
    }
}
