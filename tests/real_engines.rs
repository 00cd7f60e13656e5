//! The console past one machine, on real engines (issue 14, item 4): Debian's
//! VictoriaMetrics as the fleet-wide store, fed by each cluster's own Debian Prometheus
//! (remote write, the cluster as an external label), must give the console the same RED
//! figures and SLO readings through `[global_prometheus]` as the per-cluster Prometheus
//! endpoints do; and two Debian Alertmanagers gossiping as one HA pair, fed by one
//! Prometheus, must show each alert once, spread a silence made through the console's own
//! silence code (shown as propagating until it has), and keep the alerts listed with one
//! replica killed.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::alertmanager::{RealAlertmanager, snapshot, target};
use common::prometheus::{RealPrometheus, Setup, quick_high_error_rate_rules};
use common::victoria::VictoriaMetrics;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;
use tokio::time::Instant;
use watchdeck::console::prometheus_target;
use watchdeck_core::config::Config;
use watchdeck_core::event::{DataEvent, Msg, Payload};
use watchdeck_core::model::Model;
use watchdeck_core::model::alert_groups::mute_reason;
use watchdeck_core::model::rows::all_alerts;
use watchdeck_core::model::services::HISTORY_POINTS;
use watchdeck_core::model::silence::AlertSnapshot;
use watchdeck_core::screen::View;
use watchdeck_core::slo::{SloReading, SloSpec, WindowRatio, evaluate};
use watchdeck_core::text::Text;
use watchdeck_io::sources::endpoint::EndpointSpec;
use watchdeck_io::sources::prometheus::assemble::{ByService, error_ratio, rows};
use watchdeck_io::sources::prometheus::poll::{HISTORY_STEP, Rejected, red_answers};
use watchdeck_io::sources::prometheus::query::Red;
use watchdeck_io::sources::prometheus::slo::{SloFetcher, SloTarget};
use watchdeck_io::sources::prometheus::{PromClient, PromTarget};
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::slos::scenario_slos;
use watchdeck_sim::world::catalog::{LATENCY_BUCKETS, SERVICES};

/// payment's current version (v1.4.1) answers 8% of requests with HTTP 500 from before the
/// fleet's warm-up: no rollout during the test, so every cluster's series are the same from
/// the first scrape to the last and payment's errors are well above zero everywhere.
const PAYMENT_FAILING: &str = r#"
name = "payment-failing"
description = "payment v1.4.1 answers 8% of requests with HTTP 500 in every cluster"

[[versions]]
service = "payment"
version = "v1.4.1"
error_ratio = 0.08
latency_ms = 95.0
"#;

const CLUSTERS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-1"];

/// The RED rate window of both configurations (`[metrics] window`): one minute, so that a
/// window holds only samples both engines store after about a minute of scraping.
const WINDOW_SECS: f64 = 60.0;

/// How far the console's RED figures from VictoriaMetrics may be from those from each
/// cluster's Prometheus, relative (plus [`rate_slack`] for rates, and the same latency bucket
/// for quantiles). Both engines hold the same samples (the ones each Prometheus scraped and
/// remote-wrote) but their `rate()` spans differ (README, "known difference"): Prometheus
/// takes the samples inside the window and extrapolates their slope to its edges; MetricsQL
/// (VictoriaMetrics 1.79) starts from the last sample before the window and does not
/// extrapolate, so its span is one scrape interval longer. If a counter rises by `d` in that
/// interval against an average of `rate x 1 s`, the two rates differ by
/// `|rate x 1 s - d| / 60 s`. The simulator counts in 1 s ticks and is scraped every 1 s, so
/// `d` is usually one tick's worth and, when a scrape slips against the ticks, none or two:
/// at worst one tick's worth, 1 s / 60 s = 1.7% of the rate. Twice that, 3.3%, allows for
/// it with room (up to 0.3% seen for rates, 0.6% for p95, 0.16% for saturation) and still tells
/// apart figures of another service, cluster or time.
const TOLERANCE: f64 = 2.0 / WINDOW_SECS;

/// Most pods a service runs in the simulated fleet (the catalog's replicas).
fn max_pods() -> f64 {
    SERVICES
        .iter()
        .map(|s| f64::from(s.replicas))
        .fold(0.0, f64::max)
}

/// Rates also pass within this many per second: the counters are whole requests (floored
/// per pod), so a sparse series (a few errors a minute) rises by 0 or 1 per pod in the extra
/// interval whatever its rate; one request per pod (up to four), twice for room, over the
/// window (2/60 per second seen). Error ratios get this over the service's request rate.
fn rate_slack() -> f64 {
    2.0 * max_pods() / WINDOW_SECS
}

/// SLO readings, relative. Every SLO window (5 minutes and up) is longer than the ~100 s of
/// samples stored, so both engines take the same span (first to last sample) and their
/// ratios agree to rounding (1e-14 seen); the one possible difference is Prometheus
/// extrapolating a counter that starts at 0 by less than the others (half a scrape
/// interval, 0.5 s of ~100 s): 1%.
const SLO_TOLERANCE: f64 = 0.01;

/// Whether two quantiles lie in the same latency bucket: no bucket bound between them,
/// counting the lower one as at a bound when it is within [`TOLERANCE`] below it (a quantile
/// at a bound is the top of one bucket and the bottom of the next). A histogram quantile is
/// interpolated inside its bucket; where a bucket holds a few requests a minute (the
/// slowest services' tails), one request more or less moves p99 across much of the bucket
/// (up to 13% seen), and near a bound one engine's rank can land at the top of the dense
/// bucket below it (0.49999 seen) while the other's lands just inside the sparse one above
/// it (0.5527), so quantiles pass in the same bucket too.
fn same_bucket(a: f64, b: f64) -> bool {
    let (low, high) = (a.min(b), a.max(b));
    !LATENCY_BUCKETS
        .iter()
        .any(|bound| low * (1.0 + TOLERANCE) < *bound && *bound < high)
}

/// Within `relative` of each other, or `slack` apart.
fn close(a: f64, b: f64, relative: f64, slack: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()) + slack + 1e-12
}
/// The console's configuration, as a user writes it: each cluster's own Prometheus, or one
/// `[global_prometheus]` selecting each cluster by its `cluster` label.
fn config(
    kubeconfig: &std::path::Path,
    own: Option<&BTreeMap<&str, String>>,
    global: &str,
) -> Config {
    let mut text = String::new();
    if own.is_none() {
        text.push_str(&format!(
            "[global_prometheus]\nurl = \"{global}\"\ncluster_label = \"cluster\"\n\n"
        ));
    }
    text.push_str("[metrics]\nwindow = \"1m\"\n\n");
    for name in CLUSTERS {
        text.push_str(&format!(
            "[[clusters]]\nname = \"{name}\"\nkubeconfig = \"{}\"\n",
            kubeconfig.display()
        ));
        if let Some(own) = own {
            text.push_str(&format!("[clusters.prometheus]\nurl = \"{}\"\n", own[name]));
        }
        text.push('\n');
    }
    Config::from_toml_str(&text, "watchdeck.toml")
        .unwrap_or_else(|e| panic!("config:\n{text}\n{e}"))
}

fn targets(config: &Config) -> Vec<(String, PromTarget)> {
    config
        .clusters
        .iter()
        .map(|c| {
            let target = prometheus_target(config, c).expect("a metrics target");
            (c.name.clone(), target)
        })
        .collect()
}

/// What the console reads for one cluster at `time`: the RED answers over its sparkline
/// range ending at `time` (the poll's queries, by the poll's code) and the SLO readings.
struct Figures {
    red: BTreeMap<Red, ByService>,
    slos: Vec<(usize, SloReading)>,
}

async fn figures(
    target: &PromTarget,
    url: &str,
    specs: &[SloSpec],
    cluster: &str,
    time: f64,
) -> Figures {
    let spec = EndpointSpec {
        config: target.endpoint.clone(),
        kube: None,
    };
    let client = PromClient::connect(&spec).await.expect("client");
    // The range `poll_once` asks, ending at `time` instead of the server's now.
    let start = time - (HISTORY_STEP * (HISTORY_POINTS as u64 - 1)) as f64;
    let answers = red_answers(
        &client,
        target,
        &target.matchers(),
        (start, time, HISTORY_STEP),
        &mut Rejected::new(),
        &Red::ALL,
    )
    .await
    .expect("RED answers");
    assert!(
        answers.errors.is_empty() && answers.warnings.is_empty(),
        "{cluster}: {answers:?}"
    );
    let slo_target = SloTarget::for_cluster(specs, cluster, target.matchers(), target.every)
        .expect("SLOs apply");
    let mut fetcher = SloFetcher::new(slo_target, url.to_string(), Duration::from_secs(20));
    let refresh = fetcher.refresh(&client, Some(time)).await;
    assert!(refresh.failure.is_none(), "{cluster}: {refresh:?}");
    Figures {
        red: answers.answers,
        slos: refresh.readings,
    }
}

fn label(series: &Value, name: &str) -> Option<String> {
    series[name].as_str().map(str::to_string)
}

fn now_secs() -> f64 {
    jiff::Timestamp::now().as_millisecond() as f64 / 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn victoria_metrics_fed_by_each_clusters_prometheus_gives_the_same_red_and_slos() {
    let mut options = common::options(41, jiff::Timestamp::now().as_millisecond());
    options.sample_every_ms = 1_000;
    let sim = common::start(PAYMENT_FAILING, options, Some(1.0)).await;
    let vm = VictoriaMetrics::start(sim.dir.path()).await;
    let mut prometheus = BTreeMap::new();
    for name in CLUSTERS {
        let endpoint = sim.endpoint(name).prometheus.clone();
        let setup = Setup {
            name: format!("prometheus-{name}"),
            targets: vec![
                endpoint
                    .trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_string(),
            ],
            cluster: Some(name.to_string()),
            remote_write: Some(vm.write_url()),
            ..Setup::default()
        };
        prometheus.insert(name, RealPrometheus::start_with(&sim, setup).await);
    }
    let all_up = now_secs();
    let logs = |prometheus: &BTreeMap<&str, RealPrometheus>| {
        let mut text = format!("victoria-metrics log:\n{}", vm.log_text());
        for (name, p) in prometheus {
            text.push_str(&format!("\nprometheus of {name} log:\n{}", p.log_text()));
        }
        text
    };

    // Two sparkline points whose windows hold only scraped samples: the last at `time`, the
    // one before 30 s earlier, its window starting 10 s after every Prometheus was up.
    let time = (all_up + WINDOW_SECS + 40.0).ceil();
    let covered_from = time - HISTORY_STEP as f64;
    tokio::time::sleep(Duration::from_secs_f64((time + 2.0 - now_secs()).max(0.0))).await;

    // VictoriaMetrics has ingested when it counts as many samples in the last two minutes
    // up to `time` as each Prometheus does.
    let ingest_started = Instant::now();
    let deadline = ingest_started + Duration::from_secs(60);
    for name in CLUSTERS {
        let prom = &prometheus[name];
        for metric in [
            "http_requests_total",
            "http_request_duration_seconds_bucket",
        ] {
            let theirs = prom
                .value(&format!("sum(count_over_time({metric}[2m]))"), time)
                .await
                .expect("samples in Prometheus");
            loop {
                let stored = vm
                    .query(
                        &format!("sum(count_over_time({metric}{{cluster=\"{name}\"}}[2m]))"),
                        time,
                    )
                    .await;
                if stored.first().map(|(_, v)| *v) == Some(theirs) {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "{name} {metric}: VictoriaMetrics holds {stored:?} samples, Prometheus {theirs}\n{}",
                    logs(&prometheus)
                );
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }
    eprintln!(
        "VictoriaMetrics had every sample up to the evaluation time {:.1} s after it",
        ingest_started.elapsed().as_secs_f64() + 2.0
    );

    // The series in VictoriaMetrics carry the cluster the Prometheus that sent them named;
    // each Prometheus's own series carry none (it dropped the simulator's label).
    let clusters: Vec<Option<String>> = vm
        .query("count by (cluster) (http_requests_total)", time)
        .await
        .iter()
        .map(|(labels, _)| label(labels, "cluster"))
        .collect();
    let mut expected: Vec<Option<String>> = CLUSTERS.iter().map(|c| Some(c.to_string())).collect();
    expected.sort();
    let mut sorted = clusters.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    for name in CLUSTERS {
        let own = prometheus[name]
            .query("count by (cluster) (http_requests_total)", time)
            .await;
        assert_eq!(own.len(), 1, "{own:?}");
        assert_eq!(label(&own[0].0, "cluster"), None, "{own:?}");
        // The same payment 5xx counters, read back from the shared store.
        let query = "sum(http_requests_total{service=\"payment\",status=\"500\"})";
        let theirs = prometheus[name]
            .value(query, time)
            .await
            .expect("payment 5xx");
        let stored = vm
            .query(
                &format!(
                    "sum(http_requests_total{{service=\"payment\",status=\"500\",cluster=\"{name}\"}})"
                ),
                time,
            )
            .await;
        assert_eq!(stored.first().map(|(_, v)| *v), Some(theirs), "{name}");
    }

    // The console, configured both ways.
    let own: BTreeMap<&str, String> = prometheus
        .iter()
        .map(|(n, p)| (*n, p.url.clone()))
        .collect();
    let per_cluster = targets(&config(&sim.kubeconfig, Some(&own), &vm.url));
    let shared = targets(&config(&sim.kubeconfig, None, &vm.url));
    for (_, target) in &shared {
        assert_eq!(target.matchers().len(), 1, "a cluster selector");
    }
    let scenario = Scenario::parse(PAYMENT_FAILING, "test scenario").expect("scenario");
    let specs = scenario_slos(&scenario);

    let mut compared = 0usize;
    let mut worst: BTreeMap<&str, (f64, f64, String)> = BTreeMap::new();
    let mut apart = Vec::new();
    let mut note = |kind: &'static str, what: String, a: f64, b: f64, slack: f64| {
        let quantile = kind == "p95" || kind == "p99";
        let relative = if kind.starts_with("SLO") {
            SLO_TOLERANCE
        } else {
            TOLERANCE
        };
        if !(close(a, b, relative, slack) || quantile && same_bucket(a, b)) {
            apart.push(format!("{what}: Prometheus {a}, VictoriaMetrics {b}"));
        }
        let relative = (a - b).abs() / a.abs().max(b.abs()).max(1e-300);
        let entry = worst.entry(kind).or_insert((0.0, 0.0, String::new()));
        if relative > entry.0 {
            *entry = (relative, (a - b).abs(), what);
        }
        compared += 1;
    };
    for ((name, by_prom), (shared_name, by_vm)) in per_cluster.iter().zip(&shared) {
        assert_eq!(name, shared_name);
        let ours = figures(by_prom, &own[name.as_str()], &specs, name, time).await;
        let theirs = figures(by_vm, &vm.url, &specs, name, time).await;

        // RED: every query's services, and their points whose window holds only scraped
        // samples, at the same timestamps.
        for red in Red::ALL {
            let (a, b) = (&ours.red[&red], &theirs.red[&red]);
            assert_eq!(
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                "{name} {}: services",
                red.label()
            );
            for (service, points) in a {
                let covered: Vec<&(f64, f64)> =
                    points.iter().filter(|(t, _)| *t >= covered_from).collect();
                assert_eq!(
                    covered.len(),
                    2,
                    "{name} {service} {}: {points:?}",
                    red.label()
                );
                for (t, v) in covered {
                    let other = b[service]
                        .iter()
                        .find(|(bt, _)| bt == t)
                        .unwrap_or_else(|| {
                            panic!("{name} {service} {} at {t}: {:?}", red.label(), b[service])
                        });
                    let slack = match red {
                        Red::Requests | Red::Errors => rate_slack(),
                        _ => 0.0,
                    };
                    note(
                        red.label(),
                        format!("{name} {service} {} at {t}", red.label()),
                        *v,
                        other.1,
                        slack,
                    );
                }
            }
        }
        // The rows the Services screen shows: current rate, error ratio, p95, p99, saturation.
        let (rows_a, rows_b) = (rows(&ours.red), rows(&theirs.red));
        assert_eq!(rows_a.len(), rows_b.len());
        for (a, b) in rows_a.iter().zip(&rows_b) {
            assert_eq!(a.name, b.name);
            let rate = a.rate.expect("rate").0;
            for (what, x, y, slack) in [
                ("rate", a.rate, b.rate, rate_slack()),
                (
                    "error ratio",
                    a.error_ratio,
                    b.error_ratio,
                    rate_slack() / rate,
                ),
                ("p95", a.p95, b.p95, 0.0),
                ("p99", a.p99, b.p99, 0.0),
                ("saturation", a.saturation, b.saturation, 0.0),
            ] {
                let (x, y) = (x.expect(what).0, y.expect(what).0);
                note(what, format!("{name} {} {what} now", a.name), x, y, slack);
            }
            let requests = &ours.red[&Red::Requests][a.name.as_str()];
            for (t, v) in error_ratio(&ours.red, a.name.as_str()).unwrap_or_default() {
                if t >= covered_from {
                    let other = error_ratio(&theirs.red, a.name.as_str())
                        .unwrap_or_default()
                        .into_iter()
                        .find(|(bt, _)| *bt == t)
                        .expect("the same point");
                    let rate = requests
                        .iter()
                        .find(|(rt, _)| *rt == t)
                        .expect("requests")
                        .1;
                    note(
                        "error ratio",
                        format!("{name} {} error ratio at {t}", a.name),
                        v,
                        other.1,
                        rate_slack() / rate,
                    );
                }
            }
        }
        let payment = rows_b
            .iter()
            .find(|r| r.name.as_str() == "payment")
            .expect("payment");
        let ratio = payment.error_ratio.expect("payment's errors").0;
        assert!(
            (0.06..0.10).contains(&ratio),
            "{name} payment error ratio {ratio}"
        );

        // SLO readings: the same SLOs, the same evaluation time, every window's error ratio.
        assert_eq!(ours.slos.len(), theirs.slos.len());
        for ((id, a), (other_id, b)) in ours.slos.iter().zip(&theirs.slos) {
            assert_eq!(id, other_id);
            let spec = &specs[*id];
            let slo = format!("{name} SLO {}", spec.name);
            assert!(
                a.problem.is_none() && b.problem.is_none(),
                "{slo}: {a:?} {b:?}"
            );
            assert!(a.warnings.is_empty() && b.warnings.is_empty(), "{slo}");
            assert_eq!(a.at, b.at, "{slo}");
            assert_eq!(
                a.windows.keys().collect::<Vec<_>>(),
                b.windows.keys().collect::<Vec<_>>(),
                "{slo}"
            );
            // Every window and the period, each with its length in seconds.
            let mut spans: Vec<(u64, &WindowRatio, &WindowRatio)> = a
                .windows
                .iter()
                .map(|(w, x)| (*w, x, &b.windows[w]))
                .collect();
            spans.push((spec.period.secs(), &a.period, &b.period));
            let mut longer = Vec::new();
            for (w, x, y) in spans {
                match (x.ratio, y.ratio) {
                    (Some(x), Some(y)) => {
                        note("SLO ratio", format!("{slo} ratio {w} s"), x.0, y.0, 0.0)
                    }
                    (x, y) => assert_eq!(x, y, "{slo} ratio {w} s"),
                }
                // Every SLO window is longer than the samples stored (about 100 s): the
                // known difference in events (README): Prometheus's are the events stored,
                // the same for every such window; VictoriaMetrics's are the stored events'
                // rate times the window.
                let events = |r: &WindowRatio| {
                    r.events
                        .unwrap_or_else(|| panic!("{slo} {w} s: no events"))
                        .0
                };
                longer.push((w as f64, events(x), events(y)));
            }
            let (w0, prom0, vm0) = longer[0];
            for &(w, prom, vm) in &longer {
                assert!(
                    (prom - prom0).abs() <= 1e-9 * prom0.abs() + 1e-12,
                    "{slo} {w} s events {prom} vs {prom0}"
                );
                assert!(
                    (vm / w - vm0 / w0).abs() <= 1e-9 * (vm0 / w0).abs() + 1e-12,
                    "{slo} {w} s events {vm}"
                );
                assert!(vm > prom, "{slo} {w} s: {vm} not above {prom}");
            }
            let (ea, eb) = (evaluate(spec, a), evaluate(spec, b));
            assert_eq!(ea.paging(), eb.paging(), "{slo}");
            for (w, burn) in &ea.burn {
                note(
                    "SLO burn",
                    format!("{slo} burn {w} s"),
                    burn.0,
                    eb.burn[w].0,
                    0.0,
                );
            }
            if let (Some(x), Some(y)) = (ea.budget_remaining, eb.budget_remaining) {
                note(
                    "SLO budget",
                    format!("{slo} budget remaining"),
                    x.0,
                    y.0,
                    0.0,
                );
            }
        }
    }
    assert!(
        apart.is_empty(),
        "{} figures apart by more than the tolerance:\n{}",
        apart.len(),
        apart.join("\n")
    );
    eprintln!("compared {compared} figures; the largest differences:");
    for (kind, (relative, absolute, what)) in &worst {
        eprintln!("  {kind}: {relative:.6} relative, {absolute:.3e} absolute ({what})");
    }
    assert!(compared > 100, "{compared} figures compared");
}

/// The Alerts screen for `model`, as text.
fn screen(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(160, 30)).expect("terminal");
    let now = jiff::Timestamp::now();
    terminal
        .draw(|frame| {
            watchdeck_ui::view(frame, model, &watchdeck_ui::theme::Theme::dark(), now);
        })
        .expect("drawn");
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

fn apply(model: &mut Model, snapshot: AlertSnapshot) {
    watchdeck_core::update::update(
        model,
        Msg::Data(DataEvent {
            cluster: 0,
            at: jiff::Timestamp::now(),
            payload: Payload::AlertSnapshot(Box::new(snapshot)),
        }),
    );
}

fn payment_errors(snapshot: &AlertSnapshot) -> Vec<String> {
    snapshot
        .alerts
        .iter()
        .filter(|a| {
            a.name.as_str() == "HighErrorRate"
                && a.label("service").map(Text::as_str) == Some("payment")
        })
        .map(|a| a.label("cluster").map(Text::to_string).unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gossiping_alertmanagers_show_each_alert_once_spread_a_silence_and_lose_one() {
    let mut options = common::options(42, jiff::Timestamp::now().as_millisecond());
    options.sample_every_ms = 1_000;
    let sim = common::start(PAYMENT_FAILING, options, Some(1.0)).await;
    let [am1, mut am2] = RealAlertmanager::start_pair(sim.dir.path(), "am").await;
    let prometheus = RealPrometheus::start_with(
        &sim,
        Setup {
            rules: quick_high_error_rate_rules(),
            alertmanagers: vec![am1.host_port().to_string(), am2.host_port().to_string()],
            ..Setup::default()
        },
    )
    .await;
    let logs = |am2: &RealAlertmanager| {
        format!(
            "alertmanager 1 log:\n{}\nalertmanager 2 log:\n{}\nprometheus log:\n{}",
            am1.log_text(),
            am2.log_text(),
            prometheus.log_text()
        )
    };
    let urls = vec![am1.url.clone(), am2.url.clone()];

    // payment's HighErrorRate fires in every cluster and reaches both replicas.
    let mut sorted_clusters: Vec<String> = CLUSTERS.iter().map(|c| c.to_string()).collect();
    sorted_clusters.sort();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut on = Vec::new();
        for url in &urls {
            let mut clusters = payment_errors(&snapshot(std::slice::from_ref(url)).await);
            clusters.sort();
            on.push(clusters);
        }
        if on.iter().all(|c| *c == sorted_clusters) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "HighErrorRate for payment never reached both replicas: {on:?}\n{}",
            logs(&am2)
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // The console polls both as replicas of one Alertmanager: each alert once.
    let cluster = target("us-east-1", urls.clone());
    let mut model = watchdeck::app::initial_model(std::slice::from_ref(&cluster));
    let both = snapshot(&urls).await;
    assert!(
        both.replicas.iter().all(|r| r.error.is_none()),
        "{:?}",
        both.replicas
    );
    let mut fingerprints: Vec<&str> = both.alerts.iter().map(|a| a.fingerprint.as_str()).collect();
    let listed = fingerprints.len();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), listed, "an alert listed twice");
    let mut clusters = payment_errors(&both);
    clusters.sort();
    assert_eq!(
        clusters, sorted_clusters,
        "once per cluster, not once per replica"
    );
    apply(&mut model, both);
    let in_console = all_alerts(&model)
        .filter(|e| {
            e.alert.name.as_str() == "HighErrorRate"
                && e.alert.label("service").map(Text::as_str) == Some("payment")
        })
        .count();
    assert_eq!(in_console, CLUSTERS.len());

    // A silence made as the console's `S` makes it: a one-step runbook, planned and executed
    // by the runbook operations, posted to the first replica and read back from it.
    let ops = common::ops::silence_ops(&cluster, &sim.running.fleet.now);
    let id = common::ops::create_silence(
        &ops,
        "us-east-1",
        vec![
            common::ops::matcher("alertname", "HighErrorRate", false),
            common::ops::matcher("service", "payment", false),
            common::ops::matcher("cluster", "us-east-1", false),
        ],
        Duration::from_secs(3_600),
        "payment v1.4.1 rollback under way",
    )
    .await;
    let created = Instant::now();
    let on_first = snapshot(std::slice::from_ref(&am1.url)).await;
    let silence = on_first
        .silences
        .iter()
        .find(|s| s.id.as_str() == id)
        .unwrap_or_else(|| {
            panic!(
                "silence {id} not read back from replica 1: {:?}",
                on_first.silences
            )
        });
    assert_eq!(
        silence.comment.as_str(),
        "payment v1.4.1 rollback under way"
    );
    assert_eq!(silence.created_by.as_str(), "oncall");

    // Until gossip brings it to replica 2 the console shows it propagating; after, not.
    let deadline = created + Duration::from_secs(30);
    let mut polls_propagating = 0;
    let spread = loop {
        let both = snapshot(&urls).await;
        assert!(
            both.replicas.iter().all(|r| r.error.is_none()),
            "{:?}",
            both.replicas
        );
        apply(&mut model, both);
        let state = &model.clusters[0];
        let silence = state
            .silences
            .iter()
            .find(|s| s.id.as_str() == id)
            .expect("listed");
        let propagating = silence.propagating(&state.replicas);
        let entry = all_alerts(&model)
            .find(|e| {
                e.alert.name.as_str() == "HighErrorRate"
                    && e.alert.label("cluster").map(Text::as_str) == Some("us-east-1")
                    && e.alert.label("service").map(Text::as_str) == Some("payment")
            })
            .expect("the silenced alert is still listed");
        let reason = mute_reason(state, &entry, jiff::Timestamp::now()).unwrap_or_default();
        assert!(
            reason.starts_with("silenced by oncall: payment v1.4.1 rollback under way until "),
            "{reason}"
        );
        match silence.seen_on.as_slice() {
            [0] => {
                assert_eq!(
                    propagating.map(|p| p.to_string()).as_deref(),
                    Some("propagating (1 of 2 replicas)")
                );
                assert!(
                    reason.ends_with(", propagating (1 of 2 replicas)"),
                    "{reason}"
                );
                polls_propagating += 1;
            }
            [0, 1] => {
                assert_eq!(propagating, None);
                assert!(!reason.contains("propagating"), "{reason}");
                break created.elapsed();
            }
            other => panic!("silence {id} seen on replicas {other:?}"),
        }
        assert!(
            Instant::now() < deadline,
            "silence {id} never reached replica 2\n{}",
            logs(&am2)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    eprintln!(
        "silence on both replicas {:.3} s after it was created; {polls_propagating} poll(s) showed it propagating",
        spread.as_secs_f64()
    );
    // Read back from replica 2 alone: the same silence.
    let on_second = snapshot(std::slice::from_ref(&am2.url)).await;
    let copy = on_second
        .silences
        .iter()
        .find(|s| s.id.as_str() == id)
        .expect("on replica 2");
    assert_eq!(copy.matchers, silence.matchers);
    assert_eq!(
        (copy.starts_at, copy.ends_at),
        (silence.starts_at, silence.ends_at)
    );

    // Replica 2 killed: 1 of 2 up, every alert still listed, the silence not propagating
    // (a replica that does not answer is not missing it), and the Alerts screen says so.
    am2.kill().await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let one_down = loop {
        let both = snapshot(&urls).await;
        if both.replicas[1].error.is_some() {
            break both;
        }
        assert!(
            Instant::now() < deadline,
            "replica 2 still answers after being killed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        one_down
            .replicas
            .iter()
            .filter(|r| r.error.is_none())
            .count(),
        1
    );
    assert_eq!(one_down.replicas[0].error, None);
    let mut clusters = payment_errors(&one_down);
    clusters.sort();
    assert_eq!(clusters, sorted_clusters);
    apply(&mut model, one_down);
    let state = &model.clusters[0];
    assert_eq!(
        state.replicas.iter().filter(|r| r.health.is_ok()).count(),
        1
    );
    let silence = state
        .silences
        .iter()
        .find(|s| s.id.as_str() == id)
        .expect("still listed");
    assert_eq!(silence.propagating(&state.replicas), None);
    model.ui.view = View::Alerts;
    let text = screen(&model);
    let line = format!(
        "us-east-1 ⚠ 1/2 replicas, down: {} connection refused",
        am2.url
    );
    assert!(text.contains(&line), "{line} in:\n{text}");
    assert!(text.contains("HighErrorRate"), "{text}");
    assert!(!text.contains("propagating"), "{text}");
}
