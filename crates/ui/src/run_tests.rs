//! Snapshots of the run panel at 80x24 and 160x45, driven through `update` with the real
//! engine and scripted operation outcomes: a diff with the production typed prompt, a wait
//! in progress, a failed step offering recovery, and a finished regional failover with its
//! RTO and RPO; the status-bar line when the panel is hidden.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::theme::Theme;
use super::view;
use watchdeck_core::action::Key;
use watchdeck_core::effect::Effect;
use watchdeck_core::event::Msg;
use watchdeck_core::fixture::at;
use watchdeck_core::fixture::runs::{at_first_gate, run_model};
use watchdeck_core::model::Model;
use watchdeck_core::model::runs::StartRun;
use watchdeck_core::runbook::op::{
    AccessVerdict, DiffLine, ExecError, Executed, Observation, OpOutcome, OpRequest, PlanReport,
    Snapshot,
};
use watchdeck_core::runbook::resolved::Probe;
use watchdeck_core::runbook::spec::{
    Comparison, ConditionSpec, Field, ObjectKind, Objectives, PromotionSpec, Runbook, Step,
    StepKind, TargetSpec, Template,
};
use watchdeck_core::update::update;

fn draw(model: &Model, width: u16, height: u16, offset: i64) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            view(frame, model, &Theme::dark(), at(offset));
        })
        .unwrap();
    format!("{}", terminal.backend())
}

fn press(model: &mut Model, keys: &str) {
    for c in keys.chars() {
        update(model, watchdeck_core::fixture::key_msg(Key::Char(c)));
    }
}

fn target(cluster: &str, namespace: &str, kind: ObjectKind, name: &str) -> TargetSpec {
    let lit = |s: &str| Field::Literal(s.to_string());
    TargetSpec {
        cluster: lit(cluster),
        namespace: lit(namespace),
        kind,
        name: lit(name),
    }
}

fn step(id: &str, title: &str, guidance: &str, kind: StepKind) -> Step {
    Step {
        id: id.to_string(),
        title: title.to_string(),
        guidance: guidance.to_string(),
        kind,
        line: 1,
        when: None,
        on_fail: watchdeck_core::runbook::spec::OnFail::Ask,
    }
}

fn query(text: &str, op: Comparison, threshold: f64) -> ConditionSpec {
    ConditionSpec::Query {
        cluster: Field::Literal("staging-eu-1".to_string()),
        query: Template {
            text: text.to_string(),
        },
        op,
        threshold: watchdeck_core::runbook::spec::Field::Literal(threshold),
    }
}

fn runbook(id: &str, title: &str, objectives: Objectives, steps: Vec<Step>) -> Arc<Runbook> {
    Arc::new(Runbook {
        id: id.to_string(),
        source: PathBuf::from(format!("runbooks/{id}.md")),
        title: title.to_string(),
        description: String::new(),
        params: Vec::new(),
        triggers: Vec::new(),
        objectives,
        steps,
    })
}

const ROLLBACK_GUIDANCE: &str = "## Roll back\nThe last deploy of **payment** raised its error ratio. Rolling back to the previous revision restores the image that served traffic well.\n\n- the ReplicaSet of the previous revision is scaled up\n- the current one is scaled down\n\n```\nkubectl rollout undo deployment/payment\n```";

fn rollback_runbook() -> Arc<Runbook> {
    let payment = || target("staging-eu-1", "shop", ObjectKind::Deployment, "payment");
    runbook(
        "rollback-bad-deploy",
        "Roll back a bad deploy",
        Objectives::default(),
        vec![
            step(
                "errors",
                "Errors are high",
                "Confirm the deploy is to blame.",
                StepKind::Check(query("payment:error_ratio", Comparison::Gt, 0.01)),
            ),
            step(
                "rollback",
                "Roll back payment",
                ROLLBACK_GUIDANCE,
                StepKind::Rollback {
                    target: payment(),
                    revision: None,
                    verify_timeout: Duration::from_secs(300),
                },
            ),
            step(
                "cool",
                "Error ratio falls",
                "Wait for the error ratio to drop under 1%.",
                StepKind::Wait {
                    until: query("payment:error_ratio", Comparison::Lt, 0.01),
                    timeout: Duration::from_secs(600),
                    every: Duration::from_secs(15),
                },
            ),
            step(
                "done",
                "Tell the channel",
                "",
                StepKind::Note {
                    text: Template {
                        text: "Post the outcome in #incidents.".to_string(),
                    },
                    outcome: false,
                },
            ),
        ],
    )
}

fn failover_runbook() -> Arc<Runbook> {
    runbook(
        "regional-failover",
        "Fail over to eu-west-1",
        Objectives {
            rto: Some(Duration::from_secs(900)),
            rpo: Some(Duration::from_secs(300)),
        },
        vec![
            step(
                "promote",
                "Promote the eu-west-1 replica",
                "## Promote\nThe replica cluster leaves replica mode and accepts writes.",
                StepKind::Promote {
                    promotion: PromotionSpec::Cnpg {
                        target: target("staging-eu-1", "db", ObjectKind::CnpgCluster, "orders-db"),
                        instance: None,
                        max_lag: Some(Duration::from_secs(300)),
                    },
                    verify_timeout: Duration::from_secs(600),
                },
            ),
            step(
                "scale",
                "Scale checkout up",
                "Take the traffic of the lost region.",
                StepKind::Scale {
                    target: target("staging-eu-1", "shop", ObjectKind::Deployment, "checkout"),
                    replicas: Field::Literal(8),
                    expect_replicas: None,
                    target_utilisation: None,
                    verify_timeout: Duration::from_secs(300),
                },
            ),
            step(
                "healthy",
                "Checkout is healthy",
                "",
                StepKind::Check(query("checkout:error_ratio", Comparison::Lt, 0.01)),
            ),
        ],
    )
}

/// How scripted operations answer.
#[derive(Clone, Copy)]
struct Script {
    /// Whether a `payment:error_ratio < ...` wait holds (the check step's `>` holds).
    cooled: bool,
    /// Executions are rejected by admission.
    reject: bool,
}

fn plan_for(request: &OpRequest) -> PlanReport {
    let (before, after, lag) = match request {
        OpRequest::Plan(m) if m.verb() == "promote" => (
            vec![
                "replica mode: true (source us-east-1)",
                "primary: orders-db-1",
            ],
            vec!["replica mode: false", "primary: orders-db-1"],
            Some(Duration::from_secs(12)),
        ),
        OpRequest::Plan(m) if m.verb() == "scale" => {
            (vec!["replicas: 4"], vec!["replicas: 8"], None)
        }
        _ => (
            vec![
                "image payment: registry/payment:v1.4.3",
                "revision: 7",
                "replicas: 4",
            ],
            vec![
                "image payment: registry/payment:v1.4.2",
                "revision: 8",
                "replicas: 4",
            ],
            None,
        ),
    };
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut diff = Vec::new();
    for (b, a) in before.iter().zip(&after) {
        if b == a {
            diff.push(DiffLine::Context(b.to_string()));
        } else {
            diff.push(DiffLine::Removed(b.to_string()));
            diff.push(DiffLine::Added(a.to_string()));
        }
    }
    PlanReport {
        before: Snapshot {
            resource_version: Some("41".into()),
            lines: lines(&before),
        },
        after: Snapshot {
            resource_version: Some("41".into()),
            lines: lines(&after),
        },
        diff,
        patch: serde_json::Value::Null,
        refusal: None,
        current_replicas: Some(4),
        data_at_risk: lag,
        target_replicas: None,
        ready_before: None,
        already: None,
        notes: Vec::new(),
    }
}

fn answer(request: &OpRequest, script: Script) -> OpOutcome {
    match request {
        OpRequest::Identity { .. } => OpOutcome::Identity(Ok("alice (groups: sre)".into())),
        OpRequest::Access(_) => OpOutcome::Access(Ok(AccessVerdict {
            allowed: true,
            reason: "RBAC: allowed by ClusterRoleBinding sre".into(),
        })),
        OpRequest::Plan(_) => OpOutcome::Plan(Ok(Box::new(plan_for(request)))),
        OpRequest::Execute { mutation, .. } if script.reject => {
            OpOutcome::Executed(Err(ExecError::Rejected(format!(
                "admission webhook \"policy.example\" denied the {}",
                mutation.verb()
            ))))
        }
        OpRequest::Execute { mutation, .. } => OpOutcome::Executed(Ok(Executed {
            resource_version: Some("42".into()),
            message: format!("{} applied", mutation.verb()),
        })),
        OpRequest::Read(_) => OpOutcome::Read(Ok(Snapshot::default())),
        OpRequest::Probe(probe) => {
            let (holds, value) = match probe {
                Probe::Query { query, op, .. } if query.contains("payment") => {
                    let holds = match op {
                        Comparison::Gt => true,
                        _ => script.cooled,
                    };
                    (holds, "error ratio 0.0812 (want < 0.01)".to_string())
                }
                Probe::Query { .. } => (true, "error ratio 0.0004 (want < 0.01)".to_string()),
                _ => (true, "4/4 ready, rollout complete".to_string()),
            };
            OpOutcome::Probed(Ok(Observation {
                holds,
                value,
                lag: None,
            }))
        }
    }
}

/// Answers operations (and `y` at every yes/no gate) until the run waits on something the
/// script leaves pending, or `budget` operations were answered. Time moves 20 s per answer.
fn drive(model: &mut Model, mut effects: Vec<Effect>, script: Script, budget: usize) -> i64 {
    let mut t = 0;
    for _ in 0..budget {
        let next = effects.iter().find_map(|e| match e {
            Effect::RunOp {
                run, id, request, ..
            } => Some((*run, *id, (**request).clone())),
            _ => None,
        });
        let Some((run, id, request)) = next else {
            let asking = model
                .runs
                .active
                .as_ref()
                .and_then(|r| r.prompt())
                .is_some_and(|p| p.expect == watchdeck_core::runbook::engine::Expect::YesNo);
            if !asking {
                break;
            }
            t += 20;
            effects = update(
                model,
                Msg::Key {
                    key: Key::Char('y'),
                    now: at(t),
                },
            );
            continue;
        };
        t += 20;
        let outcome = answer(&request, script);
        effects = update(
            model,
            Msg::RunOutcome {
                run,
                id,
                outcome: Box::new(outcome),
                now: at(t),
            },
        );
    }
    t
}

fn start(model: &mut Model, runbook: Arc<Runbook>) -> Vec<Effect> {
    update(
        model,
        Msg::StartRun {
            start: Box::new(StartRun {
                runbook,
                given: Vec::new(),
                alert: Some("HighErrorRate{service=\"payment\"}".to_string()),
            }),
            now: at(0),
        },
    )
}

fn typed_prompt() -> Model {
    let mut model = run_model();
    at_first_gate(&mut model, "prod-eu-1", 6);
    press(&mut model, "y");
    press(&mut model, "prod-e");
    model
}

#[test]
fn snapshot_run_plan_waiting_for_approval() {
    let mut model = run_model();
    at_first_gate(&mut model, "prod-eu-1", 6);
    for (w, h) in [(80, 24), (160, 45)] {
        let screen = draw(&model, w, h, 10);
        insta::assert_snapshot!(format!("run_plan_{w}x{h}"), screen);
        assert!(
            screen.contains("? Approve the plan: 1 change in order"),
            "{screen}"
        );
        assert!(
            screen.contains("1. scale deployment/payment in prod-eu-1/shop"),
            "the whole plan in the detail pane: {screen}"
        );
        assert!(screen.contains("+ replicas: 6"), "{screen}");
    }
}

#[test]
fn the_quit_question_replaces_the_prompt() {
    let mut model = run_model();
    at_first_gate(&mut model, "prod-eu-1", 6);
    model.runs.quit_question =
        Some("payment scale is verifying; quit anyway? the audit will show NO RESULT".into());
    let screen = draw(&model, 80, 24, 10);
    assert!(
        screen.contains("? Quit: payment scale is verifying; quit anyway?"),
        "{screen}"
    );
    assert!(screen.contains("y quit · n stay"), "{screen}");
    assert!(!screen.contains("Approve the plan:"), "{screen}");
}

#[test]
fn snapshot_run_typed_production_prompt() {
    let model = typed_prompt();
    for (w, h) in [(80, 24), (160, 45)] {
        let screen = draw(&model, w, h, 10);
        insta::assert_snapshot!(format!("run_typed_prompt_{w}x{h}"), screen);
        assert!(
            screen.contains("type prod-eu-1 and press Enter"),
            "{screen}"
        );
        assert!(screen.contains("- replicas: 4") && screen.contains("+ replicas: 6"));
        assert!(screen.contains("> prod-e▏"));
    }
}

fn waiting() -> Model {
    let mut model = run_model();
    let effects = start(&mut model, rollback_runbook());
    let script = Script {
        cooled: false,
        reject: false,
    };
    drive(&mut model, effects, script, 14);
    model
}

#[test]
fn snapshot_run_wait_in_progress() {
    let model = waiting();
    let run = model.runs.active.as_ref().unwrap();
    assert_eq!(run.current(), Some(2), "the wait step runs");
    for (w, h) in [(80, 24), (160, 45)] {
        let screen = draw(&model, w, h, 200);
        insta::assert_snapshot!(format!("run_wait_{w}x{h}"), screen);
        assert!(screen.contains("✓ 1. Errors are high"), "{screen}");
        assert!(screen.contains("▶ 3. Error ratio falls"), "{screen}");
    }
}

fn failed() -> Model {
    let mut model = run_model();
    let effects = start(&mut model, rollback_runbook());
    let script = Script {
        cooled: false,
        reject: true,
    };
    drive(&mut model, effects, script, 12);
    model
}

#[test]
fn snapshot_run_failed_with_recovery_choices() {
    let model = failed();
    let prompt = model.runs.active.as_ref().unwrap().prompt().unwrap();
    assert_eq!(prompt.gate, watchdeck_core::runbook::engine::Gate::Failure);
    for (w, h) in [(80, 24), (160, 45)] {
        let screen = draw(&model, w, h, 200);
        insta::assert_snapshot!(format!("run_failed_{w}x{h}"), screen);
        assert!(screen.contains("✗ 2. Roll back payment"), "{screen}");
        assert!(screen.contains("r retry"), "{screen}");
        assert!(screen.contains("s stop"), "{screen}");
    }
}

fn failover() -> (Model, i64) {
    let mut model = run_model();
    let effects = start(&mut model, failover_runbook());
    let script = Script {
        cooled: true,
        reject: false,
    };
    let t = drive(&mut model, effects, script, 40);
    (model, t)
}

#[test]
fn snapshot_run_finished_failover_with_rto_and_rpo() {
    let (model, t) = failover();
    let run = model.runs.active.as_ref().unwrap();
    assert_eq!(
        run.result(),
        Some(&watchdeck_core::runbook::engine::RunResult::Completed)
    );
    let report = run.recovery(at(t + 60));
    assert_eq!(report.data_at_risk, Some(Duration::from_secs(12)));
    for (w, h) in [(80, 24), (160, 45)] {
        let screen = draw(&model, w, h, t + 60);
        insta::assert_snapshot!(format!("run_failover_done_{w}x{h}"), screen);
        assert!(screen.contains("RTO 15m:"), "{screen}");
        assert!(screen.contains("RPO 5m: data at risk 12s"), "{screen}");
        assert!(screen.contains("✓ completed"), "{screen}");
    }
}

#[test]
fn hidden_panel_leaves_a_status_line_and_colourless_signs() {
    let mut model = typed_prompt();
    update(&mut model, watchdeck_core::fixture::key_msg(Key::Esc));
    let screen = draw(&model, 120, 40, 10);
    assert!(
        screen.contains("run scale-for-traffic-spike: step 1/2 waiting for you (W shows it)"),
        "{screen}"
    );
    // Without colour the diff still reads by its signs.
    update(&mut model, watchdeck_core::fixture::key_msg(Key::Char('W')));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| {
            view(frame, &model, &Theme::monochrome(), at(10));
        })
        .unwrap();
    let plain = format!("{}", terminal.backend());
    assert!(plain.contains("- replicas: 4") && plain.contains("+ replicas: 6"));
}
