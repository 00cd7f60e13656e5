//! Pod rows and kubectl's STATUS reasoning for running, crashing, pending, init and terminating pods.

use serde_json::json;

use super::*;

const NOW: &str = "2025-06-01T12:00:00Z";

fn now() -> i64 {
    parse_time_ms(Some(&json!(NOW))).unwrap()
}

fn pod(status: Value) -> Value {
    json!({
        "metadata": {"name": "checkout-7d9f8c6b5-x2x9q", "namespace": "shop", "creationTimestamp": "2025-06-01T08:48:00Z"},
        "spec": {"nodeName": "node-a", "containers": [{"name": "app", "image": "checkout:1.4"}]},
        "status": status
    })
}

fn running(restarts: i64) -> Value {
    json!({"name": "app", "ready": true, "started": true, "restartCount": restarts, "state": {"running": {"startedAt": "2025-06-01T08:49:00Z"}}})
}

fn cells(p: &Value) -> Vec<Value> {
    row(p, now()).cells
}

#[test]
fn pod_rows() {
    let cases: Vec<(&str, Value, Value)> = vec![
        (
            "running",
            pod(
                json!({"phase": "Running", "podIPs": [{"ip": "10.1.2.3"}], "conditions": [{"type": "Ready", "status": "True"}],
                       "containerStatuses": [running(0)]}),
            ),
            json!([
                "checkout-7d9f8c6b5-x2x9q",
                "1/1",
                "Running",
                "0",
                "3h12m",
                "10.1.2.3",
                "node-a",
                "<none>",
                "<none>"
            ]),
        ),
        (
            "crash loop with last restart time",
            pod(
                json!({"phase": "Running", "podIPs": [{"ip": "10.1.2.3"}], "containerStatuses": [{
                    "name": "app", "ready": false, "started": false, "restartCount": 7,
                    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
                    "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2025-06-01T11:58:25Z"}}
                }]}),
            ),
            json!([
                "checkout-7d9f8c6b5-x2x9q",
                "0/1",
                "CrashLoopBackOff",
                "7 (95s ago)",
                "3h12m",
                "10.1.2.3",
                "node-a",
                "<none>",
                "<none>"
            ]),
        ),
        (
            "pending unschedulable",
            json!({
                "metadata": {"name": "ledger-0", "creationTimestamp": "2025-06-01T11:59:15Z"},
                "spec": {"containers": [{"name": "db"}]},
                "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                    "message": "0/3 nodes are available: 3 Insufficient memory."}]}
            }),
            json!([
                "ledger-0", "0/1", "Pending", "0", "45s", "<none>", "<none>", "<none>", "<none>"
            ]),
        ),
        (
            "container creating",
            pod(
                json!({"phase": "Pending", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "ContainerCreating"}}}]}),
            ),
            json!([
                "checkout-7d9f8c6b5-x2x9q",
                "0/1",
                "ContainerCreating",
                "0",
                "3h12m",
                "<none>",
                "node-a",
                "<none>",
                "<none>"
            ]),
        ),
        (
            "completed",
            pod(
                json!({"phase": "Succeeded", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0,
                "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}),
            ),
            json!([
                "checkout-7d9f8c6b5-x2x9q",
                "0/1",
                "Completed",
                "0",
                "3h12m",
                "<none>",
                "node-a",
                "<none>",
                "<none>"
            ]),
        ),
    ];
    for (what, p, want) in cases {
        assert_eq!(Value::Array(cells(&p)), want, "{what}");
    }
}

#[test]
fn pod_status_reasons() {
    let deleting = |mut p: Value, reason: Option<&str>| {
        p["metadata"]["deletionTimestamp"] = json!("2025-06-01T11:59:50Z");
        if let Some(r) = reason {
            p["status"]["reason"] = json!(r);
        }
        p
    };
    let init = |statuses: Value| {
        let mut p = pod(
            json!({"phase": "Pending", "initContainerStatuses": statuses,
            "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}]}),
        );
        p["spec"]["initContainers"] = json!([{"name": "migrate"}, {"name": "warm"}]);
        p
    };
    let ready = json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}], "containerStatuses": [running(0)]});
    let cases: Vec<(Value, &str)> = vec![
        (deleting(pod(ready.clone()), None), "Terminating"),
        (
            deleting(pod(json!({"phase": "Succeeded"})), None),
            "Succeeded",
        ),
        (deleting(pod(ready.clone()), Some("NodeLost")), "Unknown"),
        (
            init(
                json!([{"name": "migrate", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}]),
            ),
            "Init:0/2",
        ),
        (
            init(
                json!([{"name": "migrate", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                        {"name": "warm", "ready": false, "restartCount": 0, "state": {"running": {}}}]),
            ),
            "Init:1/2",
        ),
        (
            init(
                json!([{"name": "migrate", "ready": false, "restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]),
            ),
            "Init:CrashLoopBackOff",
        ),
        (
            init(
                json!([{"name": "migrate", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}]),
            ),
            "Init:Error",
        ),
        (
            init(
                json!([{"name": "migrate", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 2}}}]),
            ),
            "Init:ExitCode:2",
        ),
        (
            pod(
                json!({"phase": "Running", "containerStatuses": [{"name": "app", "restartCount": 1, "state": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}}]}),
            ),
            "OOMKilled",
        ),
        (
            pod(
                json!({"phase": "Running", "containerStatuses": [{"name": "app", "restartCount": 1, "state": {"terminated": {"exitCode": 137, "signal": 9}}}]}),
            ),
            "Signal:9",
        ),
        (
            pod(json!({"phase": "Failed", "reason": "Evicted"})),
            "Evicted",
        ),
        (
            pod(
                json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}),
            ),
            "SchedulingGated",
        ),
        (pod(json!({"phase": "Unknown"})), "Unknown"),
    ];
    for (p, want) in cases {
        assert_eq!(pod_status_reason(&p), want, "{p}");
    }
}

#[test]
fn completed_sidecar_pods_and_not_ready() {
    // One container finished, one still running: NotReady without the Ready condition.
    let mut p = pod(json!({"phase": "Running", "containerStatuses": [
        {"name": "app", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
        {"name": "proxy", "ready": true, "restartCount": 0, "state": {"running": {}}}
    ]}));
    p["spec"]["containers"] = json!([{"name": "app"}, {"name": "proxy"}]);
    assert_eq!(pod_status_reason(&p), "NotReady");
    p["status"]["conditions"] = json!([{"type": "Ready", "status": "True"}]);
    assert_eq!(pod_status_reason(&p), "Running");

    // A native sidecar counts towards READY and RESTARTS.
    let mut s = pod(json!({
        "phase": "Running",
        "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
        "initContainerStatuses": [{"name": "mesh", "ready": true, "started": true, "restartCount": 2,
            "state": {"running": {}}, "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2025-06-01T11:30:00Z"}}}],
        "containerStatuses": [running(1)]
    }));
    s["spec"]["initContainers"] = json!([{"name": "mesh", "restartPolicy": "Always"}]);
    s["status"]["containerStatuses"][0]["lastState"] =
        json!({"terminated": {"exitCode": 2, "finishedAt": "2025-06-01T10:00:00Z"}});
    let c = cells(&s);
    assert_eq!(
        (&c[1], &c[2], &c[3]),
        (&json!("2/2"), &json!("Running"), &json!("3 (30m ago)"))
    );
}

#[test]
fn readiness_gates_and_row_conditions() {
    let mut p = pod(
        json!({"phase": "Running", "nominatedNodeName": "node-b", "conditions": [
        {"type": "Ready", "status": "True"}, {"type": "example.com/lb", "status": "True"}, {"type": "example.com/dns", "status": "False"}
    ], "containerStatuses": [running(0)]}),
    );
    p["spec"]["readinessGates"] =
        json!([{"conditionType": "example.com/lb"}, {"conditionType": "example.com/dns"}]);
    let c = cells(&p);
    assert_eq!((&c[7], &c[8]), (&json!("node-b"), &json!("1/2")));
    assert_eq!(row(&p, now()).conditions, None);

    let done = pod(json!({"phase": "Succeeded"}));
    assert_eq!(
        row(&done, now()).conditions,
        Some(
            json!([{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}])
        )
    );
    let failed = pod(json!({"phase": "Failed"}));
    assert_eq!(
        row(&failed, now()).conditions.unwrap()[0]["message"],
        json!("The pod failed.")
    );
}
