//! Substitution into typed fields: templates, numbers, durations, verification probes and
//! the command allowlist.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::runbook::spec::{MatcherSpec, ObjectKind, PromotionSpec, Template};

fn values(pairs: &[(&str, &str)]) -> Values {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn step(kind: StepKind) -> Step {
    Step {
        id: "s".into(),
        title: "s".into(),
        guidance: String::new(),
        kind,
        line: 7,
        when: None,
        on_fail: crate::runbook::spec::OnFail::Ask,
    }
}

fn target(kind: ObjectKind) -> TargetSpec {
    TargetSpec {
        cluster: Field::Param("cluster".into()),
        namespace: Field::Literal("shop".into()),
        kind,
        name: Field::Param("name".into()),
    }
}

fn scale(kind: ObjectKind, replicas: Field<i64>) -> Step {
    step(StepKind::Scale {
        target: target(kind),
        replicas,
        expect_replicas: Some(Field::Literal(4)),
        target_utilisation: None,
        verify_timeout: Duration::from_secs(300),
    })
}

fn template(text: &str) -> Template {
    Template { text: text.into() }
}

fn no_commands() -> CommandPolicy {
    CommandPolicy::default()
}

#[test]
fn templates_take_placeholders_with_or_without_spaces() {
    let note = step(StepKind::Note {
        text: template("Scale {{ name }} to {{replicas}} in {{  cluster }}."),
        outcome: false,
    });
    let v = values(&[("name", "payment"), ("replicas", "16"), ("cluster", "eu")]);
    assert_eq!(
        resolve(&note, &v, &no_commands()),
        Ok(ResolvedStep::Note {
            text: "Scale payment to 16 in eu.".into()
        })
    );
}

#[test]
fn a_placeholder_without_a_value_or_unclosed_is_an_error_naming_the_step() {
    let note = step(StepKind::Note {
        text: template("{{ missing }}"),
        outcome: false,
    });
    let err = resolve(&note, &values(&[]), &no_commands()).unwrap_err();
    assert_eq!(
        err,
        "step s (line 7): parameter missing has no value; give it with --param missing=..."
    );
    let open = step(StepKind::Note {
        text: template("a {{ name"),
        outcome: false,
    });
    let err = resolve(&open, &values(&[("name", "x")]), &no_commands()).unwrap_err();
    assert!(err.contains("unclosed"), "{err}");
}

#[test]
fn a_scale_step_resolves_the_object_replicas_and_verification() {
    let v = values(&[("cluster", "eu"), ("name", "payment"), ("replicas", "16")]);
    let Ok(ResolvedStep::Mutate {
        mutation,
        verify,
        verify_timeout,
    }) = resolve(
        &scale(ObjectKind::Deployment, Field::Param("replicas".into())),
        &v,
        &no_commands(),
    )
    else {
        panic!("not a mutation");
    };
    let object = ObjectRef {
        cluster: "eu".into(),
        namespace: "shop".into(),
        kind: ObjectKind::Deployment,
        name: "payment".into(),
    };
    assert_eq!(
        mutation,
        Mutation::Scale {
            object: object.clone(),
            replicas: 16,
            expect_replicas: Some(4),
            for_load: None,
        }
    );
    assert_eq!(verify, Some(Probe::RolloutComplete { object }));
    assert_eq!(verify_timeout, Duration::from_secs(300));

    let Ok(ResolvedStep::Mutate { verify, .. }) = resolve(
        &scale(ObjectKind::StatefulSet, Field::Literal(3)),
        &v,
        &no_commands(),
    ) else {
        panic!("not a mutation");
    };
    assert!(matches!(
        verify,
        Some(Probe::PodsReady { min_ready: 3, .. })
    ));
}

#[test]
fn replicas_that_are_not_a_count_are_refused() {
    let v = values(&[("cluster", "eu"), ("name", "payment"), ("replicas", "many")]);
    let err = resolve(
        &scale(ObjectKind::Deployment, Field::Param("replicas".into())),
        &v,
        &no_commands(),
    )
    .unwrap_err();
    assert!(err.contains("\"many\" is not a whole number"), "{err}");
    let err = resolve(
        &scale(ObjectKind::Deployment, Field::Literal(-1)),
        &v,
        &no_commands(),
    )
    .unwrap_err();
    assert!(err.contains("replicas must be between 0 and"), "{err}");
}

#[test]
fn rollback_and_promote_verify_what_they_change() {
    let v = values(&[("cluster", "eu"), ("name", "payment")]);
    let rollback = step(StepKind::Rollback {
        target: target(ObjectKind::Deployment),
        revision: None,
        verify_timeout: Duration::from_secs(60),
    });
    let Ok(ResolvedStep::Mutate { verify, .. }) = resolve(&rollback, &v, &no_commands()) else {
        panic!("not a mutation");
    };
    assert!(matches!(verify, Some(Probe::RolloutComplete { .. })));

    let promote = step(StepKind::Promote {
        promotion: PromotionSpec::Cnpg {
            target: target(ObjectKind::CnpgCluster),
            instance: None,
            max_lag: None,
        },
        verify_timeout: Duration::from_secs(60),
    });
    let Ok(ResolvedStep::Mutate { verify, .. }) = resolve(&promote, &v, &no_commands()) else {
        panic!("not a mutation");
    };
    assert!(matches!(verify, Some(Probe::Writable { .. })));
}

#[test]
fn a_silence_takes_its_duration_and_matcher_values_from_parameters() {
    let silence = step(StepKind::Silence {
        cluster: Field::Param("cluster".into()),
        matchers: vec![MatcherSpec {
            name: "service".into(),
            value: template("{{ name }}"),
            is_regex: false,
            is_equal: true,
        }],
        duration: Field::Param("for".into()),
        comment: template("rollout of {{ name }}"),
    });
    let v = values(&[("cluster", "eu"), ("name", "payment"), ("for", "1h30m")]);
    let Ok(ResolvedStep::Mutate {
        mutation:
            Mutation::Silence {
                cluster,
                matchers,
                duration,
                comment,
            },
        verify: None,
        ..
    }) = resolve(&silence, &v, &no_commands())
    else {
        panic!("not a silence");
    };
    assert_eq!(cluster, "eu");
    assert_eq!(matchers[0].value, "payment");
    assert_eq!(duration, Duration::from_secs(5400));
    assert_eq!(comment, "rollout of payment");

    let bad = values(&[("cluster", "eu"), ("name", "payment"), ("for", "soon")]);
    assert!(resolve(&silence, &bad, &no_commands()).is_err());
}

fn command() -> Step {
    step(StepKind::Command {
        name: "rds-promote".into(),
        args: vec![
            Field::Literal("--db-instance-identifier".into()),
            Field::Param("name".into()),
        ],
        timeout: Duration::from_secs(120),
    })
}

#[test]
fn a_command_runs_only_when_enabled_and_allowlisted() {
    let v = values(&[("name", "orders-replica; id")]);
    let err = resolve(&command(), &v, &no_commands()).unwrap_err();
    assert!(
        err.contains("allow_commands") && err.contains("[runbooks]"),
        "{err}"
    );

    let enabled_elsewhere = CommandPolicy {
        enabled: true,
        programs: BTreeMap::from([("other".to_owned(), vec!["true".to_owned()])]),
    };
    let err = resolve(&command(), &v, &enabled_elsewhere).unwrap_err();
    assert!(err.contains("[runbooks.commands]"), "{err}");

    let allowed = CommandPolicy {
        enabled: true,
        programs: BTreeMap::from([(
            "rds-promote".to_owned(),
            vec!["aws".into(), "rds".into(), "promote-read-replica".into()],
        )]),
    };
    let Ok(ResolvedStep::Mutate {
        mutation: Mutation::Command { argv, .. },
        verify: None,
        ..
    }) = resolve(&command(), &v, &allowed)
    else {
        panic!("not a command");
    };
    assert_eq!(
        argv,
        [
            "aws",
            "rds",
            "promote-read-replica",
            "--db-instance-identifier",
            "orders-replica; id"
        ],
        "a value stays one argument, never split or interpreted"
    );
}

#[test]
fn display_text_fills_known_placeholders_and_keeps_the_rest() {
    let values: Values = [("deployment".to_owned(), "payment".to_owned())].into();
    assert_eq!(
        super::display_text(
            "Roll back {{ deployment }} ({{deployment}}) in {{ cluster }} {{ x",
            &values
        ),
        "Roll back payment (payment) in {{ cluster }} {{ x"
    );
}
