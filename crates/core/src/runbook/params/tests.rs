use std::path::PathBuf;
use std::time::Duration;

use super::*;
use crate::duration::{format_duration, parse_duration};
use crate::runbook::spec::{Objectives, ParamSpec};

fn clusters() -> Vec<String> {
    vec!["us-east-1".to_string(), "eu-west-1".to_string()]
}

fn name_error(value: &str) -> String {
    validate_value(&ParamKind::Name, value, &clusters()).unwrap_err()
}

#[test]
fn injection_attempts_in_names_are_refused_with_the_reason() {
    let cases = [
        ("web;id", "contains \";\", which is not allowed"),
        ("$(id)", "contains \"$\", which is not allowed"),
        (
            "--all",
            "starts with \"-\" and would read as a command-line option",
        ),
        ("../x", "looks like a path"),
        ("a/b", "looks like a path"),
        ("a b", "contains a space"),
        ("Payment", "contains uppercase letters"),
        ("", "it is empty"),
        ("pay\u{200b}ment", "contains an invisible character U+200B"),
        ("pay\u{2060}ment", "contains an invisible character U+2060"),
        ("\u{feff}payment", "contains an invisible character U+FEFF"),
        ("pay\u{202e}tnem", "contains an invisible character U+202E"),
        (
            "payment\nid",
            "contains a control character U+000A (a line break)",
        ),
        (
            "pay\x1b[2Jment",
            "contains a control character U+001B (an escape)",
        ),
        ("payment-", "does not start and end with a letter or digit"),
    ];
    for (value, reason) in cases {
        let e = name_error(value);
        assert!(e.contains("is not a valid name"), "{value:?}: {e}");
        assert!(e.contains(reason), "{value:?}: {e}");
    }
    let long = "a".repeat(254);
    let e = name_error(&long);
    assert!(e.contains("254 characters long"), "{e}");
    assert!(
        e.starts_with("\"aaaa") && e.contains("… (254 characters)"),
        "{e}"
    );
}

#[test]
fn invisible_characters_are_named_visibly_in_the_message() {
    let e = name_error("pay\u{200b}ment");
    assert!(e.starts_with("\"pay\\u{200b}ment\""), "{e}");
}

#[test]
fn namespaces_are_labels_without_dots_and_at_most_63_characters() {
    let kind = ParamKind::Namespace;
    assert_eq!(validate_value(&kind, "shop", &[]), Ok("shop".to_string()));
    let e = validate_value(&kind, "shop.prod", &[]).unwrap_err();
    assert!(e.contains("contains \".\", which is not allowed"), "{e}");
    let e = validate_value(&kind, &"a".repeat(64), &[]).unwrap_err();
    assert!(e.contains("64 characters long"), "{e}");
    assert_eq!(
        validate_value(&ParamKind::Name, "orders-db.v2", &[]),
        Ok("orders-db.v2".to_string())
    );
}

#[test]
fn clusters_must_be_configured() {
    let kind = ParamKind::Cluster;
    assert_eq!(
        validate_value(&kind, "eu-west-1", &clusters()),
        Ok("eu-west-1".to_string())
    );
    let e = validate_value(&kind, "eu-west-2", &clusters()).unwrap_err();
    assert_eq!(
        e,
        "unknown cluster \"eu-west-2\": expected one of us-east-1, eu-west-1; did you mean `eu-west-1`?"
    );
    let e = validate_value(&kind, "us-east-1\u{2066}", &clusters()).unwrap_err();
    assert!(e.contains("invisible character U+2066"), "{e}");
    let e = validate_value(&kind, "us-east-1", &[]).unwrap_err();
    assert!(e.contains("no clusters are configured"), "{e}");
}

#[test]
fn integers_are_plain_decimal_within_bounds_and_canonicalised() {
    let kind = ParamKind::Integer { min: 1, max: 100 };
    assert_eq!(validate_value(&kind, "16", &[]), Ok("16".to_string()));
    assert_eq!(validate_value(&kind, "007", &[]), Ok("7".to_string()));
    for bad in ["+5", " 5", "5 ", "0x10", "1e2", "5.0", "", "-", "16;id"] {
        let e = validate_value(&kind, bad, &[]).unwrap_err();
        assert!(e.contains("is not a whole number"), "{bad:?}: {e}");
    }
    let e = validate_value(&kind, "0", &[]).unwrap_err();
    assert_eq!(e, "0 is out of range: expected 1 to 100");
    let e = validate_value(&kind, "99999999999999999999", &[]).unwrap_err();
    assert!(e.contains("too large"), "{e}");
}

#[test]
fn numbers_refuse_nan_infinity_and_signs() {
    let kind = ParamKind::Number { min: 0.0, max: 1.0 };
    assert_eq!(validate_value(&kind, "0.010", &[]), Ok("0.01".to_string()));
    assert_eq!(validate_value(&kind, "5e-3", &[]), Ok("0.005".to_string()));
    assert_eq!(validate_value(&kind, "1", &[]), Ok("1".to_string()));
    for bad in [
        "NaN", "inf", "+0.5", " 0.5", ".5", "5.", "0,5", "0.5)", "1e", "",
    ] {
        let e = validate_value(&kind, bad, &[]).unwrap_err();
        assert!(e.contains("is not a number"), "{bad:?}: {e}");
    }
    let e = validate_value(&kind, "1.5", &[]).unwrap_err();
    assert_eq!(e, "1.5 is out of range: expected 0 to 1");
}

#[test]
fn durations_are_bounded_and_printed_like_prometheus() {
    let kind = ParamKind::Duration {
        min: Duration::from_secs(60),
        max: Duration::from_secs(3600),
    };
    assert_eq!(
        validate_value(&kind, "90m", &[]).unwrap_err(),
        "1h30m is out of range: expected 1m to 1h"
    );
    assert_eq!(validate_value(&kind, "90s", &[]), Ok("1m30s".to_string()));
    assert_eq!(validate_value(&kind, "1h", &[]), Ok("1h".to_string()));
    for bad in ["5", "5 m", "-5m", "1.5h", "m", "30s1m", "1m1m", "5min"] {
        assert!(validate_value(&kind, bad, &[]).is_err(), "{bad:?}");
    }
    assert_eq!(parse_duration("1d2h"), Ok(Duration::from_secs(93_600)));
    assert_eq!(format_duration(Duration::from_secs(14 * 86_400)), "2w");
    assert_eq!(format_duration(Duration::from_millis(1500)), "1s500ms");
}

#[test]
fn choices_accept_only_listed_values() {
    let kind = ParamKind::Choice(vec!["fast".to_string(), "safe".to_string()]);
    assert_eq!(validate_value(&kind, "safe", &[]), Ok("safe".to_string()));
    assert_eq!(
        validate_value(&kind, "Safe", &[]).unwrap_err(),
        "\"Safe\" is not one of fast, safe"
    );
}

fn runbook() -> Runbook {
    let param = |name: &str, kind: ParamKind, default: Option<&str>| ParamSpec {
        name: name.to_string(),
        kind,
        description: format!("the {name}"),
        default: default.map(str::to_string),
        from_label: None,
    };
    Runbook {
        id: "t".to_string(),
        source: PathBuf::from("t.md"),
        title: "T".to_string(),
        description: String::new(),
        params: vec![
            param("cluster", ParamKind::Cluster, None),
            param("namespace", ParamKind::Namespace, Some("shop")),
            param("deployment", ParamKind::Name, None),
            param(
                "replicas",
                ParamKind::Integer { min: 1, max: 100 },
                Some("4"),
            ),
        ],
        triggers: Vec::new(),
        objectives: Objectives::default(),
        steps: Vec::new(),
    }
}

fn given(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn validate_applies_defaults_and_canonicalises() {
    let values = validate(
        &runbook(),
        &given(&[
            ("cluster", "us-east-1"),
            ("deployment", "payment"),
            ("replicas", "016"),
        ]),
        &clusters(),
    )
    .unwrap();
    assert_eq!(values["namespace"], "shop");
    assert_eq!(values["replicas"], "16");
    assert_eq!(values["deployment"], "payment");
}

#[test]
fn validate_reports_every_problem_at_once() {
    let errors = validate(
        &runbook(),
        &given(&[
            ("deploymnet", "payment"),
            ("replicas", "many"),
            ("namespace", "a;b"),
        ]),
        &clusters(),
    )
    .unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 5, "{shown:#?}");
    assert_eq!(
        shown[0],
        "parameter \"deploymnet\": unknown parameter; did you mean `deployment`?"
    );
    assert_eq!(
        shown[1],
        "parameter cluster: a value is required (the cluster); give it as --param cluster=VALUE"
    );
    assert!(shown[2].starts_with("parameter namespace: \"a;b\" is not a valid namespace"));
    assert!(shown[3].starts_with("parameter deployment: a value is required"));
    assert!(shown[4].starts_with("parameter replicas: \"many\" is not a whole number"));
}

#[test]
fn a_parameter_given_twice_is_refused() {
    let errors = validate(
        &runbook(),
        &given(&[
            ("cluster", "us-east-1"),
            ("deployment", "payment"),
            ("deployment", "order"),
        ]),
        &clusters(),
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("given more than once"));
}

#[test]
fn a_default_that_does_not_fit_the_configured_clusters_says_so() {
    let mut rb = runbook();
    rb.params[0].default = Some("ap-south-1".to_string());
    let errors = validate(&rb, &given(&[("deployment", "payment")]), &clusters()).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .message
            .starts_with("the runbook's default does not fit: unknown cluster"),
        "{errors:?}"
    );
}

#[test]
fn parameter_names_follow_the_declared_pattern() {
    assert!(param_name("max_error_ratio").is_ok());
    for bad in ["Max", "1st", "a-b", "", "_x"] {
        assert!(param_name(bad).is_err(), "{bad:?}");
    }
}
