//! The one-step runbooks of the direct actions: what each carries and what each refuses.

use std::time::Duration;

use super::*;
use crate::matcher::MatchOp;

fn deployment(name: &str) -> ObjectRef {
    ObjectRef {
        cluster: "us-east-1".into(),
        namespace: "shop".into(),
        kind: ObjectKind::Deployment,
        name: name.into(),
    }
}

fn only_step(runbook: &Runbook) -> &Step {
    assert_eq!(runbook.steps.len(), 1, "a direct action is one step");
    assert!(
        runbook.params.is_empty(),
        "values are literals, no parameters"
    );
    &runbook.steps[0]
}

#[test]
fn scale_is_one_literal_scale_step_with_precondition_and_timeout() {
    let runbook = scale(deployment("payment"), 6, Some(3)).unwrap();
    assert_eq!(runbook.id, "action-scale");
    let step = only_step(&runbook);
    assert_eq!(
        step.kind,
        StepKind::Scale {
            target: TargetSpec {
                cluster: Field::Literal("us-east-1".into()),
                namespace: Field::Literal("shop".into()),
                kind: ObjectKind::Deployment,
                name: Field::Literal("payment".into()),
            },
            replicas: Field::Literal(6),
            expect_replicas: Some(Field::Literal(3)),
            target_utilisation: None,
            verify_timeout: Duration::from_secs(300),
        }
    );
    assert!(step.guidance.contains("us-east-1/shop/payment from 3 to 6"));
    assert!(step.kind.mutates());
}

#[test]
fn scale_refuses_out_of_range_counts_and_databases() {
    assert_eq!(
        scale(deployment("payment"), -1, None).unwrap_err(),
        DirectError::Replicas {
            value: -1,
            max: MAX_REPLICAS
        }
    );
    assert!(scale(deployment("payment"), MAX_REPLICAS + 1, None).is_err());
    assert!(
        scale(deployment("payment"), 0, Some(2)).is_ok(),
        "zero is allowed; the engine gates it"
    );
    let db = ObjectRef {
        kind: ObjectKind::CnpgCluster,
        ..deployment("orders-db")
    };
    let err = scale(db, 2, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "scale target must be a Deployment or StatefulSet, found cnpg-cluster"
    );
}

#[test]
fn rollback_to_a_revision_or_the_previous_one() {
    let to_three = rollback(deployment("payment"), Some(3)).unwrap();
    assert_eq!(to_three.id, "action-rollback");
    match &only_step(&to_three).kind {
        StepKind::Rollback {
            revision,
            verify_timeout,
            ..
        } => {
            assert_eq!(revision, &Some(Field::Literal(3)));
            assert_eq!(*verify_timeout, ROLLOUT_TIMEOUT);
        }
        other => panic!("not a rollback: {other:?}"),
    }
    let previous = rollback(deployment("payment"), None).unwrap();
    assert!(previous.title.contains("the previous revision"));
    assert_eq!(
        rollback(deployment("payment"), Some(0)).unwrap_err(),
        DirectError::Revision(0)
    );
    let sts = ObjectRef {
        kind: ObjectKind::StatefulSet,
        ..deployment("db")
    };
    assert!(
        rollback(sts, None).is_err(),
        "only Deployments have revisions to roll back to"
    );
}

#[test]
fn promote_a_replica_cluster_or_an_instance_with_ten_minutes_to_verify() {
    let db = ObjectRef {
        cluster: "eu-west-1".into(),
        namespace: "database".into(),
        kind: ObjectKind::CnpgCluster,
        name: "orders-db".into(),
    };
    let cluster = promote_cnpg(db.clone(), None).unwrap();
    assert_eq!(cluster.id, "action-promote");
    assert_eq!(
        cluster.objectives.rpo,
        Some(Duration::from_secs(300)),
        "the report gives the RPO verdict"
    );
    let step = only_step(&cluster);
    assert!(step.guidance.contains("replica mode is turned off"));
    match &step.kind {
        StepKind::Promote {
            promotion: PromotionSpec::Cnpg {
                instance, max_lag, ..
            },
            verify_timeout,
        } => {
            assert_eq!(instance, &None);
            assert_eq!(*verify_timeout, Duration::from_secs(600));
            assert_eq!(
                *max_lag,
                Some(Duration::from_secs(300)),
                "P asks the runbook's data-at-risk question"
            );
        }
        other => panic!("not a promotion: {other:?}"),
    }
    let instance = promote_cnpg(db.clone(), Some("orders-db-2".into())).unwrap();
    assert!(
        only_step(&instance)
            .guidance
            .contains("instance orders-db-2")
    );
    assert!(promote_cnpg(db, Some("orders db".into())).is_err());
}

#[test]
fn injection_attempts_in_names_are_refused() {
    for bad in [
        "web;id",
        "$(id)",
        "--all",
        "../x",
        "pay\u{200b}ment",
        "Payment",
        "pay ment",
        "a..b",
        "-web",
        "web-",
        "",
        "web\u{1b}[31m",
    ] {
        let err = scale(deployment(bad), 1, None).unwrap_err();
        assert!(
            matches!(err, DirectError::Name { what: "name", .. }),
            "{bad:?}: {err}"
        );
    }
    let long = "a".repeat(254);
    assert!(scale(deployment(&long), 1, None).is_err());
    let dotted_ns = ObjectRef {
        namespace: "shop.prod".into(),
        ..deployment("payment")
    };
    assert!(
        rollback(dotted_ns, None).is_err(),
        "a namespace has no dots"
    );
    let bad_cluster = ObjectRef {
        cluster: "us east".into(),
        ..deployment("payment")
    };
    assert!(scale(bad_cluster, 1, None).is_err());
}

fn matcher(name: &str, value: &str) -> Matcher {
    Matcher::new(name, MatchOp::Equal, value)
}

#[test]
fn silence_carries_matchers_duration_and_comment() {
    let runbook = silence(
        "us-east-1",
        vec![
            matcher("alertname", "HighErrorRate"),
            matcher("service", "payment"),
        ],
        Duration::from_secs(7200),
        "deploying the fix",
    )
    .unwrap();
    assert_eq!(runbook.id, "action-silence");
    let step = only_step(&runbook);
    assert!(step.guidance.contains("for 2h"), "{}", step.guidance);
    assert!(step.guidance.contains(r#"service="payment""#));
    match &step.kind {
        StepKind::Silence {
            cluster,
            matchers,
            duration,
            comment,
        } => {
            assert_eq!(cluster, &Field::Literal("us-east-1".into()));
            assert_eq!(matchers.len(), 2);
            assert_eq!(matchers[1].value.text, "payment");
            assert_eq!(duration, &Field::Literal(Duration::from_secs(7200)));
            assert_eq!(comment.text, "deploying the fix");
        }
        other => panic!("not a silence: {other:?}"),
    }
}

#[test]
fn silence_refuses_no_matchers_zero_duration_and_placeholders() {
    let one = || vec![matcher("service", "payment")];
    assert!(silence("us-east-1", Vec::new(), Duration::from_secs(60), "x").is_err());
    assert!(silence("us-east-1", one(), Duration::ZERO, "x").is_err());
    let err = silence("us-east-1", one(), Duration::from_secs(60), "{{ cluster }}").unwrap_err();
    assert!(err.to_string().contains("reserve"), "{err}");
    assert!(
        silence(
            "us-east-1",
            vec![matcher("service", "{{x}}")],
            Duration::from_secs(60),
            "x"
        )
        .is_err()
    );
}

#[test]
fn expire_silence_names_the_silence_and_refuses_ids_that_are_not_uuids() {
    let id = "8c1d7f0e-3b2a-4d5e-9f60-112233445566";
    let runbook = expire_silence("us-east-1", id).unwrap();
    assert_eq!(runbook.id, "action-expire-silence");
    let step = only_step(&runbook);
    assert_eq!(step.title, format!("Expire silence {id} on us-east-1"));
    assert!(step.guidance.contains("notify again"), "{}", step.guidance);
    assert_eq!(
        step.kind,
        StepKind::ExpireSilence {
            cluster: Field::Literal("us-east-1".into()),
            id: Field::Literal(id.into()),
        }
    );
    for bad in ["", "../status", "a b", "id?x=1", "a\u{200b}b"] {
        let err = expire_silence("us-east-1", bad).unwrap_err();
        assert!(
            err.to_string().contains("not a silence id"),
            "{bad:?}: {err}"
        );
    }
    assert!(matches!(
        expire_silence("us east", id),
        Err(DirectError::Name { .. })
    ));
}
