//! The title bar (fleet totals and the time) and the key-hint line generated from the keymap.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::action::{Action, first_key};
use crate::model::{Model, View};
use crate::ui::theme::Theme;

pub fn render_title(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme, now: Timestamp) {
    let totals = format!(
        " {} clusters · {} pods · {} firing",
        model.clusters.len(),
        model.pod_count(),
        model.alert_count()
    );
    let mut spans = vec![Span::styled(" watchdeck ", theme.title), Span::raw(" ")];
    for (number, view) in View::ALL.iter().enumerate() {
        let style = if *view == model.ui.view {
            theme.selected
        } else {
            theme.muted
        };
        spans.push(Span::styled(
            format!("{} {}", number + 1, view.title()),
            style,
        ));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(totals, theme.base));
    let left = Line::from(spans);
    frame.render_widget(Paragraph::new(left), area);
    let clock = format!("{} ", now.strftime("%Y-%m-%d %H:%M:%S UTC"));
    frame.render_widget(
        Paragraph::new(Line::styled(clock, theme.muted).right_aligned()),
        area,
    );
}

/// Short hints: the first key of the main actions, from the keymap.
pub fn render_hints(frame: &mut Frame, area: Rect, theme: &Theme) {
    let hints = [
        (Action::ToggleHelp, "help"),
        (Action::Quit, "quit"),
        (Action::Down, "down"),
        (Action::Up, "up"),
        (Action::PageDown, "page"),
        (Action::Top, "top"),
        (Action::Bottom, "bottom"),
        (Action::NextView, "screen"),
    ];
    let mut spans = vec![Span::raw(" ")];
    for (action, text) in hints {
        if let Some(key) = first_key(action) {
            spans.push(Span::styled(key.label(), theme.header));
            spans.push(Span::styled(format!(" {text}  "), theme.muted));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
