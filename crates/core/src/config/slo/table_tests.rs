//! `[[slos]]` tables: what a user writes becomes the exact SLO, and each mistake is named
//! by file:line:col and key.

use crate::config::Config;
use crate::slo::{Period, Sli, SloData, WindowPolicy};

const CLUSTERS: &str = "[[clusters]]\nname = \"us-east-1\"\n[[clusters]]\nname = \"eu-west-1\"\n";

fn load(slos: &str) -> Result<Config, String> {
    Config::from_toml_str(&format!("{CLUSTERS}{slos}"), "c.toml").map_err(|e| e.to_string())
}

fn errors(slos: &str) -> String {
    match load(slos) {
        Ok(c) => panic!("expected errors, got {:?}", c.slos),
        Err(e) => e,
    }
}

#[test]
fn shorthand_slos_are_read_with_defaults() {
    let config = load(
        "[[slos]]\nname = \"payment-availability\"\nservice = \"payment\"\ntarget = 99.9\nsli = \"http-availability\"\n\n[[slos]]\nname = \"api-latency\"\nservice = \"api-gateway\"\ntarget = \"95%\"\nsli = \"http-latency\"\nle = \"0.25\"\nperiod = \"28d\"\nwindows = \"pyrra\"\nclusters = [\"eu-west-1\"]\nfleet = true\n",
    )
    .unwrap();
    let [a, b] = &config.slos[..] else {
        panic!("{:?}", config.slos)
    };
    assert_eq!(a.name.as_str(), "payment-availability");
    assert_eq!(a.target.ppm(), 999_000);
    assert_eq!(a.period, Period::DAYS_30);
    assert_eq!(a.windows, WindowPolicy::Sloth);
    assert_eq!(a.data, SloData::Query);
    assert!(a.clusters.is_empty() && !a.fleet);
    assert_eq!(a.sli, Sli::http_availability("service", "payment"));
    assert_eq!(a.origin.as_str(), "c.toml:5");
    assert_eq!(b.target.ppm(), 950_000);
    assert_eq!(b.period, Period::DAYS_28);
    assert_eq!(b.windows, WindowPolicy::Pyrra);
    assert_eq!(b.clusters, ["eu-west-1"]);
    assert!(b.fleet);
    assert_eq!(b.sli, Sli::http_latency("service", "api-gateway", "0.25"));
}

#[test]
fn float_targets_keep_their_written_digits() {
    // 99.99 has no exact binary form; the ppm must still be exactly 999_900.
    for (written, ppm) in [
        ("99.99", 999_900),
        ("99.95", 999_500),
        ("99.999", 999_990),
        ("99", 990_000),
    ] {
        let config = load(&format!(
            "[[slos]]\nname = \"a\"\nservice = \"s\"\ntarget = {written}\nsli = \"http-availability\"\n"
        ))
        .unwrap();
        assert_eq!(config.slos[0].target.ppm(), ppm, "{written}");
    }
    let e = errors(
        "[[slos]]\nname = \"a\"\nservice = \"s\"\ntarget = 99.99999\nsli = \"http-availability\"\n",
    );
    assert!(
        e.contains("c.toml:8:10: slos[0].target: `99.99999` has more precision"),
        "{e}"
    );
    let e = errors(
        "[[slos]]\nname = \"a\"\nservice = \"s\"\ntarget = 100.5\nsli = \"http-availability\"\n",
    );
    assert!(
        e.contains("c.toml:8:10: slos[0].target: `100.5` is outside (0, 100)"),
        "{e}"
    );
}

#[test]
fn templates_histograms_and_rule_data_are_read() {
    let config = load(concat!(
        "[metrics]\nservice_label = \"app\"\n",
        "[[slos]]\nname = \"orders\"\nservice = \"order\"\ntarget = \"99.5\"\n",
        "errors = 'sum(rate(reqs_total{app=\"order\",code=~\"5..\",$selector}[$window]))'\n",
        "total = 'sum(rate(reqs_total{app=\"order\",$selector}[$window]))'\n",
        "data = \"sloth\"\n",
        "[[slos]]\nname = \"orders-latency\"\nservice = \"order\"\ntarget = 99\nhistogram = \"rpc_seconds\"\nle = 0.5\n",
        "data = \"pyrra\"\npyrra_metric = \"rpc_seconds\"\n",
    ))
    .unwrap();
    assert_eq!(
        config.slos[0].sli,
        Sli::Ratio {
            errors: "sum(rate(reqs_total{app=\"order\",code=~\"5..\",$selector}[$window]))".into(),
            total: "sum(rate(reqs_total{app=\"order\",$selector}[$window]))".into(),
        }
    );
    assert_eq!(
        config.slos[0].data,
        SloData::SlothRules {
            sloth_id: "order-orders".into()
        }
    );
    assert_eq!(
        config.slos[1].sli,
        Sli::Latency {
            histogram: "rpc_seconds".into(),
            selector: "app=\"order\"".into(),
            le: "0.5".into()
        }
    );
    assert_eq!(
        config.slos[1].data,
        SloData::PyrraRules {
            slo: "orders-latency".into(),
            metric: "rpc_seconds".into()
        }
    );
}

#[test]
fn mistakes_name_line_and_key() {
    let e = errors(concat!(
        "[[slos]]\nname = \"Bad Name\"\nservice = \"s\"\ntarget = 99.9\n",
        "errors = 'sum(rate(x[5m]))'\ntotal = 'sum(rate(x[$window])'\n",
        "clusters = [\"mars-1\"]\nwindows = \"google\"\nperiod = \"forever\"\ndata = \"sloth\"\npyrra_metric = \"x\"\n",
    ));
    for expected in [
        "c.toml:6:8: slos[0].name: expected a name of lowercase letters",
        "c.toml:9:10: slos[0].errors: expected a template with $window",
        "c.toml:10:9: slos[0].total: expected valid PromQL",
        "c.toml:11:13: slos[0].clusters[0]: expected the name of a configured cluster (us-east-1, eu-west-1), found \"mars-1\"",
        "c.toml:12:11: slos[0].windows: expected \"sloth\" or \"pyrra\", found \"google\"",
        "c.toml:13:10: slos[0].period: expected a period such as",
        "c.toml:15:16: slos[0].pyrra_metric: expected `pyrra_metric` only with data = \"pyrra\"",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in\n{e}");
    }
    let e = errors("[[slos]]\nname = \"a\"\nservice = \"s\"\ntarget = 99.9\n");
    assert!(
        e.contains(
            "c.toml:5:1: slos[0].sli: missing required key; expected `sli = \"http-availability\"`"
        ),
        "{e}"
    );
    let e = errors(
        "[[slos]]\nname = \"a\"\nservice = \"s\"\ntarget = 99.9\nsli = \"http-latency\"\nobjective = 1\n",
    );
    assert!(e.contains("slos[0].le: missing required key"), "{e}");
    assert!(
        e.contains("c.toml:10:1: slos[0].objective: unknown key; write the objective as `target`"),
        "{e}"
    );
    let e = errors(
        "[[slos]]\nname = \"a\"\nservice = \"s\"\ntarget = 99.9\nsli = \"http-availability\"\n[[slos]]\nname = \"a\"\nservice = \"t\"\ntarget = 99\nsli = \"http-availability\"\n",
    );
    assert!(e.contains("c.toml:11:8: slos[1].name: expected a unique SLO name, found \"a\" again (first defined at line 5)"), "{e}");
}
