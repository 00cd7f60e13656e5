//! Rolling back the bad deploy from the Workloads screen on a production cluster: history,
//! diff before any change, a mistyped target refused, the risk gate, then the cluster runs
//! the previous image and the audit file holds the attempt and its result.

use super::*;

fn image(deployment: &Deployment) -> String {
    let spec = deployment.spec.as_ref().unwrap();
    let pod = spec.template.spec.as_ref().unwrap();
    pod.containers[0].image.clone().unwrap_or_default()
}

fn revision(deployment: &Deployment) -> i64 {
    let annotations = deployment.metadata.annotations.as_ref().unwrap();
    annotations["deployment.kubernetes.io/revision"]
        .parse()
        .unwrap()
}

const EAST: &str = "us-east-1";
/// What a production confirmation for payment in us-east-1 must type.
const EAST_PAYMENT: &str = "us-east-1/shop/payment";

/// `u` on payment in us-east-1: the history lists the revisions, the bad one current, and
/// the one before it (v1.4.1) chosen; returns its number.
async fn open_rollback(console: &mut Console, bad_revision: i64) -> i64 {
    console.press(Key::Char('6'));
    let east = console.cluster(EAST);
    console.select_deployment(east, SERVICE);
    console.press(Key::Char('u'));
    let popup = match console.model.ui.workloads.popup.clone() {
        Some(ActionPopup::Rollback(popup)) => popup,
        _ => panic!("no rollback popup\n{}", console.screen()),
    };
    let chosen = popup.revisions[popup.selected].clone();
    assert!(chosen.number < bad_revision && !chosen.current);
    let screen = console.screen();
    let current = format!("● {bad_revision}");
    assert!(
        screen.contains(&format!("Roll back {EAST_PAYMENT}")),
        "{screen}"
    );
    assert!(
        has_line(&screen, &[&current, "v1.4.2", "ci: deploy"]),
        "{screen}"
    );
    let number = chosen.number.to_string();
    assert!(has_line(&screen, &[&number, "v1.4.1"]), "{screen}");
    chosen.number
}

/// Enter plans the rollback: the diff is shown in the plan and nothing has changed yet;
/// `y` approves it.
async fn plan_rollback(console: &mut Console) {
    console.press(Key::Enter);
    let (gate, _) = console.next_prompt().await;
    assert_eq!(gate, Gate::Plan);
    let screen = console.screen();
    assert!(
        has_line(&screen, &["- image payment:", "v1.4.2"]),
        "{screen}"
    );
    assert!(
        has_line(&screen, &["+ image payment:", "v1.4.1"]),
        "{screen}"
    );
    // HighErrorRate pages in us-east-1 and this direct rollback did not start from that
    // alert: the plan says so, and approving the plan approves acting with it firing.
    assert!(screen.contains(&format!("paging on {EAST}:")), "{screen}");
    let planned = console.deployment(EAST, SERVICE).await;
    assert!(image(&planned).ends_with(":v1.4.2"), "changed before yes");
    assert!(console.audit_records().is_empty());
    console.press(Key::Char('y'));
}

/// us-east-1 is production: a mistyped cluster is refused (asked again, nothing executed),
/// the right one accepted.
async fn confirm_production(console: &mut Console) {
    let (gate, expect) = console.next_prompt().await;
    let typed = Expect::Typed(EAST.to_string());
    assert_eq!((gate, expect), (Gate::Production, typed));
    assert!(console.screen().contains(&format!("Type {EAST}")));
    let started = console.operations();
    console.type_text("us-east-1/shop/paymnet");
    console.press(Key::Enter);
    let screen = console.screen();
    assert!(screen.contains("does not match"), "{screen}");
    assert_eq!(console.prompt().map(|p| p.0), Some(Gate::Production));
    assert_eq!(console.operations(), started, "nothing executed");
    assert!(console.audit_records().is_empty());
    let refused = console.deployment(EAST, SERVICE).await;
    assert!(image(&refused).ends_with(":v1.4.2"));
    console.type_text(EAST);
    console.press(Key::Enter);
}

/// The approved rollback runs without another question; the rollout verifies, the run
/// completes and the Workloads screen shows v1.4.1.
async fn finish(console: &mut Console) {
    let gates = console.yes_until_the_end().await;
    assert!(gates.is_empty(), "no more gates: {gates:?}");
    let screen = console.screen();
    assert_eq!(console.result(), Some(RunResult::Completed), "{screen}");
    assert!(screen.contains("✓ completed"), "{screen}");
    console.press(Key::Esc);
    let east = console.cluster(EAST);
    let good = |m: &Model| {
        payment_row(m, east)
            .is_some_and(|w| w.images.iter().any(|i| i.as_str().ends_with(":v1.4.1")))
    };
    console
        .until("the Workloads screen shows v1.4.1", good)
        .await;
    let screen = console.screen();
    assert!(has_line(&screen, &[EAST, SERVICE, ":v1.4.1"]), "{screen}");
}

/// The audit file holds the rollback's attempt (with the typed target, not the mistyped
/// one) and its result.
fn check_rollback_audit(console: &Console) {
    let records = console.audit_records();
    let attempt = executed_action(&records);
    assert_eq!(attempt.cluster, EAST);
    assert_eq!(attempt.object, "deployment/payment");
    let confirmations = &attempt.confirmations;
    assert!(confirmations.iter().any(|c| c == EAST), "{confirmations:?}");
    assert!(!confirmations.iter().any(|c| c.contains("paymnet")));
    let result = records.iter().find(|r| r.phase == AuditPhase::Result);
    assert_eq!(result.unwrap().result, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_back_the_bad_deploy_from_the_workloads_screen() {
    let mut console = Console::start(START_MS + 10 * 60_000, &[EAST]).await;
    let before = console.deployment(EAST, SERVICE).await;
    assert!(image(&before).ends_with(":v1.4.2"), "{}", image(&before));
    let bad_revision = revision(&before);

    open_rollback(&mut console, bad_revision).await;
    plan_rollback(&mut console).await;
    confirm_production(&mut console).await;
    finish(&mut console).await;

    let after = console.deployment(EAST, SERVICE).await;
    assert!(image(&after).ends_with(":v1.4.1"), "{}", image(&after));
    assert!(revision(&after) > bad_revision, "a new revision");
    check_rollback_audit(&console);
}
