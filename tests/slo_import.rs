//! Shipped SLO files: every Sloth, OpenSLO and Pyrra example imports into the exact SLOs
//! (targets in ppm, windows, data source), `slo_files` in a config finds them, and every
//! invalid file fails naming file, line and field.

use std::path::Path;

use watchdeck_core::config::Config;
use watchdeck_core::config::slo::load_slo_file;
use watchdeck_core::slo::{Period, Sli, SloData, SloSpec, WindowPolicy};

fn load(file: &str) -> Vec<SloSpec> {
    let path = Path::new("fixtures/slo").join(file);
    load_slo_file(&path).unwrap_or_else(|e| panic!("{file} must import:\n{e}"))
}

#[test]
fn sloth_spec_and_crd_become_sloth_slos_named_by_sloth_id() {
    let slos = load("sloth-payment.yaml");
    let names: Vec<&str> = slos.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "payment-requests-availability",
            "payment-requests-latency",
            "auth-requests-availability"
        ]
    );
    let ppm: Vec<u32> = slos.iter().map(|s| s.target.ppm()).collect();
    assert_eq!(ppm, [999_000, 995_000, 999_500]);
    for s in &slos {
        assert_eq!(s.windows, WindowPolicy::Sloth);
        assert_eq!(s.period, Period::DAYS_30);
        let id = s.name.as_str().to_string();
        assert_eq!(s.data, SloData::SlothRules { sloth_id: id });
    }
    assert_eq!(slos[0].service.as_str(), "payment");
    assert_eq!(
        slos[0].sli,
        Sli::Ratio {
            errors: "sum(rate(http_requests_total{service=\"payment\",status=~\"5..\"}[$window]))"
                .into(),
            total: "sum(rate(http_requests_total{service=\"payment\"}[$window]))".into(),
        }
    );
    assert!(
        slos[1]
            .sli
            .errors_template()
            .contains("le=\"0.25\"}[$window]"),
        "{:?}",
        slos[1].sli
    );
    assert_eq!(
        slos[0].origin.as_str(),
        "fixtures/slo/sloth-payment.yaml:8 (Sloth)"
    );
    assert_eq!(slos[2].service.as_str(), "auth");
    assert_eq!(slos[2].sli.total_template(), "vector(1)");
}

#[test]
fn openslo_good_ratio_becomes_errors_over_total() {
    let slos = load("openslo-order.yaml");
    let [slo] = &slos[..] else { panic!("{slos:?}") };
    assert_eq!(slo.name.as_str(), "order-availability");
    assert_eq!(slo.service.as_str(), "order");
    assert_eq!(slo.target.ppm(), 995_000);
    assert_eq!(slo.period, Period::DAYS_28);
    assert_eq!(slo.windows, WindowPolicy::Sloth);
    assert_eq!(slo.data, SloData::Query);
    let total = "sum(rate(http_requests_total{service=\"order\"}[$window]))";
    assert_eq!(slo.sli.total_template(), total);
    assert_eq!(
        slo.sli.errors_template(),
        format!(
            "({total}) - (sum(rate(http_requests_total{{service=\"order\",status!~\"5..\"}}[$window])))"
        )
    );
}

#[test]
fn pyrra_objects_use_pyrra_windows_and_rules() {
    let slos = load("pyrra-shop.yaml");
    let [latency, availability] = &slos[..] else {
        panic!("{slos:?}")
    };
    assert_eq!(latency.name.as_str(), "api-gateway-latency");
    assert_eq!(latency.service.as_str(), "api-gateway");
    assert_eq!(latency.target.ppm(), 990_000);
    assert_eq!(latency.period, Period::DAYS_28);
    assert_eq!(latency.windows, WindowPolicy::Pyrra);
    assert_eq!(
        latency.data,
        SloData::PyrraRules {
            slo: "api-gateway-latency".into(),
            metric: "http_request_duration_seconds".into()
        }
    );
    assert_eq!(
        latency.sli.errors_template(),
        "sum(rate(http_request_duration_seconds_count{service=\"api-gateway\"}[$window])) - sum(rate(http_request_duration_seconds_bucket{service=\"api-gateway\",le=\"0.25\"}[$window]))"
    );
    assert_eq!(
        latency.origin.as_str(),
        "fixtures/slo/pyrra-shop.yaml:3 (Pyrra)"
    );
    assert_eq!(availability.service.as_str(), "user");
    assert_eq!(availability.target.ppm(), 999_000);
    assert_eq!(availability.period, Period::DAYS_30);
    assert_eq!(
        availability.data,
        SloData::PyrraRules {
            slo: "user-availability".into(),
            metric: "http_requests".into()
        }
    );
}

/// Each invalid file and the problems it must produce (after `fixtures/slo/invalid/<file>:`).
const INVALID: [(&str, &[&str]); 7] = [
    (
        "anchors.yaml",
        &[
            "6:10: YAML anchors (&events) are not accepted in SLO files: write the value out in full",
        ],
    ),
    (
        "duplicate-key.yaml",
        &["8:3: duplicate key `target` (first at line 6): each field may appear once"],
    ),
    (
        "openslo-bad-query.yaml",
        &[
            "17:22: spec.indicator.spec.ratioMetric.bad.metricSource.spec.query: expected valid PromQL",
        ],
    ),
    (
        "pyrra-missing-target.yaml",
        &[
            "7:3: spec.target: missing required field; expected a percentage string such as \"99.5\"",
        ],
    ),
    (
        "sloth-no-window.yaml",
        &[
            "8:22: slos[0].sli.events.error_query: expected a template with {{.window}} in its range selectors",
        ],
    ),
    (
        "sloth-objective-out-of-range.yaml",
        &["11:16: slos[1].objective: `100.5` is outside (0, 100)"],
    ),
    (
        "unknown-kind.yaml",
        &[
            "1:1: not a Sloth, OpenSLO or Pyrra SLO: apiVersion monitoring.coreos.com/v1 kind PrometheusRule",
        ],
    ),
];

#[test]
fn invalid_files_name_file_line_and_field() {
    let dir = Path::new("fixtures/slo/invalid");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = INVALID.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        on_disk, listed,
        "every invalid file needs its expected message"
    );
    for (file, expected) in INVALID {
        let path = dir.join(file);
        let errors = match load_slo_file(&path) {
            Ok(slos) => panic!("{file} must fail, imported {slos:?}"),
            Err(e) => e.to_string(),
        };
        let lines: Vec<&str> = errors.lines().collect();
        assert_eq!(lines.len(), expected.len(), "{file}:\n{errors}");
        for (line, want) in lines.iter().zip(expected) {
            let want = format!("{}:{want}", path.display());
            assert!(line.starts_with(&want), "{file}:\nwant {want}\ngot  {line}");
        }
    }
}

#[test]
fn slo_files_in_a_config_import_globs_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    let slos_dir = dir.path().join("slos");
    std::fs::create_dir(&slos_dir).unwrap();
    for file in [
        "sloth-payment.yaml",
        "openslo-order.yaml",
        "pyrra-shop.yaml",
    ] {
        std::fs::copy(Path::new("fixtures/slo").join(file), slos_dir.join(file)).unwrap();
    }
    std::fs::write(slos_dir.join("notes.txt"), "not an SLO").unwrap();
    let config_path = dir.path().join("config.toml");
    let base = "[[clusters]]\nname = \"us-east-1\"\n[[slos]]\nname = \"payment-errors\"\nservice = \"payment\"\ntarget = 99.9\nsli = \"http-availability\"\n";
    std::fs::write(
        &config_path,
        format!("slo_files = [\"slos/s*.yaml\", \"slos/openslo-order.yaml\", \"slos\"]\n{base}"),
    )
    .unwrap();
    // The directory entry names sloth-payment.yaml again: its SLOs are then duplicates.
    let err = Config::load(&config_path).unwrap_err().to_string();
    assert!(
        err.contains("slos/sloth-payment.yaml:8:1: expected a unique SLO name, found \"payment-requests-availability\" again"),
        "{err}"
    );
    std::fs::write(
        &config_path,
        format!(
            "slo_files = [\"slos/s*.yaml\", \"slos/openslo-order.yaml\", \"slos/pyrra-*\"]\n{base}"
        ),
    )
    .unwrap();
    let config = Config::load(&config_path).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = config.slos.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "payment-errors",
            "payment-requests-availability",
            "payment-requests-latency",
            "auth-requests-availability",
            "order-availability",
            "api-gateway-latency",
            "user-availability"
        ]
    );
    std::fs::write(
        &config_path,
        format!("slo_files = [\"missing/*.yaml\", 3]\n{base}"),
    )
    .unwrap();
    let err = Config::load(&config_path).unwrap_err().to_string();
    assert!(err.contains(":1:14: slo_files[0]: cannot list"), "{err}");
    assert!(
        err.contains(":1:32: slo_files[1]: expected a path or pattern"),
        "{err}"
    );
}

#[test]
fn the_example_config_documents_its_slos() {
    let config =
        Config::load(Path::new("fixtures/config/example.toml")).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = config.slos.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["payment-availability", "checkout-latency", "order-errors"]
    );
    let payment = &config.slos[0];
    assert_eq!(payment.clusters, ["us-east-1", "eu-west-1"]);
    assert_eq!(payment.target.ppm(), 999_000);
    let order = &config.slos[2];
    assert_eq!(order.target.ppm(), 999_500);
    assert_eq!(
        (order.period, order.windows),
        (Period::DAYS_28, WindowPolicy::Pyrra)
    );
    assert_eq!(
        order.data,
        SloData::SlothRules {
            sloth_id: "order-requests-availability".into()
        }
    );
    assert!(
        order
            .origin
            .as_str()
            .starts_with("fixtures/config/example.toml:"),
        "{}",
        order.origin
    );
}
