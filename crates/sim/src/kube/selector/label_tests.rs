//! Label selector parsing, canonical printing, matching and the API server's error messages.

use serde_json::json;

use super::*;

fn labels(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

#[test]
fn parses_to_the_canonical_string() {
    let cases = [
        ("", ""),
        ("a=b", "a=b"),
        ("a==b", "a==b"),
        ("a!=b", "a!=b"),
        (
            "x in (foo,,baz),y,z notin ()",
            "x in (,baz,foo),y,z notin ()",
        ),
        ("app in (web, api)", "app in (api,web)"),
        ("!canary", "!canary"),
        ("tier", "tier"),
        ("  b=2 , a=1 ", "a=1,b=2"),
        ("env notin (in)", "env notin (in)"),
        ("a=", "a="),
        ("a=,b", "a=,b"),
        ("example.com/team=sre", "example.com/team=sre"),
        ("replicas>3", "replicas>3"),
        ("x in (a,)", "x in (,a)"),
    ];
    for (input, want) in cases {
        let sel = LabelSelector::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(sel.to_string(), want, "{input}");
    }
}

#[test]
fn matches_like_the_api_server() {
    let set = labels(json!({"app": "web", "tier": "frontend", "replicas": "5", "empty": ""}));
    let cases = [
        ("", true),
        ("app=web", true),
        ("app==web", true),
        ("app=api", false),
        ("app!=api", true),
        ("missing!=x", true),
        ("app in (api,web)", true),
        ("app notin (web)", false),
        ("missing notin (web)", true),
        ("missing in (web)", false),
        ("app", true),
        ("!app", false),
        ("!missing", true),
        ("app=web,tier=frontend", true),
        ("app=web,tier=backend", false),
        ("replicas>3", true),
        ("replicas<3", false),
        ("app>3", false),
        ("empty=", true),
        ("empty", true),
        ("missing=", false),
    ];
    for (input, want) in cases {
        let sel = LabelSelector::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(sel.matches(Some(&set)), want, "{input}");
    }
    assert!(LabelSelector::parse("!app").unwrap().matches(None));
    assert!(!LabelSelector::parse("app").unwrap().matches(None));
}

#[test]
fn matches_objects_by_metadata_labels() {
    let pod = json!({"metadata": {"name": "p", "labels": {"app": "web"}}});
    assert!(
        LabelSelector::parse("app=web")
            .unwrap()
            .matches_object(&pod)
    );
    assert!(!LabelSelector::parse("app=db").unwrap().matches_object(&pod));
    assert!(
        LabelSelector::parse("!db")
            .unwrap()
            .matches_object(&json!({"metadata": {}}))
    );
}

#[test]
fn rejects_with_the_api_servers_messages() {
    let cases = [
        (
            "a in",
            "unable to parse requirement: found '' expected: '('",
        ),
        (
            "a in (b",
            "unable to parse requirement: found '', expected: ',' or ')'",
        ),
        (
            "a b",
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
        ),
        ("a=b,", "found '', expected: identifier after ','"),
        (
            "=b",
            "found '=', expected: !, identifier, or 'end of string'",
        ),
        (
            "a=(b)",
            "unable to parse requirement: found '(', expected: identifier",
        ),
        (
            "a in b",
            "unable to parse requirement: found 'b' expected: '('",
        ),
        (
            "a in (=)",
            "unable to parse requirement: found '=', expected: ',', ')' or identifier",
        ),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        (
            "!",
            "unable to parse requirement: found '', expected: identifier",
        ),
        (
            "a foo b",
            "unable to parse requirement: found 'foo', expected: in, notin, =, ==, !=, gt, lt",
        ),
        (
            "-a=b",
            "unable to parse requirement: <nil>: Invalid value: \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
        (
            "Example.com/a=b",
            "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ),
        (
            "a=b@c",
            "unable to parse requirement: values[0][a]: Invalid value: \"b@c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
        (
            "a>b",
            "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer",
        ),
    ];
    for (input, want) in cases {
        let err = LabelSelector::parse(input).unwrap_err();
        assert_eq!(err.message(), want, "{input}");
        assert_eq!((err.code(), err.reason()), (400, "BadRequest"));
    }
    let long = format!("{}=v", "k".repeat(64));
    let err = LabelSelector::parse(&long).unwrap_err().message();
    assert!(
        err.ends_with(": name part must be no more than 63 characters"),
        "{err}"
    );
}

#[test]
fn converts_spec_selectors() {
    let spec = json!({
        "matchLabels": {"app": "web"},
        "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["frontend", "edge"]},
            {"key": "canary", "operator": "DoesNotExist"}
        ]
    });
    let sel = LabelSelector::from_spec(Some(&spec)).unwrap();
    assert_eq!(sel.to_string(), "app=web,!canary,tier in (edge,frontend)");
    assert!(sel.matches(Some(&labels(json!({"app": "web", "tier": "edge"})))));
    assert!(!sel.matches(Some(&labels(
        json!({"app": "web", "tier": "edge", "canary": "1"})
    ))));

    let nothing = LabelSelector::from_spec(None).unwrap();
    assert!(!nothing.matches(None) && !nothing.is_empty());
    assert_eq!(nothing.to_string(), "");
    let everything = LabelSelector::from_spec(Some(&json!({}))).unwrap();
    assert!(everything.matches(None) && everything.is_empty());

    let bad = json!({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]});
    assert_eq!(
        LabelSelector::from_spec(Some(&bad)).unwrap_err().message(),
        "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"
    );
}
