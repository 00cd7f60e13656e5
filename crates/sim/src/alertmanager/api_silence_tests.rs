//! HTTP tests of silences: lifecycle, update versus recreate, and Alertmanager's error answers.

use serde_json::{Value, json};

use super::tests::{MIN, T0, prom_alert, serve, ts};
use crate::clock::Millis;

fn silence_body(name: &str, value: &str, ends: Millis) -> Value {
    json!({
        "matchers": [{"name": name, "value": value, "isRegex": false}],
        "startsAt": ts(T0), "endsAt": ts(ends), "createdBy": "alice", "comment": "maintenance"
    })
}

#[tokio::test]
async fn silence_lifecycle_over_http() {
    let s = serve().await;
    s.post(
        "/api/v2/alerts",
        &json!([prom_alert("PodCrashLooping", "warning", "web")]),
    )
    .await;
    let created = s
        .post(
            "/api/v2/silences",
            &silence_body("service", "web", T0 + 30 * MIN),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.json()["silenceID"]
        .as_str()
        .unwrap_or_default()
        .to_string();
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
    assert_eq!(
        s.get("/api/v2/alerts?silenced=false").await.json(),
        json!([])
    );

    let listed = s.get("/api/v2/silences?filter=service%3Dweb").await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(
        s.get("/api/v2/silences?filter=service%3Dapi").await.json(),
        json!([])
    );

    s.now.set(T0 + 5 * MIN);
    assert_eq!(
        s.call("DELETE", &format!("/api/v2/silence/{id}"), None)
            .await
            .status,
        200
    );
    let expired = s.get(&format!("/api/v2/silence/{id}")).await.json();
    assert_eq!(
        (
            expired["status"]["state"].clone(),
            expired["endsAt"].clone()
        ),
        (json!("expired"), json!(ts(T0 + 5 * MIN)))
    );
    assert_eq!(
        s.get("/api/v2/alerts").await.json()[0]["status"]["state"],
        "active"
    );

    let unknown = "6f1c1b1e-9d7a-4b38-8d7e-2f7f8c0e9a11";
    assert_eq!(
        s.get(&format!("/api/v2/silence/{unknown}")).await.status,
        404
    );
    assert_eq!(
        s.call("DELETE", &format!("/api/v2/silence/{unknown}"), None)
            .await
            .status,
        404
    );
    let bad = s.get("/api/v2/silence/not-a-uuid").await;
    assert_eq!(
        (bad.status, bad.json()),
        (
            422,
            json!({"code": 601, "message": "silenceID in path must be of type uuid: \"not-a-uuid\""})
        )
    );
}

#[tokio::test]
async fn silence_update_in_place_and_recreate_over_http() {
    let s = serve().await;
    let first = s
        .post(
            "/api/v2/silences",
            &silence_body("service", "web", T0 + 30 * MIN),
        )
        .await
        .json();
    let id = first["silenceID"].clone();
    let mut longer = silence_body("service", "web", T0 + 60 * MIN);
    longer["id"] = id.clone();
    assert_eq!(
        s.post("/api/v2/silences", &longer).await.json()["silenceID"],
        id,
        "in place"
    );
    let mut other = silence_body("service", "api", T0 + 60 * MIN);
    other["id"] = id.clone();
    let replaced = s.post("/api/v2/silences", &other).await.json()["silenceID"].clone();
    assert_ne!(replaced, id, "changed matchers give a new silence");
    let states: Vec<Value> = s
        .get("/api/v2/silences")
        .await
        .json()
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|x| x["status"]["state"].clone())
        .collect();
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
        (
            without("createdBy"),
            422,
            json!({"code": 602, "message": "createdBy in body is required"}),
        ),
        (
            without("comment"),
            422,
            json!({"code": 602, "message": "comment in body is required"}),
        ),
        (
            empty,
            422,
            json!({"code": 612, "message": "matchers in body should have at least 1 items"}),
        ),
        (
            no_regex_flag,
            422,
            json!({"code": 602, "message": "matchers.0.isRegex in body is required"}),
        ),
        (
            past,
            400,
            json!("Failed to create silence: end time can't be in the past"),
        ),
        (
            silence_body("a", "b", T0),
            400,
            json!("Failed to create silence: start time must be before end time"),
        ),
        (
            silence_body("bad-name", "b", T0 + MIN),
            400,
            json!("invalid silence: invalid label matcher 0: invalid label name \"bad-name\""),
        ),
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
    assert!(
        message.starts_with(
            "invalid silence: invalid label matcher 0: invalid regular expression \"(\""
        ),
        "{message}"
    );
    let garbage = s
        .call("POST", "/api/v2/silences", Some(&json!("nope")))
        .await;
    assert_eq!(garbage.status, 400);
    assert!(
        garbage.json()["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("parsing silence body from \"\" failed"))
    );
}
