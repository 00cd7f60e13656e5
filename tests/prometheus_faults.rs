//! The metrics source against a tiny fake Prometheus on 127.0.0.1 that misbehaves on purpose:
//! 503 then 200 (retried), 400 (shown, not retried), an HTML 502 page, a truncated JSON body,
//! an answer with warnings (partial) and too many series.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;
use watchdeck_core::config::{Endpoint, EndpointConfig, HttpOptions, MetricsQueries};
use watchdeck_core::event::Payload;
use watchdeck_core::series::QueryStatus;
use watchdeck_io::sources::endpoint::EndpointSpec;
use watchdeck_io::sources::prometheus::poll::{Rejected, poll_once};
use watchdeck_io::sources::prometheus::{PromClient, PromTarget, poll_metrics};

/// What the fake answers to a range query: (status, content type, body), given how many
/// range queries it has seen before this one.
type Script = Arc<dyn Fn(usize, &str) -> (u16, &'static str, String) + Send + Sync>;

struct Fake {
    url: String,
    range_queries: Arc<AtomicUsize>,
    _server: tokio::task::JoinHandle<()>,
}

const JSON: &str = "application/json";

fn matrix(services: &[(&str, f64)]) -> String {
    let result: Vec<String> = services
        .iter()
        .map(|(name, value)| {
            format!(r#"{{"metric":{{"service":"{name}"}},"values":[[1000,"{value}"],[1030,"{value}"]]}}"#)
        })
        .collect();
    format!(
        r#"{{"status":"success","data":{{"resultType":"matrix","result":[{}]}}}}"#,
        result.join(",")
    )
}

fn ok_payment() -> (u16, &'static str, String) {
    (200, JSON, matrix(&[("payment", 10.0)]))
}

async fn start(script: Script) -> Fake {
    let range_queries = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&range_queries);
    let app = Router::new().fallback(move |uri: Uri| {
        let script = Arc::clone(&script);
        let counter = Arc::clone(&counter);
        async move {
            let answer = match uri.path() {
                "/api/v1/query" => (
                    200,
                    JSON,
                    r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1030,"1"]}]}}"#.to_string(),
                ),
                "/api/v1/query_range" => {
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    script(n, uri.query().unwrap_or(""))
                }
                _ => (404, "text/plain", "404 page not found".to_string()),
            };
            let (status, content_type, body) = answer;
            let status = StatusCode::from_u16(status).unwrap();
            let response: Response =
                (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Fake {
        url,
        range_queries,
        _server: server,
    }
}

fn target_of(fake: &Fake) -> (EndpointSpec, PromTarget) {
    watchdeck_io::install_tls_provider();
    let config = EndpointConfig {
        endpoint: Endpoint::Url(fake.url.parse().unwrap()),
        http: HttpOptions::with_timeout(Duration::from_secs(5)),
        filter: Vec::new(),
    };
    let target = PromTarget {
        endpoint: config.clone(),
        cluster_selector: None,
        queries: MetricsQueries::default(),
        every: Duration::from_millis(100),
    };
    (EndpointSpec { config, kube: None }, target)
}

#[tokio::test]
async fn unavailable_then_ok_is_retried_and_recovers() {
    let fake = start(Arc::new(|n, _| {
        if n == 0 {
            (
                503,
                JSON,
                r#"{"status":"error","errorType":"unavailable","error":"too many concurrent queries"}"#.to_string(),
            )
        } else {
            ok_payment()
        }
    }))
    .await;
    let (spec, target) = target_of(&fake);
    let (tx, mut rx) = mpsc::channel(16);
    let task = tokio::spawn(poll_metrics(3, spec, target, tx));
    let first = rx.recv().await.unwrap();
    assert_eq!(first.cluster, 3);
    match first.payload {
        Payload::Failed { reason, .. } => assert_eq!(
            reason.as_str(),
            "HTTP 503 Service Unavailable: unavailable: too many concurrent queries"
        ),
        other => panic!("expected a failure first, got {other:?}"),
    }
    let second = rx.recv().await.unwrap();
    task.abort();
    let Payload::Metrics(update) = second.payload else {
        panic!("expected metrics after the retry, got {:?}", second.payload);
    };
    assert_eq!(update.status, QueryStatus::Ok);
    assert_eq!(update.services[0].name.as_str(), "payment");
}

#[tokio::test]
async fn a_rejected_query_is_shown_and_not_sent_again() {
    // The error-ratio query is wrong for this server; the others work.
    let fake = start(Arc::new(|_, query| {
        if query.contains("5..") {
            (
                400,
                JSON,
                r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:23: parse error: unexpected character"}"#.to_string(),
            )
        } else {
            ok_payment()
        }
    }))
    .await;
    let (spec, target) = target_of(&fake);
    let client = PromClient::connect(&spec).await.unwrap();
    let mut rejected = Rejected::new();
    let first = poll_once(&client, &target, &mut rejected).await.unwrap();
    let QueryStatus::Error(message) = &first.status else {
        panic!("expected an error status, got {:?}", first.status);
    };
    assert_eq!(
        message.as_str(),
        "errors: query rejected (HTTP 400): bad_data: invalid parameter \"query\": 1:23: parse error: unexpected character"
    );
    // The other columns still show.
    assert!(first.services[0].rate.is_some());
    assert_eq!(fake.range_queries.load(Ordering::SeqCst), 5);
    let second = poll_once(&client, &target, &mut rejected).await.unwrap();
    assert_eq!(second.status, first.status);
    assert_eq!(
        fake.range_queries.load(Ordering::SeqCst),
        9,
        "the rejected query is not sent again"
    );
}

#[tokio::test]
async fn html_pages_truncated_bodies_warnings_and_too_many_series() {
    let html = start(Arc::new(|_, _| {
        (
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>".to_string(),
        )
    }))
    .await;
    let (spec, target) = target_of(&html);
    let client = PromClient::connect(&spec).await.unwrap();
    let err = poll_once(&client, &target, &mut Rejected::new())
        .await
        .unwrap_err();
    assert!(err.retryable());
    assert_eq!(
        err.message(),
        "not a Prometheus API answer: an HTML page with HTTP 502 (a proxy or login page?)"
    );

    let truncated = start(Arc::new(|_, _| {
        let full = matrix(&[("payment", 1.0)]);
        (200, JSON, full[..full.len() / 2].to_string())
    }))
    .await;
    let (spec, target) = target_of(&truncated);
    let client = PromClient::connect(&spec).await.unwrap();
    let err = poll_once(&client, &target, &mut Rejected::new())
        .await
        .unwrap_err();
    assert_eq!(err.message(), "truncated response: the JSON ends early");

    let partial = start(Arc::new(|_, _| {
        let body = matrix(&[("payment", 2.0)]).replacen(
            r#""status":"success","#,
            r#""status":"success","warnings":["store gateway eu-2 timed out"],"#,
            1,
        );
        (200, JSON, body)
    }))
    .await;
    let (spec, target) = target_of(&partial);
    let client = PromClient::connect(&spec).await.unwrap();
    let update = poll_once(&client, &target, &mut Rejected::new())
        .await
        .unwrap();
    let QueryStatus::Partial(warnings) = &update.status else {
        panic!("expected partial data, got {:?}", update.status);
    };
    assert_eq!(warnings[0].as_str(), "store gateway eu-2 timed out");
    assert_eq!(update.services.len(), 1, "partial data is still shown");

    let flood = start(Arc::new(|_, _| {
        let names: Vec<String> = (0..50).map(|i| format!("svc-{i}")).collect();
        let services: Vec<(&str, f64)> = names.iter().map(|n| (n.as_str(), 1.0)).collect();
        (200, JSON, matrix(&services))
    }))
    .await;
    let (spec, target) = target_of(&flood);
    let client = PromClient::connect(&spec)
        .await
        .unwrap()
        .with_max_series(20);
    let update = poll_once(&client, &target, &mut Rejected::new())
        .await
        .unwrap();
    assert_eq!(
        update.status,
        QueryStatus::Error(watchdeck_core::text::Text::new(
            "rate: too many series: 50 (limit 20); narrow the query or the service label"
        ))
    );
    assert!(update.services.is_empty());
}
