//! The one-line text editor behind every text input (the `/` filter and `:` palette prompt,
//! runbook parameters, the silence form, typed confirmations, the replica count): text, a
//! cursor in characters, and the editing keys they all share. Plain data; `update` drives it.

use super::filter::FilterTarget;
use crate::action::Key;

/// What the bottom line's prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// `/`: edits a list's filter live.
    Filter(FilterTarget),
    /// `:`: the command palette; `Prompt::selected` is the highlighted entry.
    Palette,
}

/// An open prompt: its purpose, the line being edited and (palette) the chosen entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub line: InputLine,
    pub selected: usize,
}

impl Prompt {
    pub fn new(kind: PromptKind, text: &str) -> Self {
        Prompt {
            kind,
            line: InputLine::with_text(text),
            selected: 0,
        }
    }
}

/// The text being typed and where the cursor is (a character index, 0..=len).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputLine {
    text: String,
    cursor: usize,
}

impl InputLine {
    /// A line holding `text` with the cursor at its end.
    pub fn with_text(text: &str) -> Self {
        let mut line = InputLine::default();
        for c in text.chars() {
            line.insert(c);
        }
        line
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor position, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Byte offset of character `index` (the end when past it).
    fn byte(&self, index: usize) -> usize {
        self.text
            .char_indices()
            .nth(index)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// Inserts `c` at the cursor. Control, bidi and invisible characters are refused: the
    /// line holds only text that shows as typed.
    pub fn insert(&mut self, c: char) -> bool {
        if !crate::text::is_inert(c.encode_utf8(&mut [0; 4])) {
            return false;
        }
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
        true
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        let at = self.byte(self.cursor);
        self.text.remove(at);
        true
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) -> bool {
        if self.cursor >= self.len() {
            return false;
        }
        let at = self.byte(self.cursor);
        self.text.remove(at);
        true
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.len();
    }

    /// Empties the line (Ctrl-U).
    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Applies an editing key: a character, Backspace/Ctrl-H, Delete/Ctrl-D, Ctrl-U (clear),
    /// ←/Ctrl-B, →/Ctrl-F, Home/Ctrl-A, End/Ctrl-E. `None` when `key` is not one of them (the
    /// caller's to handle); `Some(true)` when the text changed.
    pub fn edit(&mut self, key: Key) -> Option<bool> {
        self.edit_within(key, usize::MAX)
    }

    /// [`InputLine::edit`], keeping the line to at most `max` characters.
    pub fn edit_within(&mut self, key: Key, max: usize) -> Option<bool> {
        Some(match key {
            Key::Char(c) => self.len() < max && self.insert(c),
            Key::Backspace | Key::Ctrl('h') => self.backspace(),
            Key::Delete | Key::Ctrl('d') => self.delete(),
            Key::Ctrl('u') => {
                self.clear();
                true
            }
            Key::Left | Key::Ctrl('b') => {
                self.left();
                false
            }
            Key::Right | Key::Ctrl('f') => {
                self.right();
                false
            }
            Key::Home | Key::Ctrl('a') => {
                self.home();
                false
            }
            Key::End | Key::Ctrl('e') => {
                self.end();
                false
            }
            _ => return None,
        })
    }
}

/// A line equals the text it holds (the cursor aside).
impl PartialEq<&str> for InputLine {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_keys_are_the_same_for_every_input() {
        let mut line = InputLine::with_text("prod");
        assert_eq!(line.edit(Key::Char('!')), Some(true));
        assert_eq!(line.edit(Key::Left), Some(false));
        assert_eq!(line.edit(Key::Backspace), Some(true));
        assert_eq!((line.text(), line.cursor()), ("pro!", 3));
        assert_eq!(line.edit(Key::Ctrl('a')), Some(false));
        assert_eq!(line.edit(Key::Delete), Some(true));
        assert_eq!(line.text(), "ro!");
        assert_eq!(line.edit(Key::Enter), None, "not an editing key");
        assert_eq!(line.edit(Key::Ctrl('u')), Some(true));
        assert_eq!(line, "");
        for c in "12345".chars() {
            line.edit_within(Key::Char(c), 3);
        }
        assert_eq!(line, "123", "kept to its limit");
        assert_eq!(
            line.edit(Key::Char('\u{202e}')),
            Some(false),
            "invisible characters refused"
        );
    }

    #[test]
    fn input_line_edits_at_the_cursor() {
        let mut line = InputLine::with_text("shp");
        line.left();
        line.insert('o');
        assert_eq!((line.text(), line.cursor()), ("shop", 3));
        line.home();
        assert!(!line.backspace());
        assert!(line.delete());
        assert_eq!(line.text(), "hop");
        line.end();
        assert!(!line.delete());
        assert!(line.backspace());
        assert_eq!((line.text(), line.cursor()), ("ho", 2));
        line.right();
        assert_eq!(line.cursor(), 2);
        assert!(!line.insert('\x1b'));
        assert!(!line.insert('\u{202e}'));
        line.clear();
        assert_eq!((line.text(), line.cursor()), ("", 0));
    }

    #[test]
    fn input_line_counts_characters_not_bytes() {
        let mut line = InputLine::with_text("東京");
        line.left();
        line.insert('é');
        assert_eq!(line.text(), "東é京");
        line.backspace();
        line.backspace();
        assert_eq!((line.text(), line.cursor()), ("京", 0));
    }
}
