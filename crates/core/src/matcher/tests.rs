//! Table tests of the matcher engine against Alertmanager's documented semantics.

use super::*;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<Text, Text> {
    pairs
        .iter()
        .map(|(k, v)| (Text::new(k), Text::new(v)))
        .collect()
}

#[test]
fn matchers_follow_alertmanager_semantics() {
    let alert = labels(&[
        ("alertname", "HighErrorRate"),
        ("service", "payment"),
        ("severity", "critical"),
    ]);
    // (matcher, catches the alert?)
    let table = [
        (r#"alertname="HighErrorRate""#, true),
        (r#"alertname="higherrorrate""#, false),
        (r#"service!="payment""#, false),
        (r#"service!="checkout""#, true),
        // Regexes are anchored at both ends.
        (r#"service=~"pay""#, false),
        (r#"service=~"pay.*""#, true),
        (r#"service=~".*ment""#, true),
        (r#"service=~"payment|checkout""#, true),
        (r#"service!~"pay""#, true),
        (r#"service!~"pay.+""#, false),
        // An absent label is the empty string.
        (r#"team="""#, true),
        (r#"team!="""#, false),
        (r#"team!="sre""#, true),
        (r#"team=~".*""#, true),
        (r#"team=~".+""#, false),
        (r#"team!~".+""#, true),
        (r#"team="sre""#, false),
        // Present label against the empty string.
        (r#"service="""#, false),
        (r#"service!="""#, true),
    ];
    for (text, want) in table {
        let matcher = parse_matcher(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let compiled = matcher.compile().unwrap();
        assert_eq!(compiled.matches(&alert), want, "{text}");
    }
}

#[test]
fn all_matchers_must_match() {
    let alert = labels(&[("alertname", "A"), ("cluster", "us-east-1")]);
    let both =
        compile_all(&parse_matchers(r#"{alertname="A", cluster=~"us-.*"}"#).unwrap()).unwrap();
    assert!(all_match(&both, &alert));
    let one_wrong =
        compile_all(&parse_matchers(r#"alertname="A", cluster="eu""#).unwrap()).unwrap();
    assert!(!all_match(&one_wrong, &alert));
}

#[test]
fn parsing_accepts_quotes_escapes_and_bare_values() {
    assert_eq!(
        parse_matcher(r#"summary="a \"quoted\", comma\\""#).unwrap(),
        Matcher::new("summary", MatchOp::Equal, r#"a "quoted", comma\"#)
    );
    assert_eq!(
        parse_matcher("severity != warning").unwrap(),
        Matcher::new("severity", MatchOp::NotEqual, "warning")
    );
    assert_eq!(
        parse_matcher(r#"job!~"node|kube""#).unwrap().op,
        MatchOp::NotRegex
    );
    let list = parse_matchers(r#"{a="x,y", b=~"1|2",}"#).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].value, "x,y");
    assert_eq!(list[1].to_string(), r#"b=~"1|2""#);
    // Display round-trips through the parser.
    let tricky = Matcher::new("x", MatchOp::Equal, "a\"b\\c\nd");
    assert_eq!(parse_matcher(&tricky.to_string()).unwrap(), tricky);
}

#[test]
fn parsing_errors_say_what_is_wrong() {
    assert!(
        parse_matcher("=x")
            .unwrap_err()
            .to_string()
            .contains("expected a matcher")
    );
    assert!(
        parse_matcher("9a=x")
            .unwrap_err()
            .to_string()
            .contains("expected a matcher")
    );
    assert!(
        parse_matcher("a x")
            .unwrap_err()
            .to_string()
            .contains("expected an operator")
    );
    assert!(
        parse_matcher(r#"a="x"#)
            .unwrap_err()
            .to_string()
            .contains("closing quote")
    );
    assert!(
        parse_matcher(r#"a="x" y"#)
            .unwrap_err()
            .to_string()
            .contains("closing quote")
    );
    assert!(
        parse_matcher(r#"a=x"y"#)
            .unwrap_err()
            .to_string()
            .contains("unbalanced")
    );
    assert!(
        parse_matcher(r#"a=~"(""#)
            .unwrap_err()
            .to_string()
            .contains("invalid regex")
    );
}

#[test]
fn api_flags_map_to_operators() {
    for op in [
        MatchOp::Equal,
        MatchOp::NotEqual,
        MatchOp::Regex,
        MatchOp::NotRegex,
    ] {
        assert_eq!(MatchOp::from_flags(op.is_equal(), op.is_regex()), op);
    }
}

// Alertmanager's classic parser, case by case (the simulator answers with these texts).

fn parsed(input: &str) -> (String, MatchOp, String) {
    let m = parse_matcher(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    (m.name, m.op, m.value)
}

#[test]
fn parses_classic_matchers_with_and_without_quotes() {
    let cases = [
        (
            r#"alertname="HighErrorRate""#,
            "alertname",
            MatchOp::Equal,
            "HighErrorRate",
        ),
        (
            r#"severity=~"crit.*""#,
            "severity",
            MatchOp::Regex,
            "crit.*",
        ),
        (
            "cluster!=eu-west-1",
            "cluster",
            MatchOp::NotEqual,
            "eu-west-1",
        ),
        ("  job !~ api|web  ", "job", MatchOp::NotRegex, "api|web"),
        (
            r#"quote="say \"hi\", ok""#,
            "quote",
            MatchOp::Equal,
            r#"say "hi", ok"#,
        ),
        (r#"path="a\\b\nc""#, "path", MatchOp::Equal, "a\\b\nc"),
        (r#"odd="a\qb""#, "odd", MatchOp::Equal, r"a\qb"),
        (r#"digits=~"\d+""#, "digits", MatchOp::Regex, r"\d+"),
        ("empty=", "empty", MatchOp::Equal, ""),
        ("ns:name=x", "ns:name", MatchOp::Equal, "x"),
    ];
    for (input, name, op, value) in cases {
        assert_eq!(
            parsed(input),
            (name.to_string(), op, value.to_string()),
            "{input}"
        );
    }
}

#[test]
fn rejects_bad_matchers_in_alertmanagers_words() {
    let cases = [
        ("cluster~eu", "bad matcher format: cluster~eu"),
        ("=x", "bad matcher format: =x"),
        ("1abc=x", "bad matcher format: 1abc=x"),
        (
            r#"a="unterminated"#,
            r#"matcher value contains unescaped double quote: "unterminated"#,
        ),
        (
            r#"a="x"y""#,
            r#"matcher value contains unescaped double quote: "x"y""#,
        ),
    ];
    for (input, message) in cases {
        let err = parse_matcher(input).err().map(|e| e.alertmanager_text());
        assert_eq!(err.as_deref(), Some(message), "{input}");
    }
    let err = parse_matcher("a=~(")
        .err()
        .map(|e| e.alertmanager_text())
        .unwrap_or_default();
    assert!(
        err.starts_with("error parsing regexp: ") && err.ends_with("`^(?:()$`"),
        "{err}"
    );
}

#[test]
fn parses_lists_in_braces_with_commas_inside_quotes() {
    let ms = parse_matchers(r#"{foo = "bar", dings != "bums", msg="a, b", }"#).unwrap_or_default();
    let got: Vec<String> = ms.iter().map(ToString::to_string).collect();
    assert_eq!(got, [r#"foo="bar""#, r#"dings!="bums""#, r#"msg="a, b""#]);
    assert_eq!(parse_matchers("{}").map(|v| v.len()), Ok(0));
    assert!(matches!(
        parse_matchers("a=b,,c=d"),
        Err(MatcherError::BadFormat { input }) if input.is_empty()
    ));
}

#[test]
fn label_names_follow_the_classic_rule() {
    for (name, ok) in [
        ("alertname", true),
        ("_x1", true),
        ("1x", false),
        ("a-b", false),
        ("", false),
    ] {
        assert_eq!(is_label_name(name), ok, "{name:?}");
    }
}
