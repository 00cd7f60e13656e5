//! The metrics source against the simulated fleet's Prometheus, reached directly and through
//! the Kubernetes API server's service proxy: RED values per service, with payment failing
//! in us-east-1 after the bad deploy, charts within the column budget, cluster selection on
//! a shared endpoint, and a clear message for a Service that does not exist.

mod common;

use std::time::Duration;

use kube::config::Kubeconfig;
use tokio::sync::mpsc;
use watchdeck::console::simulator_prometheus;
use watchdeck_core::config::{Endpoint, EndpointConfig, HttpOptions, MetricsQueries, ServicePort};
use watchdeck_core::event::Payload;
use watchdeck_core::model::range_step::{choose_step, points};
use watchdeck_core::model::services::{ChartRange, MetricsUpdate};
use watchdeck_core::series::QueryStatus;
use watchdeck_io::sources::endpoint::EndpointSpec;
use watchdeck_io::sources::prometheus::chart::ChartAsk;
use watchdeck_io::sources::prometheus::poll::{Rejected, poll_once};
use watchdeck_io::sources::prometheus::{PromClient, PromTarget, fetch_chart, poll_metrics};

/// bad-deploy: payment v1.4.2 rolls out two minutes in; seven minutes in, the 5m rate
/// window is mostly the bad version.
const INTO_THE_INCIDENT_MS: i64 = 7 * 60_000;

fn direct(sim: &common::Sim, cluster: &str) -> (EndpointSpec, PromTarget) {
    let target = simulator_prometheus(&sim.endpoint(cluster).prometheus).unwrap();
    let spec = EndpointSpec {
        config: target.endpoint.clone(),
        kube: None,
    };
    (spec, target)
}

fn proxied(
    sim: &common::Sim,
    cluster: &str,
    service: &str,
    port: ServicePort,
) -> (EndpointSpec, PromTarget) {
    let kubeconfig = Kubeconfig::read_from(&sim.kubeconfig).unwrap();
    let config = EndpointConfig {
        endpoint: Endpoint::Service {
            namespace: "monitoring".to_string(),
            name: service.to_string(),
            port,
            path: String::new(),
        },
        http: HttpOptions::with_timeout(Duration::from_secs(10)),
        filter: Vec::new(),
    };
    let target = PromTarget {
        endpoint: config.clone(),
        cluster_selector: None,
        queries: MetricsQueries::default(),
        every: Duration::from_millis(300),
    };
    let spec = EndpointSpec {
        config,
        kube: Some((Box::new(kubeconfig), cluster.to_string())),
    };
    (spec, target)
}

async fn poll(spec: &EndpointSpec, target: &PromTarget) -> MetricsUpdate {
    let client = PromClient::connect(spec).await.unwrap();
    poll_once(&client, target, &mut Rejected::new())
        .await
        .unwrap()
}

fn assert_payment_failing(update: &MetricsUpdate) {
    assert_eq!(update.status, QueryStatus::Ok);
    let find = |name: &str| {
        update
            .services
            .iter()
            .find(|s| s.name.as_str() == name)
            .unwrap_or_else(|| panic!("{name} in {:?}", update.services))
    };
    let payment = find("payment");
    let ratio = payment.error_ratio.unwrap().0;
    assert!(ratio > 0.04, "payment error ratio {ratio}");
    assert!(payment.rate.unwrap().0 > 1.0, "{payment:?}");
    let (p95, p99) = (payment.p95.unwrap().0, payment.p99.unwrap().0);
    assert!(p95 > 0.0 && p99 >= p95, "p95 {p95} p99 {p99}");
    // Up to 30 points of 30 s (the simulated fleet's data starts 13 minutes back).
    let history = &payment.error_history;
    assert!((20..=30).contains(&history.len()), "{history:?}");
    // The ratio climbed during the window: the newest point is above the oldest.
    assert!(history[history.len() - 1].0 > history[0].0, "{history:?}");
    let auth = find("auth");
    assert!(auth.error_ratio.unwrap().0 < 0.01, "{auth:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn red_values_directly_and_through_the_service_proxy() {
    let sim = common::start("bad-deploy", common::options(5, common::FIXED_START), None).await;
    sim.advance(INTO_THE_INCIDENT_MS).await;

    let (spec, target) = direct(&sim, "us-east-1");
    let by_url = poll(&spec, &target).await;
    assert_payment_failing(&by_url);

    for port in [
        ServicePort::Number(9090),
        ServicePort::Name("web".to_string()),
    ] {
        let (spec, target) = proxied(&sim, "us-east-1", "prometheus-k8s", port);
        let by_proxy = poll(&spec, &target).await;
        assert_payment_failing(&by_proxy);
        assert_eq!(
            by_proxy, by_url,
            "the proxy answers exactly what the URL does"
        );
    }

    // Another cluster is fine.
    let (spec, target) = direct(&sim, "eu-west-1");
    let eu = poll(&spec, &target).await;
    let payment = eu
        .services
        .iter()
        .find(|s| s.name.as_str() == "payment")
        .unwrap();
    assert!(payment.error_ratio.unwrap().0 < 0.01, "{payment:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poller_task_sends_metrics_through_the_proxy() {
    let sim = common::start("bad-deploy", common::options(6, common::FIXED_START), None).await;
    sim.advance(INTO_THE_INCIDENT_MS).await;
    let (spec, target) = proxied(
        &sim,
        "us-east-1",
        "prometheus-k8s",
        ServicePort::Number(9090),
    );
    let (tx, mut rx) = mpsc::channel(16);
    let task = tokio::spawn(poll_metrics(0, spec, target, tx));
    let event = tokio::time::timeout(Duration::from_secs(60), rx.recv())
        .await
        .unwrap()
        .unwrap();
    task.abort();
    assert_eq!(event.cluster, 0);
    let Payload::Metrics(update) = event.payload else {
        panic!("expected metrics, got {:?}", event.payload);
    };
    assert_payment_failing(&update);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charts_fit_the_columns_and_a_shared_endpoint_selects_the_cluster() {
    let sim = common::start("bad-deploy", common::options(7, common::FIXED_START), None).await;
    sim.advance(INTO_THE_INCIDENT_MS).await;
    let (spec, mut target) = direct(&sim, "us-east-1");
    let client = PromClient::connect(&spec).await.unwrap();

    let columns = 40;
    let step = choose_step(ChartRange::H1.seconds(), columns);
    let ask = ChartAsk {
        service: "payment".to_string(),
        range: ChartRange::H1,
        step,
        seq: 9,
    };
    let chart = fetch_chart(&client, &target, &ask).await;
    assert_eq!(chart.status, QueryStatus::Ok);
    assert_eq!(chart.seq, 9);
    assert!(!chart.error_ratio.is_empty());
    for line in [&chart.rate, &chart.error_ratio, &chart.p95, &chart.p99] {
        assert!(line.len() as u64 <= points(ChartRange::H1.seconds(), step));
        assert!(line.len() <= usize::from(columns), "{} points", line.len());
    }
    let last = chart.error_ratio.last().unwrap().1.0;
    assert!(last > 0.04, "payment error ratio at the chart's end {last}");

    // A shared endpoint (Thanos, Mimir) selects each cluster's series by label.
    target.cluster_selector = Some(("cluster".to_string(), "us-east-1".to_string()));
    let selected = poll_once(&client, &target, &mut Rejected::new())
        .await
        .unwrap();
    assert_payment_failing(&selected);
    target.cluster_selector = Some(("cluster".to_string(), "elsewhere".to_string()));
    let none = poll_once(&client, &target, &mut Rejected::new())
        .await
        .unwrap();
    assert!(none.services.is_empty(), "{none:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_service_says_so() {
    let sim = common::start("steady", common::options(8, common::FIXED_START), None).await;
    let (spec, target) = proxied(
        &sim,
        "eu-west-1",
        "prometheus-operated",
        ServicePort::Number(9090),
    );
    let client = PromClient::connect(&spec).await.unwrap();
    let err = poll_once(&client, &target, &mut Rejected::new())
        .await
        .unwrap_err();
    assert_eq!(
        err.message(),
        "HTTP 404 Not Found: services \"prometheus-operated\" not found"
    );
    assert!(!err.retryable());
}
