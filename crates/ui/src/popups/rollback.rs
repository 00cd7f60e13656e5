//! The revision history popup of `u`: one line per revision of the Deployment (from its
//! ReplicaSets), newest first, with images, change cause and age; the current one marked.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::theme::Theme;
use crate::widgets::{age_text, fit};
use watchdeck_core::model::scroll_offset;
use watchdeck_core::model::workload_view::RollbackPopup;
use watchdeck_core::text::Text;

pub fn render(frame: &mut Frame, popup: &RollbackPopup, theme: &Theme, now: Timestamp) {
    let screen = frame.area();
    let width = screen.width.saturating_sub(4).min(110);
    let height = u16::try_from(popup.revisions.len() + 3)
        .unwrap_or(u16::MAX)
        .min(screen.height.saturating_sub(2));
    let area = centered(screen, width, height);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .title(Line::styled(
            format!(" Roll back {} ", popup.target),
            theme.title,
        ))
        .title_bottom(Line::styled(
            " ↑/↓ choose · Enter: plan the rollback (diff, confirm) · Esc: cancel ",
            theme.muted,
        ))
        .style(theme.base);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner_width = usize::from(inner.width);
    let images_width = inner_width
        .saturating_sub(4 + 5 + 1 + 6 + 1 + 24 + 1)
        .max(10);
    let mut lines = vec![Line::styled(
        format!(
            "  {}{}{}{}",
            fit("REV", 5),
            fit("AGE", 7),
            fit("IMAGES", images_width + 1),
            "CHANGE CAUSE"
        ),
        theme.header,
    )];
    let page = usize::from(inner.height.saturating_sub(1)).max(1);
    let offset = scroll_offset(popup.selected, 0, popup.revisions.len(), page);
    for (i, revision) in popup.revisions.iter().enumerate().skip(offset).take(page) {
        let mark = if revision.current { "● " } else { "  " };
        let images = crate::widgets::images::images_fit(
            revision.images.iter().map(Text::as_str),
            images_width,
        );
        let cause = if revision.current {
            format!("{} (current)", revision.change_cause)
        } else {
            revision.change_cause.as_str().to_string()
        };
        let line = Line::from(vec![
            Span::styled(mark, theme.ok),
            Span::raw(fit(&revision.number.to_string(), 5)),
            Span::styled(fit(&age_text(revision.created, now), 7), theme.muted),
            Span::raw(format!("{images} ")),
            Span::styled(cause, theme.muted),
        ]);
        lines.push(if i == popup.selected {
            line.style(theme.selected)
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
