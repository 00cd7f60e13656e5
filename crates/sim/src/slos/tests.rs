use super::*;
use crate::scenario::built_in_names;
use watchdeck_core::slo::shop::design_slos;
use watchdeck_core::slo::{Period, Sli, Target, WindowPolicy};
use watchdeck_core::text::Text;

/// Everything but where it was defined.
fn without_origin(mut specs: Vec<SloSpec>) -> Vec<SloSpec> {
    for spec in &mut specs {
        spec.origin = Text::new("");
    }
    specs
}

#[test]
fn shipped_scenarios_carry_the_design_slos() {
    for name in built_in_names() {
        let scenario = Scenario::resolve(name).unwrap();
        if ["hostile", "bad-canary", "good-canary"].contains(&name) {
            // No [[slos]] of their own: the design's apply.
            assert!(scenario.slos.is_empty());
            assert_eq!(scenario_slos(&scenario), design_slos());
            continue;
        }
        assert_eq!(scenario.slos.len(), 7, "{name}");
        assert_eq!(
            without_origin(scenario_slos(&scenario)),
            without_origin(design_slos()),
            "{name}"
        );
        let first = &scenario.slos[0];
        assert!(
            first
                .origin
                .as_str()
                .starts_with(&format!("fixtures/scenarios/{name}.toml:")),
            "{}",
            first.origin
        );
    }
}

#[test]
fn a_scenario_without_slos_gets_the_design_set() {
    let scenario = Scenario::parse("name = \"bare\"\n", "bare.toml").unwrap();
    assert_eq!(scenario_slos(&scenario), design_slos());
}

#[test]
fn scenario_slos_are_read_with_their_defaults() {
    let text = r#"name = "x"

[[slos]]
name = "checkout-fast"
service = "payment"
target = 99.5
sli = "latency"
le = 0.25
clusters = ["eu-west-1"]
period = "7d"
windows = "pyrra"
"#;
    let scenario = Scenario::parse(text, "x.toml").unwrap();
    let spec = &scenario_slos(&scenario)[0];
    assert_eq!(spec.name.as_str(), "checkout-fast");
    assert_eq!(spec.target, Target::parse_percent("99.5").unwrap());
    assert_eq!(spec.sli, Sli::http_latency("service", "payment", "0.25"));
    assert_eq!(spec.clusters, ["eu-west-1"]);
    assert_eq!(spec.period, Period::DAYS_7);
    assert_eq!(spec.windows, WindowPolicy::Pyrra);
    assert!(!spec.fleet);
    assert_eq!(spec.origin.as_str(), "x.toml:4");
}

#[test]
fn bad_entries_name_file_line_entry_and_field() {
    let entry = |body: &str| format!("name = \"x\"\n\n[[slos]]\nname = \"pay\"\n{body}");
    let cases = [
        (
            "service = \"payment\"\ntarget = \"99.9x\"\nsli = \"availability\"\n",
            "x.toml:6: slos[0] (pay).target: `99.9x` is not a number (write a percentage such as 99.9)",
        ),
        (
            "service = \"paymnt\"\ntarget = \"99.9\"\nsli = \"availability\"\n",
            "x.toml:5: slos[0] (pay).service: `paymnt` is not a simulated service (one of api-gateway, auth, user, order, payment, notification, analytics)",
        ),
        (
            "service = \"payment\"\ntarget = \"99.9\"\nsli = \"latency\"\nle = \"0.3\"\n",
            "x.toml:8: slos[0] (pay).le: must be a bucket bound of the simulated histogram, in seconds (one of 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10)",
        ),
        (
            "service = \"payment\"\ntarget = \"99.9\"\nsli = \"latency\"\n",
            "x.toml:7: slos[0] (pay).le: a latency SLO needs `le`, the bound in seconds (such as \"0.2\")",
        ),
        (
            "service = \"payment\"\ntarget = \"99.9\"\nsli = \"uptime\"\n",
            "x.toml:7: slos[0] (pay).sli: `uptime` is not an SLI kind (availability or latency)",
        ),
        (
            "service = \"payment\"\ntarget = \"99.9\"\nsli = \"availability\"\nperiod = \"90d\"\n",
            "x.toml:8: slos[0] (pay).period: 90d is longer than the 30 days of history the simulator keeps",
        ),
        (
            "service = \"payment\"\ntarget = \"99.9\"\nsli = \"availability\"\nclusters = [\"mars-1\"]\n",
            "x.toml:8: slos[0] (pay).clusters: `mars-1` is not a simulated cluster (one of us-east-1, eu-west-1, ap-southeast-1)",
        ),
        (
            "service = \"payment\"\ntarget = \"100\"\nsli = \"availability\"\n",
            "x.toml:6: slos[0] (pay).target: `100` is outside (0, 100): a target must leave some error budget and allow some success",
        ),
    ];
    for (body, want) in cases {
        let err = Scenario::parse(&entry(body), "x.toml").unwrap_err();
        assert_eq!(err.to_string(), want);
    }
    let twice = format!(
        "{}\n[[slos]]\nname = \"pay\"\nservice = \"order\"\ntarget = \"99\"\nsli = \"availability\"\n",
        entry("service = \"payment\"\ntarget = \"99.9\"\nsli = \"availability\"\n")
    );
    assert_eq!(
        Scenario::parse(&twice, "x.toml").unwrap_err().to_string(),
        "x.toml:10: slos[1] (pay).name: another entry already uses this name; SLO names must be unique"
    );
    let unknown = entry(
        "service = \"payment\"\ntarget = \"99.9\"\nsli = \"availability\"\nwindow = \"1h\"\n",
    );
    let err = Scenario::parse(&unknown, "x.toml").unwrap_err().to_string();
    assert!(
        err.starts_with("x.toml:") && err.contains("window"),
        "{err}"
    );
}
