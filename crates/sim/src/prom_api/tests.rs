//! The router served on a loopback port and called with raw HTTP/1.1 requests.

use std::sync::{Arc, RwLock};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;
use crate::labels::{Labels, METRIC_NAME};
use crate::rules::default_rule_groups;

const S: i64 = 1_000;
/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600_000;

fn state() -> PromApiState {
    let mut db = Tsdb::new(3_600 * S);
    let up = |instance: &str| {
        Labels::from_pairs([(METRIC_NAME, "up"), ("job", "node"), ("instance", instance)])
    };
    let reqs = Labels::from_pairs([
        (METRIC_NAME, "http_requests_total"),
        ("job", "api"),
        ("code", "200"),
    ]);
    for i in 0..=60i64 {
        db.append_scrape(
            T0 + i * 10 * S,
            [
                (up("a"), 1.0),
                (up("b"), f64::NAN),
                (reqs.clone(), 10.0 * i as f64),
            ],
        );
    }
    let mut engine = RuleEngine::new(default_rule_groups()).unwrap_or_default();
    engine.evaluate(&db, T0 + 600 * S);
    PromApiState {
        now: VirtualNow::new(T0 + 600 * S),
        tsdb: Arc::new(RwLock::new(db)),
        rules: Arc::new(RwLock::new(engine)),
    }
}

async fn serve() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("addr: {e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router(state())).await;
    });
    addr
}

/// Sends one request and returns (status code, body).
async fn call(
    addr: std::net::SocketAddr,
    method: &str,
    target: &str,
    form: Option<&str>,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let mut request = format!("{method} {target} HTTP/1.1\r\nHost: prom\r\nConnection: close\r\n");
    if let Some(body) = form {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        request.push_str("\r\n");
    }
    stream
        .write_all(request.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("write: {e}"));
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .await
        .unwrap_or_else(|e| panic!("read: {e}"));
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

#[tokio::test]
async fn endpoints_answer_in_prometheus_shapes() {
    let addr = serve().await;
    let cases: &[(&str, &str, Option<&str>, u16, &str)] = &[
        (
            "GET",
            "/api/v1/query?query=up",
            None,
            200,
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"a","job":"node"},"value":[1767226200,"1"]},{"metric":{"__name__":"up","instance":"b","job":"node"},"value":[1767226200,"NaN"]}]}}"#,
        ),
        (
            "POST",
            "/api/v1/query",
            Some("query=rate(http_requests_total%5B1m%5D)&time=1767226199.5"),
            200,
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"code":"200","job":"api"},"value":[1767226199.500,"1"]}]}}"#,
        ),
        // A batched SLO query as a form body: `+` for spaces, quotes, `=~` and `or`
        // percent-encoded, and a body `time` that wins over the URL's (Prometheus's order).
        (
            "POST",
            "/api/v1/query?time=1",
            Some(
                "query=sum%28rate%28http_requests_total%7Bjob%3D%22api%22%2Ccode%3D~%225..%22%2C%7D%5B5m%5D%29%29+or+label_replace%28vector%280%29%2C+%22window%22%2C+%225m%22%2C+%22%22%2C+%22%22%29&time=1767226200",
            ),
            200,
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"window":"5m"},"value":[1767226200,"0"]}]}}"#,
        ),
        (
            "POST",
            "/api/v1/query_range",
            Some(
                "query=sum+by+%28job%29+%28rate%28http_requests_total%5B1m%5D%29%29&start=1767226140&end=1767226200&step=30",
            ),
            200,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"api"},"values":[[1767226140,"1"],[1767226170,"1"],[1767226200,"1"]]}]}}"#,
        ),
        (
            "POST",
            "/api/v1/query_range",
            Some("query=up&start=1767226200&end=1767226100&step=10"),
            400,
            r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"end\": end timestamp must not be before start time"}"#,
        ),
        (
            "GET",
            "/api/v1/query?query=1%2F0&time=2026-01-01T00:00:01Z",
            None,
            200,
            r#"{"status":"success","data":{"resultType":"scalar","result":[1767225601,"+Inf"]}}"#,
        ),
        (
            "GET",
            "/api/v1/query_range?query=up%7Binstance%3D%22a%22%7D&start=1767226180&end=1767226200&step=10s",
            None,
            200,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","instance":"a","job":"node"},"values":[[1767226180,"1"],[1767226190,"1"],[1767226200,"1"]]}]}}"#,
        ),
        (
            "GET",
            "/api/v1/query?query=sum(",
            None,
            400,
            r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": parse error: "#,
        ),
        (
            "GET",
            "/api/v1/query?query=up%20*%20on()%20vector(1)",
            None,
            422,
            r#"{"status":"error","errorType":"execution","error":"multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"}"#,
        ),
        (
            "GET",
            "/api/v1/query_range?query=up&start=0&end=11001&step=1",
            None,
            400,
            r#"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}"#,
        ),
        (
            "GET",
            "/api/v1/query?query=up&time=soon",
            None,
            400,
            r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"time\": cannot parse \"soon\" to a valid timestamp"}"#,
        ),
        (
            "GET",
            "/api/v1/series?match[]=up%7Binstance%3D%22a%22%7D",
            None,
            200,
            r#"{"status":"success","data":[{"__name__":"up","instance":"a","job":"node"}]}"#,
        ),
        (
            "GET",
            "/api/v1/series",
            None,
            400,
            r#"{"status":"error","errorType":"bad_data","error":"no match[] parameter provided"}"#,
        ),
        (
            "GET",
            "/api/v1/labels",
            None,
            200,
            r#"{"status":"success","data":["__name__","code","instance","job"]}"#,
        ),
        (
            "POST",
            "/api/v1/labels",
            Some("match%5B%5D=http_requests_total"),
            200,
            r#"{"status":"success","data":["__name__","code","job"]}"#,
        ),
        (
            "GET",
            "/api/v1/label/job/values",
            None,
            200,
            r#"{"status":"success","data":["api","node"]}"#,
        ),
        (
            "GET",
            "/api/v1/label/__name__/values?start=1767226200&end=1767226200",
            None,
            200,
            r#"{"status":"success","data":["http_requests_total","up"]}"#,
        ),
        (
            "GET",
            "/-/ready",
            None,
            200,
            "Prometheus Server is Ready.\n",
        ),
        (
            "GET",
            "/-/healthy",
            None,
            200,
            "Prometheus Server is Healthy.\n",
        ),
    ];
    for (method, target, form, status, want) in cases {
        let (got_status, body) = call(addr, method, target, *form).await;
        assert_eq!(got_status, *status, "{method} {target}: {body}");
        assert!(
            body.starts_with(want),
            "{method} {target}:\n got {body}\nwant {want}"
        );
    }
}

#[tokio::test]
async fn rules_alerts_and_buildinfo() {
    let addr = serve().await;
    let (status, body) = call(addr, "GET", "/api/v1/rules", None).await;
    assert_eq!(status, 200);
    let rules: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    assert_eq!(rules["status"], "success");
    assert_eq!(rules["data"]["groups"][0]["name"], "watchdeck-services");
    assert_eq!(rules["data"]["groups"][0]["rules"][0]["health"], "ok");
    assert_eq!(
        rules["data"]["groups"][0]["rules"][0]["lastEvaluation"],
        "2026-01-01T00:10:00Z"
    );
    let (status, body) = call(addr, "GET", "/api/v1/alerts", None).await;
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"status":"success","data":{"alerts":[]}}"#)
    );
    let (status, body) = call(addr, "GET", "/api/v1/status/buildinfo", None).await;
    assert_eq!(status, 200);
    assert!(body.contains(r#""version":"3.0.0""#), "{body}");
}
