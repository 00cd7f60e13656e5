//! The SLO source against the simulated fleet and against Debian's real Prometheus scraping
//! it, with Sloth-style (and Pyrra-style) recording rules as those tools generate them:
//! rules mode reads exactly the rule series; query mode computes what Prometheus computes
//! from the rules' expressions at the same timestamp; Pyrra SLOs use Pyrra's windows and
//! factors; a Prometheus that is down or a bad template make SLOs unknown with the reason.
//!
//! Tolerance in query mode: the console and Prometheus evaluate the same expressions over the
//! same samples at the same `time=`, so they differ only by floating-point summation order
//! (the console divides and scales its own sums): 1e-9 relative, plus 1e-15 absolute for 0.

mod common;

use std::time::Duration;

use common::prometheus::RealPrometheus;
use common::slo_rules::{CLUSTER, pyrra_group, ratio_expr, sloth_groups};
use serde_json::{Value, json};
use tokio::time::Instant;
use watchdeck::check::collect::Collector;
use watchdeck::console::targets_from_simulator;
use watchdeck_core::clock::Clock;
use watchdeck_core::config::{Endpoint, EndpointConfig, HttpOptions};
use watchdeck_core::event::Payload;
use watchdeck_core::model::range_step::choose_step;
use watchdeck_core::series::QueryStatus;
use watchdeck_core::slo::windows::{DAY, HOUR, MINUTE, promql_duration};
use watchdeck_core::slo::{
    Period, ReadingSource, Sli, SloData, SloReading, SloScope, SloSpec, WindowPolicy, evaluate,
};
use watchdeck_io::sources::endpoint::EndpointSpec;
use watchdeck_io::sources::prometheus::PromClient;
use watchdeck_io::sources::prometheus::slo::batch::fill;
use watchdeck_io::sources::prometheus::slo::chart::SloChartAsk;
use watchdeck_io::sources::prometheus::slo::rules::SLOTH_WINDOWS;
use watchdeck_io::sources::prometheus::slo::{SloFetcher, SloTarget, fetch_slo_chart, poll_slos};
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::slos::scenario_slos;

fn matchers() -> Vec<(String, String)> {
    vec![("cluster".to_string(), CLUSTER.to_string())]
}

fn demo_slo(name: &str) -> SloSpec {
    let scenario = Scenario::resolve("bad-deploy").unwrap();
    scenario_slos(&scenario)
        .into_iter()
        .find(|s| s.name.as_str() == name)
        .unwrap_or_else(|| panic!("demo SLO {name}"))
}

fn with_data(mut spec: SloSpec, data: SloData) -> SloSpec {
    spec.data = data;
    spec
}

fn endpoint(url: &str) -> EndpointSpec {
    EndpointSpec {
        config: EndpointConfig {
            endpoint: Endpoint::Url(url.parse().unwrap()),
            http: HttpOptions::with_timeout(Duration::from_secs(20)),
            filter: Vec::new(),
        },
        kube: None,
    }
}

fn fetcher(url: &str, slos: Vec<SloSpec>) -> SloFetcher {
    let target = SloTarget {
        slos: slos.into_iter().enumerate().collect(),
        matchers: matchers(),
        every: Duration::from_secs(1),
    };
    SloFetcher::new(target, url.to_string(), Duration::from_secs(20))
}

fn close(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= 1e-9 * ours.abs().max(theirs.abs()) + 1e-15
}

fn now_minus(secs: i64) -> f64 {
    (jiff::Timestamp::now().as_millisecond() - secs * 1000) as f64 / 1000.0
}

fn ratio(reading: &SloReading, window: u64) -> f64 {
    reading
        .window(window)
        .and_then(|w| w.ratio)
        .unwrap_or_else(|| panic!("no ratio for {window} s in {reading:?}"))
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_prometheus_with_sloth_and_pyrra_rules_agrees_with_the_console() {
    let mut options = common::options(31, jiff::Timestamp::now().as_millisecond());
    options.sample_every_ms = 1_000;
    let sim = common::start(common::BAD_DEPLOY_NOW, options, Some(1.0)).await;
    let payment = demo_slo("payment-errors");
    let latency = demo_slo("api-latency-p95");
    let mut pyrra = payment.clone();
    pyrra.windows = WindowPolicy::Pyrra;
    pyrra.period = Period::DAYS_28;
    let mut groups = sloth_groups("payment-errors-us-east-1", &payment);
    groups.extend(sloth_groups("api-latency-p95-us-east-1", &latency));
    groups.push(pyrra_group("payment-pyrra", &pyrra));
    let prom = RealPrometheus::start(&sim, Value::Array(groups)).await;

    // Wait until the bad deploy shows in the rules: the page tier's windows above 14.4x.
    let deadline = Instant::now() + Duration::from_secs(150);
    let page = 14.4 * payment.target.budget();
    let time = loop {
        let t = now_minus(2);
        let five = prom
            .value(
                "slo:sli_error:ratio_rate5m{sloth_id=\"payment-errors-us-east-1\"}",
                t,
            )
            .await;
        let hour = prom
            .value(
                "slo:sli_error:ratio_rate1h{sloth_id=\"payment-errors-us-east-1\"}",
                t,
            )
            .await;
        let pyrra_4d = prom
            .value("http_requests:burnrate4d{slo=\"payment-pyrra\"}", t)
            .await;
        // Each rule group evaluates on its own: wait until the latency SLO's has a sample too.
        let latency_30d = prom
            .value(
                "slo:sli_error:ratio_rate30d{sloth_id=\"api-latency-p95-us-east-1\"}",
                t,
            )
            .await;
        if five.is_some_and(|v| v > page)
            && hour.is_some_and(|v| v > page)
            && pyrra_4d.is_some()
            && latency_30d.is_some()
        {
            break t;
        }
        assert!(
            Instant::now() < deadline,
            "payment's errors never reached the rules (5m {five:?}, 1h {hour:?}); log:\n{}",
            prom.log_text()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    let client = PromClient::connect(&endpoint(&prom.url)).await.unwrap();

    // (a) Rules mode: the readings are the rule series at the same evaluation time.
    let sloth = |spec: &SloSpec, id: &str| {
        with_data(
            spec.clone(),
            SloData::SlothRules {
                sloth_id: id.to_string(),
            },
        )
    };
    let rules_slos = vec![
        sloth(&payment, "payment-errors-us-east-1"),
        sloth(&latency, "api-latency-p95-us-east-1"),
    ];
    let mut rules = fetcher(&prom.url, rules_slos.clone());
    let first = rules.refresh(&client, Some(time)).await;
    assert!(first.failure.is_none(), "{first:?}");
    for ((id, reading), (spec, sloth_id)) in first.readings.iter().zip([
        (&rules_slos[0], "payment-errors-us-east-1"),
        (&rules_slos[1], "api-latency-p95-us-east-1"),
    ]) {
        assert_eq!(reading.source, ReadingSource::SlothRules, "SLO {id}");
        assert_eq!(reading.at.as_millisecond(), (time * 1000.0).round() as i64);
        assert!(
            reading.problem.is_none() && reading.warnings.is_empty(),
            "{reading:?}"
        );
        for w in SLOTH_WINDOWS {
            let series = format!(
                "slo:sli_error:ratio_rate{}{{sloth_id=\"{sloth_id}\"}}",
                promql_duration(w)
            );
            let theirs = prom.value(&series, time).await.unwrap();
            let ours = reading.window(w).and_then(|r| r.ratio).map(|r| r.0);
            assert_eq!(ours, theirs.is_finite().then_some(theirs), "{series}");
            assert!(
                reading.window(w).and_then(|r| r.events).is_some(),
                "events from the total"
            );
        }
        let period = format!("slo:sli_error:ratio_rate30d{{sloth_id=\"{sloth_id}\"}}");
        let theirs = prom.value(&period, time).await.unwrap();
        assert_eq!(reading.period.ratio.map(|r| r.0), Some(theirs), "{period}");
        // Sloth's `slo:period_error_budget_remaining:ratio` expression, evaluated at `time`
        // (its recorded samples lag by up to one evaluation of another group).
        let sel = format!("sloth_id=\"{sloth_id}\"");
        let remaining = format!(
            "1 - (slo:sli_error:ratio_rate30d{{{sel}}} / on(sloth_id, sloth_slo, sloth_service) group_left slo:error_budget:ratio{{{sel}}})"
        );
        let theirs = prom.value(&remaining, time).await.unwrap();
        let ours = evaluate(spec, reading).budget_remaining.unwrap().0;
        assert!(
            close(ours, theirs),
            "budget remaining {ours} vs Sloth {theirs}"
        );
    }
    assert!(
        evaluate(&rules_slos[0], &first.readings[0].1).paging(),
        "payment pages"
    );
    // The next refresh leaves out the errors terms the rules cover, and reads the same.
    let second = rules.refresh(&client, Some(time)).await;
    assert_eq!(second, first);

    // (b) Query mode: what Prometheus computes from the rules' expressions at `time`.
    let query_slos = vec![payment.clone(), latency.clone()];
    let mut query = fetcher(&prom.url, query_slos.clone());
    let answer = query.refresh(&client, Some(time)).await;
    assert!(answer.failure.is_none(), "{answer:?}");
    for ((_, reading), spec) in answer.readings.iter().zip(&query_slos) {
        assert_eq!(reading.source, ReadingSource::Query);
        let evaluation = evaluate(spec, reading);
        let budget = 1.0 - spec.target.ratio();
        for w in spec.windows_needed() {
            let theirs = prom
                .value(&ratio_expr(spec, &promql_duration(w)), time)
                .await;
            let ours = reading.window(w).and_then(|r| r.ratio).map(|r| r.0);
            match theirs.filter(|v| v.is_finite()) {
                Some(theirs) => {
                    let ours = ours.unwrap_or_else(|| panic!("{} {w}: no ratio", spec.name));
                    assert!(close(ours, theirs), "{} {w}: {ours} vs {theirs}", spec.name);
                    let burn = evaluation.burn[&w].0;
                    assert!(
                        close(burn, theirs / budget),
                        "{} burn {w}: {burn}",
                        spec.name
                    );
                }
                // No failed-events series at all: Prometheus has nothing, the console 0.
                None => assert_eq!(ours, Some(0.0), "{} {w}", spec.name),
            }
        }
        let theirs = prom
            .value(
                &format!(
                    "1 - ({}) / (1 - {})",
                    ratio_expr(spec, "30d"),
                    spec.target.ratio()
                ),
                time,
            )
            .await
            .unwrap();
        let ours = evaluation.budget_remaining.unwrap().0;
        assert!(
            close(ours, theirs),
            "{} budget remaining {ours} vs {theirs}",
            spec.name
        );
        let sli = evaluation.sli_now.unwrap().0;
        assert!(close(sli, 1.0 - ratio(reading, 300)), "{}", spec.name);
    }
    assert!(
        evaluate(&payment, &answer.readings[0].1).paging(),
        "payment pages"
    );

    // (c) Pyrra: Pyrra's windows from its rules, its factors, and the display windows queried.
    let pyrra_rules = with_data(
        pyrra.clone(),
        SloData::PyrraRules {
            slo: "payment-pyrra".into(),
            metric: "http_requests".into(),
        },
    );
    let mut by_pyrra = fetcher(&prom.url, vec![pyrra_rules.clone()]);
    let refreshed = by_pyrra.refresh(&client, Some(time)).await;
    let reading = &refreshed.readings[0].1;
    assert_eq!(reading.source, ReadingSource::PyrraRules);
    let asked: Vec<u64> = reading.windows.keys().copied().collect();
    assert_eq!(
        asked,
        [
            5 * MINUTE,
            30 * MINUTE,
            HOUR,
            2 * HOUR,
            6 * HOUR,
            DAY,
            3 * DAY,
            4 * DAY
        ],
        "Pyrra's windows (1h, 5m, 6h, 30m, 1d, 2h, 4d, 6h) and the display windows"
    );
    for w in [
        5 * MINUTE,
        30 * MINUTE,
        HOUR,
        2 * HOUR,
        6 * HOUR,
        DAY,
        4 * DAY,
    ] {
        let series = format!(
            "http_requests:burnrate{}{{slo=\"payment-pyrra\"}}",
            promql_duration(w)
        );
        assert_eq!(
            Some(ratio(reading, w)),
            prom.value(&series, time).await,
            "{series}"
        );
    }
    let evaluation = evaluate(&pyrra_rules, reading);
    let tiers: Vec<(u64, u64, f64)> = evaluation
        .tiers
        .iter()
        .map(|t| (t.tier.long_secs, t.tier.short_secs, t.tier.factor))
        .collect();
    assert_eq!(
        tiers,
        [
            (HOUR, 5 * MINUTE, 14.0),
            (6 * HOUR, 30 * MINUTE, 7.0),
            (DAY, 2 * HOUR, 2.0),
            (4 * DAY, 6 * HOUR, 1.0)
        ]
    );

    // Charts: budget remaining and the 1h and 6h burn rates over the period.
    let ask = SloChartAsk {
        slo: 0,
        spec: payment.clone(),
        matchers: matchers(),
        step: choose_step(payment.period.secs(), 120),
        seq: 7,
    };
    let chart = fetch_slo_chart(&client, &ask).await;
    assert_eq!(chart.status, QueryStatus::Ok, "{chart:?}");
    assert_eq!(chart.seq, 7);
    let last_budget = chart.budget.last().unwrap().1.0;
    assert!(
        last_budget < 1.0,
        "the bad deploy spends budget: {last_budget}"
    );
    assert_eq!(
        chart.burn.keys().copied().collect::<Vec<_>>(),
        [HOUR, 6 * HOUR]
    );
    assert!(
        chart.burn[&HOUR].last().unwrap().1.0 > 14.4,
        "{:?}",
        chart.burn[&HOUR]
    );

    // The poller task sends the readings on its own.
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let target = SloTarget {
        slos: vec![(0, payment.clone())],
        matchers: matchers(),
        every: Duration::from_secs(1),
    };
    let task = tokio::spawn(poll_slos(0, endpoint(&prom.url), target, tx));
    let event = common::daemon::next_event(&mut rx).await;
    task.abort();
    match event.payload {
        Payload::SloReadings(readings) => {
            assert_eq!(readings.len(), 1);
            assert!(readings[0].1.problem.is_none(), "{readings:?}");
        }
        other => panic!("expected SLO readings, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_prometheus_and_a_bad_template_make_slos_unknown_with_the_reason() {
    let payment = demo_slo("payment-errors");
    // Nobody listens on this port.
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let client = PromClient::connect(&endpoint(&dead)).await.unwrap();
    let mut down = fetcher(&dead, vec![payment.clone(), demo_slo("auth-errors")]);
    let refresh = down.refresh(&client, None).await;
    assert!(refresh.failure.as_ref().is_some_and(|e| e.retryable()));
    for (_, reading) in &refresh.readings {
        let problem = reading.problem.as_ref().map(|p| p.as_str().to_string());
        assert_eq!(
            problem,
            Some(format!("Prometheus at {dead}: connection refused"))
        );
        assert!(
            reading.windows.is_empty(),
            "no old numbers passed off as current"
        );
    }

    let options = common::options(32, jiff::Timestamp::now().as_millisecond());
    let sim = common::start("steady", options, Some(1.0)).await;
    let prom = RealPrometheus::start(&sim, json!([])).await;
    let mut broken = payment.clone();
    broken.name = watchdeck_core::text::Text::new("broken-template");
    broken.origin = watchdeck_core::text::Text::new("watchdeck.toml:12");
    broken.sli = Sli::Ratio {
        errors: "sum(rate(http_requests_total{code=~\"5..\",$selector}[$window])".to_string(),
        total: "sum(rate(http_requests_total{$selector}[$window]))".to_string(),
    };
    let client = PromClient::connect(&endpoint(&prom.url)).await.unwrap();
    let mut fetcher = fetcher(&prom.url, vec![payment.clone(), broken]);
    for _ in 0..2 {
        let refresh = fetcher.refresh(&client, None).await;
        assert!(refresh.failure.is_none(), "{refresh:?}");
        assert!(
            refresh.readings[0].1.problem.is_none(),
            "{:?}",
            refresh.readings[0]
        );
        let problem = refresh.readings[1]
            .1
            .problem
            .as_ref()
            .unwrap()
            .as_str()
            .to_string();
        assert!(
            problem.starts_with(
                "SLO broken-template (watchdeck.toml:12): query rejected (HTTP 400): bad_data:"
            ) && problem.contains("parse error"),
            "{problem}"
        );
    }
    // The template is filled as the console sends it.
    assert_eq!(
        fill("x{$selector}[$window]", 300, &matchers()),
        "x{cluster=\"us-east-1\"}[5m]"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_slos_burn_payments_budget_in_the_bad_deploy() {
    let sim = common::start("bad-deploy", common::options(33, common::FIXED_START), None).await;
    // v1.4.2 rolls out at 2m; with 30 days of history behind it, the 1h window crosses 14.4x
    // about 13 minutes in (the 5m window long before).
    sim.advance(16 * 60_000).await;
    let targets = targets_from_simulator(&sim.running.endpoints).unwrap();
    let specs = scenario_slos(&Scenario::resolve("bad-deploy").unwrap());
    let clock = Clock::Virtual(sim.running.fleet.now.clone());
    let mut collector = Collector::start_with_slos(&targets, specs.clone(), clock);
    assert_eq!(collector.slo_clusters(), [0, 1, 2]);
    let deadline = Instant::now() + Duration::from_secs(60);
    assert!(
        collector.first_slo_answers(deadline).await,
        "every cluster's SLOs answered"
    );
    let board = &collector.model.slos;
    let payment = specs
        .iter()
        .position(|s| s.name.as_str() == "payment-errors")
        .unwrap();
    let cluster = |name: &str| targets.iter().position(|t| t.name == name).unwrap();
    let east = board
        .entry(payment, SloScope::Cluster(cluster("us-east-1")))
        .unwrap();
    assert!(
        east.evaluation.unknown.is_none(),
        "{:?}",
        east.evaluation.unknown
    );
    assert!(
        east.evaluation.paging(),
        "page tier fires: {:?}",
        east.evaluation.tiers
    );
    assert!(east.evaluation.budget_remaining.unwrap().0 < 1.0);
    let west = board
        .entry(payment, SloScope::Cluster(cluster("eu-west-1")))
        .unwrap();
    assert!(!west.evaluation.paging(), "{:?}", west.evaluation.tiers);
    let api = specs
        .iter()
        .position(|s| s.name.as_str() == "api-availability")
        .unwrap();
    let fleet = board.entry(api, SloScope::Fleet).unwrap();
    assert!(
        fleet.evaluation.unknown.is_none(),
        "{:?}",
        fleet.evaluation.unknown
    );
}
