//! The report as GitHub-flavoured Markdown, for pasting into a ticket or an incident doc:
//! a fleet summary table, then one section per cluster.

use std::fmt::Write;

use super::report::{ClusterReport, Report, SourceReport, SourceState};
use super::table::level;
use super::text::{MAX_ROWS, age, md_cell, metric_cells, more};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# watchdeck check: {} (exit {})\n",
        report.status.label(),
        report.exit_code
    );
    let _ = writeln!(out, "{} · {}\n", report.at, md_cell(&report.subject));
    let _ = writeln!(
        out,
        "| cluster | status | sources | pods ready | crash-looping | critical alerts | warning alerts |"
    );
    let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|");
    for cluster in &report.clusters {
        let sources: Vec<String> = cluster
            .sources
            .iter()
            .map(|s| format!("{} {}", s.source, s.state.label()))
            .collect();
        let count = |severity: &str| {
            cluster
                .alerts
                .iter()
                .filter(|a| a.severity == severity)
                .count()
        };
        let _ = writeln!(
            out,
            "| {} | **{}** | {} | {}/{} | {} | {} | {} |",
            md_cell(&cluster.name),
            cluster.status.label(),
            sources.join(", "),
            cluster.pods.ready,
            cluster.pods.total,
            cluster.pods.crash_looping,
            count("critical"),
            count("warning"),
        );
    }
    for cluster in &report.clusters {
        render_cluster(&mut out, cluster);
    }
    if !report.slos.is_empty() {
        let _ = writeln!(out, "\n## SLOs\n");
        out.push_str(&super::slo_text::markdown(&report.slos));
    }
    out
}

fn render_cluster(out: &mut String, cluster: &ClusterReport) {
    let labels: Vec<String> = cluster
        .labels
        .iter()
        .map(|(k, v)| format!("{}={}", md_cell(k), md_cell(v)))
        .collect();
    let labels = if labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", labels.join(", "))
    };
    let _ = writeln!(
        out,
        "\n## {}{labels}: {}\n",
        md_cell(&cluster.name),
        cluster.status.label()
    );
    for source in &cluster.sources {
        let _ = writeln!(out, "- {}", source_line(source));
    }
    let _ = writeln!(out, "- pods: {}", cluster.pods_line());

    if !cluster.unhealthy_pods.is_empty() {
        let _ = writeln!(out, "\n### Unhealthy pods\n");
        let _ = writeln!(
            out,
            "| level | namespace | pod | status | ready | restarts | age |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---:|---:|");
        for pod in cluster.unhealthy_pods.iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                level(pod.status),
                md_cell(&pod.namespace),
                md_cell(&pod.name),
                md_cell(&pod.pod_status),
                pod.ready,
                pod.restarts,
                age(pod.age_secs)
            );
        }
        if let Some(line) = more(cluster.unhealthy_pods.len()) {
            let _ = writeln!(out, "\n{line}");
        }
    }

    if !cluster.alerts.is_empty() {
        let _ = writeln!(out, "\n### Firing alerts\n");
        let _ = writeln!(out, "| severity | alert | service | summary | firing for |");
        let _ = writeln!(out, "|---|---|---|---|---:|");
        for alert in cluster.alerts.iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md_cell(&alert.severity),
                md_cell(&alert.name),
                md_cell(alert.service.as_deref().unwrap_or("")),
                md_cell(&alert.summary),
                age(alert.age_secs)
            );
        }
        if let Some(line) = more(cluster.alerts.len()) {
            let _ = writeln!(out, "\n{line}");
        }
    }

    if !cluster.services.is_empty() {
        let _ = writeln!(out, "\n### Worst services\n");
        let _ = writeln!(
            out,
            "| level | service | pods ready | failing pods | critical alerts | warning alerts | req/s | errors | p95 | p99 |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for service in &cluster.services {
            let [rate, errors, p95, p99] = metric_cells(service.metrics, " ms");
            let _ = writeln!(
                out,
                "| {} | {} | {}/{} | {} | {} | {} | {rate} | {errors} | {p95} | {p99} |",
                level(service.status),
                md_cell(&service.name),
                service.pods_ready,
                service.pods_total,
                service.pods_failing,
                service.alerts_critical,
                service.alerts_warning,
            );
        }
    }
}

fn source_line(source: &SourceReport) -> String {
    let mut line = format!("{}: **{}**", source.source, source.state.label());
    if let (SourceState::Ok | SourceState::Stale, Some(secs)) = (source.state, source.data_age_secs)
    {
        let _ = write!(line, ", data {} old", age(Some(secs)));
    }
    if let Some(since) = &source.since {
        let _ = write!(line, ", since {since}");
    }
    if let Some(reason) = &source.reason {
        let _ = write!(line, ": {}", md_cell(reason));
    }
    line
}
