//! Step blocks: each kind's fields, typed fields and parameter references, conditions,
//! and the keys a kind refuses.

use super::*;

#[test]
fn unknown_step_kind_names_file_line_and_the_kinds() {
    let e = one_error(&with_steps("Prose.\n\n```step\nkind: reboot\n```\n"));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:7: steps[1].kind: unknown step kind \"reboot\"; expected one of check, scale, rollback, promote, follow, wait, confirm, silence, note, command",
            FRONT_LINES + 4
        )
    );
    let e = one_error(&with_steps("```step\nkind: scael\n```\n"));
    assert!(e.contains("did you mean `scale`?"), "{e}");
}

#[test]
fn typed_fields_say_what_they_expected() {
    let e = one_error(&with_steps(&format!(
        "{SCALE}\n{}",
        SCALE.replace("\"{{ replicas }}\"", "many")
    )));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:11: steps[2] (scale).replicas: expected an integer or \"{{{{ param }}}}\", found \"many\"",
            FRONT_LINES + 10
        )
    );
}

#[test]
fn a_reference_to_an_undeclared_parameter_fails_where_it_is_written() {
    let text = with_steps("```step\nkind: confirm\nquestion: Roll back {{ deploymnet }}?\n```\n");
    let e = one_error(&text);
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:11: steps[1] (confirm).question: `{{{{ deploymnet }}}}` refers to an undeclared parameter `deploymnet`; did you mean `deployment`?",
            FRONT_LINES + 3
        )
    );
    let e = one_error(&with_steps(&SCALE.replace("{{ replicas }}", "{{ count }}")));
    assert!(
        e.starts_with(&format!("runbooks/t.md:{}:11: steps[1] (scale).replicas: `{{{{ count }}}}` refers to an undeclared parameter `count`; declared: cluster, namespace, deployment, replicas, ratio, window", FRONT_LINES + 4)),
        "{e}"
    );
}

#[test]
fn typed_fields_take_a_whole_parameter_of_a_fitting_kind() {
    let e = one_error(&with_steps(
        &SCALE.replace("\"{{ replicas }}\"", "\"{{ window }}\""),
    ));
    assert!(
        e.ends_with("steps[1] (scale).replicas: parameter `window` is a duration; this field takes an integer parameter"),
        "{e}"
    );
    let e = one_error(&with_steps(&SCALE.replace(
        "name: \"{{ deployment }}\"",
        "name: \"web-{{ deployment }}\"",
    )));
    assert!(
        e.contains("steps[1] (scale).target.name: expected a literal or exactly \"{{ param }}\", found \"web-{{ deployment }}\""),
        "{e}"
    );
    let e = one_error(&with_steps(
        &SCALE.replace("name: \"{{ deployment }}\"", "name: Payment"),
    ));
    assert!(
        e.contains("target.name: \"Payment\" is not an object name: it contains uppercase letters"),
        "{e}"
    );
}

#[test]
fn query_conditions_take_a_shorthand_or_op_and_threshold() {
    let text = with_steps(
        "```step\nkind: check\ncluster: us-east-1\nquery: max(pg_up{cluster=\"{{ cluster }}\"})\nequals: 0\n```\n\n```step\nkind: wait\nuntil:\n  cluster: \"{{ cluster }}\"\n  query: sum(rate(x[{{ window }}]))\n  op: \"!=\"\n  threshold: \"{{ ratio }}\"\ntimeout: 10m\nevery: 30s\n```\n",
    );
    let rb = parse(&text).unwrap();
    let StepKind::Check(ConditionSpec::Query {
        cluster,
        op,
        threshold,
        ..
    }) = &rb.steps[0].kind
    else {
        panic!()
    };
    assert_eq!(*cluster, Field::Literal("us-east-1".into()));
    assert_eq!((*op, threshold), (Comparison::Eq, &Field::Literal(0.0)));
    assert_eq!(rb.steps[0].title, "Check that pg_up on us-east-1 is == 0");
    let StepKind::Wait {
        until:
            ConditionSpec::Query {
                op,
                threshold,
                query,
                ..
            },
        every,
        ..
    } = &rb.steps[1].kind
    else {
        panic!()
    };
    assert_eq!(
        (*op, threshold),
        (Comparison::Ne, &Field::Param("ratio".into()))
    );
    assert_eq!(query.text, "sum(rate(x[{{ window }}]))");
    assert_eq!(*every, Duration::from_secs(30));

    let both = "```step\nkind: check\ncluster: a\nquery: up\nabove: 1\nbelow: 2\n```\n";
    let e = one_error(&with_steps(both));
    assert!(e.contains("steps[1] (check): state one comparison"), "{e}");
    let broken = "```step\nkind: check\ncluster: a\nquery: sum(rate(x[5m])\nabove: 1\n```\n";
    let e = one_error(&with_steps(broken));
    assert!(
        e.contains(&format!(
            "t.md:{}:8: steps[1] (check).query: not a valid PromQL expression",
            FRONT_LINES + 4
        )),
        "{e}"
    );
}

#[test]
fn promote_rollback_silence_and_command_steps_read_their_fields() {
    let text = with_steps(
        "```step
kind: promote
target: { cluster: \"{{ cluster }}\", namespace: database, name: orders-db }
max_lag: 5m
```

```step
kind: promote
via: patroni
endpoint: orders-patroni
candidate: \"{{ deployment }}\"
```

```step
kind: rollback
target: { cluster: a, namespace: shop, name: payment }
revision: 3
verify_timeout: 2m
```

```step
kind: silence
cluster: \"{{ cluster }}\"
matchers: '{alertname=\"HighErrorRate\", service=~\"{{ deployment }}|x\", severity!=\"info\"}'
duration: \"{{ window }}\"
comment: rolling back {{ deployment }}
```

```step
kind: command
name: aws-rds
args: [promote-read-replica, --db-instance-identifier, \"{{ deployment }}\"]
```
",
    );
    let rb = parse(&text).unwrap();
    let StepKind::Promote {
        promotion:
            PromotionSpec::Cnpg {
                target,
                instance,
                max_lag,
            },
        ..
    } = &rb.steps[0].kind
    else {
        panic!()
    };
    assert_eq!(
        (target.kind, instance, *max_lag),
        (
            ObjectKind::CnpgCluster,
            &None,
            Some(Duration::from_secs(300))
        )
    );
    let StepKind::Promote {
        promotion:
            PromotionSpec::Patroni {
                endpoint,
                candidate,
                ..
            },
        ..
    } = &rb.steps[1].kind
    else {
        panic!()
    };
    assert_eq!(
        (endpoint.as_str(), candidate),
        ("orders-patroni", &Field::Param("deployment".into()))
    );
    let StepKind::Rollback {
        revision,
        verify_timeout,
        ..
    } = &rb.steps[2].kind
    else {
        panic!()
    };
    assert_eq!(
        (revision, *verify_timeout),
        (&Some(Field::Literal(3)), Duration::from_secs(120))
    );
    assert_eq!(
        rb.steps[2].title,
        "Roll back deployment payment on a to revision 3"
    );
    let StepKind::Silence {
        matchers, duration, ..
    } = &rb.steps[3].kind
    else {
        panic!()
    };
    let matcher = |name: &str, value: &str, is_regex, is_equal| MatcherSpec {
        name: name.into(),
        value: Template { text: value.into() },
        is_regex,
        is_equal,
    };
    assert_eq!(
        *matchers,
        [
            matcher("alertname", "HighErrorRate", false, true),
            matcher("service", "{{ deployment }}|x", true, true),
            matcher("severity", "info", false, false),
        ]
    );
    assert_eq!(*duration, Field::Param("window".into()));
    let StepKind::Command {
        name,
        args,
        timeout,
    } = &rb.steps[4].kind
    else {
        panic!()
    };
    assert_eq!(
        (name.as_str(), args.len(), *timeout),
        ("aws-rds", 3, Duration::from_secs(300))
    );
    assert_eq!(args[2], Field::Param("deployment".into()));
}

#[test]
fn steps_refuse_kinds_and_keys_they_cannot_use() {
    let e = one_error(&with_steps(
        "```step\nkind: rollback\ntarget: { cluster: a, namespace: shop, kind: statefulset, name: db }\n```\n",
    ));
    assert!(e.ends_with("steps[1] (rollback).target.kind: this step cannot act on kind \"statefulset\"; expected deployment"), "{e}");
    let e = one_error(&with_steps(
        "```step\nkind: promote\nvia: patroni\nendpoint: p\ncandidate: m\ntarget: { cluster: a, namespace: b, name: c }\n```\n",
    ));
    assert!(
        e.ends_with(
            "steps[1] (promote).target: `target` does not apply to a promotion via patroni"
        ),
        "{e}"
    );
    let e = one_error(&with_steps(
        "```step\nkind: silence\ncluster: a\nmatchers: 'alertname!=\"X\"'\nduration: 1h\ncomment: c\n```\n",
    ));
    assert!(
        e.contains("a silence needs at least one matcher that must equal a non-empty value"),
        "{e}"
    );
    let e = one_error(&with_steps(
        "```step\nkind: command\nname: rm\nargs: [\"-rf {{ deployment }}\"]\n```\n",
    ));
    assert!(
        e.contains("steps[1] (command).args[0]: expected a literal or exactly \"{{ param }}\""),
        "{e}"
    );
}

#[test]
fn step_ids_are_unique() {
    let step = "```step\nid: same\nkind: note\ntext: x\n```\n";
    let e = one_error(&with_steps(&format!("{step}\n{step}")));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:1: steps[2].id: `same` is already the id of the step at line {}; ids must be unique",
            FRONT_LINES + 8,
            FRONT_LINES + 1
        )
    );
}

#[test]
fn a_wait_that_polls_less_often_than_its_timeout_is_refused() {
    let e = one_error(&with_steps(
        "```step\nkind: wait\nuntil: { condition: writable, target: { cluster: a, namespace: database, name: orders-db } }\ntimeout: 1m\nevery: 5m\n```\n",
    ));
    assert_eq!(
        e,
        format!(
            "runbooks/t.md:{}:8: steps[1] (wait).every: polls less often than the timeout; make `every` shorter than `timeout`",
            FRONT_LINES + 5
        )
    );
}

#[test]
fn a_scale_sized_for_the_load_needs_no_replicas() {
    let text = with_steps(
        "```step\nkind: scale\ntarget: { cluster: \"{{ cluster }}\", namespace: shop, name: order }\ntarget_utilisation: \"{{ ratio }}\"\n```\n",
    );
    let rb = parse(&text).unwrap();
    let StepKind::Scale {
        replicas,
        target_utilisation,
        ..
    } = &rb.steps[0].kind
    else {
        panic!("{:?}", rb.steps[0].kind)
    };
    assert_eq!(*replicas, Field::Literal(1));
    assert_eq!(*target_utilisation, Some(Field::Param("ratio".to_string())));
    assert_eq!(
        rb.steps[0].title,
        "Scale deployment order on {{ cluster }} for the load at {{ ratio }} CPU utilisation"
    );
}

#[test]
fn a_follow_step_takes_a_cnpg_cluster_and_a_source() {
    let text = with_steps(
        "```step\nkind: follow\ntarget: { cluster: \"{{ cluster }}\", namespace: database, kind: cnpg-cluster, name: orders-db }\nsource: \"orders-db-{{ cluster }}\"\n```\n",
    );
    let rb = parse(&text).unwrap();
    let StepKind::Follow { source, .. } = &rb.steps[0].kind else {
        panic!("{:?}", rb.steps[0].kind)
    };
    assert_eq!(source.text, "orders-db-{{ cluster }}");
    assert!(rb.steps[0].kind.mutates());
    let missing = one_error(&with_steps(
        "```step\nkind: follow\ntarget: { cluster: \"{{ cluster }}\", namespace: database, kind: cnpg-cluster, name: orders-db }\n```\n",
    ));
    assert!(
        missing.contains("missing required field `source`"),
        "{missing}"
    );
}
