//! The Prometheus text exposition format (version 0.0.4) for the simulator's /metrics endpoints.

use std::fmt::Write;

use crate::labels::{Labels, METRIC_NAME};
use crate::promql::gofmt::format_g;

/// The content type a scraper expects for this format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
}

impl MetricKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Gauge => "gauge",
            Self::Histogram => "histogram",
        }
    }
}

/// One metric family. Samples carry their full name in `__name__` (for histograms the
/// `_bucket`, `_sum` and `_count` series); a sample without a name gets the family's name.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricFamily {
    pub name: String,
    pub help: String,
    pub kind: MetricKind,
    pub samples: Vec<(Labels, f64)>,
}

fn escape_help(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn escape_label_value(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Renders the families in order: `# HELP`, `# TYPE`, then one line per sample, with
/// values formatted as Go's client library does (`+Inf`, `-Inf`, `NaN`, `1.5e+06`).
pub fn render(families: &[MetricFamily]) -> String {
    let mut out = String::new();
    for family in families {
        out.push_str("# HELP ");
        out.push_str(&family.name);
        out.push(' ');
        escape_help(&family.help, &mut out);
        out.push('\n');
        let _ = writeln!(out, "# TYPE {} {}", family.name, family.kind.as_str());
        for (labels, value) in &family.samples {
            out.push_str(labels.metric_name().unwrap_or(&family.name));
            let mut first = true;
            for (name, v) in labels.iter().filter(|(k, _)| *k != METRIC_NAME) {
                out.push(if first { '{' } else { ',' });
                first = false;
                out.push_str(name);
                out.push_str("=\"");
                escape_label_value(v, &mut out);
                out.push('"');
            }
            if !first {
                out.push('}');
            }
            out.push(' ');
            out.push_str(&format_g(*value));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_families_with_escaping_and_go_floats() {
        let families = vec![
            MetricFamily {
                name: "http_requests_total".into(),
                help: "Requests by \\path\nand status.".into(),
                kind: MetricKind::Counter,
                samples: vec![
                    (
                        Labels::from_pairs([("path", "/a\"b\\c\nd"), ("code", "200")]),
                        1_234_567.0,
                    ),
                    (Labels::new(), 0.5),
                ],
            },
            MetricFamily {
                name: "latency_seconds".into(),
                help: "Latency.".into(),
                kind: MetricKind::Histogram,
                samples: vec![
                    (
                        Labels::from_pairs([
                            (METRIC_NAME, "latency_seconds_bucket"),
                            ("le", "+Inf"),
                        ]),
                        3.0,
                    ),
                    (
                        Labels::from_pairs([(METRIC_NAME, "latency_seconds_sum")]),
                        f64::NAN,
                    ),
                    (
                        Labels::from_pairs([(METRIC_NAME, "latency_seconds_count")]),
                        f64::NEG_INFINITY,
                    ),
                ],
            },
        ];
        let want = "# HELP http_requests_total Requests by \\\\path\\nand status.\n\
# TYPE http_requests_total counter\n\
http_requests_total{code=\"200\",path=\"/a\\\"b\\\\c\\nd\"} 1.234567e+06\n\
http_requests_total 0.5\n\
# HELP latency_seconds Latency.\n\
# TYPE latency_seconds histogram\n\
latency_seconds_bucket{le=\"+Inf\"} 3\n\
latency_seconds_sum NaN\n\
latency_seconds_count -Inf\n";
        assert_eq!(render(&families), want);
    }
}
