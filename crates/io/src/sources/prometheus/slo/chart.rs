//! The SLO detail charts for one cluster: one range query over the SLO's period ending at the
//! server's now, holding the period ratio (budget remaining at each instant, over the rolling
//! period) and the long windows of the two fastest alert tiers (burn rate over time).

use std::collections::BTreeMap;

use super::batch::{Quantity, Span, TermKey, batch, span_terms};
use crate::sources::prometheus::client::PromClient;
use crate::sources::prometheus::response::Series;
use watchdeck_core::model::range_step::MAX_POINTS;
use watchdeck_core::series::{Line, Num, QueryStatus};
use watchdeck_core::slo::windows::promql_duration;
use watchdeck_core::slo::{SloChart, SloId, SloSpec};
use watchdeck_core::text::Text;

/// What the detail screen asks for.
#[derive(Debug, Clone)]
pub struct SloChartAsk {
    pub slo: SloId,
    pub spec: SloSpec,
    /// Matchers for `$selector` (the cluster's series on a global endpoint).
    pub matchers: Vec<(String, String)>,
    pub step: u64,
    pub seq: u64,
}

/// The windows charted as burn rates: the long windows of the two fastest tiers.
pub fn burn_windows(spec: &SloSpec) -> Vec<u64> {
    let mut windows: Vec<u64> = spec
        .windows
        .tiers(spec.period.secs())
        .iter()
        .take(2)
        .map(|t| t.long_secs)
        .collect();
    windows.dedup();
    windows
}

/// The step actually used: at least the asked one, and few enough points for Prometheus.
pub fn fit_step(range: u64, asked: u64) -> u64 {
    asked.max(range.div_ceil(MAX_POINTS - 1)).max(1)
}

type Points = BTreeMap<i64, f64>;

/// Series by term, points keyed by millisecond (rates of one term summed).
fn by_term(series: &[Series], slo: SloId) -> BTreeMap<TermKey, Points> {
    let answer_keys = series.iter().filter_map(|s| {
        let key = TermKey {
            slo: s.labels.get(super::batch::SLO_LABEL)?.parse().ok()?,
            span: Span::from_tag(s.labels.get(super::batch::WINDOW_LABEL)?)?,
            quantity: Quantity::from_tag(s.labels.get(super::batch::QUANTITY_LABEL)?)?,
        };
        (key.slo == slo).then_some((key, s))
    });
    let mut out: BTreeMap<TermKey, Points> = BTreeMap::new();
    for (key, s) in answer_keys {
        let points = out.entry(key).or_default();
        for (t, v) in &s.points {
            *points.entry((t * 1000.0).round() as i64).or_insert(0.0) += v;
        }
    }
    out
}

/// The error ratio at each instant of `span`: the rule's where it has a point, else errors /
/// total (no errors series = 0 errors); instants without traffic are left out.
fn ratios(terms: &BTreeMap<TermKey, Points>, slo: SloId, span: Span) -> Points {
    let get = |quantity| {
        terms.get(&TermKey {
            slo,
            span,
            quantity,
        })
    };
    let empty = Points::new();
    let rule = get(Quantity::Rule).unwrap_or(&empty);
    let errors = get(Quantity::Errors).unwrap_or(&empty);
    let total = get(Quantity::Total).unwrap_or(&empty);
    let mut out: Points = rule
        .iter()
        .filter(|(_, v)| v.is_finite())
        .map(|(t, v)| (*t, *v))
        .collect();
    for (t, all) in total {
        if out.contains_key(t) || *all <= 0.0 {
            continue;
        }
        out.insert(*t, errors.get(t).copied().unwrap_or(0.0) / all);
    }
    out
}

fn line(points: &Points, map: impl Fn(f64) -> f64) -> Line {
    points
        .iter()
        .map(|(t, v)| (Num(*t as f64 / 1000.0), Num(map(*v))))
        .collect()
}

/// Fetches the charts; failures end up in the chart's status.
pub async fn fetch_slo_chart(client: &PromClient, ask: &SloChartAsk) -> SloChart {
    let mut chart = SloChart {
        slo: ask.slo,
        seq: ask.seq,
        ..SloChart::default()
    };
    let now = match client.server_time().await {
        Ok(now) => now,
        Err(e) => {
            chart.status = QueryStatus::Error(Text::new(&e.message()));
            return chart;
        }
    };
    let spec = &ask.spec;
    let range = spec.period.secs();
    let windows = burn_windows(spec);
    let mut spans = vec![Span::Period];
    spans.extend(windows.iter().map(|w| Span::Window(*w)));
    let terms: Vec<_> = spans
        .iter()
        .flat_map(|span| span_terms(ask.slo, spec, *span, &ask.matchers, true))
        .collect();
    let step = fit_step(range, ask.step);
    let data = match client
        .query_range(&batch(&terms), now - range as f64, now, step)
        .await
    {
        Ok(data) => data,
        Err(e) => {
            chart.status = QueryStatus::Error(Text::new(&e.message()));
            return chart;
        }
    };
    let terms = by_term(&data.series, ask.slo);
    let budget = spec.target.budget();
    chart.budget = line(&ratios(&terms, ask.slo, Span::Period), |r| 1.0 - r / budget);
    let mut notes: Vec<Text> = data.warnings.iter().map(|w| Text::new(w)).collect();
    if chart.budget.is_empty() {
        notes.push(Text::new(&format!(
            "no data for the {} period",
            promql_duration(range)
        )));
    }
    for w in windows {
        let burn = line(&ratios(&terms, ask.slo, Span::Window(w)), |r| r / budget);
        if burn.is_empty() {
            notes.push(Text::new(&format!("no data for {}", promql_duration(w))));
        }
        chart.burn.insert(w, burn);
    }
    chart.status = if notes.is_empty() {
        QueryStatus::Ok
    } else {
        QueryStatus::Partial(notes)
    };
    chart
}
