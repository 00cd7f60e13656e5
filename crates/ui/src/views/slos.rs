//! The SLOs screen: the list of every SLO in every scope, or (Enter) the selected one's
//! detail with its charts; Esc goes back to the list.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use crate::ViewInfo;
use crate::theme::Theme;
use crate::widgets::{slo_charts, slo_detail, slo_list, status};
use watchdeck_core::model::Model;
use watchdeck_core::model::slo_view::scope_name;

pub const SCREEN: super::Screen = super::Screen {
    view: watchdeck_core::screen::View::Slos,
    render,
    snapshot_sizes: super::STANDARD_SIZES,
};

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    let [title, body, hints] = super::frame_rows(area);
    status::render_title(frame, title, model, theme, now);
    let mut info = ViewInfo::default();
    let detail = model
        .ui
        .slo
        .detail
        .and_then(|d| Some((d, model.slos.specs.get(d.slo)?)));
    match detail {
        Some((detail, spec)) => {
            let entry = model.slos.entry(detail.slo, detail.scope);
            let block = Block::bordered()
                .border_style(theme.border_focus)
                .title(Line::from(vec![
                    Span::styled(format!(" {} ", spec.name), theme.title),
                    Span::styled(
                        format!("· {} · {} ", spec.service, scope_name(model, detail.scope)),
                        theme.base,
                    ),
                ]))
                .title(Line::styled(" Esc: back to the list ", theme.muted).right_aligned());
            let inner = block.inner(body);
            frame.render_widget(block, body);
            // Charts take two fifths, at least 8 rows when there is room.
            let chart_height = (inner.height * 2 / 5).max(8.min(inner.height / 2));
            let [text_area, chart_area] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(chart_height)])
                    .areas(inner);
            slo_detail::render(frame, text_area, spec, entry, theme);
            slo_charts::render(frame, chart_area, model, &detail, spec, theme);
        }
        None => info.layout.slos = Some(slo_list::render(frame, body, model, theme)),
    }
    status::render_hints(frame, hints, model, theme);
    info
}
