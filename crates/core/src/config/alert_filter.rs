//! `[[clusters.alertmanagers]]`: an endpoint plus `filter`, a list of label matchers
//! (`filter = ['team="payments"', 'severity=~"critical|warning"']`) that every alerts request
//! sends, each checked with the console's matcher parser so a typo fails at load time.

use std::time::Duration;

use toml::de::DeValue;

use super::endpoint::endpoint;
use super::model::EndpointConfig;
use super::paths::PathResolver;
use super::values::quoted;
use super::walk::{Tab, Walker, describe};
use crate::matcher::parse_matcher;

const FILTER_EXPECTED: &str = "an array of label matchers such as ['team=\"payments\"']";

/// Reads one Alertmanager endpoint with its `filter`. `None` when a problem was reported.
pub(crate) fn alertmanager_endpoint(
    w: &mut Walker<'_>,
    tab: &Tab<'_, '_>,
    default_timeout: Duration,
    paths: &PathResolver,
) -> Option<EndpointConfig> {
    let filter = filter(w, tab);
    let mut config = endpoint(w, tab, default_timeout, paths, &["filter"])?;
    config.filter = filter?;
    Some(config)
}

/// The `filter` list; `None` when a problem was reported.
fn filter(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> Option<Vec<String>> {
    let Some(value) = tab.get("filter") else {
        return Some(Vec::new());
    };
    let path = tab.child("filter");
    let DeValue::Array(items) = value.get_ref() else {
        let message = format!(
            "expected {FILTER_EXPECTED}, found {}",
            describe(value.get_ref())
        );
        w.report(value.span(), &path, message);
        return None;
    };
    let mut matchers = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        match item.get_ref() {
            DeValue::String(text) => match parse_matcher(text) {
                Ok(_) => matchers.push(text.to_string()),
                Err(reason) => {
                    let message = format!(
                        "expected a label matcher such as team=\"payments\", found {}: {reason}",
                        quoted(text)
                    );
                    w.report(item.span(), &item_path, message);
                    ok = false;
                }
            },
            other => {
                let message = format!(
                    "expected a label matcher string such as 'team=\"payments\"', found {}",
                    describe(other)
                );
                w.report(item.span(), &item_path, message);
                ok = false;
            }
        }
    }
    ok.then_some(matchers)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn errors(text: &str) -> String {
        Config::from_toml_str(text, "t.toml")
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn filters_are_read_and_checked() {
        let config = Config::from_toml_str(
            "[[clusters]]\nname = \"a\"\n[[clusters.alertmanagers]]\nurl = \"http://x:9093\"\nfilter = ['team=\"sre\"', 'severity=~\"crit.*\"']\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(
            config.clusters[0].alertmanagers[0].filter,
            vec![r#"team="sre""#, r#"severity=~"crit.*""#]
        );
        let bad = errors(
            "[[clusters]]\nname = \"a\"\n[[clusters.alertmanagers]]\nurl = \"http://x:9093\"\nfilter = ['team=\"sre\"', 'severity=~\"(\"', 3]\n",
        );
        assert!(
            bad.contains("t.toml:5:25: clusters[0].alertmanagers[0].filter[1]: expected a label matcher such as team=\"payments\", found \"severity=~\\\"(\\\"\": "),
            "{bad}"
        );
        assert!(
            bad.contains("t.toml:5:42: clusters[0].alertmanagers[0].filter[2]: expected a label matcher string such as 'team=\"payments\"', found integer 3"),
            "{bad}"
        );
        let not_list = errors(
            "[[clusters]]\nname = \"a\"\n[[clusters.alertmanagers]]\nurl = \"http://x:9093\"\nfilter = 'team=\"sre\"'\n",
        );
        assert!(
            not_list.contains(
                "clusters[0].alertmanagers[0].filter: expected an array of label matchers"
            ),
            "{not_list}"
        );
        // Prometheus endpoints do not take a filter.
        let prom = errors(
            "[[clusters]]\nname = \"a\"\n[clusters.prometheus]\nurl = \"http://x\"\nfilter = []\n",
        );
        assert!(
            prom.contains("clusters[0].prometheus.filter: unknown key"),
            "{prom}"
        );
    }
}
