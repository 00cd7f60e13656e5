//! The registry of step kinds: every `StepKind` variant has its module, once.

use std::collections::BTreeSet;
use std::time::Duration;

use super::{KINDS, file_keywords, of};
use crate::runbook::spec::{
    ConditionSpec, Field, ObjectKind, PromotionSpec, StepKind, TargetSpec, Template,
};

fn target() -> TargetSpec {
    TargetSpec {
        cluster: Field::Literal("prod".to_owned()),
        namespace: Field::Literal("shop".to_owned()),
        kind: ObjectKind::Deployment,
        name: Field::Literal("payment".to_owned()),
    }
}

fn text(t: &str) -> Template {
    Template { text: t.to_owned() }
}

/// One step of every kind.
fn one_of_each() -> Vec<StepKind> {
    let minute = Duration::from_secs(60);
    vec![
        StepKind::Check(ConditionSpec::RolloutComplete { target: target() }),
        StepKind::Scale {
            target: target(),
            replicas: Field::Literal(3),
            expect_replicas: None,
            target_utilisation: None,
            verify_timeout: minute,
        },
        StepKind::Rollback {
            target: target(),
            revision: None,
            verify_timeout: minute,
        },
        StepKind::Promote {
            promotion: PromotionSpec::Patroni {
                endpoint: "pg".to_owned(),
                candidate: Field::Literal("pg-1".to_owned()),
                max_lag: None,
            },
            verify_timeout: minute,
        },
        StepKind::Follow {
            target: target(),
            source: text("east"),
            verify_timeout: minute,
        },
        StepKind::Wait {
            until: ConditionSpec::Writable { target: target() },
            timeout: minute,
            every: minute,
        },
        StepKind::Confirm {
            question: text("Go?"),
        },
        StepKind::Silence {
            cluster: Field::Literal("prod".to_owned()),
            matchers: Vec::new(),
            duration: Field::Literal(minute),
            comment: text("why"),
        },
        StepKind::ExpireSilence {
            cluster: Field::Literal("prod".to_owned()),
            id: Field::Literal("abc".to_owned()),
        },
        StepKind::Note {
            text: text("fyi"),
            outcome: false,
        },
        StepKind::Command {
            name: "kubectl".to_owned(),
            args: Vec::new(),
            timeout: minute,
        },
    ]
}

#[test]
fn every_step_kind_is_registered_once() {
    let keywords: BTreeSet<&str> = KINDS.iter().map(|k| k.keyword()).collect();
    assert_eq!(keywords.len(), KINDS.len(), "a keyword registered twice");
    let steps = one_of_each();
    assert_eq!(steps.len(), KINDS.len());
    for step in &steps {
        let def = of(step);
        assert!(def.is_some(), "{} has no module in KINDS", step.keyword());
        assert_eq!(def.map(|d| d.keyword()), Some(step.keyword()));
    }
}

#[test]
fn the_kinds_that_mutate() {
    let mutating: Vec<&str> = one_of_each()
        .iter()
        .filter(|s| s.mutates())
        .map(StepKind::keyword)
        .collect();
    assert_eq!(
        mutating,
        [
            "scale",
            "rollback",
            "promote",
            "follow",
            "silence",
            "expire-silence",
            "command"
        ]
    );
}

#[test]
fn files_name_every_kind_but_expire_silence() {
    assert_eq!(
        file_keywords(),
        [
            "check", "scale", "rollback", "promote", "follow", "wait", "confirm", "silence",
            "note", "command"
        ]
    );
}
