//! The Workloads screen's two tables: workloads (cluster, namespace, kind, name, ready of
//! desired, up to date, latest rollout, request rate per ready pod, CPU saturation, paused,
//! age, images) and databases (primary, instances
//! ready, replica mode and its source, phase). Only the visible rows are built; columns
//! drop by priority on narrow terminals.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{age_text, columns, fit, list_title, pane_block};
use crate::list_rows_area;
use crate::theme::Theme;
use watchdeck_core::model::kube::{KubeResource, unreadable};
use watchdeck_core::model::layout::Area;
use watchdeck_core::model::rollout::{image_tag, latest_rollout};
use watchdeck_core::model::workload::{WorkloadKind, WorkloadRow};
use watchdeck_core::model::workload_view::{
    DbEntry, HIGH_SATURATION, Load, RowKey, WorkloadEntry, database_rows, load, row_keys,
    selected_row, workload_rows,
};
use watchdeck_core::model::{Model, scroll_offset};
use watchdeck_core::screen::View;
use watchdeck_core::text::Text;

/// Databases shown (for the screen's layout).
pub fn database_count(model: &Model) -> usize {
    database_rows(model).len()
}

/// The selected row: `(true, i)` in the workloads table, `(false, i)` in the databases one.
fn selection(model: &Model) -> Option<(bool, usize)> {
    let keys = row_keys(model);
    if keys.is_empty() {
        return None;
    }
    let index = selected_row(model, &keys);
    let first_db = keys
        .iter()
        .position(|k| matches!(k, RowKey::Database(..)))
        .unwrap_or(keys.len());
    Some(if index < first_db {
        (true, index)
    } else {
        (false, index - first_db)
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Cluster,
    Namespace,
    Kind,
    Name,
    Ready,
    Updated,
    Revision,
    PerPod,
    Saturation,
    Flags,
    Age,
    Images,
}

impl Col {
    fn head(self) -> &'static str {
        match self {
            Col::Cluster => "CLUSTER",
            Col::Namespace => "NAMESPACE",
            Col::Kind => "KIND",
            Col::Name => "NAME",
            Col::Ready => "READY",
            Col::Updated => "UPD",
            Col::Revision => "ROLLOUT",
            Col::PerPod => "REQ/POD",
            Col::Saturation => "CPU",
            Col::Flags => "FLAGS",
            Col::Age => "AGE",
            Col::Images => "IMAGES",
        }
    }

    /// Lower goes first when the terminal is narrow: the load figures go before the names
    /// and images, the latest rollout (the likely cause) last of the optional ones.
    fn priority(self) -> u8 {
        match self {
            Col::Name | Col::Ready | Col::Cluster => 9,
            Col::Namespace => 8,
            Col::Images => 7,
            Col::Revision => 6,
            Col::Flags => 5,
            Col::PerPod => 4,
            Col::Saturation => 3,
            Col::Kind => 2,
            Col::Age | Col::Updated => 1,
        }
    }
}

fn widest<'a>(texts: impl Iterator<Item = &'a str>, head: &str, max: usize) -> usize {
    texts
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0)
        .max(head.len())
        .min(max)
}

fn columns(model: &Model, rows: &[WorkloadEntry], width: u16) -> Vec<(Col, usize)> {
    let cluster = widest(
        rows.iter().map(|r| cluster_name(model, r.cluster)),
        "CLUSTER",
        16,
    );
    let namespace = widest(
        rows.iter().map(|r| r.row.key.namespace.as_str()),
        "NAMESPACE",
        16,
    );
    let name = widest(rows.iter().map(|r| r.row.key.name.as_str()), "NAME", 28);
    // `rev 12 v1.14.2 12m ago`, estimated from the row itself so that no ReplicaSet walk runs
    // for rows not shown.
    let rollout = rows
        .iter()
        .map(|r| match r.row.key.kind {
            WorkloadKind::Deployment if !r.row.revision.is_empty() => {
                let tag = r
                    .row
                    .images
                    .first()
                    .map_or(0, |i| image_tag(i.as_str()).len());
                "rev ".len() + r.row.revision.as_str().len() + tag + " 12m ago ".len()
            }
            _ => r.row.revision.as_str().chars().count(),
        })
        .max()
        .unwrap_or(0)
        .clamp("ROLLOUT".len(), 24);
    let mut cols = vec![
        (Col::Cluster, cluster),
        (Col::Namespace, namespace),
        (Col::Kind, 6),
        (Col::Name, name),
        (Col::Ready, 7),
        (Col::Updated, 4),
        (Col::Revision, rollout),
        (Col::PerPod, 7),
        (Col::Saturation, 4),
        (Col::Flags, 6),
        (Col::Age, 5),
        (Col::Images, 12),
    ];
    let width = usize::from(width);
    columns::drop_to_fit(&mut cols, width, |c| c.priority());
    // Images take what is left.
    columns::grow_into(&mut cols, width, |c| *c == Col::Images);
    cols
}

/// `text` right-aligned in `width` (numbers line up).
fn right(text: &str, width: usize) -> String {
    format!("{:>width$}", fit(text, width).trim_end())
}

fn cluster_name(model: &Model, id: usize) -> &str {
    model.clusters.get(id).map_or("?", |c| c.name.as_str())
}

fn kind_text(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Deployment => "deploy",
        WorkloadKind::StatefulSet => "sts",
        WorkloadKind::ReplicaSet => "rs",
    }
}

fn ready_style(theme: &Theme, row: &WorkloadRow) -> Style {
    if row.ready >= row.desired {
        theme.ok
    } else if row.ready == 0 {
        theme.bad
    } else {
        theme.warn
    }
}

/// Deployments: their latest rollout (`rev 5 v1.4.2 7m ago`); StatefulSets: the revision.
fn rollout_text(model: &Model, entry: &WorkloadEntry, now: Timestamp) -> String {
    model
        .clusters
        .get(entry.cluster)
        .and_then(|c| latest_rollout(&c.kube, entry.row))
        .map_or_else(|| entry.row.revision.to_string(), |r| r.text(now))
}

/// `12.5` req/s per ready pod, `-` when unknown.
fn per_pod_text(load: &Load) -> String {
    match load.per_ready_pod {
        Some(rate) if rate >= 100.0 => format!("{rate:.0}"),
        Some(rate) => format!("{rate:.1}"),
        None => "-".to_string(),
    }
}

/// `87%`, `-` when unknown.
fn saturation_text(load: &Load) -> String {
    load.saturation
        .map_or_else(|| "-".to_string(), |s| format!("{:.0}%", s * 100.0))
}

fn workload_line<'a>(
    model: &'a Model,
    entry: &WorkloadEntry<'a>,
    cols: &[(Col, usize)],
    theme: &Theme,
    now: Timestamp,
    selected: bool,
) -> Line<'a> {
    let row = entry.row;
    let load = model
        .clusters
        .get(entry.cluster)
        .map(|c| load(c, row))
        .unwrap_or_default();
    let mut spans = Vec::with_capacity(cols.len() * 2);
    for (col, width) in cols {
        let width = *width;
        let span = match col {
            Col::Cluster => {
                Span::styled(fit(cluster_name(model, entry.cluster), width), theme.label)
            }
            Col::Namespace => Span::styled(fit(row.key.namespace.as_str(), width), theme.base),
            Col::Kind => Span::styled(fit(kind_text(row.key.kind), width), theme.muted),
            Col::Name => Span::styled(fit(row.key.name.as_str(), width), theme.base),
            Col::Ready => Span::styled(
                fit(&format!("{}/{}", row.ready, row.desired), width),
                ready_style(theme, row),
            ),
            Col::Updated => Span::styled(fit(&row.updated.to_string(), width), theme.base),
            Col::Revision => Span::styled(fit(&rollout_text(model, entry, now), width), theme.base),
            Col::PerPod => Span::styled(right(&per_pod_text(&load), width), theme.base),
            Col::Saturation => {
                let high = load.saturation.is_some_and(|s| s > HIGH_SATURATION);
                let style = if high { theme.bad } else { theme.base };
                Span::styled(right(&saturation_text(&load), width), style)
            }
            Col::Flags => {
                let text = if row.paused { "paused" } else { "" };
                Span::styled(fit(text, width), theme.warn)
            }
            Col::Age => Span::styled(fit(&age_text(row.created, now), width), theme.muted),
            Col::Images => Span::styled(
                super::images::images_fit(row.images.iter().map(Text::as_str), width),
                theme.muted,
            ),
        };
        spans.push(span);
        spans.push(Span::raw(" "));
    }
    let line = Line::from(spans);
    if selected {
        line.style(theme.selected)
    } else {
        line
    }
}

/// Renders the workloads table in `area`; returns where its rows are.
pub fn render_workloads(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    theme: &Theme,
    now: Timestamp,
) -> Area {
    let rows = workload_rows(model);
    let selection = selection(model);
    let selected = match selection {
        Some((true, i)) => Some(i),
        _ => None,
    };
    let sort = model.ui.workloads.sort;
    let name = format!(
        "Workloads · sort {}{}",
        sort.label(),
        if model.ui.workloads.reversed {
            " ↑"
        } else {
            ""
        }
    );
    let problems = unreadable(
        model.clusters.iter(),
        &[
            KubeResource::Deployments,
            KubeResource::ReplicaSets,
            KubeResource::StatefulSets,
        ],
    );
    let title = pane_title(
        theme,
        list_title(&name, rows.len(), &model.ui.filter.workloads),
        &problems,
    );
    let focused = model.ui.view == View::Workloads && selection.is_none_or(|(w, _)| w);
    // The position ("3/5") only on the table holding the selection.
    let shown = if selected.is_some() { rows.len() } else { 0 };
    let block = pane_block(theme, focused, title, selected.unwrap_or(0), shown);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows_area = list_rows_area(area);
    if rows.is_empty() {
        let text = if model.ui.filter.workloads.is_empty() {
            "no Deployments or StatefulSets (yet): waiting for the clusters' workload watches"
        } else {
            "no workload matches the filter"
        };
        render_empty(frame, inner, theme, text, &problems);
        return rows_area;
    }
    let cols = columns(model, &rows, inner.width);
    let header: Vec<Span> = cols
        .iter()
        .flat_map(|(col, width)| {
            [
                Span::styled(fit(col.head(), *width), theme.header),
                Span::raw(" "),
            ]
        })
        .collect();
    let page = usize::from(rows_area.height).max(1);
    let offset = scroll_offset(
        selected.unwrap_or(0),
        model.ui.workloads.cursor.offset,
        rows.len(),
        page,
    );
    let mut lines = vec![Line::from(header)];
    lines.extend(
        rows.iter()
            .enumerate()
            .skip(offset)
            .take(page)
            .map(|(i, e)| workload_line(model, e, &cols, theme, now, selected == Some(i))),
    );
    frame.render_widget(Paragraph::new(lines).style(theme.base), inner);
    rows_area
}

fn database_line<'a>(
    model: &'a Model,
    entry: &DbEntry<'a>,
    widths: [usize; 6],
    theme: &Theme,
    selected: bool,
) -> Line<'a> {
    let db = entry.row;
    let ready_style = if db.ready >= db.instances {
        theme.ok
    } else if db.ready == 0 {
        theme.bad
    } else {
        theme.warn
    };
    let mode = if db.replica {
        if db.source.is_empty() {
            "replica".to_string()
        } else {
            format!("replica of {}", db.source)
        }
    } else {
        "primary".to_string()
    };
    let mut primary = db.primary.as_str().to_string();
    if db.target_primary != db.primary && !db.target_primary.is_empty() {
        primary = format!("{primary} → {}", db.target_primary);
    }
    let cells = [
        (cluster_name(model, entry.cluster).to_string(), theme.label),
        (db.key.namespace.as_str().to_string(), theme.base),
        (db.key.name.as_str().to_string(), theme.base),
        (primary, theme.base),
        (format!("{}/{}", db.ready, db.instances), ready_style),
        (mode, if db.replica { theme.warn } else { theme.base }),
    ];
    let mut spans: Vec<Span> = cells
        .into_iter()
        .zip(widths)
        .flat_map(|((text, style), w)| [Span::styled(fit(&text, w), style), Span::raw(" ")])
        .collect();
    spans.push(Span::styled(db.phase.as_str().to_string(), theme.muted));
    let line = Line::from(spans);
    if selected {
        line.style(theme.selected)
    } else {
        line
    }
}

/// Renders the databases table in `area`; returns where its rows are.
pub fn render_databases(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) -> Area {
    let rows = database_rows(model);
    let selected = match selection(model) {
        Some((false, i)) => Some(i),
        _ => None,
    };
    let problems = unreadable(model.clusters.iter(), &[KubeResource::CnpgClusters]);
    let title = pane_title(
        theme,
        list_title("Databases", rows.len(), &model.ui.filter.workloads),
        &problems,
    );
    let shown = if selected.is_some() { rows.len() } else { 0 };
    let block = pane_block(
        theme,
        selected.is_some(),
        title,
        selected.unwrap_or(0),
        shown,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows_area = list_rows_area(area);
    if rows.is_empty() {
        render_empty(frame, inner, theme, "no CloudNativePG clusters", &problems);
        return rows_area;
    }
    let heads = ["CLUSTER", "NAMESPACE", "NAME", "PRIMARY", "READY", "MODE"];
    let widths = [
        widest(
            rows.iter().map(|r| cluster_name(model, r.cluster)),
            heads[0],
            16,
        ),
        widest(
            rows.iter().map(|r| r.row.key.namespace.as_str()),
            heads[1],
            16,
        ),
        widest(rows.iter().map(|r| r.row.key.name.as_str()), heads[2], 24),
        widest(rows.iter().map(|r| r.row.primary.as_str()), heads[3], 24),
        5,
        widest(rows.iter().map(|r| r.row.source.as_str()), "", 28) + 11,
    ];
    let mut header: Vec<Span> = heads
        .iter()
        .zip(widths)
        .flat_map(|(h, w)| [Span::styled(fit(h, w), theme.header), Span::raw(" ")])
        .collect();
    header.push(Span::styled("PHASE", theme.header));
    let page = usize::from(rows_area.height).max(1);
    let offset = scroll_offset(selected.unwrap_or(0), 0, rows.len(), page);
    let mut lines = vec![Line::from(header)];
    lines.extend(
        rows.iter()
            .enumerate()
            .skip(offset)
            .take(page)
            .map(|(i, e)| database_line(model, e, widths, theme, selected == Some(i))),
    );
    frame.render_widget(Paragraph::new(lines).style(theme.base), inner);
    rows_area
}

/// A pane title, with "· N unreadable" when some cluster's watch of its resources failed.
fn pane_title(theme: &Theme, title: String, problems: &[String]) -> Line<'static> {
    let mut spans = vec![Span::styled(title, theme.title)];
    if !problems.is_empty() {
        spans.push(Span::styled(
            format!("· {} unreadable ", problems.len()),
            theme.warn,
        ));
    }
    Line::from(spans)
}

/// An empty pane: the unreadable clusters and why, else `empty`.
fn render_empty(frame: &mut Frame, inner: Rect, theme: &Theme, empty: &str, problems: &[String]) {
    let lines: Vec<Line> = if problems.is_empty() {
        vec![Line::styled(empty.to_string(), theme.muted)]
    } else {
        problems
            .iter()
            .map(|p| Line::styled(format!("⚠ {p}"), theme.warn))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}
