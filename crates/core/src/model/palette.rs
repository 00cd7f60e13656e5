//! The `:` command palette's commands, built from the model (views, clusters, namespaces,
//! services, runbooks), and the fuzzy match that ranks them against what the user typed.
//! `run ID k=v ...` is a command line rather than a choice: while it is typed, the palette
//! completes the runbook id.

use std::collections::BTreeSet;

use crate::cluster::ClusterId;
use crate::model::Model;
use crate::screen::View;

/// What a palette entry does when run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Show(View),
    /// Show only this cluster on every screen.
    OnlyCluster(ClusterId),
    /// Show or hide this cluster, keeping the others as they are.
    ToggleCluster(ClusterId),
    AllClusters,
    /// The pods screen, filtered to this namespace.
    Namespace(String),
    /// The services screen, filtered to this service.
    Service(String),
    Help,
    Quit,
    /// Start writing `run ID ` for this runbook (its parameters follow).
    Runbook(String),
}

/// One line of the palette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub label: String,
    pub command: Command,
}

fn entry(label: String, command: Command) -> Entry {
    Entry { label, command }
}

/// Every command the palette offers for the model as it is, in a stable order.
pub fn commands(model: &Model) -> Vec<Entry> {
    let mut out: Vec<Entry> = View::ALL
        .iter()
        .map(|view| entry(view.title().to_ascii_lowercase(), Command::Show(*view)))
        .collect();
    out.push(entry("clusters: show all".into(), Command::AllClusters));
    for (id, cluster) in model.clusters.iter().enumerate() {
        out.push(entry(
            format!("cluster {} (only)", cluster.name),
            Command::OnlyCluster(id),
        ));
        let verb = if model.ui.shows_cluster(id) {
            "hide"
        } else {
            "show"
        };
        out.push(entry(
            format!("cluster {} ({verb})", cluster.name),
            Command::ToggleCluster(id),
        ));
    }
    let mut namespaces = BTreeSet::new();
    let mut services = BTreeSet::new();
    for cluster in &model.clusters {
        for key in cluster.pods.keys() {
            if !namespaces.contains(key.namespace.as_str()) {
                namespaces.insert(key.namespace.as_str().to_string());
            }
            if let Some(service) = workload_of(key.name.as_str())
                && !services.contains(service)
            {
                services.insert(service.to_string());
            }
        }
    }
    for ns in namespaces {
        out.push(entry(format!("namespace {ns}"), Command::Namespace(ns)));
    }
    for service in services {
        out.push(entry(
            format!("service {service}"),
            Command::Service(service),
        ));
    }
    out.extend(runbook_entries(model));
    out.push(entry("help".into(), Command::Help));
    out.push(entry("quit".into(), Command::Quit));
    out
}

/// One entry per runbook of the library, by id: `runbooks: ID · title`.
pub fn runbook_entries(model: &Model) -> Vec<Entry> {
    let mut entries: Vec<Entry> = model
        .runs
        .library
        .iter()
        .map(|r| {
            let title = super::Text::new(&r.title);
            entry(
                format!("runbooks: {} · {title}", r.id),
                Command::Runbook(r.id.clone()),
            )
        })
        .collect();
    entries.sort_by(|a, b| a.label.cmp(&b.label));
    entries
}

/// The runbook id being typed after `run `, if the line is a run command.
pub fn run_id(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("run")?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some(rest.split_whitespace().next().unwrap_or(""))
}

/// Characters of generated name suffixes (Kubernetes' `SafeEncodeString`: no vowels, no
/// 0, 1 or 3, so that generated names never spell words).
const GENERATED: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The workload a pod belongs to, from its generated name: `api-7d9f8c6b5-x2k4p`
/// (Deployment) → `api`, `db-0` (StatefulSet) → `db`, `agent-x2k4p` (DaemonSet) → `agent`.
pub fn workload_of(pod: &str) -> Option<&str> {
    let generated = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| GENERATED.contains(&b))
    };
    let (rest, last) = pod.rsplit_once('-')?;
    if rest.is_empty() {
        return None;
    }
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return Some(rest);
    }
    if !generated(last, 5..=5) {
        return None;
    }
    match rest.rsplit_once('-') {
        Some((head, hash)) if !head.is_empty() && generated(hash, 4..=10) => Some(head),
        _ => Some(rest),
    }
}

/// How well `query` matches `label`: `None` when its characters do not all appear in order
/// (case-insensitive); higher is better: prefixes, then word starts, then tight runs.
pub fn score(label: &str, query: &str) -> Option<i64> {
    let query: Vec<char> = query.to_lowercase().chars().filter(|c| *c != ' ').collect();
    if query.is_empty() {
        return Some(0);
    }
    let label_lower: Vec<char> = label.to_lowercase().chars().collect();
    let mut score = 0i64;
    let mut qi = 0;
    let mut previous: Option<usize> = None;
    for (i, c) in label_lower.iter().enumerate() {
        if qi < query.len() && *c == query[qi] {
            score += 1;
            if i == 0 || matches!(label_lower[i - 1], ' ' | '-' | '(' | '/') {
                score += 8;
            }
            if previous.is_some_and(|p| p + 1 == i) {
                score += 4;
            }
            previous = Some(i);
            qi += 1;
        }
    }
    if qi < query.len() {
        return None;
    }
    let typed: String = query.iter().collect();
    let whole: String = label_lower.iter().collect();
    if whole.starts_with(&typed) {
        score += 100;
    } else if let Some(at) = whole.find(&typed) {
        // A run of the label, better still at a word start.
        score += 50;
        if whole[..at].ends_with([' ', '-', '(', '/']) {
            score += 20;
        }
    }
    // Shorter labels first among equals.
    Some(score * 1000 - label_lower.len() as i64)
}

/// The commands matching `query`, best first (ties keep the command order).
pub fn matching(model: &Model, query: &str) -> Vec<Entry> {
    if let Some(id) = run_id(query).filter(|_| query.trim_start().len() > 3) {
        return runbook_entries(model)
            .into_iter()
            .filter(|e| matches!(&e.command, Command::Runbook(r) if r.starts_with(id)))
            .collect();
    }
    let mut scored: Vec<(i64, usize, Entry)> = commands(model)
        .into_iter()
        .enumerate()
        .filter_map(|(i, e)| score(&e.label, query).map(|s| (s, i, e)))
        .collect();
    if !query.trim().is_empty() {
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    scored.into_iter().map(|(_, _, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::sample_model;

    fn labels(model: &Model, query: &str) -> Vec<String> {
        matching(model, query)
            .into_iter()
            .map(|e| e.label)
            .collect()
    }

    #[test]
    fn palette_lists_views_clusters_namespaces_services() {
        let model = sample_model();
        let all = labels(&model, "");
        for want in [
            "overview",
            "alerts",
            "clusters: show all",
            "cluster prod-us-1 (only)",
            "cluster staging-eu-1 (hide)",
            "namespace payments",
            "service api",
            "service db",
            "help",
            "quit",
        ] {
            assert!(all.iter().any(|l| l == want), "{want} missing from {all:?}");
        }
    }

    #[test]
    fn palette_ranks_prefix_and_word_start_matches_first() {
        let model = sample_model();
        assert_eq!(labels(&model, "pod")[0], "pods");
        assert_eq!(labels(&model, "al")[0], "alerts");
        assert_eq!(labels(&model, "q")[0], "quit");
        assert_eq!(labels(&model, "ns pay")[0], "namespace payments");
        let us = labels(&model, "us-1");
        assert!(us[0].starts_with("cluster prod-us-1"), "{us:?}");
        assert!(labels(&model, "zzz").is_empty());
    }

    #[test]
    fn workload_names_from_pod_names() {
        assert_eq!(workload_of("api-7d9f8c-x2k4p"), Some("api"));
        assert_eq!(
            workload_of("payment-api-5c6b7d8f9-bq2zc"),
            Some("payment-api")
        );
        assert_eq!(
            workload_of("coredns-6d4b-abcde"),
            None,
            "vowels: not generated"
        );
        assert_eq!(workload_of("db-0"), Some("db"));
        assert_eq!(workload_of("node-exporter-x2k4p"), Some("node-exporter"));
        assert_eq!(workload_of("standalone"), None);
        assert_eq!(workload_of("-0"), None);
    }
}
