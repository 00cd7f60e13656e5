//! Query parameters of GET /api/v2/alerts, /alerts/groups and /silences: `filter` matchers,
//! the state booleans and the `receiver` regex, parsed as Alertmanager's go-openapi layer does.

use regex::Regex;
use thiserror::Error;

use super::state::{AlertState, AlertStatus};
use crate::labels::Labels;
use watchdeck_core::matcher::{
    Compiled, all_match, compile_all, go_regex_error, parse_matchers, regex_why,
};

/// A bad query parameter; the message is what Alertmanager answers with a 400.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum FilterError {
    #[error("{0}")]
    Matcher(String),
    #[error("failed to parse receiver param: {0}")]
    Receiver(String),
}

/// Which alerts a GET returns. The default shows everything.
#[derive(Clone, Debug)]
pub struct AlertFilter {
    pub matchers: Vec<Compiled>,
    pub active: bool,
    pub silenced: bool,
    pub inhibited: bool,
    /// Accepted for API compatibility; every alert is processed before it is listed, so no
    /// listed alert is ever `unprocessed` (as in Alertmanager).
    pub unprocessed: bool,
    pub receiver: Option<Regex>,
}

impl Default for AlertFilter {
    fn default() -> Self {
        Self {
            matchers: Vec::new(),
            active: true,
            silenced: true,
            inhibited: true,
            unprocessed: true,
            receiver: None,
        }
    }
}

impl AlertFilter {
    /// Parses a raw query string (`filter=...&silenced=false&receiver=oncall`).
    pub fn from_query(raw: Option<&str>) -> Result<Self, FilterError> {
        let mut filter = Self::default();
        for (key, value) in query_pairs(raw.unwrap_or("")) {
            match key.as_str() {
                "filter" => filter.matchers.extend(compiled(&value)?),
                "active" => filter.active = query_bool(&value, true),
                "silenced" => filter.silenced = query_bool(&value, true),
                "inhibited" => filter.inhibited = query_bool(&value, true),
                "unprocessed" => filter.unprocessed = query_bool(&value, true),
                "receiver" => {
                    let anchored = format!("^(?:{value})$");
                    let re = Regex::new(&anchored).map_err(|e| {
                        FilterError::Receiver(go_regex_error(&anchored, &regex_why(&e)))
                    })?;
                    filter.receiver = Some(re);
                }
                _ => {}
            }
        }
        Ok(filter)
    }

    /// Alertmanager's `alertFilter` plus the receiver filter, for an alert that has not ended.
    pub fn admits(&self, labels: &Labels, status: &AlertStatus, receivers: &[String]) -> bool {
        if let Some(re) = &self.receiver
            && !receivers.iter().any(|r| re.is_match(r))
        {
            return false;
        }
        if !self.active && status.state == AlertState::Active {
            return false;
        }
        if !self.silenced && !status.silenced_by.is_empty() {
            return false;
        }
        if !self.inhibited && !status.inhibited_by.is_empty() {
            return false;
        }
        all_match(&self.matchers, labels)
    }
}

/// One `filter` parameter's matchers, compiled; errors in Alertmanager's words.
fn compiled(value: &str) -> Result<Vec<Compiled>, FilterError> {
    parse_matchers(value)
        .and_then(|m| compile_all(&m))
        .map_err(|e| FilterError::Matcher(e.alertmanager_text()))
}

/// The `filter` parameters of GET /api/v2/silences.
pub fn silence_filter_from_query(raw: Option<&str>) -> Result<Vec<Compiled>, FilterError> {
    let mut matchers = Vec::new();
    for (key, value) in query_pairs(raw.unwrap_or("")) {
        if key == "filter" {
            matchers.extend(compiled(&value)?);
        }
    }
    Ok(matchers)
}

/// go-openapi's boolean conversion: a known "true" word is true, anything else false, and an
/// empty value keeps the default.
pub fn query_bool(value: &str, default: bool) -> bool {
    const TRUE: [&str; 10] = [
        "true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled",
    ];
    if value.is_empty() {
        return default;
    }
    TRUE.contains(&value.to_ascii_lowercase().as_str())
}

/// Splits and percent-decodes a query string (`+` is a space), keeping repeated keys in order.
pub fn query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_decode_and_keep_repeats() {
        let pairs = query_pairs(
            "filter=alertname%3D%22HighErrorRate%22&filter=severity%3D~crit.*&x&a=b+c%2",
        );
        let want = [
            ("filter", r#"alertname="HighErrorRate""#),
            ("filter", "severity=~crit.*"),
            ("x", ""),
            ("a", "b c%2"),
        ];
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn booleans_follow_go_openapi() {
        for (value, want) in [
            ("true", true),
            ("TRUE", true),
            ("1", true),
            ("false", false),
            ("0", false),
            ("maybe", false),
            ("", true),
        ] {
            assert_eq!(query_bool(value, true), want, "{value:?}");
        }
    }

    #[test]
    fn alert_filter_parses_all_params_and_reports_bad_ones() {
        let q = "filter=%7Bcluster%21%3Deu-west-1%7D&filter=severity%3D~%22crit.*%22&silenced=false&inhibited=0&active=true&unprocessed=false&receiver=on.*";
        let f = AlertFilter::from_query(Some(q)).unwrap_or_default();
        let shown: Vec<String> = f.matchers.iter().map(ToString::to_string).collect();
        assert_eq!(shown, [r#"cluster!="eu-west-1""#, r#"severity=~"crit.*""#]);
        assert!(!f.silenced && !f.inhibited && f.active && !f.unprocessed);
        assert!(
            f.receiver
                .as_ref()
                .is_some_and(|r| r.is_match("oncall") && !r.is_match("xoncall"))
        );

        let cases = [
            ("filter=cluster~eu", "bad matcher format: cluster~eu"),
            (
                "filter=a%3D%22x",
                "matcher value contains unescaped double quote: \"x",
            ),
            (
                "receiver=(",
                "failed to parse receiver param: error parsing regexp:",
            ),
        ];
        for (q, want) in cases {
            let err = AlertFilter::from_query(Some(q))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.starts_with(want), "{q}: {err}");
        }
        let silences = silence_filter_from_query(Some("filter=a%3Db&silenced=false"));
        assert_eq!(silences.map(|m| m.len()), Ok(1));
    }
}
