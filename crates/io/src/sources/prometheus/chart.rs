//! The selected service's chart: the four RED queries for that one service over the chosen
//! range, at a step that fits the chart's width, ending at the server's now.

use super::PromTarget;
use super::assemble::{error_ratio, line};
use super::client::PromClient;
use super::poll::{Rejected, red_answers};
use super::query::Red;
use watchdeck_core::model::services::{Chart, ChartRange};
use watchdeck_core::series::QueryStatus;
use watchdeck_core::text::Text;

/// What the Services screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartAsk {
    pub service: String,
    pub range: ChartRange,
    pub step: u64,
    pub seq: u64,
}

/// Fetches the chart; failures end up in the chart's status (the panel shows them).
pub async fn fetch_chart(client: &PromClient, target: &PromTarget, ask: &ChartAsk) -> Chart {
    let mut chart = Chart {
        service: Text::new(&ask.service),
        range: ask.range,
        seq: ask.seq,
        ..Chart::default()
    };
    let now = match client.server_time().await {
        Ok(now) => now,
        Err(e) => {
            chart.status = QueryStatus::Error(Text::new(&e.message()));
            return chart;
        }
    };
    let mut matchers = target.matchers();
    matchers.push((target.queries.service_label.clone(), ask.service.clone()));
    let start = now - ask.range.seconds() as f64;
    let mut rejected = Rejected::new();
    match red_answers(
        client,
        target,
        &matchers,
        (start, now, ask.step),
        &mut rejected,
        &Red::CHART,
    )
    .await
    {
        Ok(answers) => {
            let pick = |red: Red| {
                answers
                    .answers
                    .get(&red)
                    .and_then(|by| by.get(&ask.service).or_else(|| by.values().next()))
            };
            chart.rate = line(pick(Red::Requests));
            chart.p95 = line(pick(Red::P95));
            chart.p99 = line(pick(Red::P99));
            let ratio = error_ratio(&answers.answers, &ask.service);
            chart.error_ratio = line(ratio.as_ref());
            chart.status = answers.status();
        }
        Err(e) => chart.status = QueryStatus::Error(Text::new(&e.message())),
    }
    chart
}
