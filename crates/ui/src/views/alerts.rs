//! The Alerts screen: every cluster's Alertmanager replicas on one line, alerts grouped by
//! alertname and severity (silenced and inhibited ones apart, dimmed, with the reason), and
//! the selected alert in full.
//!
//! ```text
//! title bar
//! Alertmanager  us-east-1 ✓ 2/2  eu-west-1 ⚠ 1/2 replicas, down: …
//! ┌ Alerts: 3 firing, 1 silenced or inhibited ───────────────────┐
//! │HighErrorRate · critical (2)                                   │
//! │  5m    us-east-1 service=payment  5xx ratio above 5%          │
//! │── Silenced and inhibited (1) ─────────────────────────────────│
//! └───────────────────────────────────────────────────────────────┘
//! ┌ Selected alert ───────────────────────────────────────────────┐
//! key hints
//! ```

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::Block;

use crate::ViewInfo;
use crate::theme::Theme;
use crate::widgets::alert_detail::{DETAIL_HEIGHT, render_detail, render_replicas};
use crate::widgets::{alert_groups, status};
use watchdeck_core::model::Model;

pub const SCREEN: super::Screen = super::Screen {
    view: watchdeck_core::screen::View::Alerts,
    render,
    snapshot_sizes: super::STANDARD_SIZES,
};

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme, now: Timestamp) -> ViewInfo {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    let [title, body, hints] = super::frame_rows(area);
    status::render_title(frame, title, model, theme, now);
    // The detail panel gives way first on small terminals.
    let detail = if body.height >= 16 { DETAIL_HEIGHT } else { 0 };
    let [replicas, list, detail_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(detail),
    ])
    .areas(body);
    render_replicas(frame, replicas, model, theme, now);
    let alerts_rows = alert_groups::render(frame, list, model, theme, now);
    if detail > 0 {
        render_detail(frame, detail_area, model, theme, now);
    }
    status::render_hints(frame, hints, model, theme);
    let mut info = ViewInfo {
        pods_rows: 0,
        alerts_rows,
        ..ViewInfo::default()
    };
    // The grouped list has no header row: its lines start right under the border.
    info.layout.alerts = Some(watchdeck_core::model::layout::Area::new(
        list.x.saturating_add(1),
        list.y.saturating_add(1),
        list.width.saturating_sub(2),
        list.height.saturating_sub(2),
    ));
    info
}
