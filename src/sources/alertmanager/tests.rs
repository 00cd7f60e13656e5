//! Alert parsing and the poller against a loopback HTTP server: success, HTTP errors, bad
//! JSON, refused connections and timeouts.

use std::net::SocketAddr;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use tokio::net::TcpListener;

use super::*;

const BODY: &str = r#"[
  {"labels": {"alertname": "HighErrorRate", "severity": "critical", "service": "api"},
   "annotations": {"summary": "5xx above 5%"}, "startsAt": "2025-06-01T11:55:00Z",
   "fingerprint": "aaa", "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}},
  {"labels": {"alertname": "Evil\u001b]0;pwned\u0007", "severity": "warning"},
   "annotations": {"description": "line\r\u001b[2Joverwrite \u202e"}, "startsAt": "not a time",
   "fingerprint": "bbb", "status": {"state": "active"}},
  {"labels": {"alertname": "Silenced"}, "fingerprint": "ccc", "status": {"state": "suppressed"}},
  {"labels": {"alertname": "NoStatus"}}
]"#;

#[test]
fn parse_alerts_maps_filters_and_sanitizes() {
    let alerts = parse_alerts(BODY.as_bytes()).unwrap();
    let names: Vec<&str> = alerts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["HighErrorRate", "Evil␛]0;pwned␇", "NoStatus"]);
    assert_eq!(alerts[0].severity, Severity::Critical);
    assert_eq!(alerts[0].summary.as_str(), "5xx above 5%");
    assert_eq!(
        alerts[0].starts_at,
        Some("2025-06-01T11:55:00Z".parse().unwrap())
    );
    assert_eq!(
        alerts[0]
            .labels
            .get(&Text::new("service"))
            .map(Text::as_str),
        Some("api")
    );
    assert_eq!(alerts[1].summary.as_str(), "line␍␛[2Joverwrite \\u{202e}");
    assert_eq!(alerts[1].starts_at, None);
    assert_eq!(alerts[2].fingerprint.as_str(), "alertname=NoStatus");
    assert_eq!(alerts[2].severity.label(), "none");
}

#[test]
fn parse_alerts_rejects_bad_json() {
    assert!(
        parse_alerts(b"<html>")
            .unwrap_err()
            .starts_with("bad JSON: ")
    );
    assert!(
        parse_alerts(br#"{"not": "a list"}"#)
            .unwrap_err()
            .starts_with("bad JSON: ")
    );
    assert_eq!(
        alerts_url("http://am:9093/"),
        "http://am:9093/api/v2/alerts?active=true&silenced=false&inhibited=false"
    );
}

async fn serve(router: Router) -> String {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

fn quick() -> PollConfig {
    PollConfig {
        every: Duration::from_millis(50),
        timeout: Duration::from_millis(300),
        max_backoff: Duration::from_millis(200),
    }
}

#[tokio::test]
async fn fetch_reports_each_failure_kind() {
    let client = http_client(&quick()).unwrap();
    let ok = serve(Router::new().route("/api/v2/alerts", get(|| async { BODY }))).await;
    assert_eq!(fetch(&client, &ok).await.unwrap().len(), 3);

    let unavailable = serve(Router::new().route(
        "/api/v2/alerts",
        get(|| async { StatusCode::SERVICE_UNAVAILABLE }),
    ))
    .await;
    assert_eq!(
        fetch(&client, &unavailable).await.unwrap_err(),
        "HTTP 503 Service Unavailable"
    );

    let garbage = serve(Router::new().route("/api/v2/alerts", get(|| async { "{oops" }))).await;
    assert!(
        fetch(&client, &garbage)
            .await
            .unwrap_err()
            .starts_with("bad JSON")
    );

    let closed = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let refused = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    assert_eq!(
        fetch(&client, &refused).await.unwrap_err(),
        "connection refused"
    );

    let slow = serve(Router::new().route(
        "/api/v2/alerts",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "[]"
        }),
    ))
    .await;
    assert_eq!(fetch(&client, &slow).await.unwrap_err(), "timeout");

    // Replicas: the first that answers wins; all failing reports the first reason.
    assert_eq!(
        fetch_any(&client, &[refused.clone(), ok])
            .await
            .unwrap()
            .len(),
        3
    );
    let both = fetch_any(&client, &[unavailable, refused])
        .await
        .unwrap_err();
    assert_eq!(both, "HTTP 503 Service Unavailable (all 2 replicas failed)");
}

#[tokio::test]
async fn poller_sends_failure_then_recovers() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let flaky = serve(Router::new().route(
        "/api/v2/alerts",
        get(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    Err(StatusCode::BAD_GATEWAY)
                } else {
                    Ok(BODY)
                }
            }
        }),
    ))
    .await;
    let (tx, mut rx) = mpsc::channel(8);
    let task = tokio::spawn(poll_alerts(3, vec![flaky], quick(), tx));
    let first = rx.recv().await.unwrap();
    assert_eq!(first.cluster, 3);
    assert_eq!(
        first.payload,
        Payload::Failed {
            source: SourceKind::Alerts,
            reason: Text::new("HTTP 502 Bad Gateway")
        }
    );
    let second = rx.recv().await.unwrap();
    assert!(
        matches!(&second.payload, Payload::Alerts(alerts) if alerts.len() == 3),
        "{second:?}"
    );
    // The poller stops once the app loop is gone.
    drop(rx);
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .unwrap()
        .unwrap();
}
