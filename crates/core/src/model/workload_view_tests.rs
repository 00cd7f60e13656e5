use super::*;
use crate::fixture::workloads::workload_model;

fn names(model: &Model) -> Vec<String> {
    workload_rows(model)
        .iter()
        .map(|e| format!("{}/{}", e.row.key.namespace, e.row.key.name))
        .collect()
}

#[test]
fn rows_hide_replicasets_and_list_databases_after_workloads() {
    let model = workload_model();
    let rows = names(&model);
    assert_eq!(rows.len(), 5, "{rows:?}");
    assert!(
        rows.iter().all(|r| !r.contains("f8c9d")),
        "no ReplicaSets: {rows:?}"
    );
    let keys = row_keys(&model);
    assert_eq!(keys.len(), 7);
    assert!(matches!(keys[5], RowKey::Database(0, _)));
    assert!(matches!(keys[6], RowKey::Database(2, _)));
}

#[test]
fn filter_and_sort_apply_to_workloads() {
    let mut model = workload_model();
    model.ui.filter.workloads = "ns:shop".into();
    assert_eq!(names(&model), ["shop/cache", "shop/cart", "shop/payment"]);
    model.ui.filter.workloads = "redis".into();
    assert_eq!(names(&model), ["shop/cache"], "images are searched");
    model.ui.filter.workloads = String::new();
    model.ui.workloads.sort = WorkloadSort::Ready;
    let rows = names(&model);
    // payment misses one replica, canary one, evil one: all before the complete ones.
    assert!(rows[..3].contains(&"shop/payment".to_string()), "{rows:?}");
    assert_eq!(
        rows[3..],
        ["shop/cache", "shop/cart"],
        "complete ones last, by name"
    );
    model.ui.workloads.reversed = true;
    assert_eq!(names(&model)[0], "shop/cart");
}

#[test]
fn revision_history_is_newest_first_with_current_marked_and_previous_chosen() {
    let model = workload_model();
    let kube = &model.clusters[0].kube;
    let payment = kube
        .workloads
        .get(&WorkloadKey::new(
            WorkloadKind::Deployment,
            "shop",
            "payment",
        ))
        .unwrap();
    let history = revisions(kube, payment);
    let numbers: Vec<i64> = history.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert!(history[0].current && !history[1].current);
    assert_eq!(history[1].change_cause.as_str(), "bump to v2.4.0");
    assert_eq!(previous_revision(&history), 1);
}

#[test]
fn load_is_the_service_rate_per_ready_pod_and_the_saturation() {
    use crate::model::services::ServiceRed;
    use crate::series::Num;
    assert_eq!(per_ready_pod(Some(1_240.0), 4), Some(310.0));
    assert_eq!(
        per_ready_pod(Some(90.0), 0),
        None,
        "no ready pod: no figure"
    );
    assert_eq!(per_ready_pod(None, 3), None);
    assert_eq!(per_ready_pod(Some(f64::NAN), 3), None);
    let mut model = workload_model();
    model.clusters[0].metrics.services.insert(
        Text::new("payment"),
        ServiceRed {
            name: Text::new("payment"),
            rate: Some(Num(90.0)),
            saturation: Some(Num(0.93)),
            ..ServiceRed::default()
        },
    );
    let cluster = &model.clusters[0];
    let key = WorkloadKey::new(WorkloadKind::Deployment, "shop", "payment");
    let payment = cluster.kube.workloads.get(&key).unwrap();
    // payment: 2 of 3 ready, 90 req/s: 45 per ready pod.
    let got = load(cluster, payment);
    assert_eq!(got.per_ready_pod, Some(45.0));
    assert_eq!(got.saturation, Some(0.93));
    // cart has no RED row: nothing known.
    let cart = WorkloadKey::new(WorkloadKind::Deployment, "shop", "cart");
    assert_eq!(
        load(cluster, cluster.kube.workloads.get(&cart).unwrap()),
        Load::default()
    );
}
