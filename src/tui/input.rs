//! Terminal input as the console's messages: crossterm's key and mouse events mapped to the
//! keymap's keys and to clicks and wheel turns; everything else ignored.

use crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};

use jiff::Timestamp;
use watchdeck_core::action::Key;
use watchdeck_core::event::{Mouse, MouseKind, Msg};

/// Maps a terminal mouse event: left clicks and the wheel; drags, releases and other
/// buttons mean nothing to the console.
pub fn mouse_of(event: &MouseEvent) -> Option<Mouse> {
    let kind = match event.kind {
        MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
        MouseEventKind::ScrollUp => MouseKind::ScrollUp,
        MouseEventKind::ScrollDown => MouseKind::ScrollDown,
        _ => return None,
    };
    Some(Mouse {
        kind,
        column: event.column,
        row: event.row,
    })
}

/// Maps a terminal key event to the keymap's key, ignoring releases and repeats' kinds we
/// do not use.
pub fn key_of(event: &KeyEvent) -> Option<Key> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    Some(match event.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Esc => Key::Esc,
        KeyCode::Enter => Key::Enter,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        _ => return None,
    })
}

/// The message for a terminal event, if it means anything to the console.
pub fn msg_of(event: &TermEvent, now: Timestamp) -> Option<Msg> {
    match event {
        TermEvent::Key(key) => key_of(key).map(|key| Msg::Key { key, now }),
        TermEvent::Mouse(mouse) => mouse_of(mouse).map(Msg::Mouse),
        TermEvent::Resize(_, _) => Some(Msg::Resize),
        TermEvent::FocusGained => Some(Msg::Resize),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::UNIX_EPOCH;

    fn msg_of_now(event: &TermEvent) -> Option<Msg> {
        msg_of(event, NOW)
    }

    fn press(code: KeyCode, modifiers: KeyModifiers) -> TermEvent {
        TermEvent::Key(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn terminal_keys_map_through_keymap() {
        assert_eq!(
            msg_of_now(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Msg::Key {
                key: Key::Char('q'),
                now: NOW
            })
        );
        assert_eq!(
            msg_of_now(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Msg::Key {
                key: Key::Ctrl('c'),
                now: NOW
            })
        );
        assert_eq!(
            msg_of_now(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Msg::Key {
                key: Key::Char('G'),
                now: NOW
            })
        );
        assert_eq!(
            msg_of_now(&press(KeyCode::PageDown, KeyModifiers::NONE)),
            Some(Msg::Key {
                key: Key::PageDown,
                now: NOW
            })
        );
        assert_eq!(
            msg_of_now(&press(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Msg::Key {
                key: Key::Enter,
                now: NOW
            })
        );
        assert_eq!(msg_of_now(&press(KeyCode::F(5), KeyModifiers::NONE)), None);
        assert_eq!(msg_of_now(&TermEvent::Resize(80, 24)), Some(Msg::Resize));
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(msg_of_now(&TermEvent::Key(release)), None);
    }

    fn mouse(kind: MouseEventKind, column: u16, row: u16) -> TermEvent {
        TermEvent::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    }

    #[test]
    fn mouse_clicks_and_wheel_map_to_messages() {
        assert_eq!(
            msg_of_now(&mouse(MouseEventKind::Down(MouseButton::Left), 12, 0)),
            Some(Msg::Mouse(Mouse {
                kind: MouseKind::Click,
                column: 12,
                row: 0
            }))
        );
        assert_eq!(
            msg_of_now(&mouse(MouseEventKind::ScrollDown, 3, 9)),
            Some(Msg::Mouse(Mouse {
                kind: MouseKind::ScrollDown,
                column: 3,
                row: 9
            }))
        );
        assert!(matches!(
            msg_of_now(&mouse(MouseEventKind::ScrollUp, 0, 0)),
            Some(Msg::Mouse(Mouse {
                kind: MouseKind::ScrollUp,
                ..
            }))
        ));
        for ignored in [
            MouseEventKind::Up(MouseButton::Left),
            MouseEventKind::Down(MouseButton::Right),
            MouseEventKind::Drag(MouseButton::Left),
            MouseEventKind::Moved,
        ] {
            assert_eq!(msg_of_now(&mouse(ignored, 1, 1)), None);
        }
    }
}
