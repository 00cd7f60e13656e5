//! The alerts source and silences against real protocols: the simulator's Alertmanager
//! (silence create, read back, the alert turns silenced, expire), two real Debian
//! Alertmanagers as HA replicas with one killed, and a real Prometheus scraping the
//! simulator whose alert reaches the console under the right cluster.

mod common;

use common::alertmanager::{RealAlertmanager, snapshot, target};
use common::daemon::next_event;
use common::ops as silences;
use common::prometheus::{RealPrometheus, Setup, quick_high_error_rate_rules};

use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;
use watchdeck_core::event::{DataEvent, Msg, Payload};
use watchdeck_core::model::Model;
use watchdeck_core::model::alert::AlertState;
use watchdeck_core::model::silence::SilenceStatus;
use watchdeck_core::runbook::op::DiffLine;
use watchdeck_core::runbook::resolved::Mutation;
use watchdeck_core::text::Text;
use watchdeck_io::sources::alertmanager::{
    PollConfig, poll_alerts, poll_alerts_filtered, url_spec,
};
use watchdeck_io::sources::target::ClusterTarget;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silence_created_read_back_and_expired_on_the_simulator() {
    let sim = common::start("steady", common::options(7, common::FIXED_START), None).await;
    let am = sim.endpoint("us-east-1").alertmanager.clone();
    let client = reqwest::Client::new();
    let alert = json!([{
        "labels": {"alertname": "DiskFull", "severity": "warning", "cluster": "us-east-1", "instance": "db-0"},
        "annotations": {"summary": "disk 95% full on db-0"},
    }]);
    let posted = client
        .post(format!("{am}/api/v2/alerts"))
        .json(&alert)
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_success(), "{posted:?}");
    let before = snapshot(std::slice::from_ref(&am)).await;
    let disk = before
        .alerts
        .iter()
        .find(|a| a.name.as_str() == "DiskFull")
        .expect("the posted alert");
    assert_eq!(disk.state, AlertState::Active);

    // Create through the runbook operations, as the console's silence form does.
    let ops = silences::silence_ops(
        &target("us-east-1", vec![am.clone()]),
        &sim.running.fleet.now,
    );
    let id = silences::create_silence(
        &ops,
        "us-east-1",
        vec![
            silences::matcher("alertname", "DiskFull", false),
            silences::matcher("instance", "db-.*", true),
        ],
        Duration::from_secs(7_200),
        "resizing the volume",
    )
    .await;
    let during = snapshot(std::slice::from_ref(&am)).await;
    let silence = during
        .silences
        .iter()
        .find(|s| s.id.as_str() == id)
        .expect("the created silence is listed")
        .clone();
    assert_eq!(silence.status, SilenceStatus::Active);
    let starts = silence.starts_at.expect("starts_at");
    let ends = silence.ends_at.expect("ends_at");
    assert_eq!(ends.duration_since(starts).as_secs(), 7_200);
    assert_eq!(silence.created_by.as_str(), "oncall");
    assert_eq!(silence.comment.as_str(), "resizing the volume");
    assert_eq!(
        silence.matchers,
        vec![
            Text::new(r#"alertname="DiskFull""#),
            Text::new(r#"instance=~"db-.*""#)
        ]
    );

    // The alert turns silenced, by this silence.
    let disk = during
        .alerts
        .iter()
        .find(|a| a.name.as_str() == "DiskFull")
        .unwrap();
    assert_eq!(
        disk.state,
        AlertState::Suppressed {
            silenced_by: vec![silence.id.clone()],
            inhibited_by: vec![]
        }
    );

    // The console shows why.
    let mut model = watchdeck::app::initial_model(&[target("us-east-1", vec![am.clone()])]);
    let at = jiff::Timestamp::from_millisecond(sim.running.fleet.now.get()).unwrap();
    watchdeck_core::update::update(
        &mut model,
        Msg::Data(DataEvent {
            cluster: 0,
            at,
            payload: Payload::AlertSnapshot(Box::new(during)),
        }),
    );
    let entry = watchdeck_core::model::rows::all_alerts(&model)
        .find(|e| e.alert.name.as_str() == "DiskFull")
        .unwrap();
    let reason =
        watchdeck_core::model::alert_groups::mute_reason(&model.clusters[0], &entry, at).unwrap();
    assert!(
        reason.starts_with("silenced by oncall: resizing the volume until "),
        "{reason}"
    );

    // Expire as the console's `E` does: the plan names the alert that notifies again.
    let (plan, done) = silences::expire_silence(&ops, "us-east-1", &id).await;
    assert!(
        plan.notes
            .iter()
            .any(|n| n.starts_with("DiskFull {") && n.ends_with("will notify again")),
        "{:?}",
        plan.notes
    );
    assert!(
        plan.diff
            .contains(&DiffLine::Added("status: expired".to_string())),
        "{:?}",
        plan.diff
    );
    assert!(
        done.message.ends_with("(read back: expired)"),
        "{}",
        done.message
    );
    let after = snapshot(std::slice::from_ref(&am)).await;
    let disk = after
        .alerts
        .iter()
        .find(|a| a.name.as_str() == "DiskFull")
        .unwrap();
    assert_eq!(disk.state, AlertState::Active);
    // Expiring it again is nothing to do.
    let mutation = Mutation::ExpireSilence {
        cluster: "us-east-1".into(),
        id: id.clone(),
    };
    let again = silences::plan(&ops, &mutation).await.expect("plan");
    assert!(again.nothing_to_do(), "{:?}", again.diff);

    // An unknown silence is refused at the plan, naming the replica and the answer.
    let unknown = Mutation::ExpireSilence {
        cluster: "us-east-1".into(),
        id: "00000000-0000-0000-0000-000000000000".into(),
    };
    let reason = silences::plan(&ops, &unknown).await.unwrap_err().message;
    assert!(
        reason.starts_with("silence 00000000-0000-0000-0000-000000000000: no Alertmanager replica of us-east-1 answered: http://127.0.0.1:")
            && reason.contains("404"),
        "{reason}"
    );
}

fn quick() -> PollConfig {
    PollConfig {
        every: Duration::from_millis(200),
        timeout: Duration::from_secs(2),
        max_backoff: Duration::from_secs(1),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_real_alertmanager_replica_down_while_the_other_still_shows_alerts() {
    watchdeck_io::install_tls_provider();
    let dir = tempfile::tempdir().unwrap();
    let mut first = RealAlertmanager::start(dir.path(), "am-a").await;
    let second = RealAlertmanager::start(dir.path(), "am-b").await;
    let (a, b) = (first.url.clone(), second.url.clone());
    let client = reqwest::Client::new();
    let alert = json!([{
        "labels": {"alertname": "HighErrorRate", "severity": "critical", "cluster": "us-east-1", "service": "payment"},
        "annotations": {"summary": "5xx ratio 8%", "runbook_url": "https://runbooks/high-error-rate"},
    }]);
    for url in [&a, &b] {
        let posted = client
            .post(format!("{url}/api/v2/alerts"))
            .json(&alert)
            .send()
            .await
            .unwrap();
        assert!(posted.status().is_success());
    }

    let (tx, mut rx) = mpsc::channel(16);
    let urls = vec![a.clone(), b.clone()];
    let poller = tokio::spawn(poll_alerts(0, urls.clone(), quick(), tx));
    let mut model: Model = watchdeck::app::initial_model(&[target("us-east-1", urls)]);
    // Both up: one alert (the same fingerprint on both replicas), two healthy replicas.
    let event = next_event(&mut rx).await;
    watchdeck_core::update::update(&mut model, Msg::Data(event));
    assert_eq!(
        model.clusters[0].alerts.len(),
        1,
        "{:?}",
        model.clusters[0].alerts
    );
    assert_eq!(
        model.clusters[0].alerts[0].runbook.as_str(),
        "https://runbooks/high-error-rate"
    );
    assert!(model.clusters[0].replicas.iter().all(|r| r.health.is_ok()));

    first.kill().await;
    // Within a few polls the first replica is down while its alert still shows from b.
    let mut down_seen = false;
    for _ in 0..50 {
        let event = next_event(&mut rx).await;
        watchdeck_core::update::update(&mut model, Msg::Data(event));
        let cluster = &model.clusters[0];
        if cluster.replicas.first().is_some_and(|r| !r.health.is_ok()) {
            assert_eq!(cluster.alerts.len(), 1);
            assert_eq!(cluster.alerts[0].name.as_str(), "HighErrorRate");
            assert!(
                cluster
                    .health(watchdeck_core::model::health::SourceKind::Alerts)
                    .is_ok()
            );
            assert!(cluster.replicas[1].health.is_ok());
            let reason = cluster.replicas[0]
                .health
                .reason()
                .map(Text::as_str)
                .unwrap_or("");
            assert_eq!(reason, "connection refused");
            down_seen = true;
            break;
        }
    }
    assert!(down_seen, "replica a never reported down");
    poller.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_shows_the_alert_real_prometheus_fired_with_the_right_cluster() {
    watchdeck_io::install_tls_provider();
    let now = jiff::Timestamp::now().as_millisecond();
    let mut options = common::options(3, now);
    options.sample_every_ms = 1_000;
    // Virtual time at 5x so the rollout completes in seconds.
    let sim = common::start(common::BAD_DEPLOY_NOW, options, Some(5.0)).await;
    let am = RealAlertmanager::start(sim.dir.path(), "am").await;
    let am_url = am.url.clone();
    let prometheus = RealPrometheus::start_with(
        &sim,
        Setup {
            rules: quick_high_error_rate_rules(),
            alertmanagers: vec![am.host_port().to_string()],
            ..Setup::default()
        },
    )
    .await;
    let prom_port = prometheus.url.rsplit(':').next().unwrap().to_string();

    // The console: three clusters sharing the one Alertmanager, each filtering its own
    // alerts by the `cluster` label (the config's `filter`).
    let names = ["us-east-1", "eu-west-1", "ap-southeast-1"];
    let (tx, mut rx) = mpsc::channel(64);
    let mut pollers = Vec::new();
    for (i, name) in names.iter().enumerate() {
        pollers.push(tokio::spawn(poll_alerts_filtered(
            i,
            vec![url_spec(&am_url, quick().timeout).unwrap()],
            vec![format!("cluster=\"{name}\"")],
            PollConfig {
                every: Duration::from_secs(1),
                ..quick()
            },
            tx.clone(),
        )));
    }
    let targets: Vec<ClusterTarget> = names
        .iter()
        .map(|n| target(n, vec![am_url.clone()]))
        .collect();
    let mut model = watchdeck::app::initial_model(&targets);
    let mut found = None;
    for _ in 0..600 {
        let event = next_event(&mut rx).await;
        watchdeck_core::update::update(&mut model, Msg::Data(event));
        let rows = watchdeck_core::model::rows::merged_alerts(&model);
        if let Some(row) = rows.iter().find(|r| {
            r.alert.name.as_str() == "HighErrorRate"
                && r.alert.label("service").map(Text::as_str) == Some("payment")
        }) {
            found = Some((row.cluster_name.to_string(), row.alert.clone()));
            break;
        }
    }
    let (cluster, alert) = found.unwrap_or_else(|| {
        panic!(
            "HighErrorRate never reached the console; prometheus log:\n{}",
            prometheus.log_text()
        )
    });
    assert_eq!(cluster, "us-east-1");
    assert_eq!(alert.label("cluster").map(Text::as_str), Some("us-east-1"));
    assert_eq!(alert.severity.label(), "critical");
    assert!(alert.summary.as_str().contains("payment"), "{alert:?}");
    assert!(
        alert.generator_url.as_str().contains(&prom_port),
        "{alert:?}"
    );
    // No other cluster shows it.
    assert!(
        watchdeck_core::model::rows::merged_alerts(&model)
            .iter()
            .filter(|r| r.alert.name.as_str() == "HighErrorRate")
            .all(|r| r.cluster_name.as_str() == "us-east-1")
    );
    for poller in pollers {
        poller.abort();
    }
}
