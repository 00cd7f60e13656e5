//! `silence`: an Alertmanager silence on a cluster's Alertmanager, for a duration, with a
//! comment; it verifies itself (the silence is read back).

use std::time::Duration;

use super::{StepKindDef, keys, not_mine};
use crate::matcher::{MatchOp, Matcher};
use crate::runbook::engine::human;
use crate::runbook::op::PlanReport;
use crate::runbook::parse::conditions::cluster_field;
use crate::runbook::parse::matchers;
use crate::runbook::parse::reader::{Cur, Reader, child};
use crate::runbook::parse::titles::{duration_field, field};
use crate::runbook::resolve::{Resolver, mutate};
use crate::runbook::resolved::{Mutation, ResolvedStep};
use crate::runbook::spec::{MatcherSpec, StepKind};

pub(super) struct Silence;

impl StepKindDef for Silence {
    fn keyword(&self) -> &'static str {
        "silence"
    }

    fn mutates(&self) -> bool {
        true
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        keys(r, cur, &["cluster", "matchers", "duration", "comment"]);
        let cluster = cluster_field(r, cur);
        let path = child(cur.path, "matchers");
        let matchers: Option<Vec<MatcherSpec>> = r
            .required(
                cur,
                "matchers",
                "a list of matchers or 'alertname=\"X\",service=\"y\"'",
            )
            .and_then(|n| matchers::read(r, n, &path));
        let path = child(cur.path, "duration");
        let duration = r
            .required(cur, "duration", "a duration such as 1h or \"{{ param }}\"")
            .and_then(|n| r.field_duration(n, &path));
        let path = child(cur.path, "comment");
        let comment = r
            .required(cur, "comment", "why the silence exists")
            .and_then(|n| r.template(n, &path, "a comment"));
        Some(StepKind::Silence {
            cluster: cluster?,
            matchers: matchers?,
            duration: duration?,
            comment: comment?,
        })
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::Silence {
            cluster,
            matchers: list,
            duration,
            ..
        } = kind
        else {
            return kind.keyword().to_owned();
        };
        format!(
            "Silence {} on {} for {}",
            crate::runbook::parse::titles::matchers(list),
            field(cluster),
            duration_field(duration)
        )
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Silence {
            cluster,
            matchers,
            duration,
            comment,
        } = kind
        else {
            return Err(not_mine(self, kind));
        };
        let matchers = matchers
            .iter()
            .map(|m| {
                Ok(Matcher::new(
                    &m.name,
                    MatchOp::from_flags(m.is_equal, m.is_regex),
                    &r.template(&m.value)?,
                ))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mutation = Mutation::Silence {
            cluster: r.string(cluster)?,
            matchers,
            duration: r.duration(duration)?,
            comment: r.template(comment)?,
        };
        Ok(mutate(mutation, Duration::ZERO))
    }

    fn cluster<'m>(&self, mutation: &'m Mutation) -> Option<&'m str> {
        match mutation {
            Mutation::Silence { cluster, .. } => Some(cluster),
            _ => None,
        }
    }

    fn change(&self, mutation: &Mutation, _plan: Option<&PlanReport>) -> String {
        let Mutation::Silence {
            cluster,
            matchers,
            duration,
            ..
        } = mutation
        else {
            return mutation.verb().to_owned();
        };
        let matchers = matchers
            .iter()
            .map(|m| format!("{}{}{:?}", m.name, m.op.as_str(), m.value))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "silence alerts matching {{{matchers}}} on {cluster} for {}",
            human(*duration)
        )
    }

    fn audit_object(&self, _mutation: &Mutation) -> String {
        "silence".to_owned()
    }
}
