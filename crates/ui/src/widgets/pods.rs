//! The pods of every cluster in one table, in the maintained order (unhealthy first unless
//! the user sorts on another column, shown in the header), with status colours; only the
//! visible window of rows is built, so a frame costs the same for 100 or 30,000 pods.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table};

use super::{EmptyText, age_text, column_width, pane_block, pod_style, render_empty};
use crate::theme::Theme;
use watchdeck_core::model::health::Health;
use watchdeck_core::model::health::SourceKind;
use watchdeck_core::model::pod::PodHealth;
use watchdeck_core::model::pod_order::SortColumn;
use watchdeck_core::model::rows::pod_list;
use watchdeck_core::model::{Model, scroll_offset};

/// Renders the table and returns how many rows fit (the page size for PgUp/PgDn).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    theme: &Theme,
    now: Timestamp,
    focused: bool,
) -> usize {
    let rows = pod_list(model);
    // Counts kept on every change, for the shown clusters; a text filter (already O(n))
    // counts its own rows.
    let (failing, progressing) = if model.ui.filter.pods.trim().is_empty() {
        model
            .clusters
            .iter()
            .enumerate()
            .filter(|(id, _)| model.ui.shows_cluster(*id))
            .fold((0, 0), |(f, p), (_, c)| {
                let counts = &c.kube.pod_counts;
                (f + counts.failing, p + counts.progressing)
            })
    } else {
        rows.all()
            .iter()
            .fold((0, 0), |(f, p), row| match row.health {
                PodHealth::Failing => (f + 1, p),
                PodHealth::Progressing => (f, p + 1),
                _ => (f, p),
            })
    };
    let page = usize::from(area.height.saturating_sub(3));
    let selected = rows.selected();
    let offset = scroll_offset(selected, model.ui.pods.offset, rows.len(), page);

    let mut title = vec![ratatui::text::Span::styled(
        super::list_title("Pods", rows.len(), &model.ui.filter.pods),
        theme.title,
    )];
    if failing > 0 {
        title.push(ratatui::text::Span::styled(
            format!("{failing} failing "),
            theme.bad,
        ));
    }
    if progressing > 0 {
        title.push(ratatui::text::Span::styled(
            format!("{progressing} progressing "),
            theme.warn,
        ));
    }
    for line in forbidden_lines(model) {
        title.push(ratatui::text::Span::styled(format!("{line} "), theme.bad));
    }
    let block = pane_block(theme, focused, Line::from(title), selected, rows.len());

    if rows.is_empty() {
        let text = EmptyText {
            source: SourceKind::Pods,
            waiting: "waiting for the Kubernetes APIs…",
            empty: "no pods",
        };
        render_empty(frame, area, block, model, theme, &text);
        return page;
    }

    let visible = rows.window(offset, page.max(1));
    let ages: Vec<String> = visible
        .iter()
        .map(|r| age_text(r.pod.created, now))
        .collect();
    let restarts: Vec<String> = visible.iter().map(|r| r.pod.restarts.to_string()).collect();
    let label = |column: SortColumn| header_label(model, column);
    // Wide screens show NODE, which takes what the pod names leave; narrow ones give it to NAME.
    let wide = area.width >= 110;
    let names = visible.iter().map(|r| r.pod.key.name.as_str());
    let name_width = if wide {
        Constraint::Length(column_width(&label(SortColumn::Name), names, 10, 63))
    } else {
        Constraint::Fill(1)
    };
    let mut widths = vec![
        Constraint::Length(column_width(
            &label(SortColumn::Cluster),
            visible.iter().map(|r| r.cluster_name.as_str()),
            7,
            20,
        )),
        Constraint::Length(column_width(
            &label(SortColumn::Namespace),
            visible.iter().map(|r| r.pod.key.namespace.as_str()),
            9,
            20,
        )),
        name_width,
        Constraint::Length(width(&label(SortColumn::Ready))),
        Constraint::Length(column_width(
            &label(SortColumn::Status),
            visible.iter().map(|r| r.pod.status.as_str()),
            6,
            24,
        )),
        Constraint::Length(width(&label(SortColumn::Restarts))),
        Constraint::Length(column_width(
            &label(SortColumn::Age),
            ages.iter().map(String::as_str),
            3,
            8,
        )),
    ];
    let mut headers = vec![
        SortColumn::Cluster,
        SortColumn::Namespace,
        SortColumn::Name,
        SortColumn::Ready,
        SortColumn::Status,
        SortColumn::Restarts,
        SortColumn::Age,
    ];
    if wide {
        widths.push(Constraint::Fill(1));
        headers.push(SortColumn::Node);
    }

    let table_rows = visible.iter().enumerate().map(|(i, row)| {
        let pod = row.pod;
        let base = if row.health == PodHealth::Done {
            theme.done
        } else {
            theme.base
        };
        let ready_style = if pod.ready < pod.total && row.health != PodHealth::Done {
            theme.warn
        } else {
            base
        };
        let restart_style = if pod.restarts > 0 && row.health != PodHealth::Done {
            theme.warn
        } else {
            base
        };
        let mut cells = vec![
            Cell::from(row.cluster_name.as_str()).style(base),
            Cell::from(pod.key.namespace.as_str()).style(base),
            Cell::from(pod.key.name.as_str()).style(base),
            Cell::from(pod.ready_text()).style(ready_style),
            Cell::from(pod.status.as_str()).style(pod_style(theme, row.health)),
            Cell::from(restarts[i].clone()).style(restart_style),
            Cell::from(ages[i].clone()).style(base),
        ];
        if wide {
            cells.push(Cell::from(pod.node.as_str()).style(theme.muted));
        }
        let table_row = Row::new(cells);
        if focused && offset + i == selected {
            table_row.style(theme.selected)
        } else {
            table_row
        }
    });
    let header = Row::new(
        headers
            .into_iter()
            .map(|column| Cell::from(label(column)).style(theme.header)),
    );
    let table = Table::new(table_rows, widths)
        .header(header)
        .column_spacing(1)
        .block(block);
    frame.render_widget(table, area);
    page
}

/// `us-east-1: forbidden: list pods at cluster scope` for every cluster whose pod watch is
/// denied: shown on this pane only, the other panes keep working.
pub fn forbidden_lines(model: &Model) -> Vec<String> {
    model
        .clusters
        .iter()
        .filter_map(|cluster| match cluster.health(SourceKind::Pods) {
            Health::Stale { reason, .. } | Health::Failed { reason, .. }
                if reason.as_str().starts_with("forbidden:") =>
            {
                Some(format!("{}: {reason}", cluster.name))
            }
            _ => None,
        })
        .collect()
}

/// A column's header with the sort marker: ▲/▼ on the sorted column; the default order
/// (unhealthy first) is unmarked, and shows ▼ on STATUS when reversed.
fn header_label(model: &Model, column: SortColumn) -> String {
    let order = &model.podview.order;
    let arrow = if order.reversed() { '▼' } else { '▲' };
    let mut text = column.header().to_string();
    if column == order.column()
        || (order.column() == SortColumn::Health
            && order.reversed()
            && column == SortColumn::Status)
    {
        text.push(arrow);
    }
    text
}

fn width(text: &str) -> u16 {
    u16::try_from(ratatui::text::Span::raw(text).width()).unwrap_or(u16::MAX)
}
