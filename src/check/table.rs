//! The report as plain text for a terminal or a cron mail: no colours, at most
//! [`WIDTH`] columns, one block per cluster.

use std::fmt::Write;

use super::report::{ClusterReport, Report, SourceReport, SourceState, Status};
use super::text::{MAX_ROWS, age, cell, fit, metric_cells, more};

/// The widest line the table prints.
pub const WIDTH: usize = 100;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        fit(
            &format!("watchdeck check · {} · {}", report.at, report.subject),
            WIDTH
        )
    );
    let count = |status: Status| {
        report
            .clusters
            .iter()
            .filter(|c| c.status == status)
            .count()
    };
    let _ = writeln!(
        out,
        "Fleet: {} (exit {}) · {} clusters: {} ok, {} warning, {} critical, {} unreachable",
        report.status.label(),
        report.exit_code,
        report.clusters.len(),
        count(Status::Ok),
        count(Status::Warning),
        count(Status::Critical),
        count(Status::Unreachable),
    );
    for cluster in &report.clusters {
        out.push('\n');
        render_cluster(&mut out, cluster);
    }
    if !report.slos.is_empty() {
        let _ = writeln!(out, "\n== SLOs {}", "=".repeat(WIDTH - 8));
        out.push_str(&super::slo_text::compact_table(&report.slos));
    }
    out
}

fn render_cluster(out: &mut String, cluster: &ClusterReport) {
    let labels: Vec<String> = cluster
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let title = fit(
        &format!("== {} {} ", cluster.name, labels.join(" ")),
        WIDTH - 14,
    );
    let status = format!(" {}", cluster.status.label());
    let fill = WIDTH.saturating_sub(title.chars().count() + status.len());
    let _ = writeln!(out, "{title}{}{status}", "=".repeat(fill));

    let sources: Vec<String> = cluster.sources.iter().map(source_brief).collect();
    let _ = writeln!(
        out,
        "{}",
        fit(&format!("Sources  {}", sources.join(" · ")), WIDTH)
    );
    for source in &cluster.sources {
        if let Some(reason) = &source.reason {
            let since = source
                .since
                .as_deref()
                .map(|s| format!(" since {s}"))
                .unwrap_or_default();
            let line = format!(
                "         {} {}{since}: {reason}",
                source.source,
                source.state.label()
            );
            let _ = writeln!(out, "{}", fit(&line, WIDTH));
        }
    }
    let _ = writeln!(out, "Pods     {}", cluster.pods_line());

    if !cluster.unhealthy_pods.is_empty() {
        let _ = writeln!(out, "Unhealthy pods");
        let _ = writeln!(
            out,
            "  {} {} {} {} {:>8} {:>7}",
            cell("LEVEL", 8),
            cell("NAMESPACE/POD", 43),
            cell("STATUS", 22),
            cell("READY", 5),
            "RESTARTS",
            "AGE"
        );
        for pod in cluster.unhealthy_pods.iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "  {} {} {} {} {:>8} {:>7}",
                cell(level(pod.status), 8),
                cell(&format!("{}/{}", pod.namespace, pod.name), 43),
                cell(&pod.pod_status, 22),
                cell(&pod.ready, 5),
                pod.restarts,
                fit(&age(pod.age_secs), 7)
            );
        }
        if let Some(line) = more(cluster.unhealthy_pods.len()) {
            let _ = writeln!(out, "  {line}");
        }
    }

    if !cluster.alerts.is_empty() {
        let _ = writeln!(out, "Firing alerts");
        for alert in cluster.alerts.iter().take(MAX_ROWS) {
            let service = alert.service.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "  {} {} {} {} {:>7}",
                cell(&alert.severity, 8),
                cell(&alert.name, 26),
                cell(service, 14),
                cell(&alert.summary, 38),
                fit(&age(alert.age_secs), 7)
            );
        }
        if let Some(line) = more(cluster.alerts.len()) {
            let _ = writeln!(out, "  {line}");
        }
    }

    if !cluster.services.is_empty() {
        let _ = writeln!(out, "Worst services");
        let _ = writeln!(
            out,
            "  {} {} {:>7} {:>7} {:>9} {:>9} {:>7} {:>8} {:>8}",
            cell("LEVEL", 8),
            cell("SERVICE", 24),
            "PODS",
            "FAILING",
            "ALERTS",
            "REQ/S",
            "ERRORS",
            "P95",
            "P99"
        );
        for service in &cluster.services {
            let alerts = format!("{}c {}w", service.alerts_critical, service.alerts_warning);
            let [rate, errors, p95, p99] = metric_cells(service.metrics, "ms");
            let _ = writeln!(
                out,
                "  {} {} {:>7} {:>7} {:>9} {:>9} {:>7} {:>8} {:>8}",
                cell(level(service.status), 8),
                cell(&service.name, 24),
                format!("{}/{}", service.pods_ready, service.pods_total),
                service.pods_failing,
                alerts,
                rate,
                errors,
                p95,
                p99
            );
        }
    }
}

/// `k8s ok 3s` / `alerts stale 40s` / `prom failed` / `prom off`.
fn source_brief(source: &SourceReport) -> String {
    match (source.state, source.data_age_secs) {
        (SourceState::Ok | SourceState::Stale, Some(secs)) => format!(
            "{} {} (data {} old)",
            source.source,
            source.state.label(),
            age(Some(secs))
        ),
        (state, _) => format!("{} {}", source.source, state.label()),
    }
}

/// A finding's level in lower case.
pub fn level(status: Status) -> &'static str {
    match status {
        Status::Ok => "info",
        Status::Warning => "warning",
        Status::Critical => "critical",
        Status::Unreachable => "unreach.",
    }
}
