//! Story files: every shipped one parses; a bad one is refused with file:line:col, the
//! step's key path and the reason.

use super::condition::{Condition, RunEnd};
use super::{StepKind, parse, shipped};
use watchdeck_core::action::Key;
use watchdeck_core::runbook::engine::Gate;

const HEAD: &str = "name = \"s\"\ndescription = \"d\"\nscenario = \"bad-deploy\"\n";

/// The error of a story made of HEAD and `steps`.
fn refused(steps: &str) -> String {
    parse(&format!("{HEAD}{steps}"), "s.toml")
        .unwrap_err()
        .to_string()
}

#[test]
fn every_shipped_story_parses_and_checks_something() {
    let stories = shipped::all().unwrap();
    assert_eq!(stories.len(), shipped::SHIPPED.len());
    for story in &stories {
        let expects = story
            .steps
            .iter()
            .filter(|s| matches!(s.kind, StepKind::Expect(_) | StepKind::Wait { .. }))
            .count();
        assert!(expects > 0, "{} checks nothing", story.name);
        assert!(!story.description.is_empty());
    }
}

#[test]
fn a_story_reads_its_pace_and_steps_with_their_lines() {
    let text = format!(
        "{HEAD}size = \"100x30\"\nat = \"2m\"\nkey_delay = \"250ms\"\ntyping = 4\n\n\
         [[steps]]\ncaption = \"hello\"\n\n\
         [[steps]]\nkeys = [\"6\", \"ctrl-w\", \"enter\"]\ndelay = \"1s\"\n\n\
         [[steps]]\ntype = \"us-east-1\"\n\n\
         [[steps]]\nthink = \"15s\"\n\n\
         [[steps]]\nwait = {{ run = \"completed\" }}\ntimeout = \"5m\"\n\n\
         [[steps]]\nexpect = {{ run_asks = \"production\" }}\n"
    );
    let story = parse(&text, "s.toml").unwrap();
    assert_eq!(story.size, (100, 30));
    assert_eq!((story.at_ms, story.key_delay_ms), (120_000, 250));
    assert_eq!(story.typing_cps, 4.0);
    let kinds: Vec<_> = story
        .steps
        .iter()
        .map(|s| (s.line, s.kind.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (9, StepKind::Caption("hello".to_string())),
            (
                12,
                StepKind::Keys {
                    keys: vec![Key::Char('6'), Key::Ctrl('w'), Key::Enter],
                    delay_ms: 1000
                }
            ),
            (16, StepKind::Type("us-east-1".to_string())),
            (19, StepKind::Think(15_000)),
            (
                22,
                StepKind::Wait {
                    until: Condition::Run(RunEnd::Completed),
                    timeout_ms: 300_000
                }
            ),
            (26, StepKind::Expect(Condition::RunAsks(Gate::Production))),
        ]
    );
}

#[test]
fn an_unknown_step_kind_is_refused_where_it_is_written() {
    let err = refused("\n[[steps]]\ncaption = \"a\"\n\n[[steps]]\nsleep = \"3s\"\n");
    assert_eq!(
        err,
        "s.toml:9:1: steps[1].sleep: unknown step kind; a step is one of caption, keys, type, think, wait, expect"
    );
}

#[test]
fn a_bad_duration_is_refused_with_what_a_duration_looks_like() {
    let err = refused("\n[[steps]]\nthink = \"15 seconds\"\n");
    assert_eq!(
        err,
        "s.toml:6:9: steps[0].think: expected a duration such as \"15s\", \"2m30s\" or \"500ms\", found \"15 seconds\""
    );
}

#[test]
fn an_unknown_key_name_is_refused_with_the_key_names() {
    let err = refused("\n[[steps]]\nkeys = [\"j\", \"hyper-x\"]\n");
    assert!(
        err.starts_with("s.toml:6:14: steps[0].keys: expected a single character"),
        "{err}"
    );
    assert!(err.ends_with("found \"hyper-x\""), "{err}");
}

#[test]
fn an_unknown_condition_is_refused_with_the_conditions() {
    let err = refused("\n[[steps]]\nexpect = { alert_burning = \"X\" }\n");
    assert!(err.starts_with("s.toml:6:12: steps[0].expect.alert_burning: unknown condition; expected one of alert_firing, alert_resolved"), "{err}");
    let err = refused("\n[[steps]]\nexpect = { run_asks = \"maybe\" }\n");
    assert!(
        err.starts_with("s.toml:6:23: steps[0].expect.run_asks: unknown gate \"maybe\""),
        "{err}"
    );
}

#[test]
fn a_wait_without_a_timeout_is_refused() {
    let err = refused("\n[[steps]]\nwait = { alert_firing = \"HighErrorRate\" }\n");
    assert!(
        err.starts_with("s.toml:5:1: steps[0].timeout: missing required key"),
        "{err}"
    );
}

#[test]
fn unknown_keys_and_several_problems_are_all_reported() {
    let err = parse(
        "name = \"s\"\ndescription = \"d\"\nscenario = \"x\"\nsize = \"20x5\"\nspeeed = 3\n\n[[steps]]\nkeys = \"j\"\ntimeout = \"1m\"\n",
        "s.toml",
    )
    .unwrap_err()
    .to_string();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].starts_with("s.toml:4:8: size: a terminal of at least 80x24"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("s.toml:5:1: speeed: unknown key"),
        "{err}"
    );
    assert!(
        lines[2].starts_with("s.toml:9:1: steps[0].timeout: unknown key"),
        "{err}"
    );
}

#[test]
fn invalid_toml_and_missing_steps_are_refused() {
    let err = parse("name = \"s\"\nsteps = [", "s.toml")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("s.toml:2:"), "{err}");
    assert!(err.contains("invalid TOML"), "{err}");
    let err = parse(HEAD, "s.toml").unwrap_err().to_string();
    assert!(err.contains("steps: missing required key"), "{err}");
}

#[test]
fn a_story_is_found_by_name_or_path_and_an_unknown_name_lists_the_shipped_ones() {
    assert_eq!(shipped::load("tour").unwrap().name, "tour");
    let err = shipped::load("bad-deplyo").unwrap_err().to_string();
    assert!(
        err.contains("tour, bad-deploy, traffic-spike, regional-failover"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, format!("{HEAD}\n[[steps]]\nthink = \"1s\"\n")).unwrap();
    assert_eq!(
        shipped::load(path.to_str().unwrap()).unwrap().steps.len(),
        1
    );
}
