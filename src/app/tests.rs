//! The loop with a TestBackend and scripted terminal events: quitting, signals, and a key
//! press showing on the next frame while data floods in, at no more than 60 frames/s.

use std::collections::BTreeMap;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc as fmpsc;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use watchdeck_core::event::{Payload, PodsChange};
use watchdeck_core::fixture::{empty_model, pod};

fn key(c: char) -> std::io::Result<TermEvent> {
    Ok(TermEvent::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

type Keys = fmpsc::UnboundedSender<std::io::Result<TermEvent>>;

fn scripted() -> (
    Keys,
    mpsc::Sender<DataEvent>,
    Inputs<fmpsc::UnboundedReceiver<std::io::Result<TermEvent>>>,
) {
    let (keys, terminal) = fmpsc::unbounded();
    let (tx, data) = mpsc::channel(CHANNEL_CAPACITY);
    (
        keys,
        tx,
        Inputs {
            data,
            supervisor: None,
            executor: None,
            terminal,
        },
    )
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|cell| cell.symbol())
        .collect()
}

#[tokio::test]
async fn loop_quits_on_q_after_drawing() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut model = empty_model();
    let (keys, _tx, inputs) = scripted();
    keys.unbounded_send(key('j')).unwrap();
    keys.unbounded_send(key('q')).unwrap();
    let shutdown = std::pin::pin!(std::future::pending::<()>());
    let stats = event_loop(
        &mut terminal,
        &mut model,
        &Theme::dark(),
        inputs,
        shutdown,
        Duration::from_secs(1),
    )
    .await
    .unwrap();
    assert!(stats.frames >= 1);
    assert_eq!(stats.keys, 2);
    assert!(screen(&terminal).contains("Clusters (3)"));
}

#[tokio::test]
async fn loop_stops_on_shutdown_signal_and_closed_input() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut model = empty_model();
    let theme = Theme::dark();
    let (_keys, _tx, inputs) = scripted();
    let shutdown = std::pin::pin!(tokio::time::sleep(Duration::from_millis(50)));
    let run = event_loop(
        &mut terminal,
        &mut model,
        &theme,
        inputs,
        shutdown,
        Duration::from_millis(10),
    );
    tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .unwrap()
        .unwrap();

    let (keys, _tx, inputs) = scripted();
    drop(keys);
    let shutdown = std::pin::pin!(std::future::pending::<()>());
    let run = event_loop(
        &mut terminal,
        &mut model,
        &theme,
        inputs,
        shutdown,
        Duration::from_secs(1),
    );
    tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_press_shows_on_next_frame_during_data_flood() {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut model = empty_model();
    let (keys, tx, inputs) = scripted();
    // Flood: pod updates as fast as the bounded channel takes them, until the loop is gone.
    let flood = tokio::spawn(async move {
        let mut sent = 0u64;
        loop {
            let row = pod(
                "flood",
                &format!("pod-{}", sent % 500),
                "Running",
                1,
                1,
                (sent % 7) as u32,
            );
            let event = DataEvent {
                cluster: (sent % 3) as usize,
                at: Timestamp::now(),
                payload: Payload::Pods(PodsChange::Upsert(row)),
            };
            if tx.send(event).await.is_err() {
                return sent;
            }
            sent += 1;
        }
    });
    let script = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        keys.unbounded_send(key('?')).unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        keys.unbounded_send(key('q')).unwrap();
    });
    let started = std::time::Instant::now();
    let shutdown = std::pin::pin!(std::future::pending::<()>());
    let stats = event_loop(
        &mut terminal,
        &mut model,
        &Theme::dark(),
        inputs,
        shutdown,
        Duration::from_secs(1),
    )
    .await
    .unwrap();
    let elapsed = started.elapsed();
    script.await.unwrap();
    let sent = flood.await.unwrap();
    println!("{stats:?} sent {sent} in {elapsed:?}");
    assert!(
        stats.data_events > 1_000 && sent >= stats.data_events,
        "{stats:?} sent {sent}"
    );
    // The help overlay opened by `?` made it to the screen before `q`.
    assert!(screen(&terminal).contains("Esc closes"), "help not drawn");
    assert!(
        stats.max_key_to_frame < Duration::from_millis(200),
        "{stats:?}"
    );
    // Frames are coalesced: at most 60 per second however much data arrives.
    let max_frames = (elapsed.as_secs_f64() * 60.0).ceil() as u64 + 2;
    assert!(
        stats.frames <= max_frames,
        "{} frames in {elapsed:?}",
        stats.frames
    );
    assert!(stats.frames >= 5, "{stats:?}");
}

#[test]
fn initial_model_and_options() {
    let labels = BTreeMap::from([("env".to_string(), "prod".to_string())]);
    let kubeconfig = kube::config::Kubeconfig::default();
    let target =
        |name: &str, alertmanagers: Vec<watchdeck_core::config::EndpointConfig>| ClusterTarget {
            read_only: false,
            production: false,
            name: name.to_string(),
            labels: labels.clone(),
            kubeconfig: kubeconfig.clone(),
            context: "ctx".to_string(),
            namespaces: Vec::new(),
            alertmanagers,
            alert_filter: Vec::new(),
            prometheus: None,
        };
    let model = initial_model(&[
        target(
            "b",
            vec![
                watchdeck_io::sources::alertmanager::url_endpoint(
                    "http://am",
                    Duration::from_secs(5),
                )
                .unwrap(),
            ],
        ),
        target("a", Vec::new()),
    ]);
    let names: Vec<&str> = model.clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["b", "a"], "configuration order");
    assert_eq!(
        model.clusters[0].health(SourceKind::Alerts),
        &Health::Connecting
    );
    assert_eq!(
        model.clusters[1].health(SourceKind::Alerts),
        &Health::Disabled
    );

    let options = AppOptions::with_theme("light", None).unwrap();
    assert_eq!(options.effective_theme(None).name, "light");
    assert_eq!(
        options
            .effective_theme(Some(std::ffi::OsStr::new("1")))
            .name,
        "no-color"
    );
    let forced = AppOptions {
        no_color: true,
        ..AppOptions::default()
    };
    assert_eq!(forced.effective_theme(None), Theme::monochrome());
    assert!(AppOptions::with_theme("missing", None).is_err());
}
