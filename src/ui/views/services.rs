//! The Services screen: request rate, error ratio and latency per service.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::model::Model;
use crate::model::health::SourceKind;
use crate::ui::ViewInfo;
use crate::ui::theme::Theme;
use crate::ui::widgets::{health_span, status};

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    let [title, body, hints] = super::frame_rows(area);
    status::render_title(frame, title, model, theme, now);
    let lines: Vec<Line> = model
        .clusters
        .iter()
        .map(|cluster| {
            Line::from(vec![
                ratatui::text::Span::styled(format!(" {} ", cluster.name), theme.header),
                health_span(
                    theme,
                    SourceKind::Metrics,
                    cluster.health(SourceKind::Metrics),
                    now,
                ),
            ])
        })
        .collect();
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .title(Line::styled(" Services ", theme.title));
    frame.render_widget(Paragraph::new(lines).block(block), body);
    status::render_hints(frame, hints, model, theme);
    ViewInfo::default()
}
