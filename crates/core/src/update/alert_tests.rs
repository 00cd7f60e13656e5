//! Message sequences for Alertmanager data and the silence popups: dedupe, suppressed alerts
//! apart, per-replica health, cursor across groups, form editing, preview, submit, read-back.

use super::*;
use crate::action::Key;
use crate::action::action_for;
use crate::fixture::alerts::{alerts_model, eu_snapshot, replica, snapshot_msg};
use crate::fixture::{act, at, data};
use crate::model::alert::AlertState;
use crate::model::alert_groups::{AlertLine, grouped_alerts, selected_alert_entry};
use crate::model::health::{Health, SourceKind};
use crate::model::silence_form::{Field, preview};
use crate::runbook::spec::{Field as RunField, StepKind as RunStep};
use crate::screen::View;
use crate::text::Text;
use std::time::Duration;

fn key(model: &mut Model, key: Key) -> Vec<Effect> {
    update(model, crate::fixture::key_msg(key))
}

fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        key(model, Key::Char(c));
    }
}

fn form(model: &Model) -> &crate::model::silence_form::SilenceForm {
    match &model.ui.silence {
        Some(form) => form,
        other => panic!("no silence form: {other:?}"),
    }
}

fn selected_name(model: &Model) -> String {
    selected_alert_entry(model)
        .map(|e| format!("{}/{}", e.cluster_name, e.alert.fingerprint))
        .unwrap_or_default()
}

#[test]
fn snapshot_keeps_suppressed_apart_and_counts_only_firing() {
    let model = alerts_model();
    let eu = &model.clusters[0];
    assert_eq!(eu.alerts.len(), 4);
    // Bands count firing alerts only: two critical, the silenced and inhibited warnings not.
    let counts = eu.summary().alerts;
    assert_eq!((counts.critical, counts.warning), (2, 0));
    // The overview lists firing alerts only.
    assert_eq!(crate::model::rows::merged_alerts(&model).len(), 3);
    // The Alerts screen: firing groups, then the muted part.
    let grouped = grouped_alerts(&model);
    let shape: Vec<String> = grouped
        .lines
        .iter()
        .map(|line| match line {
            AlertLine::Muted { count } => format!("muted {count}"),
            AlertLine::Group { name, count, .. } => format!("{name} ({count})"),
            AlertLine::Alert { entry, .. } => format!("  {}", entry.alert.fingerprint),
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            "HighErrorRate (3)",
            "  f1",
            "  f2",
            "  g1",
            "muted 2",
            "KubePodCrashLooping (1)",
            "  f3",
            "PaymentLatencyHigh (1)",
            "  f4",
        ]
    );
}

#[test]
fn one_replica_down_is_the_replicas_warning_not_the_sources_failure() {
    let mut model = alerts_model();
    let eu = &model.clusters[0];
    assert_eq!(eu.health(SourceKind::Alerts), &Health::Ok { at: at(-2) });
    assert!(eu.replicas[0].health.is_ok());
    assert_eq!(
        eu.replicas[1].health.reason().map(Text::as_str),
        Some("connection refused")
    );
    // The replica comes back on the next poll.
    let mut next = eu_snapshot();
    next.replicas[1] = replica("http://am-1.eu:9093", None);
    update(&mut model, snapshot_msg(0, 5, next));
    assert!(model.clusters[0].replicas.iter().all(|r| r.health.is_ok()));
    // Every replica down: the source fails, the last alerts stay on screen.
    update(
        &mut model,
        data(
            0,
            10,
            Payload::Failed {
                source: SourceKind::Alerts,
                reason: Text::new("connection refused (all 2 replicas failed)"),
            },
        ),
    );
    assert!(matches!(
        model.clusters[0].health(SourceKind::Alerts),
        Health::Stale { .. }
    ));
    assert_eq!(model.clusters[0].alerts.len(), 4);
}

/// The silenced alert's reason while gossip spreads alice's silence: on one of two answering
/// replicas it is propagating; with the other replica down it is not (a replica that does not
/// answer is not missing it); once both list it, settled.
#[test]
fn a_silence_on_fewer_answering_replicas_than_all_reads_as_propagating() {
    use crate::fixture::alerts::eu_snapshot_propagating;
    use crate::fixture::now;
    use crate::model::alert_groups::mute_reason;
    use crate::model::rows::all_alerts;
    let reason = |model: &Model| {
        let entry = all_alerts(model)
            .find(|e| e.alert.fingerprint.as_str() == "f3")
            .expect("the silenced alert");
        mute_reason(&model.clusters[0], &entry, now()).unwrap_or_default()
    };
    let mut model = alerts_model();
    let down = reason(&model);
    assert_eq!(
        down,
        "silenced by alice: deploy window until 14:00 UTC (in 120m)"
    );
    update(&mut model, snapshot_msg(0, 5, eu_snapshot_propagating()));
    assert_eq!(
        reason(&model),
        format!("{down}, propagating (1 of 2 replicas)")
    );
    let mut settled = eu_snapshot_propagating();
    settled.silences[0].seen_on = vec![0, 1];
    update(&mut model, snapshot_msg(0, 10, settled));
    assert_eq!(reason(&model), down);
}

#[test]
fn cursor_moves_across_groups_into_the_muted_part() {
    let mut model = alerts_model();
    act(&mut model, Action::ShowView(View::Alerts));
    model.ui.alerts_page = 4;
    act(&mut model, Action::Top);
    assert_eq!(selected_name(&model), "prod-eu-1/f1");
    act(&mut model, Action::Down);
    act(&mut model, Action::Down);
    assert_eq!(selected_name(&model), "prod-us-1/g1");
    act(&mut model, Action::Down);
    assert_eq!(selected_name(&model), "prod-eu-1/f3");
    // The line of f3 (index 6) is in view with a page of 4 lines.
    assert_eq!(model.ui.alerts.offset, 3);
    act(&mut model, Action::Bottom);
    assert_eq!(selected_name(&model), "prod-eu-1/f4");
    act(&mut model, Action::Top);
    assert_eq!(
        (selected_name(&model).as_str(), model.ui.alerts.offset),
        ("prod-eu-1/f1", 0)
    );
}

#[test]
fn silence_form_prefills_edits_previews_and_submits() {
    let mut model = alerts_model();
    act(&mut model, Action::ShowView(View::Alerts));
    act(&mut model, Action::Top);
    assert_eq!(action_for(Key::Char('S')), Some(Action::Silence));
    key(&mut model, Key::Char('S'));
    let f = form(&model);
    assert_eq!(f.cluster, 0);
    assert_eq!(
        f.matchers,
        vec![
            r#"alertname="HighErrorRate""#,
            r#"namespace="shop""#,
            r#"service="payment""#,
            r#"severity="critical""#,
        ]
    );
    assert_eq!((f.duration.text(), f.author.text()), ("2h", "oncall"));
    assert_eq!(f.focus, Field::Comment);
    // Preview: the payment alert in prod-eu-1; the same alert in prod-us-1 is elsewhere.
    let p = preview(&model, f);
    assert_eq!(p.caught.len(), 1);
    assert_eq!(p.elsewhere, 1);

    // Keys go to the form, not the keymap: `q` is text here.
    typed(&mut model, "q");
    assert_eq!(form(&model).comment, "q");
    key(&mut model, Key::Backspace);
    // Submitting without a comment is refused with the reason.
    let effects = key(&mut model, Key::Enter);
    assert_eq!(effects, vec![Effect::Render]);
    assert!(
        form(&model)
            .error
            .as_ref()
            .is_some_and(|e| e.as_str().contains("comment is required")),
        "{:?}",
        form(&model).error
    );
    // Widen the matchers: clear `service` so both HighErrorRate alerts of prod-eu-1 match.
    key(&mut model, Key::Up); // duration
    key(&mut model, Key::Up); // matcher 3 (severity)
    key(&mut model, Key::Up); // matcher 2 (service)
    assert_eq!(form(&model).focus, Field::Matcher(2));
    key(&mut model, Key::Ctrl('u'));
    assert_eq!(preview(&model, form(&model)).caught.len(), 2);
    // A regex matcher added with Ctrl-N.
    key(&mut model, Key::Ctrl('n'));
    typed(&mut model, r#"service=~"pay.*|check.*""#);
    assert_eq!(preview(&model, form(&model)).caught.len(), 2);
    // A broken matcher shows in the preview and blocks submit.
    key(&mut model, Key::Backspace);
    assert!(preview(&model, form(&model)).error.is_some());
    typed(&mut model, "\"");
    // Duration and comment.
    key(&mut model, Key::Tab);
    assert_eq!(form(&model).focus, Field::Duration);
    key(&mut model, Key::Ctrl('u'));
    typed(&mut model, "90m");
    key(&mut model, Key::Tab);
    typed(&mut model, "rollback in progress");
    let effects = key(&mut model, Key::Enter);
    // The form hands over to the engine: one silence step, literal values, and the alert
    // that led there for the audit log.
    assert!(model.ui.silence.is_none(), "the run panel takes over");
    let start = effects
        .iter()
        .find_map(|e| match e {
            Effect::StartRun(start) => Some(start.clone()),
            _ => None,
        })
        .expect("a StartRun");
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Io { .. })),
        "nothing is sent behind the engine's back: {effects:?}"
    );
    assert_eq!(start.runbook.id, "action-silence");
    assert!(start.given.is_empty());
    assert_eq!(
        start.alert.as_deref(),
        Some(r#"HighErrorRate{namespace="shop",service="payment",severity="critical"}"#)
    );
    let [step] = start.runbook.steps.as_slice() else {
        panic!("{:?}", start.runbook.steps);
    };
    let RunStep::Silence {
        cluster,
        matchers,
        duration,
        comment,
    } = &step.kind
    else {
        panic!("{:?}", step.kind);
    };
    assert_eq!(cluster, &RunField::Literal("prod-eu-1".to_string()));
    assert_eq!(duration, &RunField::Literal(Duration::from_secs(5_400)));
    assert_eq!(
        comment.text, "rollback in progress",
        "the OS user is not repeated"
    );
    let written: Vec<(&str, &str, bool, bool)> = matchers
        .iter()
        .map(|m| {
            (
                m.name.as_str(),
                m.value.text.as_str(),
                m.is_regex,
                m.is_equal,
            )
        })
        .collect();
    assert_eq!(
        written,
        vec![
            ("alertname", "HighErrorRate", false, true),
            ("namespace", "shop", false, true),
            ("severity", "critical", false, true),
            ("service", "pay.*|check.*", true, true),
        ]
    );
    // Source health is untouched.
    assert_eq!(
        model.clusters[0].health(SourceKind::Alerts),
        &Health::Ok { at: at(-2) }
    );
}

#[test]
fn silence_form_refuses_what_a_runbook_cannot_hold_and_stays_open() {
    let mut model = alerts_model();
    model.ui.user = Text::new("oncall");
    act(&mut model, Action::ShowView(View::Alerts));
    act(&mut model, Action::Silence);
    // Template braces in the comment would be read as a placeholder by the engine.
    typed(&mut model, "see {{ runbook }}");
    let effects = key(&mut model, Key::Enter);
    assert_eq!(effects, vec![Effect::Render]);
    let error = form(&model).error.clone().expect("an error");
    assert!(error.as_str().contains("reserve"), "{error}");
    assert!(model.ui.silence.is_some(), "the form stays open");
    key(&mut model, Key::Ctrl('u'));
    typed(&mut model, "deploying the fix");
    // Someone else named as author is kept in the comment.
    key(&mut model, Key::Tab);
    assert_eq!(form(&model).focus, Field::Author);
    key(&mut model, Key::Ctrl('u'));
    typed(&mut model, "alice");
    let effects = key(&mut model, Key::Enter);
    let Some(Effect::StartRun(start)) = effects.iter().find(|e| matches!(e, Effect::StartRun(_)))
    else {
        unreachable!()
    };
    let RunStep::Silence { comment, .. } = &start.runbook.steps[0].kind else {
        panic!()
    };
    assert_eq!(comment.text, "deploying the fix (by alice)");
}

#[test]
fn expire_starts_a_run_for_the_silence_muting_the_selected_alert() {
    let mut model = alerts_model();
    act(&mut model, Action::ShowView(View::Alerts));
    // On a firing alert there is nothing to expire.
    act(&mut model, Action::Top);
    assert!(key(&mut model, Key::Char('E')).is_empty());
    assert!(model.ui.silence.is_none());
    // On the silenced alert: a one-step run the engine guards, nothing sent directly.
    for _ in 0..3 {
        act(&mut model, Action::Down);
    }
    assert_eq!(selected_name(&model), "prod-eu-1/f3");
    let effects = key(&mut model, Key::Char('E'));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Io { .. })),
        "nothing is sent behind the engine's back: {effects:?}"
    );
    let start = effects
        .iter()
        .find_map(|e| match e {
            Effect::StartRun(start) => Some(start.clone()),
            _ => None,
        })
        .expect("a StartRun");
    assert_eq!(start.runbook.id, "action-expire-silence");
    let [step] = start.runbook.steps.as_slice() else {
        panic!("{:?}", start.runbook.steps);
    };
    assert_eq!(
        step.kind,
        RunStep::ExpireSilence {
            cluster: RunField::Literal("prod-eu-1".to_string()),
            id: RunField::Literal("s-1".to_string()),
        }
    );
    assert!(
        start
            .alert
            .as_deref()
            .is_some_and(|a| a.starts_with("KubePodCrashLooping")),
        "{:?}",
        start.alert
    );
    // The alert itself turns active on the next poll after the silence expired.
    let mut next = eu_snapshot();
    next.silences.clear();
    next.alerts[2].state = AlertState::Active;
    update(&mut model, snapshot_msg(0, 6, next));
    assert_eq!(crate::model::rows::merged_alerts(&model).len(), 4);
}

#[test]
fn expire_refuses_a_silence_id_that_cannot_be_one() {
    let mut model = alerts_model();
    act(&mut model, Action::ShowView(View::Alerts));
    // An Alertmanager (or something posing as one) answering with an id made to be a path.
    let hostile = Text::new("../../api/v2/status");
    let mut snapshot = eu_snapshot();
    snapshot.silences[0].id = hostile.clone();
    snapshot.alerts[2].state = AlertState::Suppressed {
        silenced_by: vec![hostile],
        inhibited_by: vec![],
    };
    update(&mut model, snapshot_msg(0, 6, snapshot));
    act(&mut model, Action::Top);
    for _ in 0..3 {
        act(&mut model, Action::Down);
    }
    let effects = key(&mut model, Key::Char('E'));
    assert_eq!(effects, vec![Effect::Render]);
    let notice = model.ui.notice.clone().expect("a notice");
    assert!(
        notice.as_str().starts_with("expire silence: silence: ")
            && notice.as_str().contains("not a silence id"),
        "{notice}"
    );
}
