//! The shipped stories as end-to-end tests: each is played headless (a test terminal of the
//! story's size, the fleet's virtual clock run as fast as the sources keep up) with think
//! times as written and doubled, and must close: every wait reached, every expect held.
//! Run alone with `cargo test --lib story::play_tests -- --nocapture` to see the figures.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::driver::Pace;
use super::player::{self, PlayOptions, Report};
use super::shipped;

/// Plays the story at `think_scale` and prints its figures.
async fn play(story: &super::Story, think_scale: f64) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let (width, height) = story.size;
    let terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut driver = player::start(
        story,
        Pace::test(),
        terminal,
        dir.path().join("audit.jsonl"),
    )
    .await
    .unwrap();
    let options = PlayOptions {
        think_scale,
        controls: false,
    };
    let report = player::play(story, &mut driver, options).await;
    println!("think x{think_scale} {}", report.summary());
    report
}

async fn closes(name: &str, think_scale: f64) -> Report {
    let story = shipped::load(name).unwrap();
    let report = play(&story, think_scale).await;
    if let Some(failure) = &report.failure {
        panic!("{name} did not close at think x{think_scale}: {failure}");
    }
    assert!(report.closed(), "{name}: quit before the end");
    assert!(!report.expects.is_empty(), "{name} checks nothing");
    report
}

macro_rules! story_tests {
    ($($name:literal: $as_written:ident, $doubled:ident;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $as_written() {
            closes($name, 1.0).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $doubled() {
            closes($name, 2.0).await;
        }
    )*};
}

story_tests! {
    "tour": tour_closes, tour_closes_with_think_times_doubled;
    "bad-deploy": bad_deploy_closes, bad_deploy_closes_with_think_times_doubled;
    "traffic-spike": traffic_spike_closes, traffic_spike_closes_with_think_times_doubled;
    "regional-failover": regional_failover_closes, regional_failover_closes_with_think_times_doubled;
    "bad-canary": bad_canary_closes, bad_canary_closes_with_think_times_doubled;
}

#[test]
fn every_shipped_story_has_its_tests() {
    let names = shipped::names();
    assert_eq!(
        names,
        [
            "tour",
            "bad-deploy",
            "traffic-spike",
            "regional-failover",
            "bad-canary"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_only_the_caption_shows_does_not_satisfy_an_expect() {
    let text = "name = \"caption-only\"\ndescription = \"d\"\nscenario = \"steady\"\nsize = \"100x30\"\n\n\
        [[steps]]\ncaption = \"narration-only-text\"\n\n\
        [[steps]]\nexpect = { screen = \"narration-only-text\" }\n";
    let story = super::parse(text, "caption-only.toml").unwrap();
    let report = play(&story, 1.0).await;
    let failure = report.failure.expect("the caption is not the console");
    assert_eq!(failure.line, 9, "{failure}");
}
