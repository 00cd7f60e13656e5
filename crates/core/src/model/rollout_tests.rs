//! The latest rollout of a Deployment and the "errors rose 40s after payment v2.4.1 rolled
//! out" attribution: inside the 15-minute window, same service, same cluster only.

use super::*;
use crate::fixture::workloads::workload_model;
use crate::fixture::{alert, at, now};
use crate::model::Model;
use crate::model::workload::WorkloadKey;

/// prod-eu-1's payment: revision 3 (v2.4.1) rolled out 7 minutes ago.
fn rolled_out_7m_ago() -> Model {
    let mut model = workload_model();
    let key = WorkloadKey::new(WorkloadKind::ReplicaSet, "shop", "payment-3f8c9d");
    if let Some(rs) = model.clusters[0].kube.workloads.get_mut(&key) {
        rs.created = Some(at(-420));
    }
    model
}

fn payment_errors(age_secs: i64) -> Alert {
    let mut a = alert("f1", "HighErrorRate", "critical", "5xx above 5%", age_secs);
    a.labels.insert(Text::new("service"), Text::new("payment"));
    a.labels.insert(Text::new("namespace"), Text::new("shop"));
    a
}

#[test]
fn the_latest_rollout_reads_revision_tag_and_age() {
    let model = rolled_out_7m_ago();
    let cluster = &model.clusters[0];
    let payment = alert_deployment(cluster, &payment_errors(0)).expect("payment");
    let rollout = latest_rollout(&cluster.kube, payment).expect("a rollout");
    assert_eq!(rollout.text(now()), "rev 3 v2.4.1 7m ago");
    assert!(rollout.replaced);
}

#[test]
fn an_alert_40s_after_the_rollout_says_so() {
    let model = rolled_out_7m_ago();
    let cause = rollout_cause(&model.clusters[0], &payment_errors(380)).expect("a cause");
    assert_eq!(
        cause.text(),
        "errors rose 40s after payment v2.4.1 rolled out"
    );
    assert_eq!(
        summary_with_cause(Some(&model.clusters[0]), &payment_errors(380)),
        "errors rose 40s after payment v2.4.1 rolled out · 5xx above 5%"
    );
}

#[test]
fn an_alert_20_minutes_after_or_before_the_rollout_does_not() {
    let mut model = rolled_out_7m_ago();
    let key = WorkloadKey::new(WorkloadKind::ReplicaSet, "shop", "payment-3f8c9d");
    if let Some(rs) = model.clusters[0].kube.workloads.get_mut(&key) {
        rs.created = Some(at(-1_500));
    }
    // Started 20 minutes after the rollout.
    assert_eq!(
        rollout_cause(&model.clusters[0], &payment_errors(300)),
        None
    );
    // Started before it.
    assert_eq!(
        rollout_cause(&model.clusters[0], &payment_errors(1_600)),
        None
    );
    assert_eq!(
        summary_with_cause(Some(&model.clusters[0]), &payment_errors(300)),
        "5xx above 5%"
    );
}

#[test]
fn another_service_or_cluster_is_not_blamed() {
    let model = rolled_out_7m_ago();
    let mut cart = payment_errors(380);
    cart.labels.insert(Text::new("service"), Text::new("cart"));
    // cart has no ReplicaSets: no rollout known, no cause.
    assert_eq!(rollout_cause(&model.clusters[0], &cart), None);
    // The same alert in prod-us-1, where payment did not roll out.
    assert_eq!(
        rollout_cause(&model.clusters[1], &payment_errors(380)),
        None
    );
    // Another namespace's payment.
    let mut other_ns = payment_errors(380);
    other_ns
        .labels
        .insert(Text::new("namespace"), Text::new("web"));
    assert_eq!(rollout_cause(&model.clusters[0], &other_ns), None);
}

#[test]
fn image_tags_are_read_from_any_reference() {
    assert_eq!(
        image_tag("registry.example:5000/shop/payment:v1.4.2"),
        "v1.4.2"
    );
    assert_eq!(image_tag("registry.example:5000/shop/payment"), "latest");
    assert_eq!(image_tag("redis"), "latest");
    assert_eq!(
        image_tag("payment@sha256:0123456789abcdef0123"),
        "0123456789ab"
    );
}
