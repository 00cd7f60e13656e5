//! Conversions that files alone do not show: cluster objects (JSON, hostile text), query
//! rewriting and the kinds that are refused.

use super::pyrra_object;
use crate::config::slo::files::import_text;
use serde_json::json;

#[test]
fn cluster_objects_convert_and_sanitize_hostile_text() {
    let object = json!({
        "apiVersion": "pyrra.dev/v1alpha1", "kind": "ServiceLevelObjective",
        "metadata": {"name": "order-availability", "namespace": "monitoring"},
        "spec": {"target": "99.5", "window": "4w", "description": "evil \u{1b}[2J text",
            "indicator": {"ratio": {
                "errors": {"metric": "http_requests_total{service=\"order\",status=~\"5..\"}"},
                "total": {"metric": "http_requests_total{service=\"order\"}"}}}}
    });
    let slos = pyrra_object(&object, "us-east-1").unwrap();
    assert_eq!(
        slos[0].origin.as_str(),
        "cluster us-east-1: Pyrra monitoring/order-availability"
    );
    assert_eq!(slos[0].target.ppm(), 995_000);
    assert!(!slos[0].description.as_str().contains('\u{1b}'));
    let mut bad = object.clone();
    bad["spec"]["target"] = json!(101);
    let issues = pyrra_object(&bad, "us-east-1").unwrap_err();
    assert_eq!(issues[0].path, "spec.target");
    assert!(issues[0].message.contains("outside (0, 100)"), "{issues:?}");
}

#[test]
fn refused_features_say_what_to_write_instead() {
    let problems = |text: &str| {
        let (specs, problems) = import_text(text, "f.yaml", &mut Vec::new());
        assert!(specs.is_empty());
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let p = problems(
        "version: prometheus/v1\nservice: a\nslos:\n  - name: b\n    objective: 99\n    sli:\n      plugin:\n        id: x\n",
    );
    assert!(
        p.contains("f.yaml:7:7: slos[0].sli: Sloth SLI plugins are not supported"),
        "{p}"
    );
    let p = problems(
        "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: a\nspec:\n  service: a\n  timeWindow:\n    - duration: 1M\n      isRolling: false\n  indicatorRef: a\n  objectives:\n    - target: 0.9\n      targetPercent: 90\n",
    );
    assert!(
        p.contains("spec.timeWindow[0].isRolling: expected a rolling window"),
        "{p}"
    );
    assert!(
        p.contains("spec.indicatorRef: indicatorRef is not supported"),
        "{p}"
    );
    assert!(
        p.contains("spec.objectives[0]: expected exactly one of `target`"),
        "{p}"
    );
    let p = problems("a: b\n---\nversion: v2\n");
    assert!(
        p.contains("f.yaml:1:1: not a Sloth, OpenSLO or Pyrra SLO: apiVersion (none) kind (none)"),
        "{p}"
    );
    assert!(
        p.contains("f.yaml:3:1: not a Sloth, OpenSLO or Pyrra SLO: version v2 kind (none)"),
        "{p}"
    );
}
