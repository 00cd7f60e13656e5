//! HTTP tests: the router bound on 127.0.0.1:0, called with raw HTTP/1.1 over a TcpStream.

use std::net::SocketAddr;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;
use crate::sim::alertmanager::config::AmConfig;

const T0: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const MIN: Millis = 60_000;

struct Server {
    addr: SocketAddr,
    now: VirtualNow,
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

async fn serve() -> Server {
    let now = VirtualNow::new(T0);
    let state = AmApiState { now: now.clone(), state: Arc::new(RwLock::new(AmState::new(7, AmConfig::default()))) };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("local_addr: {e}"));
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
    async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let body = body.map(Value::to_string).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        let mut stream = TcpStream::connect(self.addr).await.unwrap_or_else(|e| panic!("connect: {e}"));
        stream.write_all(request.as_bytes()).await.unwrap_or_else(|e| panic!("write: {e}"));
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap_or_else(|e| panic!("read: {e}"));
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, rest) = raw.split_once("\r\n\r\n").unwrap_or((raw.as_str(), ""));
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let chunked = header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        let body = if chunked { dechunk(rest) } else { rest.to_string() };
        Answer { status, content_type: header("content-type"), body }
    }

    async fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None).await
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call("POST", path, Some(body)).await
    }
}

fn ts(ms: Millis) -> String {
    rfc3339_millis(ms)
}

fn prom_alert(alertname: &str, severity: &str, service: &str) -> Value {
    json!({
        "labels": {"alertname": alertname, "severity": severity, "cluster": "eu-west-1", "service": service},
        "annotations": {"summary": format!("{alertname} on {service}")},
        "startsAt": ts(T0),
        "endsAt": ts(T0 + 60 * MIN),
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up"
    })
}

fn silence_body(name: &str, value: &str, ends: Millis) -> Value {
    json!({
        "matchers": [{"name": name, "value": value, "isRegex": false}],
        "startsAt": ts(T0), "endsAt": ts(ends), "createdBy": "alice", "comment": "maintenance"
    })
}

#[tokio::test]
async fn alerts_round_trip_in_gettable_alert_shape() {
    let s = serve().await;
    let batch = json!([prom_alert("HighErrorRate", "critical", "api"), prom_alert("HighResponseTime", "warning", "api")]);
    assert_eq!(s.post("/api/v2/alerts", &batch).await.status, 200);
    s.now.set(T0 + MIN);
    assert_eq!(s.post("/api/v2/alerts", &batch).await.status, 200, "second replica");
    let answer = s.get("/api/v2/alerts").await;
    assert_eq!((answer.status, answer.content_type.as_deref()), (200, Some("application/json")));
    let alerts = answer.json();
    let list = alerts.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 2, "{alerts}");
    let fps: Vec<&str> = list.iter().filter_map(|a| a["fingerprint"].as_str()).collect();
    assert!(fps.iter().all(|f| f.len() == 16 && f.bytes().all(|b| b.is_ascii_hexdigit())), "{fps:?}");
    assert!(fps.windows(2).all(|w| w[0] < w[1]), "sorted by fingerprint");
    let critical = list.iter().find(|a| a["labels"]["severity"] == "critical").cloned().unwrap_or_default();
    let warning = list.iter().find(|a| a["labels"]["severity"] == "warning").cloned().unwrap_or_default();
    assert_eq!(critical["startsAt"], ts(T0));
    assert_eq!(critical["endsAt"], ts(T0 + 60 * MIN));
    assert_eq!(critical["updatedAt"], ts(T0 + MIN));
    assert_eq!(critical["receivers"], json!([{"name": "oncall"}]));
    assert_eq!(critical["generatorURL"], "http://prometheus:9090/graph?g0.expr=up");
    assert_eq!(critical["annotations"], json!({"summary": "HighErrorRate on api"}));
    assert_eq!(critical["status"], json!({"state": "active", "silencedBy": [], "inhibitedBy": [], "mutedBy": []}));
    assert_eq!(warning["status"]["state"], "suppressed");
    assert_eq!(warning["status"]["inhibitedBy"], json!([critical["fingerprint"]]));

    let only_warning = s.get("/api/v2/alerts?filter=severity%3D~%22warn.%2A%22&inhibited=true").await.json();
    assert_eq!(only_warning.as_array().map(Vec::len), Some(1));
    let not_inhibited = s.get("/api/v2/alerts?inhibited=false").await.json();
    assert_eq!(not_inhibited.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn silence_lifecycle_over_http() {
    let s = serve().await;
    s.post("/api/v2/alerts", &json!([prom_alert("PodCrashLooping", "warning", "web")])).await;
    let created = s.post("/api/v2/silences", &silence_body("service", "web", T0 + 30 * MIN)).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.json()["silenceID"].as_str().unwrap_or_default().to_string();
    assert_eq!(id.len(), 36);

    let got = s.get(&format!("/api/v2/silence/{id}")).await.json();
    let want = json!({
        "id": id, "status": {"state": "active"}, "updatedAt": ts(T0),
        "comment": "maintenance", "createdBy": "alice", "endsAt": ts(T0 + 30 * MIN),
        "matchers": [{"isEqual": true, "isRegex": false, "name": "service", "value": "web"}],
        "startsAt": ts(T0)
    });
    assert_eq!(got, want);
    let alert = s.get("/api/v2/alerts").await.json();
    assert_eq!(alert[0]["status"]["state"], "suppressed");
    assert_eq!(alert[0]["status"]["silencedBy"], json!([id]));
    assert_eq!(s.get("/api/v2/alerts?silenced=false").await.json(), json!([]));

    let listed = s.get("/api/v2/silences?filter=service%3Dweb").await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(s.get("/api/v2/silences?filter=service%3Dapi").await.json(), json!([]));

    s.now.set(T0 + 5 * MIN);
    assert_eq!(s.call("DELETE", &format!("/api/v2/silence/{id}"), None).await.status, 200);
    let expired = s.get(&format!("/api/v2/silence/{id}")).await.json();
    assert_eq!((expired["status"]["state"].clone(), expired["endsAt"].clone()), (json!("expired"), json!(ts(T0 + 5 * MIN))));
    assert_eq!(s.get("/api/v2/alerts").await.json()[0]["status"]["state"], "active");

    let unknown = "6f1c1b1e-9d7a-4b38-8d7e-2f7f8c0e9a11";
    assert_eq!(s.get(&format!("/api/v2/silence/{unknown}")).await.status, 404);
    assert_eq!(s.call("DELETE", &format!("/api/v2/silence/{unknown}"), None).await.status, 404);
    let bad = s.get("/api/v2/silence/not-a-uuid").await;
    assert_eq!((bad.status, bad.json()), (422, json!({"code": 601, "message": "silenceID in path must be of type uuid: \"not-a-uuid\""})));
}

#[tokio::test]
async fn silence_update_in_place_and_recreate_over_http() {
    let s = serve().await;
    let first = s.post("/api/v2/silences", &silence_body("service", "web", T0 + 30 * MIN)).await.json();
    let id = first["silenceID"].clone();
    let mut longer = silence_body("service", "web", T0 + 60 * MIN);
    longer["id"] = id.clone();
    assert_eq!(s.post("/api/v2/silences", &longer).await.json()["silenceID"], id, "in place");
    let mut other = silence_body("service", "api", T0 + 60 * MIN);
    other["id"] = id.clone();
    let replaced = s.post("/api/v2/silences", &other).await.json()["silenceID"].clone();
    assert_ne!(replaced, id, "changed matchers give a new silence");
    let states: Vec<Value> = s.get("/api/v2/silences").await.json().as_array().cloned().unwrap_or_default().iter().map(|x| x["status"]["state"].clone()).collect();
    assert_eq!(states, [json!("active"), json!("expired")]);
}

#[tokio::test]
async fn silence_errors_match_alertmanager() {
    let s = serve().await;
    let without = |field: &str| {
        let mut body = silence_body("a", "b", T0 + MIN);
        if let Some(map) = body.as_object_mut() {
            map.remove(field);
        }
        body
    };
    let mut no_regex_flag = silence_body("a", "b", T0 + MIN);
    no_regex_flag["matchers"][0] = json!({"name": "a", "value": "b"});
    let mut unknown_id = silence_body("a", "b", T0 + MIN);
    unknown_id["id"] = json!("6f1c1b1e-9d7a-4b38-8d7e-2f7f8c0e9a11");
    let mut past = silence_body("a", "b", T0 - MIN);
    past["startsAt"] = json!(ts(T0 - 10 * MIN));
    let mut empty = silence_body("a", "b", T0 + MIN);
    empty["matchers"] = json!([]);
    let cases: Vec<(Value, u16, Value)> = vec![
        (without("createdBy"), 422, json!({"code": 602, "message": "createdBy in body is required"})),
        (without("comment"), 422, json!({"code": 602, "message": "comment in body is required"})),
        (empty, 422, json!({"code": 612, "message": "matchers in body should have at least 1 items"})),
        (no_regex_flag, 422, json!({"code": 602, "message": "matchers.0.isRegex in body is required"})),
        (past, 400, json!("Failed to create silence: end time can't be in the past")),
        (silence_body("a", "b", T0), 400, json!("Failed to create silence: start time must be before end time")),
        (silence_body("bad-name", "b", T0 + MIN), 400, json!("invalid silence: invalid label matcher 0: invalid label name \"bad-name\"")),
        (unknown_id, 404, json!("silence not found")),
    ];
    for (body, status, want) in cases {
        let answer = s.post("/api/v2/silences", &body).await;
        assert_eq!((answer.status, answer.json()), (status, want), "{body}");
    }
    let mut bad_regex = silence_body("a", "(", T0 + MIN);
    bad_regex["matchers"][0]["isRegex"] = json!(true);
    let answer = s.post("/api/v2/silences", &bad_regex).await;
    let message = answer.json().as_str().unwrap_or_default().to_string();
    assert_eq!(answer.status, 400);
    assert!(message.starts_with("invalid silence: invalid label matcher 0: invalid regular expression \"(\""), "{message}");
    let garbage = s.call("POST", "/api/v2/silences", Some(&json!("nope"))).await;
    assert_eq!(garbage.status, 400);
    assert!(garbage.json()["message"].as_str().is_some_and(|m| m.starts_with("parsing silence body from \"\" failed")));
}

#[tokio::test]
async fn bad_filters_and_bad_alerts_are_400_naming_the_problem() {
    let s = serve().await;
    for path in ["/api/v2/alerts", "/api/v2/alerts/groups", "/api/v2/silences"] {
        let answer = s.get(&format!("{path}?filter=cluster~eu-west-1")).await;
        assert_eq!((answer.status, answer.json()), (400, json!("bad matcher format: cluster~eu-west-1")), "{path}");
    }
    let receiver = s.get("/api/v2/alerts?receiver=%28").await;
    assert_eq!(receiver.status, 400);
    assert!(receiver.json().as_str().is_some_and(|m| m.starts_with("failed to parse receiver param: ")));
    let batch = json!([{"labels": {"alertname": "Ok"}}, {"labels": {}}, {"annotations": {}}]);
    let answer = s.post("/api/v2/alerts", &batch).await;
    assert_eq!((answer.status, answer.json()), (422, json!({"code": 602, "message": "2.labels in body is required"})));
    let answer = s.post("/api/v2/alerts", &json!([{"labels": {"alertname": "Ok"}}, {"labels": {}}])).await;
    assert_eq!((answer.status, answer.json()), (400, json!("at least one label pair required")));
    assert_eq!(s.get("/api/v2/alerts").await.json().as_array().map(Vec::len), Some(1), "valid alerts kept");
}

#[tokio::test]
async fn groups_status_receivers_and_probes() {
    let s = serve().await;
    let mut other_cluster = prom_alert("HighErrorRate", "critical", "api");
    other_cluster["labels"]["cluster"] = json!("us-east-1");
    let batch = json!([prom_alert("HighErrorRate", "critical", "api"), prom_alert("HighErrorRate", "critical", "web"), other_cluster]);
    s.post("/api/v2/alerts", &batch).await;
    let groups = s.get("/api/v2/alerts/groups").await.json();
    let shape: Vec<(Value, Value, usize)> = groups
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|g| (g["labels"].clone(), g["receiver"].clone(), g["alerts"].as_array().map_or(0, Vec::len)))
        .collect();
    let oncall = json!({"name": "oncall"});
    assert_eq!(shape, [
        (json!({"alertname": "HighErrorRate", "cluster": "eu-west-1"}), oncall.clone(), 2),
        (json!({"alertname": "HighErrorRate", "cluster": "us-east-1"}), oncall.clone(), 1),
    ]);
    assert_eq!(groups[0]["alerts"][0]["labels"]["service"], "api");

    s.now.set(T0 + 90 * MIN);
    let status = s.get("/api/v2/status").await.json();
    assert_eq!(status["cluster"], json!({"peers": [], "status": "disabled"}));
    assert_eq!(status["uptime"], ts(T0));
    assert!(status["config"]["original"].as_str().is_some_and(|y| y.contains("receiver: oncall")));
    for key in ["version", "revision", "branch", "buildUser", "buildDate", "goVersion"] {
        assert!(status["versionInfo"][key].is_string(), "versionInfo.{key}");
    }
    assert_eq!(s.get("/api/v2/receivers").await.json(), json!([oncall]));
    for probe in ["/-/ready", "/-/healthy"] {
        let answer = s.get(probe).await;
        assert_eq!((answer.status, answer.body.as_str()), (200, "OK"));
    }
    let missing = s.get("/api/v2/nope").await;
    assert_eq!((missing.status, missing.json()), (404, json!({"code": 404, "message": "path /api/v2/nope was not found"})));
}
