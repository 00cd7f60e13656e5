//! The title bar (tabs, a simulated fleet's scenario and time, fleet totals, shown clusters
//! and the time) and the bottom line (key hints generated from the keymap, or the open
//! prompt). The title degrades on narrow terminals: totals go first, then the clock's date,
//! then the clock, then the name; the simulation marker stays, shortened.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::theme::Theme;
use watchdeck_core::action::Action;
use watchdeck_core::model::Model;
use watchdeck_core::model::layout::Area;
use watchdeck_core::screen::View;

const BRAND: &str = " watchdeck ";

fn full_label(number: usize, view: View) -> String {
    format!("{} {}", number + 1, view.title())
}

/// A tab's label in a title bar `width` columns wide: `2 Services`, or `2 Ser` when the full
/// tabs do not fit.
pub fn tab_label(width: u16, number: usize, view: View) -> String {
    if width >= full_tabs_width() {
        full_label(number, view)
    } else {
        let short: String = view.title().chars().take(3).collect();
        format!("{} {short}", number + 1)
    }
}

/// Width of the full tabs with one space after each.
fn full_tabs_width() -> u16 {
    View::ALL
        .iter()
        .enumerate()
        .map(|(i, v)| width(&full_label(i, *v)) + 1)
        .sum()
}

fn width(s: &str) -> u16 {
    u16::try_from(Span::raw(s).width()).unwrap_or(u16::MAX)
}

/// Width of the tabs in a title bar `area_width` wide, with one space after each.
fn tabs_width(area_width: u16) -> u16 {
    View::ALL
        .iter()
        .enumerate()
        .map(|(i, v)| width(&tab_label(area_width, i, *v)) + 1)
        .sum()
}

/// Whether a title bar with `room` columns for the name and the tabs shows the name.
fn shows_brand(room: u16) -> bool {
    room >= width(BRAND) + 1 + tabs_width(room)
}

/// Columns of the title bar kept for the simulation marker (its short form), so the name and
/// the full tabs give way to it.
pub fn reserved(model: &Model, now: Timestamp) -> u16 {
    simulation_text(model, now, false).map_or(0, |text| width(&text))
}

/// Where each tab is drawn in the title bar `area` (for mouse clicks), with `reserved`
/// columns kept (see [`reserved`]).
pub fn tab_areas(area: Rect, reserved: u16) -> [Area; View::ALL.len()] {
    let room = area.width.saturating_sub(reserved);
    let mut x = area.x;
    if shows_brand(room) {
        x += width(BRAND) + 1;
    }
    let end = area.x.saturating_add(area.width);
    let mut tabs = [Area::default(); View::ALL.len()];
    for (i, view) in View::ALL.iter().enumerate() {
        let w = width(&tab_label(room, i, *view)).min(end.saturating_sub(x));
        tabs[i] = Area::new(x, area.y, w, area.height.min(1));
        x = x.saturating_add(w + 1);
    }
    tabs
}

/// "1 of 3 clusters: prod-eu-1" when some clusters are hidden.
fn shown_text(model: &Model) -> Option<String> {
    let shown = model.ui.clusters_shown.as_ref()?;
    let names: Vec<&str> = shown
        .iter()
        .filter_map(|id| model.clusters.get(*id))
        .map(|c| c.name.as_str())
        .collect();
    Some(format!(
        " {} of {} clusters: {} ",
        names.len(),
        model.clusters.len(),
        names.join(", ")
    ))
}

/// `SIMULATED bad-deploy T+00:12:40` (time since the scenario started, on the fleet's
/// clock), or a shorter form when `long` is false.
fn simulation_text(model: &Model, now: Timestamp, long: bool) -> Option<String> {
    let simulation = model.simulation.as_ref()?;
    let seconds = now.as_second() - simulation.start.as_second();
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let time = format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    let scenario = simulation.scenario.as_str();
    Some(if long {
        format!(" SIMULATED {scenario} T{sign}{time} ")
    } else {
        format!(" SIM {scenario} {sign}{time} ")
    })
}

fn totals_text(model: &Model) -> String {
    let shown = || {
        model
            .clusters
            .iter()
            .enumerate()
            .filter(|(id, _)| model.ui.shows_cluster(*id))
            .map(|(_, c)| c)
    };
    let pods: usize = shown().map(|c| c.pods.len()).sum();
    let firing: usize = shown().map(|c| c.firing().count()).sum();
    format!(
        " {} clusters · {pods} pods · {firing} firing",
        model.clusters.len()
    )
}

pub fn render_title(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme, now: Timestamp) {
    let tabs_room = area.width.saturating_sub(reserved(model, now));
    let brand = shows_brand(tabs_room);
    let mut used = tabs_width(tabs_room) + if brand { width(BRAND) + 1 } else { 0 };
    let available = area.width;
    let mut room = |text: &str| -> bool {
        let fits = used.saturating_add(width(text)) <= available;
        if fits {
            used += width(text);
        }
        fits
    };
    // Most important first: a simulated fleet, which clusters are shown, the time, the
    // date, then totals.
    let simulated = [true, false]
        .into_iter()
        .filter_map(|long| simulation_text(model, now, long))
        .find(|text| room(text));
    let shown = shown_text(model).filter(|t| room(t));
    let long_clock = now.strftime("%Y-%m-%d %H:%M:%S UTC ").to_string();
    let short_clock = now.strftime("%H:%M:%S ").to_string();
    let clock = if room(&long_clock) {
        Some(long_clock)
    } else if room(&short_clock) {
        Some(short_clock)
    } else {
        None
    };
    let totals = Some(totals_text(model)).filter(|t| room(t));

    let mut spans = Vec::new();
    if brand {
        spans.extend([Span::styled(BRAND, theme.title), Span::raw(" ")]);
    }
    for (number, view) in View::ALL.iter().enumerate() {
        let style = if *view == model.ui.view {
            theme.selected
        } else {
            theme.muted
        };
        spans.push(Span::styled(tab_label(tabs_room, number, *view), style));
        spans.push(Span::raw(" "));
    }
    if let Some(simulated) = simulated {
        spans.push(Span::styled(simulated, theme.warn));
    }
    if let Some(shown) = shown {
        spans.push(Span::styled(shown, theme.warn));
    }
    if let Some(totals) = totals {
        spans.push(Span::styled(totals, theme.base));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(clock) = clock {
        frame.render_widget(
            Paragraph::new(Line::styled(clock, theme.muted).right_aligned()),
            area,
        );
    }
}

/// The bottom line: the open prompt, or short hints (first key of the main actions, from
/// the model's keymap).
pub fn render_hints(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    if model.ui.prompt.is_some() {
        super::input::render(frame, area, model, theme);
        return;
    }
    if let Some(notice) = &model.ui.notice {
        let line = Line::from(vec![
            Span::raw(" "),
            Span::styled(notice.as_str(), theme.warn),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    // Most useful first; a hint that does not fit whole is left out.
    let hints = [
        (Action::ToggleHelp, "help"),
        (Action::Filter, "filter"),
        (Action::Palette, "commands"),
        (Action::NextView, "screen"),
        (Action::Quit, "quit"),
        (Action::Down, "down"),
        (Action::Up, "up"),
        (Action::PageDown, "page"),
        (Action::Top, "top"),
        (Action::Bottom, "bottom"),
    ];
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1u16;
    for (action, text) in hints {
        if let Some(key) = model.keymap.first_key(action) {
            let (key, text) = (key.label(), format!(" {text}  "));
            let needed = width(&key) + width(&text) - 1;
            if used.saturating_add(needed) > area.width {
                break;
            }
            used += width(&key) + width(&text);
            spans.push(Span::styled(key, theme.header));
            spans.push(Span::styled(text, theme.muted));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    // A run going on behind a hidden panel: say where it stands, over the last hints.
    if let Some(run) = model.runs.indicator().filter(|_| !model.runs.panel.visible) {
        let key = model
            .keymap
            .first_key(Action::ShowRun)
            .map(|k| format!(" ({} shows it)", k.label()))
            .unwrap_or_default();
        let text = format!(" {run}{key} ");
        let style = match model.runs.phase() {
            Some(watchdeck_core::model::runs::RunPhase::Asking) => theme.selected,
            _ => theme.warn,
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, style).right_aligned()),
            area,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title_line(model: &Model, width: u16, now: Timestamp) -> String {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, 1)).unwrap();
        terminal
            .draw(|frame| render_title(frame, frame.area(), model, &Theme::dark(), now))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..width).map(|x| buffer[(x, 0)].symbol()).collect()
    }

    #[test]
    fn a_simulated_fleet_is_named_with_its_scenario_and_virtual_time() {
        let start = Timestamp::from_second(1_767_225_600).unwrap();
        let mut model = watchdeck_core::fixture::sample_model();
        let now = start + jiff::SignedDuration::from_secs(12 * 60 + 40);
        assert!(!title_line(&model, 120, now).contains("SIM"));
        model.simulation = Some(watchdeck_core::model::Simulation {
            scenario: watchdeck_core::text::Text::new("bad-deploy"),
            start,
        });
        let wide = title_line(&model, 120, now);
        assert!(wide.contains("SIMULATED bad-deploy T+00:12:40"), "{wide}");
        let narrow = title_line(&model, 80, now);
        assert!(narrow.contains("SIM bad-deploy +00:12:40"), "{narrow}");
        let later = title_line(&model, 120, now + jiff::SignedDuration::from_secs(3600));
        assert!(later.contains("T+01:12:40"), "{later}");
    }

    #[test]
    fn tabs_follow_the_brand_and_shift_left_when_it_is_dropped() {
        let wide = tab_areas(Rect::new(0, 0, 120, 1), 0);
        assert_eq!(wide[0], Area::new(12, 0, 10, 1));
        assert_eq!(wide[1].x, 23);
        let narrow = tab_areas(Rect::new(0, 0, 40, 1), 0);
        assert_eq!(narrow[0].x, 0);
        let kept = tab_areas(Rect::new(0, 0, 80, 1), 25);
        assert_eq!(kept[0], Area::new(12, 0, 5, 1), "short tabs after the name");
        let tiny = tab_areas(Rect::new(0, 0, 5, 1), 0);
        assert!(tiny.iter().all(|a| a.x + a.width <= 5 || a.width == 0));
    }
}
