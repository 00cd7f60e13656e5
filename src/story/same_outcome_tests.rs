//! The console and the headless `watchdeck run` reach the same outcome for the same runbook:
//! rollback-bad-deploy for payment in us-east-1, once started from the console's palette and
//! answered at its prompts, once with `watchdeck run --yes --confirm`, each on its own copy
//! of the same fleet. Both complete, both fleets end on v1.4.1, both audit files hold one
//! successful rollback.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::Api;
use kube::config::{KubeConfigOptions, Kubeconfig};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::driver::{Driver, FleetSpec, Pace, Until, serve_fleet};
use watchdeck_core::action::Key;
use watchdeck_core::runbook::audit::{AuditPhase, AuditRecord};
use watchdeck_core::runbook::engine::{Expect, RunResult};
use watchdeck_io::audit::{AuditLine, read_all};
use watchdeck_sim::server;

/// The typed confirmation of a production cluster: its name, in the console and as `--confirm`.
const TARGET: &str = "us-east-1";

fn spec() -> FleetSpec {
    let mut spec = FleetSpec::new("bad-deploy", 42, 10 * 60_000);
    spec.production = Some(vec!["us-east-1".to_string()]);
    spec
}

/// payment's image in us-east-1, read with a client of its own.
async fn payment_image(running: &server::Running) -> String {
    let kubeconfig: Kubeconfig =
        serde_json::from_value(server::kubeconfig(&running.endpoints)).unwrap();
    let options = KubeConfigOptions {
        context: Some("us-east-1".to_string()),
        ..KubeConfigOptions::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .unwrap();
    let client = kube::Client::try_from(config).unwrap();
    let deployment = Api::<Deployment>::namespaced(client, "shop")
        .get("payment")
        .await
        .unwrap();
    let pod = deployment.spec.unwrap().template.spec.unwrap();
    pod.containers[0].image.clone().unwrap_or_default()
}

/// The executed action's records: (phase, result) of the rollback.
fn rollback_records(path: &std::path::Path) -> Vec<(AuditPhase, String, String)> {
    read_all(path)
        .unwrap()
        .into_iter()
        .map(|line| match line {
            AuditLine::Record(record) => *record,
            AuditLine::Damaged { line, reason } => panic!("audit line {line}: {reason}"),
        })
        .filter(|r: &AuditRecord| r.phase != AuditPhase::Refused)
        .map(|r| (r.phase, r.object.clone(), r.result.clone()))
        .collect()
}

/// The console: `:run rollback-bad-deploy ...`, Enter, then every question answered as a
/// person would (yes, or the target typed) while time runs, until the run ends.
async fn in_the_console(
    dir: &std::path::Path,
) -> (RunResult, String, Vec<(AuditPhase, String, String)>) {
    let audit = dir.join("console-audit.jsonl");
    let terminal = Terminal::new(TestBackend::new(160, 45)).unwrap();
    let mut driver = Driver::start(&spec(), Pace::test(), terminal, audit.clone())
        .await
        .unwrap();
    driver.time_runs = true;
    driver.press(Key::Char(':'));
    for c in "run rollback-bad-deploy cluster=us-east-1 deployment=payment".chars() {
        driver.press(Key::Char(c));
    }
    driver.press(Key::Enter);
    if driver.model.runs.active.is_none() {
        driver.press(Key::Enter);
    }
    assert!(
        driver.model.runs.active.is_some(),
        "no run started\n{}",
        driver.screen()
    );
    loop {
        let asks_or_ends = |d: &mut Driver<TestBackend>| {
            super::condition::asking(&d.model).is_some()
                || d.model
                    .runs
                    .active
                    .as_ref()
                    .and_then(|r| r.result())
                    .is_some()
        };
        let until = driver.run_for(20 * 60_000, Some(&asks_or_ends)).await;
        assert_eq!(
            until,
            Until::Done,
            "the run neither asked nor ended\n{}",
            driver.screen()
        );
        let run = driver.model.runs.active.as_ref().unwrap();
        if let Some(result) = run.result() {
            let result = result.clone();
            let image = payment_image(&driver.running).await;
            return (result, image, rollback_records(&audit));
        }
        match run.prompt().map(|p| p.expect.clone()) {
            Some(Expect::YesNo) => {
                driver.press(Key::Char('y'));
            }
            Some(Expect::Typed(text)) => {
                assert_eq!(text, TARGET, "{}", driver.screen());
                for c in text.chars() {
                    driver.press(Key::Char(c));
                }
                driver.press(Key::Enter);
            }
            other => panic!("unexpected question {other:?}\n{}", driver.screen()),
        }
    }
}

/// `watchdeck run` on its own copy of the fleet (stepped in the background at about the
/// console's pace), through a config file naming the fleet's clusters.
async fn headless(dir: &std::path::Path) -> (u8, String, Vec<(AuditPhase, String, String)>) {
    let (running, _) = serve_fleet(&spec()).await.unwrap();
    let kubeconfig = dir.join("kubeconfig");
    server::write_kubeconfig(&kubeconfig, &running.endpoints).unwrap();
    let mut text = String::new();
    for e in &running.endpoints {
        let env = if e.name == "us-east-1" {
            "prod"
        } else {
            "staging"
        };
        text.push_str(&format!(
            "[[clusters]]\nname = \"{name}\"\ncontext = \"{name}\"\nkubeconfig = \"{kubeconfig}\"\nlabels = {{ env = \"{env}\" }}\n[clusters.prometheus]\nurl = \"{prometheus}\"\n[[clusters.alertmanagers]]\nurl = \"{alertmanager}\"\n",
            name = e.name,
            kubeconfig = kubeconfig.display(),
            prometheus = e.prometheus,
            alertmanager = e.alertmanager,
        ));
    }
    let config = dir.join("config.toml");
    std::fs::write(&config, text).unwrap();
    let fleet = Arc::clone(&running.fleet);
    let clock = tokio::spawn(async move {
        loop {
            let fleet = Arc::clone(&fleet);
            let _ = tokio::task::spawn_blocking(move || fleet.advance_to(fleet.now.get() + 1_000))
                .await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let audit = dir.join("headless-audit.jsonl");
    let args = crate::cli::RunArgs {
        runbook: Some("rollback-bad-deploy".to_string()),
        params: vec![
            "cluster=us-east-1".to_string(),
            "deployment=payment".to_string(),
        ],
        dry_run: false,
        yes: true,
        confirms: vec![TARGET.to_string()],
        accept_data_loss: None,
        alert: None,
        audit_file: Some(audit.clone()),
        list: false,
        scenario: "bad-deploy".to_string(),
        seed: 42,
        at: Duration::ZERO,
        speed: 1.0,
    };
    let code = crate::run::run(Some(config), args).await;
    clock.abort();
    let image = payment_image(&running).await;
    (code, image, rollback_records(&audit))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_and_watchdeck_run_roll_back_to_the_same_image() {
    watchdeck_io::install_tls_provider();
    let dir = tempfile::tempdir().unwrap();
    let (result, console_image, console_audit) = in_the_console(dir.path()).await;
    let (code, headless_image, headless_audit) = headless(dir.path()).await;
    assert_eq!(result, RunResult::Completed);
    assert_eq!(code, 0, "watchdeck run completed");
    assert!(console_image.ends_with(":v1.4.1"), "{console_image}");
    assert_eq!(console_image, headless_image);
    let rollback = |records: &[(AuditPhase, String, String)]| {
        records
            .iter()
            .filter(|(_, object, _)| object == "deployment/payment")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(rollback(&console_audit), rollback(&headless_audit));
    assert_eq!(
        rollback(&console_audit),
        [
            (
                AuditPhase::Attempt,
                "deployment/payment".to_string(),
                "started".to_string()
            ),
            (
                AuditPhase::Result,
                "deployment/payment".to_string(),
                "ok".to_string()
            ),
        ]
    );
}
