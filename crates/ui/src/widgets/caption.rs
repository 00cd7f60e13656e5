//! The caption bar of a story being played: the narration of the moment and where the story
//! stands, in the bottom two rows, with the console drawn unchanged in the rows above.

use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ViewInfo;
use crate::theme::Theme;
use watchdeck_core::text::Text;

/// Rows the caption bar takes at the bottom of the screen.
pub const ROWS: u16 = 2;

/// What the caption bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Caption {
    /// The story's name.
    pub story: Text,
    /// The narration (empty before the first caption step).
    pub text: Text,
    /// Where the story stands: `step 4/17`.
    pub progress: String,
    /// Virtual time into the story: `+2m15s`.
    pub elapsed: String,
    /// The viewer paused the story.
    pub paused: bool,
    /// The viewer's keys are shown (a demo, not a test).
    pub controls: bool,
}

/// Draws the console with `draw` into the rows above the caption bar, then the bar; a screen
/// too short for both gets the console alone.
pub fn above(
    frame: &mut Frame,
    caption: &Caption,
    theme: &Theme,
    draw: impl FnOnce(&mut Frame) -> ViewInfo,
) -> ViewInfo {
    let screen = frame.area();
    if screen.height <= ROWS + 3 {
        return draw(frame);
    }
    let console_rows = screen.height - ROWS;
    let Ok(mut inner) = Terminal::new(TestBackend::new(screen.width, console_rows));
    let mut info = ViewInfo::default();
    if inner.draw(|f| info = draw(f)).is_err() {
        return info;
    }
    frame.buffer_mut().merge(inner.backend().buffer());
    let bar = Rect {
        y: screen.y + console_rows,
        height: ROWS,
        ..screen
    };
    render(frame, bar, caption, theme);
    info
}

/// The bar itself: the narration on the first row, the story and its controls on the second.
fn render(frame: &mut Frame, area: Rect, caption: &Caption, theme: &Theme) {
    let narration = Line::from(vec![
        Span::styled(" ▌ ", theme.title),
        Span::styled(caption.text.as_str().to_string(), theme.title),
    ]);
    let mut status = vec![
        Span::styled(format!("   story {}", caption.story.as_str()), theme.muted),
        Span::styled(format!("  {}", caption.progress), theme.muted),
        Span::styled(format!("  {}", caption.elapsed), theme.muted),
    ];
    if caption.paused {
        status.push(Span::styled("  PAUSED", theme.warn));
    }
    if caption.controls {
        let keys = if caption.paused {
            "  space resume · → next step · q quit"
        } else {
            "  space pause · → next step · q quit"
        };
        status.push(Span::styled(keys, theme.muted));
    }
    let text = vec![narration, Line::from(status)];
    frame.render_widget(Paragraph::new(text), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buffer_text;

    fn drawn(width: u16, height: u16, caption: &Caption) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| {
                above(f, caption, &Theme::dark(), |f| {
                    let area = f.area();
                    let last = format!("console rows {}", area.height);
                    f.render_widget(Paragraph::new(vec![Line::from("top"); 1]), area);
                    let bottom = Rect {
                        y: area.height - 1,
                        height: 1,
                        ..area
                    };
                    f.render_widget(Paragraph::new(last), bottom);
                    ViewInfo::default()
                });
            })
            .unwrap();
        buffer_text(terminal.backend().buffer())
    }

    #[test]
    fn the_console_keeps_its_rows_above_the_caption() {
        let caption = Caption {
            story: Text::new("bad-deploy"),
            text: Text::new("HighErrorRate pages for payment in us-east-1"),
            progress: "step 3/20".to_string(),
            elapsed: "+0m15s".to_string(),
            paused: true,
            controls: true,
        };
        let screen = drawn(80, 24, &caption);
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(lines[0], "top");
        assert_eq!(lines[21], "console rows 22", "{screen}");
        assert!(
            lines[22].contains("HighErrorRate pages for payment"),
            "{screen}"
        );
        assert!(lines[23].contains("story bad-deploy  step 3/20  +0m15s  PAUSED"));
        assert!(lines[23].contains("space resume"), "{screen}");
    }

    #[test]
    fn a_screen_too_short_for_both_shows_the_console_alone() {
        let screen = drawn(40, 5, &Caption::default());
        assert!(screen.contains("console rows 5"), "{screen}");
    }
}
