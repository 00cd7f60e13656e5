//! The run panel: a runbook run drawn over the screen, from the model alone. Keys are
//! handled in `update::runs`.
//!
//! ```text
//! ┌ Run rollback-bad-deploy · Roll back a bad deploy ─────────────────────────┐
//! │ params: cluster=us-east-1 deployment=payment           (header)           │
//! │ RTO 15m: 6m12s elapsed · RPO 5m: data at risk 12s                         │
//! │ ✓ 1. Check errors    │ 2. Roll back payment            (steps │ detail)   │
//! │ ? 2. Roll back       │ ? rollback · waiting for you                       │
//! │ · 3. Wait            │ guidance, diff, log (scrolls)                      │
//! │ ? Production: ...                                       (footer)          │
//! │   type us-east-1 and press Enter                                          │
//! └───────────────────────────────────────────────────────────────────────────┘
//! ```

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Padding, Paragraph};

use crate::theme::Theme;
use crate::widgets::run_text::wrap;
use crate::widgets::{run_prompt, run_steps};
use watchdeck_core::model::Model;
use watchdeck_core::runbook::engine::Gate;
use watchdeck_core::text::Text;

/// Widest the step list gets.
const STEPS_WIDTH: u16 = 34;

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) {
    let screen = frame.area();
    // Everything below the title bar: the tabs and the clock stay in view.
    let area = Rect {
        y: screen.y + screen.height.min(1),
        height: screen.height.saturating_sub(1),
        ..screen
    };
    let runs = &model.runs;
    let title = match &runs.active {
        Some(run) => format!(
            " Run {} · {} ",
            Text::new(&run.runbook().id).as_str(),
            Text::new(&run.runbook().title).as_str()
        ),
        None => " Runbook run ".to_string(),
    };
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .style(theme.base)
        .padding(Padding::horizontal(1))
        .title(Line::styled(title, theme.title));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let columns = usize::from(inner.width);

    let header = runs
        .active
        .as_ref()
        .map(|run| run_prompt::header(run, now, columns, theme))
        .unwrap_or_default();
    let mut footer = run_prompt::footer(runs, columns, theme);
    // The footer may take up to half the panel; the hints line stays last.
    let max_footer = usize::from(inner.height / 2).max(2);
    if footer.len() > max_footer {
        let hints = footer.pop();
        footer.truncate(max_footer - 1);
        footer.extend(hints);
    }
    let header_rows = u16::try_from(header.len()).unwrap_or(0);
    let footer_rows = u16::try_from(footer.len()).unwrap_or(0);
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(header_rows),
        Constraint::Fill(1),
        Constraint::Length(footer_rows),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(header), top);
    frame.render_widget(Paragraph::new(footer), bottom);
    render_body(frame, model, theme, body);
}

/// Steps on the left, the shown step's detail on the right.
fn render_body(frame: &mut Frame, model: &Model, theme: &Theme, body: Rect) {
    let runs = &model.runs;
    let Some(run) = &runs.active else {
        return;
    };
    if body.height == 0 {
        return;
    }
    let steps_width = (body.width / 3).clamp(12, STEPS_WIDTH);
    let [list_area, detail_area] =
        Layout::horizontal([Constraint::Length(steps_width), Constraint::Fill(1)]).areas(body);
    let shown = runs.shown_step();
    let steps = &run.runbook().steps;
    let mut list = run_steps::list(
        steps,
        run.values(),
        run.steps(),
        shown,
        usize::from(list_area.width.saturating_sub(1)),
        theme,
    );
    // Keep the shown step in view.
    let height = usize::from(list_area.height);
    let first = shown.map_or(0, |s| (s + 1).saturating_sub(height));
    list.drain(..first.min(list.len()));
    frame.render_widget(Paragraph::new(list), list_area);

    let detail_block = Block::default()
        .borders(Borders::LEFT)
        .border_style(theme.border);
    let detail_inner = detail_block.inner(detail_area);
    let Some(index) = shown else {
        frame.render_widget(detail_block, detail_area);
        return;
    };
    let Some(step) = steps.get(index) else {
        frame.render_widget(detail_block, detail_area);
        return;
    };
    let columns = usize::from(detail_inner.width.saturating_sub(1)).max(1);
    let plan = run
        .prompt()
        .filter(|p| p.gate == Gate::Plan && runs.busy() && runs.panel.selected.is_none());
    let mut lines = match plan {
        // The plan waiting for approval: every change with its diff and warnings.
        Some(prompt) => prompt
            .message
            .split('\n')
            .flat_map(|paragraph| wrap(Text::new(paragraph).as_str(), columns, "     "))
            .map(|text| {
                let style = if text.trim_start().starts_with('⚠') {
                    theme.warn
                } else if text.trim_start().starts_with('+') {
                    theme.ok
                } else if text.trim_start().starts_with('-') {
                    theme.bad
                } else {
                    theme.base
                };
                Line::styled(text, style)
            })
            .collect(),
        None => run_steps::detail(
            index,
            step,
            run.values(),
            run.steps().get(index),
            columns,
            theme,
        ),
    };
    let height = usize::from(detail_inner.height);
    let max_scroll = lines.len().saturating_sub(height);
    let scroll = usize::from(runs.panel.scroll).min(max_scroll);
    lines.drain(..scroll);
    let below = lines.len().saturating_sub(height);
    frame.render_widget(detail_block, detail_area);
    let text_area = Rect {
        x: detail_inner.x + 1,
        width: detail_inner.width.saturating_sub(1),
        ..detail_inner
    };
    frame.render_widget(Paragraph::new(lines), text_area);
    let more = match (scroll > 0, below > 0) {
        (true, true) => format!(" ↑{scroll} ↓{below} "),
        (true, false) => format!(" ↑{scroll} "),
        (false, true) => format!(" ↓{below} more (PgDn) "),
        (false, false) => return,
    };
    let last = Rect {
        y: text_area.y + text_area.height.saturating_sub(1),
        height: text_area.height.min(1),
        ..text_area
    };
    frame.render_widget(
        Paragraph::new(Line::styled(more, theme.muted).right_aligned()),
        last,
    );
}
