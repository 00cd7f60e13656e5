//! Alert parsing, the HTTP calls and the multi-replica poller against loopback HTTP servers:
//! success, HTTP errors, bad JSON, refused connections, timeouts, one replica down.

use std::net::SocketAddr;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use tokio::net::TcpListener;

use super::*;
use watchdeck_core::model::alert::{AlertState, Severity};

const BODY: &str = r#"[
  {"labels": {"alertname": "HighErrorRate", "severity": "critical", "service": "api"},
   "annotations": {"summary": "5xx above 5%", "runbook_url": "https://runbooks/high-error-rate"},
   "startsAt": "2025-06-01T11:55:00Z", "generatorURL": "http://prom/graph",
   "receivers": [{"name": "pager"}],
   "fingerprint": "aaa", "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}},
  {"labels": {"alertname": "Evil\u001b]0;pwned\u0007", "severity": "warning"},
   "annotations": {"description": "line\r\u001b[2Joverwrite \u202e"}, "startsAt": "not a time",
   "fingerprint": "bbb", "status": {"state": "active"}},
  {"labels": {"alertname": "Silenced"}, "fingerprint": "ccc",
   "status": {"state": "suppressed", "silencedBy": ["s-1"], "inhibitedBy": null}},
  {"labels": {"alertname": "Gone"}, "fingerprint": "ddd", "status": {"state": "resolved"}},
  {"labels": {"alertname": "NoStatus"}}
]"#;

const SILENCES: &str = r#"[
  {"id": "s-1", "status": {"state": "active"}, "createdBy": "alice", "comment": "deploy",
   "startsAt": "2025-06-01T11:00:00Z", "endsAt": "2025-06-01T14:00:00Z",
   "matchers": [{"name": "alertname", "value": "Silenced", "isRegex": false, "isEqual": true},
                {"name": "job", "value": "a|b", "isRegex": true, "isEqual": false}]},
  {"id": "s-old", "status": {"state": "expired"}, "createdBy": "bob", "comment": "old",
   "matchers": []}
]"#;

#[test]
fn parse_alerts_maps_states_annotations_and_sanitizes() {
    let alerts = parse_alerts(BODY.as_bytes()).unwrap();
    let names: Vec<&str> = alerts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["HighErrorRate", "Evil␛]0;pwned␇", "Silenced", "NoStatus"]
    );
    let first = &alerts[0];
    assert_eq!(first.severity, Severity::Critical);
    assert_eq!(first.summary.as_str(), "5xx above 5%");
    assert_eq!(first.runbook.as_str(), "https://runbooks/high-error-rate");
    assert_eq!(first.generator_url.as_str(), "http://prom/graph");
    assert_eq!(first.receivers, vec![Text::new("pager")]);
    assert_eq!(
        first.starts_at,
        Some("2025-06-01T11:55:00Z".parse().unwrap())
    );
    assert_eq!(first.label("service").map(Text::as_str), Some("api"));
    assert_eq!(alerts[1].summary.as_str(), "line␍␛[2Joverwrite \\u{202e}");
    assert_eq!(alerts[1].starts_at, None);
    assert_eq!(
        alerts[2].state,
        AlertState::Suppressed {
            silenced_by: vec![Text::new("s-1")],
            inhibited_by: vec![]
        }
    );
    assert_eq!(alerts[3].fingerprint.as_str(), "alertname=NoStatus");
    assert_eq!(alerts[3].severity.label(), "none");
}

#[test]
fn parse_silences_reads_matchers_and_people() {
    let silences = wire::parse_silences(SILENCES.as_bytes(), 1).unwrap();
    assert_eq!(silences.len(), 2);
    let s = &silences[0];
    assert_eq!(s.id.as_str(), "s-1");
    assert_eq!(
        (s.created_by.as_str(), s.comment.as_str()),
        ("alice", "deploy")
    );
    assert_eq!(
        s.matchers,
        vec![
            Text::new(r#"alertname="Silenced""#),
            Text::new(r#"job!~"a|b""#)
        ]
    );
    assert_eq!(s.replica, 1);
    assert!(s.is_active());
    assert!(!silences[1].is_active());
}

#[test]
fn parse_rejects_bad_json() {
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
        poll::alerts_query(&[r#"team="sre""#.to_string()]),
        vec![
            ("active", "true"),
            ("silenced", "true"),
            ("inhibited", "true"),
            ("unprocessed", "true"),
            ("filter", r#"team="sre""#),
        ]
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

fn am_router(alerts: &'static str) -> Router {
    Router::new()
        .route("/api/v2/alerts", get(move || async move { alerts }))
        .route("/api/v2/silences", get(|| async { SILENCES }))
}

fn quick() -> PollConfig {
    PollConfig {
        every: Duration::from_millis(50),
        timeout: Duration::from_millis(300),
        max_backoff: Duration::from_millis(200),
    }
}

async fn refused_url() -> String {
    let closed = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    url
}

#[tokio::test]
async fn get_reports_each_failure_kind() {
    let get_alerts = |url: &str| {
        let spec = url_spec(url, quick().timeout).unwrap();
        async move {
            let am = AmHttp::connect(&spec).await.unwrap();
            am.get("/api/v2/alerts", &[]).await
        }
    };
    let ok = serve(am_router(BODY)).await;
    assert_eq!(get_alerts(&ok).await.unwrap(), BODY.as_bytes());

    let unavailable = serve(Router::new().route(
        "/api/v2/alerts",
        get(|| async { StatusCode::SERVICE_UNAVAILABLE }),
    ))
    .await;
    assert_eq!(
        get_alerts(&unavailable).await.unwrap_err(),
        "HTTP 503 Service Unavailable"
    );
    let bad_request = serve(Router::new().route(
        "/api/v2/alerts",
        get(|| async { (StatusCode::BAD_REQUEST, "\"bad matcher format: x\"") }),
    ))
    .await;
    assert_eq!(
        get_alerts(&bad_request).await.unwrap_err(),
        "HTTP 400 Bad Request: bad matcher format: x"
    );
    assert_eq!(
        get_alerts(&refused_url().await).await.unwrap_err(),
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
    assert_eq!(get_alerts(&slow).await.unwrap_err(), "timeout");
}

#[tokio::test]
async fn poll_merges_replicas_and_reports_the_one_down() {
    let specs = |urls: &[String]| -> Vec<EndpointSpec> {
        urls.iter()
            .map(|url| url_spec(url, quick().timeout).unwrap())
            .collect()
    };
    let a = serve(am_router(BODY)).await;
    // The second replica has one alert the first also has, and one of its own.
    let b = serve(am_router(
        r#"[{"labels": {"alertname": "HighErrorRate"}, "fingerprint": "aaa"},
            {"labels": {"alertname": "OnlyOnB"}, "fingerprint": "zzz"}]"#,
    ))
    .await;
    let down = refused_url().await;
    let snapshot = poll_replicas(
        &replicas(&specs(&[a.clone(), b, down.clone()]))
            .await
            .unwrap(),
        &[],
    )
    .await
    .unwrap();
    let mut fingerprints: Vec<&str> = snapshot
        .alerts
        .iter()
        .map(|a| a.fingerprint.as_str())
        .collect();
    fingerprints.sort_unstable();
    assert_eq!(
        fingerprints,
        vec!["aaa", "alertname=NoStatus", "bbb", "ccc", "zzz"]
    );
    // The first replica's copy wins (it has the summary).
    let aaa = snapshot
        .alerts
        .iter()
        .find(|a| a.fingerprint.as_str() == "aaa")
        .unwrap();
    assert_eq!(aaa.summary.as_str(), "5xx above 5%");
    // Expired silences are dropped, the others deduplicated by id, with the replicas that
    // listed them (both that answered).
    assert_eq!(snapshot.silences.len(), 1);
    assert_eq!(snapshot.silences[0].seen_on, vec![0, 1]);
    let errors: Vec<Option<&str>> = snapshot
        .replicas
        .iter()
        .map(|r| r.error.as_ref().map(Text::as_str))
        .collect();
    assert_eq!(errors, vec![None, None, Some("connection refused")]);

    let all_down = poll_replicas(&replicas(&specs(&[down.clone(), down])).await.unwrap(), &[])
        .await
        .unwrap_err();
    assert_eq!(all_down, "connection refused (all 2 replicas failed)");
}

/// A silence one replica has and gossip has not brought to the other yet keeps the replica
/// it was read from and lists only it; one both have lists both, read from the first.
#[test]
fn merged_silences_record_every_replica_that_listed_them() {
    use watchdeck_core::model::silence::{ReplicaReport, Silence};
    let silence = |id: &str, replica: usize| Silence {
        id: Text::new(id),
        replica,
        seen_on: vec![replica],
        ..Silence::default()
    };
    let report = |url: &str| ReplicaReport {
        url: Text::new(url),
        error: None,
    };
    let snapshot = super::poll::merge(
        [
            (Vec::new(), vec![silence("s-both", 0)]),
            (Vec::new(), vec![silence("s-new", 1), silence("s-both", 1)]),
        ],
        vec![report("http://a"), report("http://b")],
    );
    let seen: Vec<(&str, usize, Vec<usize>)> = snapshot
        .silences
        .iter()
        .map(|s| (s.id.as_str(), s.replica, s.seen_on.clone()))
        .collect();
    assert_eq!(seen, vec![("s-both", 0, vec![0, 1]), ("s-new", 1, vec![1])]);
}

#[tokio::test]
async fn poller_sends_failure_then_recovers() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let flaky = serve(
        Router::new()
            .route(
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
            )
            .route("/api/v2/silences", get(|| async { "[]" })),
    )
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
        matches!(&second.payload, Payload::AlertSnapshot(s) if s.alerts.len() == 4),
        "{second:?}"
    );
    // The poller stops once the app loop is gone.
    drop(rx);
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .unwrap()
        .unwrap();
}

#[test]
fn replicas_are_named_by_url_or_service() {
    use watchdeck_core::config::{Endpoint, ServicePort};
    let by_url = url_endpoint("http://am-0:9093/", Duration::from_secs(5)).unwrap();
    assert_eq!(replica_name(&by_url.endpoint), "http://am-0:9093");
    let service = |path: &str| Endpoint::Service {
        namespace: "monitoring".to_string(),
        name: "alertmanager-main".to_string(),
        port: ServicePort::Number(9093),
        path: path.to_string(),
    };
    assert_eq!(
        replica_name(&service("")),
        "monitoring/alertmanager-main:9093"
    );
    assert_eq!(
        replica_name(&service("/am")),
        "monitoring/alertmanager-main:9093/am"
    );
    let bad = url_endpoint("am-0:9093", Duration::from_secs(5)).unwrap_err();
    assert!(bad.starts_with("Alertmanager URL \"am-0:9093\": "), "{bad}");
}
