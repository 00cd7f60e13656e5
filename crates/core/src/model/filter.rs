//! The `/` filter: a query typed by the user, and predicates that say whether one pod,
//! alert or service row matches it. Terms are case-insensitive substrings over the visible columns,
//! all of which must match; `field:value` limits a term to one column and `!term` negates it.

use super::alert::Alert;
use super::pod::PodRow;
use super::services::ServiceRed;

/// Which list a `/` filter applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterTarget {
    Pods,
    Alerts,
    Services,
    Slos,
    Workloads,
}

/// The filter text of each list, as typed (empty: no filter). The pods filter applies to
/// the pods screen and the overview's pods table alike.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub pods: String,
    pub alerts: String,
    pub services: String,
    pub slos: String,
    pub workloads: String,
}

impl Filters {
    pub fn get(&self, target: FilterTarget) -> &str {
        match target {
            FilterTarget::Pods => &self.pods,
            FilterTarget::Alerts => &self.alerts,
            FilterTarget::Services => &self.services,
            FilterTarget::Slos => &self.slos,
            FilterTarget::Workloads => &self.workloads,
        }
    }

    pub fn set(&mut self, target: FilterTarget, text: &str) {
        let slot = match target {
            FilterTarget::Pods => &mut self.pods,
            FilterTarget::Alerts => &mut self.alerts,
            FilterTarget::Services => &mut self.services,
            FilterTarget::Slos => &mut self.slos,
            FilterTarget::Workloads => &mut self.workloads,
        };
        text.clone_into(slot);
    }
}

/// A parsed filter; the empty query matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    field: Option<Field>,
    /// Lower-cased needle.
    value: String,
    negate: bool,
}

/// The columns a `field:value` term can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Cluster,
    Namespace,
    Name,
    Node,
    Status,
    Severity,
    Summary,
    Service,
}

/// Field names the filter understands (shown by the help line).
pub const FIELDS: &str = "cluster:, ns:, name:, node:, status: (pods); name:, cluster:, severity:, summary: (alerts); name:, cluster: (services); name:, service:, cluster: (SLOs)";

fn field(name: &str) -> Option<Field> {
    Some(match name.to_ascii_lowercase().as_str() {
        "cluster" | "c" => Field::Cluster,
        "ns" | "namespace" | "n" => Field::Namespace,
        "name" | "alertname" | "pod" => Field::Name,
        "node" => Field::Node,
        "status" | "s" => Field::Status,
        "severity" | "sev" => Field::Severity,
        "summary" => Field::Summary,
        "service" | "svc" => Field::Service,
        _ => return None,
    })
}

impl Query {
    /// Parses whitespace-separated terms. An unknown `x:y` is an ordinary substring.
    pub fn parse(text: &str) -> Self {
        let terms = text
            .split_whitespace()
            .filter_map(|word| {
                let (negate, word) = match word.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, word),
                };
                let (field, value) = match word.split_once(':') {
                    Some((name, value)) if field(name).is_some() => (field(name), value),
                    _ => (None, word),
                };
                if value.is_empty() {
                    return None;
                }
                Some(Term {
                    field,
                    value: value.to_lowercase(),
                    negate,
                })
            })
            .collect();
        Query { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// True when every term matches one of `columns` (or, for `field:` terms, that column).
    fn matches(&self, columns: &[(Field, &str)]) -> bool {
        self.terms.iter().all(|term| {
            let hit = columns.iter().any(|(f, text)| {
                term.field.is_none_or(|want| want == *f) && contains(text, &term.value)
            });
            hit != term.negate
        })
    }
}

/// Case-insensitive substring test; `needle` is already lower case.
fn contains(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() && needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        return n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    haystack.to_lowercase().contains(needle)
}

/// Whether a pod row of cluster `cluster` matches: cluster, namespace, name, node, status.
pub fn pod_matches(query: &Query, cluster: &str, pod: &PodRow) -> bool {
    query.is_empty()
        || query.matches(&[
            (Field::Cluster, cluster),
            (Field::Namespace, pod.key.namespace.as_str()),
            (Field::Name, pod.key.name.as_str()),
            (Field::Node, pod.node.as_str()),
            (Field::Status, pod.status.as_str()),
        ])
}

/// Whether an alert of cluster `cluster` matches: alertname, cluster, severity, summary.
pub fn alert_matches(query: &Query, cluster: &str, alert: &Alert) -> bool {
    query.is_empty()
        || query.matches(&[
            (Field::Name, alert.name.as_str()),
            (Field::Cluster, cluster),
            (Field::Severity, alert.severity.label()),
            (Field::Summary, alert.summary.as_str()),
        ])
}

/// Whether a service of cluster `cluster` matches: service name, cluster.
pub fn service_matches(query: &Query, cluster: &str, service: &ServiceRed) -> bool {
    query.is_empty()
        || query.matches(&[
            (Field::Name, service.name.as_str()),
            (Field::Cluster, cluster),
        ])
}

/// Whether a workload or database row matches: cluster, namespace, name, kind, images (or
/// a database's primary).
pub fn workload_matches(
    query: &Query,
    cluster: &str,
    namespace: &str,
    name: &str,
    kind: &str,
    images: &[&str],
) -> bool {
    if query.is_empty() {
        return true;
    }
    let mut columns = vec![
        (Field::Cluster, cluster),
        (Field::Namespace, namespace),
        (Field::Name, name),
        (Field::Status, kind),
    ];
    columns.extend(images.iter().map(|i| (Field::Summary, *i)));
    query.matches(&columns)
}

/// Whether an SLO row matches: SLO name, service, and the row's scope (a cluster name or
/// `fleet`).
pub fn slo_matches(query: &Query, name: &str, service: &str, scope: &str) -> bool {
    query.is_empty()
        || query.matches(&[
            (Field::Name, name),
            (Field::Service, service),
            (Field::Cluster, scope),
        ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{alert, pod};

    #[test]
    fn filter_matches_substrings_of_any_pod_column_ignoring_case() {
        let row = pod("shop", "Cart-7d9f", "CrashLoopBackOff", 0, 1, 3);
        let yes = |q: &str| pod_matches(&Query::parse(q), "prod-eu-1", &row);
        assert!(yes(""));
        assert!(yes("cart"));
        assert!(yes("CRASH"));
        assert!(yes("eu-1"));
        assert!(yes("node-"));
        assert!(yes("shop cart"), "all terms must match");
        assert!(!yes("shop api"));
        assert!(!yes("payments"));
    }

    #[test]
    fn filter_fields_and_negation() {
        let row = pod("shop", "cart-7d9f", "Running", 1, 1, 0);
        let yes = |q: &str| pod_matches(&Query::parse(q), "prod-eu-1", &row);
        assert!(yes("ns:shop"));
        assert!(!yes("ns:cart"), "field terms look only at their column");
        assert!(yes("status:run"));
        assert!(!yes("status:crash"));
        assert!(yes("!crash"));
        assert!(!yes("!cart"));
        assert!(yes("!ns:kube"));
        assert!(yes("cluster:prod"));
        // Unknown field: a plain substring (none of the columns contains "foo:shop").
        assert!(!yes("foo:shop"));
        // A bare `ns:` or `!` is ignored while typing.
        assert!(yes("ns:"));
        assert!(yes("!"));
    }

    #[test]
    fn filter_alerts_by_name_severity_and_summary() {
        let a = alert("f", "HighErrorRate", "critical", "5xx on payments-api", 60);
        let yes = |q: &str| alert_matches(&Query::parse(q), "prod-us-1", &a);
        assert!(yes("higherror"));
        assert!(yes("severity:crit"));
        assert!(yes("payments"));
        assert!(yes("us-1"));
        assert!(!yes("sev:warning"));
        assert!(yes("!Watchdog"));
    }

    #[test]
    fn filter_services_by_name_and_cluster() {
        let s = ServiceRed {
            name: crate::text::Text::new("payment-api"),
            ..ServiceRed::default()
        };
        let yes = |q: &str| service_matches(&Query::parse(q), "prod-eu-1", &s);
        assert!(yes(""));
        assert!(yes("PAY"));
        assert!(yes("name:api"));
        assert!(yes("cluster:eu"));
        assert!(yes("eu-1 payment"));
        assert!(!yes("name:eu"), "a field term looks only at its column");
        assert!(!yes("cluster:payment"));
        assert!(!yes("!payment"));
        assert!(!yes("search"));
    }

    #[test]
    fn filter_slos_by_name_service_and_scope() {
        let yes = |q: &str| slo_matches(&Query::parse(q), "payment-errors", "payment", "prod-eu-1");
        assert!(yes("pay"));
        assert!(yes("service:payment"));
        assert!(yes("svc:pay cluster:eu"));
        assert!(
            !yes("service:errors"),
            "a field term looks only at its column"
        );
        assert!(!yes("cluster:fleet"));
        assert!(slo_matches(&Query::parse("fleet"), "a", "b", "fleet"));
    }

    #[test]
    fn filter_handles_non_ascii_text() {
        let row = pod("東京", "Ünïcode-pod", "Running", 1, 1, 0);
        assert!(pod_matches(&Query::parse("ünï"), "c", &row));
        assert!(pod_matches(&Query::parse("ns:東"), "c", &row));
    }
}
