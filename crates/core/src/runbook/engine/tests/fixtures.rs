//! Runbooks, contexts and operation outcomes built in code for the scenario tests.

use std::path::PathBuf;
use std::time::Duration;

use crate::runbook::engine::{ClusterPolicy, ClusterRisk, RunContext};
use crate::runbook::op::{DiffLine, Observation, OpOutcome, PlanReport, Snapshot};
use crate::runbook::spec::{
    Comparison, ConditionSpec, Field, ObjectKind, Objectives, Runbook, Step, StepKind, TargetSpec,
    Template,
};

/// Clusters: `staging` (plain), `prod` (production), `frozen` (read-only).
pub(crate) fn context() -> RunContext {
    let mut ctx = RunContext {
        os_user: "ops".to_owned(),
        run_id: "run7".to_owned(),
        alert: Some("HighErrorRate{service=\"payment\"}".to_owned()),
        ..RunContext::default()
    };
    for (name, production, read_only) in [
        ("staging", false, false),
        ("prod", true, false),
        ("frozen", false, true),
    ] {
        ctx.clusters.insert(
            name.to_owned(),
            ClusterPolicy {
                context: format!("{name}-admin"),
                read_only,
                production,
            },
        );
    }
    ctx
}

pub(crate) fn risky(budget: Option<f64>, paging: &[&str]) -> ClusterRisk {
    ClusterRisk {
        lowest_budget: budget.map(|b| ("payment-availability".to_owned(), b)),
        paging: paging.iter().map(|p| (*p).to_owned()).collect(),
    }
}

pub(crate) fn param<T>(name: &str) -> Field<T> {
    Field::Param(name.to_owned())
}

/// `deployment payment` in namespace `shop` of the cluster parameter `cluster`.
pub(crate) fn payment() -> TargetSpec {
    TargetSpec {
        cluster: param("cluster"),
        namespace: Field::Literal("shop".to_owned()),
        kind: ObjectKind::Deployment,
        name: param("deployment"),
    }
}

pub(crate) fn step(id: &str, kind: StepKind) -> Step {
    Step {
        id: id.to_owned(),
        title: id.to_owned(),
        guidance: String::new(),
        kind,
        line: 10,
        when: None,
        on_fail: crate::runbook::spec::OnFail::Ask,
    }
}

pub(crate) fn runbook(id: &str, steps: Vec<Step>) -> Runbook {
    Runbook {
        id: id.to_owned(),
        source: PathBuf::new(),
        title: id.to_owned(),
        description: String::new(),
        params: Vec::new(),
        triggers: Vec::new(),
        objectives: Objectives::default(),
        steps,
    }
}

/// Scales payment to the `replicas` parameter, expecting `expect` before, verified within
/// 5 minutes.
pub(crate) fn scale(expect: Option<i64>) -> Step {
    step(
        "scale-up",
        StepKind::Scale {
            target: payment(),
            replicas: param("replicas"),
            expect_replicas: expect.map(Field::Literal),
            target_utilisation: None,
            verify_timeout: Duration::from_secs(300),
        },
    )
}

pub(crate) fn note(text: &str) -> Step {
    step(
        "note",
        StepKind::Note {
            text: Template {
                text: text.to_owned(),
            },
            outcome: false,
        },
    )
}

pub(crate) fn query(text: &str) -> ConditionSpec {
    ConditionSpec::Query {
        cluster: param("cluster"),
        query: Template {
            text: text.to_owned(),
        },
        op: Comparison::Lt,
        threshold: Field::Literal(0.01),
    }
}

/// A one-step scale runbook on `cluster`, from 4 to `to` replicas.
pub(crate) fn scale_values(
    cluster: &'static str,
    to: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("cluster", cluster),
        ("deployment", "payment"),
        ("replicas", to),
    ]
}

/// The plan of scaling payment from `from` to `to` replicas.
pub(crate) fn scale_plan(from: i32, to: i32) -> PlanReport {
    let before = Snapshot {
        resource_version: Some("41".to_owned()),
        lines: vec![
            "image: payment:1.4.2".to_owned(),
            format!("replicas: {from}"),
        ],
    };
    let after = Snapshot {
        resource_version: Some("41".to_owned()),
        lines: vec!["image: payment:1.4.2".to_owned(), format!("replicas: {to}")],
    };
    let mut diff = vec![DiffLine::Context("image: payment:1.4.2".to_owned())];
    if from != to {
        diff.push(DiffLine::Removed(format!("replicas: {from}")));
        diff.push(DiffLine::Added(format!("replicas: {to}")));
    } else {
        diff.push(DiffLine::Context(format!("replicas: {from}")));
    }
    PlanReport {
        before,
        after,
        diff,
        patch: serde_json::json!({"spec": {"replicas": to}}),
        refusal: None,
        current_replicas: Some(from),
        data_at_risk: None,
        target_replicas: None,
        ready_before: None,
        already: None,
        notes: Vec::new(),
    }
}

pub(crate) fn planned(plan: PlanReport) -> OpOutcome {
    OpOutcome::Plan(Ok(Box::new(plan)))
}

pub(crate) fn observed(holds: bool, value: &str) -> OpOutcome {
    OpOutcome::Probed(Ok(Observation {
        holds,
        value: value.to_owned(),
        lag: None,
    }))
}
