//! From the four RED answers (series by service) to rows: current values are each series'
//! last point, histories its points; the error ratio is errors / requests at each time, and
//! zero when a service has traffic but no 5xx series at all.

use std::collections::BTreeMap;

use super::query::Red;
use super::response::Series;
use watchdeck_core::model::services::{HISTORY_POINTS, ServiceRed};
use watchdeck_core::series::{Line, Num};
use watchdeck_core::text::Text;

/// The service name a series carries (sanitized); series without the label are grouped
/// under `(no <label>)`.
fn service_of(series: &Series, label: &str) -> String {
    series
        .labels
        .get(label)
        .cloned()
        .unwrap_or_else(|| format!("(no {label})"))
}

/// Series by service for one RED query.
pub type ByService = BTreeMap<String, Vec<(f64, f64)>>;

/// Groups an answer's series by service (several series of one service are summed point
/// by point, which only happens with templates that do not aggregate).
pub fn by_service(series: &[Series], label: &str) -> ByService {
    let mut out: ByService = BTreeMap::new();
    for s in series {
        let entry = out.entry(service_of(s, label)).or_default();
        if entry.is_empty() {
            entry.extend(s.points.iter().copied());
        } else {
            for (t, v) in &s.points {
                match entry.iter_mut().find(|(et, _)| et == t) {
                    Some(point) => point.1 += v,
                    None => entry.push((*t, *v)),
                }
            }
            entry.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
    }
    out
}

fn ratio_points(errors: Option<&Vec<(f64, f64)>>, requests: &[(f64, f64)]) -> Vec<(f64, f64)> {
    requests
        .iter()
        .map(|(t, total)| {
            let failed = errors
                .and_then(|e| e.iter().find(|(et, _)| et == t))
                .map_or(0.0, |(_, v)| *v);
            let ratio = if *total > 0.0 { failed / total } else { 0.0 };
            (*t, ratio)
        })
        .collect()
}

fn last(points: Option<&Vec<(f64, f64)>>) -> Option<Num> {
    points.and_then(|p| p.last()).map(|(_, v)| Num(*v))
}

fn tail(points: Option<&Vec<(f64, f64)>>) -> Vec<Num> {
    let points = points.map(Vec::as_slice).unwrap_or_default();
    let skip = points.len().saturating_sub(HISTORY_POINTS);
    points[skip..].iter().map(|(_, v)| Num(*v)).collect()
}

/// Chart lines from points.
pub fn line(points: Option<&Vec<(f64, f64)>>) -> Line {
    points
        .map(|p| p.iter().map(|(t, v)| (Num(*t), Num(*v))).collect())
        .unwrap_or_default()
}

/// The error ratio's points for one service.
pub fn error_ratio(answers: &BTreeMap<Red, ByService>, service: &str) -> Option<Vec<(f64, f64)>> {
    let requests = answers.get(&Red::Requests)?.get(service)?;
    let errors = answers.get(&Red::Errors).and_then(|e| e.get(service));
    Some(ratio_points(errors, requests))
}

/// One row per service seen in any RED answer, sorted by name. Saturation only joins those
/// rows: a container that serves no requests (a database, a cache) is not a service.
pub fn rows(answers: &BTreeMap<Red, ByService>) -> Vec<ServiceRed> {
    let mut names: Vec<&String> = answers
        .iter()
        .filter(|(red, _)| **red != Red::Saturation)
        .flat_map(|(_, a)| a.keys())
        .collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let get = |red: Red| answers.get(&red).and_then(|a| a.get(name));
            let ratio = error_ratio(answers, name);
            let requests = get(Red::Requests);
            ServiceRed {
                name: Text::new(name),
                rate: last(requests),
                error_ratio: last(ratio.as_ref()),
                p95: last(get(Red::P95)),
                p99: last(get(Red::P99)),
                saturation: last(get(Red::Saturation)),
                error_history: tail(ratio.as_ref()),
                latency_history: tail(get(Red::P95)),
                rate_history: tail(requests),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(service: &str, points: &[(f64, f64)]) -> Series {
        Series {
            labels: [("service".to_string(), service.to_string())].into(),
            points: points.to_vec(),
        }
    }

    #[test]
    fn rows_join_the_four_answers() {
        let mut answers = BTreeMap::new();
        answers.insert(
            Red::Requests,
            by_service(
                &[
                    series("payment", &[(1.0, 100.0), (2.0, 200.0)]),
                    series("auth", &[(1.0, 50.0), (2.0, 50.0)]),
                ],
                "service",
            ),
        );
        answers.insert(
            Red::Errors,
            by_service(&[series("payment", &[(1.0, 1.0), (2.0, 16.0)])], "service"),
        );
        answers.insert(
            Red::P99,
            by_service(&[series("payment", &[(2.0, 0.25)])], "service"),
        );
        // Saturation joins payment's row; redis serves no requests and gets no row.
        answers.insert(
            Red::Saturation,
            by_service(
                &[
                    series("payment", &[(2.0, 0.9)]),
                    series("redis", &[(2.0, 0.2)]),
                ],
                "service",
            ),
        );
        let rows = rows(&answers);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].saturation, Some(Num(0.9)));
        assert_eq!(rows[0].saturation, None);
        let auth = &rows[0];
        assert_eq!(auth.name.as_str(), "auth");
        // Traffic and no 5xx series: zero errors, not unknown.
        assert_eq!(auth.error_ratio, Some(Num(0.0)));
        assert_eq!(auth.p99, None);
        let payment = &rows[1];
        assert_eq!(payment.rate, Some(Num(200.0)));
        assert_eq!(payment.error_ratio, Some(Num(0.08)));
        assert_eq!(payment.error_history, vec![Num(0.01), Num(0.08)]);
        assert_eq!(payment.p99, Some(Num(0.25)));
        assert_eq!(payment.rate_history, vec![Num(100.0), Num(200.0)]);
    }

    #[test]
    fn series_without_the_label_are_grouped() {
        let s = Series {
            labels: BTreeMap::new(),
            points: vec![(1.0, 1.0)],
        };
        let grouped = by_service(&[s.clone(), s], "job");
        assert_eq!(grouped["(no job)"], vec![(1.0, 2.0)]);
    }

    #[test]
    fn history_is_bounded() {
        let points: Vec<(f64, f64)> = (0..100).map(|i| (f64::from(i), f64::from(i))).collect();
        let mut answers = BTreeMap::new();
        answers.insert(
            Red::Requests,
            by_service(&[series("a", &points)], "service"),
        );
        let rows = rows(&answers);
        assert_eq!(rows[0].rate_history.len(), HISTORY_POINTS);
        assert_eq!(rows[0].rate_history.last(), Some(&Num(99.0)));
    }
}
