//! Service metrics as plain data: per cluster, per service, the RED values (request rate,
//! error ratio, p95 and p99 latency) with a short history for sparklines, the selected
//! service's chart, and whether the last answer was complete, partial or an error.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::filter::{Query, service_matches};
use crate::cluster::ClusterId;
use crate::model::Model;
use crate::series::{Line, Num, QueryStatus};
use crate::text::Text;

/// Points kept for a sparkline.
pub const HISTORY_POINTS: usize = 30;

/// One service's RED values in one cluster. `None` where Prometheus had no answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceRed {
    pub name: Text,
    /// Requests per second.
    pub rate: Option<Num>,
    /// Share of requests that failed (5xx), 0..1.
    pub error_ratio: Option<Num>,
    /// Latency quantiles in seconds.
    pub p95: Option<Num>,
    pub p99: Option<Num>,
    /// CPU used over CPU limit of the workload of the same name (0..1, above 1 when a
    /// container has no limit counted), from `[metrics] saturation`.
    pub saturation: Option<Num>,
    /// Error ratio over the last minutes, oldest first (at most [`HISTORY_POINTS`]).
    pub error_history: Vec<Num>,
    /// p95 latency over the last minutes, oldest first.
    pub latency_history: Vec<Num>,
    /// Request rate over the last minutes, oldest first.
    pub rate_history: Vec<Num>,
}

/// The chart's time range, switched with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum ChartRange {
    #[default]
    M15,
    H1,
    H6,
    H24,
}

impl ChartRange {
    pub const ALL: [ChartRange; 4] = [
        ChartRange::M15,
        ChartRange::H1,
        ChartRange::H6,
        ChartRange::H24,
    ];

    pub fn seconds(self) -> u64 {
        match self {
            ChartRange::M15 => 900,
            ChartRange::H1 => 3600,
            ChartRange::H6 => 6 * 3600,
            ChartRange::H24 => 24 * 3600,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChartRange::M15 => "15m",
            ChartRange::H1 => "1h",
            ChartRange::H6 => "6h",
            ChartRange::H24 => "24h",
        }
    }

    pub fn next(self) -> ChartRange {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn previous(self) -> ChartRange {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }
}

/// The selected service's series over the chosen range.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chart {
    pub service: Text,
    pub range: ChartRange,
    /// The request this answers (newest wins).
    pub seq: u64,
    pub rate: Line,
    pub error_ratio: Line,
    pub p95: Line,
    pub p99: Line,
    pub status: QueryStatus,
}

/// One cluster's service metrics.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClusterMetrics {
    /// By service name.
    pub services: BTreeMap<Text, ServiceRed>,
    pub status: QueryStatus,
    /// When the values were current (the loop's clock).
    pub updated: Option<Timestamp>,
    /// The chart, when the selected service is in this cluster.
    pub chart: Option<Chart>,
}

/// A poll's result for one cluster.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetricsUpdate {
    pub services: Vec<ServiceRed>,
    pub status: QueryStatus,
}

/// A service across the fleet: cluster and service name.
pub type ServiceRef = (ClusterId, Text);

/// The Services table's order, switched with `s`: worst first on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceSort {
    /// Highest error ratio first.
    #[default]
    Errors,
    /// Highest p99 latency first.
    Latency,
    /// Highest request rate first.
    Rate,
}

impl ServiceSort {
    pub fn next(self) -> ServiceSort {
        match self {
            ServiceSort::Errors => ServiceSort::Latency,
            ServiceSort::Latency => ServiceSort::Rate,
            ServiceSort::Rate => ServiceSort::Errors,
        }
    }

    /// For the table's title: `sorted by errors`.
    pub fn label(self) -> &'static str {
        match self {
            ServiceSort::Errors => "errors",
            ServiceSort::Latency => "p99",
            ServiceSort::Rate => "rate",
        }
    }

    /// The value sorted on; services without it go last.
    fn key(self, service: &ServiceRed) -> Option<f64> {
        let value = match self {
            ServiceSort::Errors => service.error_ratio,
            ServiceSort::Latency => service.p99,
            ServiceSort::Rate => service.rate,
        };
        value.map(|n| n.0).filter(|v| v.is_finite())
    }
}

/// The services the user asked to see: clusters not hidden by the per-cluster filter, and
/// services matching the `/` filter of the Services screen.
fn shown_services(model: &Model) -> impl Iterator<Item = (ClusterId, &ServiceRed)> {
    let query = Query::parse(&model.ui.filter.services);
    model
        .clusters
        .iter()
        .enumerate()
        .filter(|(id, _)| model.ui.shows_cluster(*id))
        .flat_map(move |(id, c)| {
            let query = query.clone();
            c.metrics
                .services
                .values()
                .filter(move |s| service_matches(&query, c.name.as_str(), s))
                .map(move |s| (id, s))
        })
}

/// Every shown service of every shown cluster in table order: the chosen sort, worst first
/// (services without the value last), then service name and cluster order.
pub fn merged_services(model: &Model) -> Vec<(ClusterId, &ServiceRed)> {
    let sort = model.ui.services_sort;
    let mut rows: Vec<(ClusterId, &ServiceRed)> = shown_services(model).collect();
    rows.sort_by(|a, b| {
        match (sort.key(a.1), sort.key(b.1)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.1.name.cmp(&b.1.name))
        .then(a.0.cmp(&b.0))
    });
    rows
}

/// The index of the selected service in `rows` (following its key), clamped.
pub fn selected_service(model: &Model, rows: &[(ClusterId, &ServiceRed)]) -> usize {
    let cursor = &model.ui.services;
    cursor
        .key
        .as_ref()
        .and_then(|(cluster, name)| {
            rows.iter()
                .position(|(c, s)| c == cluster && &s.name == name)
        })
        .unwrap_or(cursor.index)
        .min(rows.len().saturating_sub(1))
}

/// The chart to draw: the newest accepted answer (update keeps at most one).
pub fn current_chart(model: &Model) -> Option<(ClusterId, &Chart)> {
    model
        .clusters
        .iter()
        .enumerate()
        .find_map(|(id, c)| c.metrics.chart.as_ref().map(|chart| (id, chart)))
}

fn value(n: Option<Num>) -> f64 {
    n.map(|n| n.0).filter(|v| v.is_finite()).unwrap_or(0.0)
}

/// The fleet's worst shown services: highest error ratio first, then highest p99 latency;
/// only services with traffic. At most `limit`.
pub fn worst_services(model: &Model, limit: usize) -> Vec<(ClusterId, &ServiceRed)> {
    let mut rows: Vec<(ClusterId, &ServiceRed)> = shown_services(model)
        .filter(|(_, s)| s.rate.is_some() || s.error_ratio.is_some())
        .collect();
    rows.sort_by(|a, b| {
        value(b.1.error_ratio)
            .total_cmp(&value(a.1.error_ratio))
            .then(value(b.1.p99).total_cmp(&value(a.1.p99)))
            .then(a.1.name.cmp(&b.1.name))
            .then(a.0.cmp(&b.0))
    });
    rows.truncate(limit);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn red(name: &str, errors: f64, p99: f64) -> ServiceRed {
        ServiceRed {
            name: Text::new(name),
            rate: Some(Num(10.0)),
            error_ratio: Some(Num(errors)),
            p99: Some(Num(p99)),
            ..ServiceRed::default()
        }
    }

    fn model() -> Model {
        let labels = BTreeMap::new();
        let mut model = Model::new([("a", &labels), ("b", &labels)]);
        for (cluster, services) in [
            (0, vec![red("payment", 0.08, 0.3), red("auth", 0.0, 0.9)]),
            (1, vec![red("payment", 0.001, 0.2), red("search", 0.0, 0.1)]),
        ] {
            model.clusters[cluster].metrics.services =
                services.into_iter().map(|s| (s.name.clone(), s)).collect();
        }
        model
    }

    #[test]
    fn worst_services_rank_errors_then_latency() {
        let model = model();
        let worst: Vec<(ClusterId, &str)> = worst_services(&model, 3)
            .into_iter()
            .map(|(c, s)| (c, s.name.as_str()))
            .collect();
        assert_eq!(worst, vec![(0, "payment"), (1, "payment"), (0, "auth")]);
    }

    fn table(model: &Model) -> Vec<(ClusterId, &str)> {
        merged_services(model)
            .into_iter()
            .map(|(c, s)| (c, s.name.as_str()))
            .collect()
    }

    #[test]
    fn table_sorts_worst_errors_first_then_name_and_cluster() {
        let mut model = model();
        assert_eq!(
            table(&model),
            vec![(0, "payment"), (1, "payment"), (0, "auth"), (1, "search")]
        );
        model.ui.services_sort = ServiceSort::Errors.next();
        assert_eq!(model.ui.services_sort, ServiceSort::Latency);
        assert_eq!(
            table(&model),
            vec![(0, "auth"), (0, "payment"), (1, "payment"), (1, "search")]
        );
        model.ui.services_sort = ServiceSort::Rate;
        // Equal rates: name, then cluster order; a service without a rate goes last.
        model.clusters[0]
            .metrics
            .services
            .get_mut(&Text::new("auth"))
            .unwrap()
            .rate = None;
        assert_eq!(
            table(&model),
            vec![(0, "payment"), (1, "payment"), (1, "search"), (0, "auth")]
        );
        assert_eq!(ServiceSort::Rate.next(), ServiceSort::Errors);
    }

    #[test]
    fn the_filter_and_hidden_clusters_narrow_both_lists() {
        let names = |rows: Vec<(ClusterId, &ServiceRed)>| -> Vec<(ClusterId, String)> {
            rows.into_iter()
                .map(|(c, s)| (c, s.name.as_str().to_string()))
                .collect()
        };
        let mut model = model();
        model.ui.filter.services = "pay".to_string();
        assert_eq!(
            names(merged_services(&model)),
            vec![(0, "payment".into()), (1, "payment".into())]
        );
        assert_eq!(
            names(worst_services(&model, 5)),
            vec![(0, "payment".into()), (1, "payment".into())]
        );
        model.ui.filter.services = "cluster:b".to_string();
        assert_eq!(
            names(merged_services(&model)),
            vec![(1, "payment".into()), (1, "search".into())]
        );
        model.ui.filter.services.clear();
        model.ui.clusters_shown = Some([0].into_iter().collect());
        assert_eq!(
            names(merged_services(&model)),
            vec![(0, "payment".into()), (0, "auth".into())]
        );
        assert_eq!(
            names(worst_services(&model, 5)),
            vec![(0, "payment".into()), (0, "auth".into())]
        );
    }

    #[test]
    fn ranges_cycle() {
        assert_eq!(ChartRange::M15.next(), ChartRange::H1);
        assert_eq!(ChartRange::H24.next(), ChartRange::M15);
        assert_eq!(ChartRange::M15.previous(), ChartRange::H24);
        assert_eq!(ChartRange::H6.seconds(), 21_600);
    }

    #[test]
    fn nan_compares_equal_to_itself() {
        assert_eq!(Num(f64::NAN), Num(f64::NAN));
        assert_ne!(Num(0.0), Num(-0.0));
    }
}
