//! Scaling from the Workloads screen: declined at the plan's approval (nothing changes, one
//! refused record), then applied (the cluster's spec.replicas follows, attempt and result).

use super::*;

fn replicas(deployment: &Deployment) -> i32 {
    deployment.spec.as_ref().unwrap().replicas.unwrap_or(1)
}

/// `x` on the selected row, `replicas` typed over the prefilled count, Enter: the run plans
/// and asks to approve the plan, showing the change in the diff.
async fn plan_scale(console: &mut Console, from: i32, to: i32) {
    console.press(Key::Char('x'));
    let popup = &console.model.ui.workloads.popup;
    let open = matches!(popup, Some(ActionPopup::Scale(_)));
    assert!(open, "no scale popup\n{}", console.screen());
    console.type_text(&to.to_string());
    console.press(Key::Enter);
    let (gate, expect) = console.next_prompt().await;
    assert_eq!((gate, expect), (Gate::Plan, Expect::YesNo));
    let screen = console.screen();
    assert!(
        has_line(&screen, &[&format!("- replicas: {from}")]),
        "{screen}"
    );
    assert!(
        has_line(&screen, &[&format!("+ replicas: {to}")]),
        "{screen}"
    );
}

/// Declined at the plan's approval: the run stops, the fleet keeps `from` replicas and the
/// audit file holds one refused record and nothing else; returns its action id.
async fn decline_scale(console: &mut Console, cluster: &str, from: i32, to: i32) -> String {
    plan_scale(console, from, to).await;
    console.press(Key::Char('n'));
    let ended = |m: &Model| m.runs.phase() == Some(RunPhase::Ended);
    console.until("the declined run ends", ended).await;
    assert!(matches!(console.result(), Some(RunResult::Stopped { .. })));
    assert!(console.screen().contains("■ stopped"));
    assert_eq!(replicas(&console.deployment(cluster, SERVICE).await), from);
    let records = console.audit_records();
    let [refused] = &records[..] else {
        panic!("one refused record expected: {records:?}");
    };
    assert_eq!(
        (refused.phase, refused.cluster.as_str()),
        (AuditPhase::Refused, cluster)
    );
    console.press(Key::Esc);
    refused.action_id.clone()
}

/// Applied: nothing pages there so `y` is the only answer; the rollout verifies, the run
/// completes and the Workloads screen shows the new count.
async fn apply_scale(console: &mut Console, cluster: &str, from: i32, to: i32) {
    plan_scale(console, from, to).await;
    assert_eq!(replicas(&console.deployment(cluster, SERVICE).await), from);
    console.press(Key::Char('y'));
    let gates = console.yes_until_the_end().await;
    assert!(gates.is_empty(), "nothing pages in {cluster}: {gates:?}");
    let screen = console.screen();
    assert_eq!(console.result(), Some(RunResult::Completed), "{screen}");
    console.press(Key::Esc);
    let id = console.cluster(cluster);
    let want = u32::try_from(to).unwrap();
    let shown =
        |m: &Model| payment_row(m, id).is_some_and(|w| w.desired == want && w.ready == want);
    console
        .until("the Workloads screen shows the new count", shown)
        .await;
    let screen = console.screen();
    let ready = format!("{to}/{to}");
    assert!(has_line(&screen, &[cluster, SERVICE, &ready]), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaling_from_the_workloads_screen_and_declining_it() {
    let mut console = Console::start(START_MS, &[]).await;
    let cluster = "eu-west-1";
    let from = replicas(&console.deployment(cluster, SERVICE).await);
    let to = from + 2;
    console.press(Key::Char('6'));
    console.select_deployment(console.cluster(cluster), SERVICE);

    let declined = decline_scale(&mut console, cluster, from, to).await;
    apply_scale(&mut console, cluster, from, to).await;

    assert_eq!(replicas(&console.deployment(cluster, SERVICE).await), to);
    let records = console.audit_records();
    executed_action(&records);
    assert_eq!(phases_of(&records, &declined), [AuditPhase::Refused]);
    assert_eq!(records.len(), 3);
}
