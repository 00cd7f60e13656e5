//! The simulated Alertmanager's configuration: one route (receiver and group_by), the resolve
//! timeout and inhibit rules, and its YAML rendering for GET /api/v2/status.

use std::fmt::Write as _;

use crate::clock::Millis;
use watchdeck_core::matcher::Compiled;

/// An inhibit rule: firing `source` alerts mute `target` alerts whose `equal` labels agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InhibitRule {
    pub source_matchers: Vec<Compiled>,
    pub target_matchers: Vec<Compiled>,
    pub equal: Vec<String>,
}

/// Route, timeouts and inhibit rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmConfig {
    /// The root route's receiver (the only route).
    pub receiver: String,
    /// Label names that group alerts; `...` groups by all labels.
    pub group_by: Vec<String>,
    /// `global.resolve_timeout`: endsAt given to alerts posted without one.
    pub resolve_timeout_ms: Millis,
    pub inhibit_rules: Vec<InhibitRule>,
}

impl Default for AmConfig {
    /// Receiver `oncall`, grouped by alertname and cluster, 5m resolve timeout, and a critical
    /// alert inhibiting warnings on the same cluster and service.
    fn default() -> Self {
        Self {
            receiver: "oncall".into(),
            group_by: vec!["alertname".into(), "cluster".into()],
            resolve_timeout_ms: 5 * 60_000,
            inhibit_rules: vec![InhibitRule {
                source_matchers: vec![Compiled::equal("severity", "critical")],
                target_matchers: vec![Compiled::equal("severity", "warning")],
                equal: vec!["cluster".into(), "service".into()],
            }],
        }
    }
}

impl AmConfig {
    /// Names served by GET /api/v2/receivers.
    pub fn receivers(&self) -> Vec<String> {
        vec![self.receiver.clone()]
    }

    /// The configuration as Alertmanager prints it in `config.original`.
    pub fn to_yaml(&self) -> String {
        let mut y = String::new();
        let list = |y: &mut String, indent: &str, items: &[String]| {
            for item in items {
                let _ = writeln!(y, "{indent}- {item}");
            }
        };
        let _ = writeln!(
            y,
            "global:\n  resolve_timeout: {}",
            format_duration(self.resolve_timeout_ms)
        );
        let _ = writeln!(y, "route:\n  receiver: {}\n  group_by:", self.receiver);
        list(&mut y, "  ", &self.group_by);
        if !self.inhibit_rules.is_empty() {
            y.push_str("inhibit_rules:\n");
        }
        for rule in &self.inhibit_rules {
            let show = |ms: &[Compiled]| ms.iter().map(ToString::to_string).collect::<Vec<_>>();
            y.push_str("- source_matchers:\n");
            list(&mut y, "  ", &show(&rule.source_matchers));
            y.push_str("  target_matchers:\n");
            list(&mut y, "  ", &show(&rule.target_matchers));
            y.push_str("  equal:\n");
            list(&mut y, "  ", &rule.equal);
        }
        let _ = writeln!(y, "receivers:\n- name: {}\ntemplates: []", self.receiver);
        y
    }
}

/// Prometheus' duration format: `5m`, `1h30m`, `90d`, `0s`.
pub fn format_duration(ms: Millis) -> String {
    crate::rules::prometheus_duration(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_prometheus() {
        let cases = [
            (0, "0s"),
            (300_000, "5m"),
            (5_400_000, "1h30m"),
            (90 * 86_400_000, "90d"),
            (14 * 86_400_000, "2w"),
            (1_500, "1s500ms"),
        ];
        for (ms, want) in cases {
            assert_eq!(format_duration(ms), want);
        }
    }

    #[test]
    fn default_config_renders_route_and_inhibit_rule() {
        let yaml = AmConfig::default().to_yaml();
        for line in [
            "  resolve_timeout: 5m",
            "  receiver: oncall",
            "  - alertname",
            "  - severity=\"critical\"",
            "  - severity=\"warning\"",
            "  - service",
            "- name: oncall",
        ] {
            assert!(
                yaml.lines().any(|l| l == line),
                "missing {line:?} in\n{yaml}"
            );
        }
    }
}
