//! HTTP tests of alerts, groups, status and probes; the router is bound on 127.0.0.1:0 and
//! called with raw HTTP/1.1 over a TcpStream (helpers shared with `api_silence_tests.rs`).

use std::net::SocketAddr;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;
use crate::alertmanager::config::AmConfig;

pub(super) const T0: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z
pub(super) const MIN: Millis = 60_000;

pub(super) struct Server {
    addr: SocketAddr,
    pub(super) now: VirtualNow,
}

pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) body: String,
}

impl Answer {
    pub(super) fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

pub(super) async fn serve() -> Server {
    let now = VirtualNow::new(T0);
    let state = AmApiState {
        now: now.clone(),
        state: Arc::new(RwLock::new(AmState::new(7, AmConfig::default()))),
    };
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("local_addr: {e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router(state)).await;
    });
    Server { addr, now }
}

fn dechunk(mut raw: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = raw.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        raw = rest[n..].strip_prefix("\r\n").unwrap_or(&rest[n..]);
    }
    out
}

impl Server {
    pub(super) async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let body = body.map(Value::to_string).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        let mut stream = TcpStream::connect(self.addr)
            .await
            .unwrap_or_else(|e| panic!("connect: {e}"));
        stream
            .write_all(request.as_bytes())
            .await
            .unwrap_or_else(|e| panic!("write: {e}"));
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .unwrap_or_else(|e| panic!("read: {e}"));
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, rest) = raw.split_once("\r\n\r\n").unwrap_or((raw.as_str(), ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let chunked =
            header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        let body = if chunked {
            dechunk(rest)
        } else {
            rest.to_string()
        };
        Answer {
            status,
            content_type: header("content-type"),
            body,
        }
    }

    pub(super) async fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None).await
    }

    pub(super) async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call("POST", path, Some(body)).await
    }
}

pub(super) fn ts(ms: Millis) -> String {
    rfc3339_millis(ms)
}

pub(super) fn prom_alert(alertname: &str, severity: &str, service: &str) -> Value {
    json!({
        "labels": {"alertname": alertname, "severity": severity, "cluster": "eu-west-1", "service": service},
        "annotations": {"summary": format!("{alertname} on {service}")},
        "startsAt": ts(T0),
        "endsAt": ts(T0 + 60 * MIN),
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up"
    })
}

#[tokio::test]
async fn alerts_round_trip_in_gettable_alert_shape() {
    let s = serve().await;
    let batch = json!([
        prom_alert("HighErrorRate", "critical", "api"),
        prom_alert("HighResponseTime", "warning", "api")
    ]);
    assert_eq!(s.post("/api/v2/alerts", &batch).await.status, 200);
    s.now.set(T0 + MIN);
    assert_eq!(
        s.post("/api/v2/alerts", &batch).await.status,
        200,
        "second replica"
    );
    let answer = s.get("/api/v2/alerts").await;
    assert_eq!(
        (answer.status, answer.content_type.as_deref()),
        (200, Some("application/json"))
    );
    let alerts = answer.json();
    let list = alerts.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 2, "{alerts}");
    let fps: Vec<&str> = list
        .iter()
        .filter_map(|a| a["fingerprint"].as_str())
        .collect();
    assert!(
        fps.iter()
            .all(|f| f.len() == 16 && f.bytes().all(|b| b.is_ascii_hexdigit())),
        "{fps:?}"
    );
    assert!(fps.windows(2).all(|w| w[0] < w[1]), "sorted by fingerprint");
    let critical = list
        .iter()
        .find(|a| a["labels"]["severity"] == "critical")
        .cloned()
        .unwrap_or_default();
    let warning = list
        .iter()
        .find(|a| a["labels"]["severity"] == "warning")
        .cloned()
        .unwrap_or_default();
    assert_eq!(critical["startsAt"], ts(T0));
    assert_eq!(critical["endsAt"], ts(T0 + 60 * MIN));
    assert_eq!(critical["updatedAt"], ts(T0 + MIN));
    assert_eq!(critical["receivers"], json!([{"name": "oncall"}]));
    assert_eq!(
        critical["generatorURL"],
        "http://prometheus:9090/graph?g0.expr=up"
    );
    assert_eq!(
        critical["annotations"],
        json!({"summary": "HighErrorRate on api"})
    );
    assert_eq!(
        critical["status"],
        json!({"state": "active", "silencedBy": [], "inhibitedBy": [], "mutedBy": []})
    );
    assert_eq!(warning["status"]["state"], "suppressed");
    assert_eq!(
        warning["status"]["inhibitedBy"],
        json!([critical["fingerprint"]])
    );

    let only_warning = s
        .get("/api/v2/alerts?filter=severity%3D~%22warn.%2A%22&inhibited=true")
        .await
        .json();
    assert_eq!(only_warning.as_array().map(Vec::len), Some(1));
    let not_inhibited = s.get("/api/v2/alerts?inhibited=false").await.json();
    assert_eq!(not_inhibited.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn bad_filters_and_bad_alerts_are_400_naming_the_problem() {
    let s = serve().await;
    for path in [
        "/api/v2/alerts",
        "/api/v2/alerts/groups",
        "/api/v2/silences",
    ] {
        let answer = s.get(&format!("{path}?filter=cluster~eu-west-1")).await;
        assert_eq!(
            (answer.status, answer.json()),
            (400, json!("bad matcher format: cluster~eu-west-1")),
            "{path}"
        );
    }
    let receiver = s.get("/api/v2/alerts?receiver=%28").await;
    assert_eq!(receiver.status, 400);
    assert!(
        receiver
            .json()
            .as_str()
            .is_some_and(|m| m.starts_with("failed to parse receiver param: "))
    );
    let batch = json!([{"labels": {"alertname": "Ok"}}, {"labels": {}}, {"annotations": {}}]);
    let answer = s.post("/api/v2/alerts", &batch).await;
    assert_eq!(
        (answer.status, answer.json()),
        (
            422,
            json!({"code": 602, "message": "2.labels in body is required"})
        )
    );
    let answer = s
        .post(
            "/api/v2/alerts",
            &json!([{"labels": {"alertname": "Ok"}}, {"labels": {}}]),
        )
        .await;
    assert_eq!(
        (answer.status, answer.json()),
        (400, json!("at least one label pair required"))
    );
    assert_eq!(
        s.get("/api/v2/alerts")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1),
        "valid alerts kept"
    );
}

#[tokio::test]
async fn groups_status_receivers_and_probes() {
    let s = serve().await;
    let mut other_cluster = prom_alert("HighErrorRate", "critical", "api");
    other_cluster["labels"]["cluster"] = json!("us-east-1");
    let batch = json!([
        prom_alert("HighErrorRate", "critical", "api"),
        prom_alert("HighErrorRate", "critical", "web"),
        other_cluster
    ]);
    s.post("/api/v2/alerts", &batch).await;
    let groups = s.get("/api/v2/alerts/groups").await.json();
    let shape: Vec<(Value, Value, usize)> = groups
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|g| {
            (
                g["labels"].clone(),
                g["receiver"].clone(),
                g["alerts"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    let oncall = json!({"name": "oncall"});
    assert_eq!(
        shape,
        [
            (
                json!({"alertname": "HighErrorRate", "cluster": "eu-west-1"}),
                oncall.clone(),
                2
            ),
            (
                json!({"alertname": "HighErrorRate", "cluster": "us-east-1"}),
                oncall.clone(),
                1
            ),
        ]
    );
    assert_eq!(groups[0]["alerts"][0]["labels"]["service"], "api");

    s.now.set(T0 + 90 * MIN);
    let status = s.get("/api/v2/status").await.json();
    assert_eq!(
        status["cluster"],
        json!({"peers": [], "status": "disabled"})
    );
    assert_eq!(status["uptime"], ts(T0));
    assert!(
        status["config"]["original"]
            .as_str()
            .is_some_and(|y| y.contains("receiver: oncall"))
    );
    for key in [
        "version",
        "revision",
        "branch",
        "buildUser",
        "buildDate",
        "goVersion",
    ] {
        assert!(status["versionInfo"][key].is_string(), "versionInfo.{key}");
    }
    assert_eq!(s.get("/api/v2/receivers").await.json(), json!([oncall]));
    for probe in ["/-/ready", "/-/healthy"] {
        let answer = s.get(probe).await;
        assert_eq!((answer.status, answer.body.as_str()), (200, "OK"));
    }
    let missing = s.get("/api/v2/nope").await;
    assert_eq!(
        (missing.status, missing.json()),
        (
            404,
            json!({"code": 404, "message": "path /api/v2/nope was not found"})
        )
    );
}
