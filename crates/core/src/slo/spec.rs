//! What an SLO is, resolved from the config, an imported Sloth/OpenSLO/Pyrra file or a
//! cluster's Pyrra resource: the service, where it applies, its exact target and period, the
//! SLI queries, whose alert windows it follows and where its numbers come from.

use super::target::Target;
use super::windows::{Period, WindowPolicy, needed_windows};
use crate::text::Text;

/// The placeholder an SLI query uses for its range (`rate(x[$window])`).
pub const WINDOW: &str = "$window";
/// The placeholder for the cluster matcher on a shared (global) Prometheus; empty otherwise.
pub const SELECTOR: &str = "$selector";

/// How good and bad events are counted. Every variant yields two PromQL templates that
/// return per-second rates: failed events and all events, each with `$window`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sli {
    /// Failed and total events, as PromQL templates (`sum(rate(...[$window]))`).
    Ratio { errors: String, total: String },
    /// Requests slower than a histogram bucket bound are the failures: `histogram` is the base
    /// name (`http_request_duration_seconds`), `selector` the label matchers without braces
    /// (`service="payment"`), `le` the bucket bound as written in the series (`"0.2"`).
    Latency {
        histogram: String,
        selector: String,
        le: String,
    },
}

impl Sli {
    /// The common HTTP convention (client_golang's `http_requests_total` with a `code` label,
    /// or a `status` label as many libraries write it): 5xx responses are the failures.
    pub fn http_availability(service_label: &str, service: &str) -> Sli {
        let svc = format!("{service_label}=\"{service}\"");
        Sli::Ratio {
            errors: format!(
                "sum(rate(http_requests_total{{{svc},code=~\"5..\",$selector}}[$window]) or rate(http_requests_total{{{svc},status=~\"5..\",$selector}}[$window]))"
            ),
            total: format!("sum(rate(http_requests_total{{{svc},$selector}}[$window]))"),
        }
    }

    /// Requests of `service` slower than `le` seconds (`http_request_duration_seconds`).
    pub fn http_latency(service_label: &str, service: &str, le: &str) -> Sli {
        Sli::Latency {
            histogram: "http_request_duration_seconds".to_string(),
            selector: format!("{service_label}=\"{service}\""),
            le: le.to_string(),
        }
    }

    /// The failed-events template.
    pub fn errors_template(&self) -> String {
        match self {
            Sli::Ratio { errors, .. } => errors.clone(),
            Sli::Latency {
                histogram,
                selector,
                le,
            } => format!(
                "(sum(rate({histogram}_count{{{sel}}}[$window])) - sum(rate({histogram}_bucket{{{sel_le}}}[$window])))",
                sel = with_selector(selector),
                sel_le = with_selector(&join_matchers(selector, &format!("le=\"{le}\""))),
            ),
        }
    }

    /// The all-events template.
    pub fn total_template(&self) -> String {
        match self {
            Sli::Ratio { total, .. } => total.clone(),
            Sli::Latency {
                histogram,
                selector,
                ..
            } => format!(
                "sum(rate({histogram}_count{{{sel}}}[$window]))",
                sel = with_selector(selector)
            ),
        }
    }

    /// A short description for lists: `availability` or `latency <= 0.2s`.
    pub fn kind_label(&self) -> String {
        match self {
            Sli::Ratio { .. } => "ratio".to_string(),
            Sli::Latency { le, .. } => format!("latency <= {le}s"),
        }
    }
}

/// The matchers plus the `$selector` placeholder, comma-joined without empty parts.
fn with_selector(matchers: &str) -> String {
    join_matchers(matchers, SELECTOR)
}

fn join_matchers(a: &str, b: &str) -> String {
    match (a.trim().is_empty(), b.trim().is_empty()) {
        (true, _) => b.trim().to_string(),
        (_, true) => a.trim().to_string(),
        _ => format!("{},{}", a.trim().trim_end_matches(','), b.trim()),
    }
}

/// Where the SLO's ratios come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SloData {
    /// The console asks Prometheus with the SLI templates.
    #[default]
    Query,
    /// Read Sloth's recording rules (`slo:sli_error:ratio_rate<window>{sloth_id="..."}`)
    /// when they exist, so the console agrees with the team's alerts; query otherwise.
    SlothRules { sloth_id: String },
    /// Read Pyrra's recording rules (`<metric>:burnrate<window>{slo="..."}`) when they exist.
    PyrraRules { slo: String, metric: String },
}

impl SloData {
    pub fn label(&self) -> &'static str {
        match self {
            SloData::Query => "query",
            SloData::SlothRules { .. } => "sloth rules",
            SloData::PyrraRules { .. } => "pyrra rules",
        }
    }
}

/// One service level objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SloSpec {
    /// Unique name (`payment-availability`).
    pub name: Text,
    pub service: Text,
    pub description: Text,
    /// The clusters it is evaluated in, by name; empty means every cluster.
    pub clusters: Vec<String>,
    /// Whether the headline figure is the fleet-wide aggregate (sum of failed events over sum
    /// of all events from every cluster) rather than each cluster on its own.
    pub fleet: bool,
    pub target: Target,
    pub period: Period,
    pub sli: Sli,
    pub windows: WindowPolicy,
    pub data: SloData,
    /// Where it was defined, for messages: `watchdeck.toml:42`, `slos/api.yaml:3 (Sloth)`,
    /// `cluster us-east-1: Pyrra monitoring/payment`.
    pub origin: Text,
}

impl SloSpec {
    /// Whether the SLO is evaluated in the cluster named `cluster`.
    pub fn applies_to(&self, cluster: &str) -> bool {
        self.clusters.is_empty() || self.clusters.iter().any(|c| c == cluster)
    }

    /// Every window the SLO needs, ascending (display windows and tier windows).
    pub fn windows_needed(&self) -> Vec<u64> {
        needed_windows(self.windows, self.period.secs())
    }

    /// The error budget in time over the period, in seconds (43.2 minutes for 99.9% of 30 days).
    pub fn budget_secs(&self) -> f64 {
        self.target.budget() * self.period.secs() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_sli_counts_requests_above_the_bucket_as_errors() {
        let sli = Sli::Latency {
            histogram: "http_request_duration_seconds".into(),
            selector: "service=\"payment\"".into(),
            le: "0.2".into(),
        };
        assert_eq!(
            sli.total_template(),
            "sum(rate(http_request_duration_seconds_count{service=\"payment\",$selector}[$window]))"
        );
        assert_eq!(
            sli.errors_template(),
            "(sum(rate(http_request_duration_seconds_count{service=\"payment\",$selector}[$window])) - sum(rate(http_request_duration_seconds_bucket{service=\"payment\",le=\"0.2\",$selector}[$window])))"
        );
        let bare = Sli::Latency {
            histogram: "h".into(),
            selector: String::new(),
            le: "0.5".into(),
        };
        assert_eq!(
            bare.total_template(),
            "sum(rate(h_count{$selector}[$window]))"
        );
    }
}
