//! Prometheus for runbooks: one instant query whose single value a check compares, and the
//! replication lag of a database's instances (`pg_replication_lag_seconds`).

use std::time::Duration;

use super::client::Ops;
use watchdeck_core::runbook::op::{Observation, OpError};
use watchdeck_core::runbook::resolved::Comparison;
use watchdeck_core::text::sanitize;

/// The single value of `query` on `cluster`'s Prometheus at its now: `None` when the query
/// returns no sample; an error when it returns several (a check needs exactly one).
pub async fn value(ops: &Ops, cluster: &str, query: &str) -> Result<Option<f64>, OpError> {
    let (client, _) = ops.prometheus(cluster).await?;
    let what = format!("querying Prometheus of {cluster}");
    let data = ops
        .bounded(&what, async {
            client
                .instant_post(query, None)
                .await
                .map_err(|e| OpError::new(format!("{what}: {}", sanitize(&e.message()))))
        })
        .await?;
    match data.series.as_slice() {
        [] => Ok(None),
        [one] => Ok(one.points.last().map(|(_, v)| *v)),
        several => Err(OpError::new(format!(
            "{what}: `{}` returned {} series; a check needs exactly one value: aggregate it (sum, max, ...)",
            sanitize(query),
            several.len()
        ))),
    }
}

/// Evaluates `value op threshold` once.
pub async fn probe(
    ops: &Ops,
    cluster: &str,
    query: &str,
    op: Comparison,
    threshold: f64,
) -> Result<Observation, OpError> {
    let want = format!("want {} {}", op.symbol(), format_number(threshold));
    Ok(match value(ops, cluster, query).await? {
        None => Observation {
            holds: false,
            value: format!("no sample: the query returned nothing ({want})"),
            lag: None,
        },
        Some(v) if v.is_nan() => Observation {
            holds: false,
            value: format!("NaN: no traffic or no data to compute it ({want})"),
            lag: None,
        },
        Some(v) => Observation {
            holds: op.holds(v, threshold),
            value: format!("{} ({want})", format_number(v)),
            lag: None,
        },
    })
}

/// Four significant decimals, trailing zeros dropped: `0.0812`, `16`, `1.5`.
pub fn format_number(value: f64) -> String {
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if value != 0.0 && value.abs() < 0.0001 {
        return format!("{value:.2e}");
    }
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0" } else { text }.to_string()
}

/// A PromQL label value in double quotes.
pub(super) fn quoted(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// A regex matching exactly `text` (names may hold dots).
pub(super) fn regex_literal(text: &str) -> String {
    regex::escape(text)
}

/// Replication lag of `pods` (one instance, or every instance of a CNPG cluster when
/// `instance` is `None`) in `namespace`: the highest value, and the query used (for notes).
pub async fn replication_lag(
    ops: &Ops,
    cluster: &str,
    namespace: &str,
    database: &str,
    instance: Option<&str>,
) -> Result<(Option<Duration>, String), OpError> {
    let (_, target) = ops.prometheus(cluster).await?;
    let mut matchers: Vec<String> = target
        .matchers()
        .iter()
        .map(|(k, v)| format!("{k}={}", quoted(v)))
        .collect();
    matchers.push(format!("namespace={}", quoted(namespace)));
    matchers.push(match instance {
        Some(pod) => format!("pod={}", quoted(pod)),
        None => format!(
            "pod=~{}",
            quoted(&format!("{}-[0-9]+", regex_literal(database)))
        ),
    });
    let query = format!("max(pg_replication_lag_seconds{{{}}})", matchers.join(","));
    let lag = value(ops, cluster, &query)
        .await?
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(Duration::from_secs_f64);
    Ok((lag, query))
}

/// `12.3s`, `4m2s`: tenths under a minute, whole seconds above, in the runbooks' notation.
pub fn format_lag(lag: Duration) -> String {
    let secs = lag.as_secs_f64();
    if secs < 60.0 {
        format!("{}s", format_number((secs * 10.0).round() / 10.0))
    } else {
        watchdeck_core::duration::format_duration(Duration::from_secs(lag.as_secs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_lags_read_well() {
        assert_eq!(format_number(0.08123), "0.0812");
        assert_eq!(format_number(16.0), "16");
        assert_eq!(format_number(0.01), "0.01");
        assert_eq!(format_number(0.00001), "1.00e-5");
        assert_eq!(format_lag(Duration::from_millis(12_340)), "12.3s");
        assert_eq!(format_lag(Duration::ZERO), "0s");
        assert_eq!(format_lag(Duration::from_secs(242)), "4m2s");
        assert_eq!(format_lag(Duration::from_secs(3723)), "1h2m3s");
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
        assert_eq!(regex_literal("orders.db"), "orders\\.db");
    }
}
