//! Neutralises hostile text once, where external strings enter the model: terminal escapes,
//! control characters, bidi overrides and invisible characters become visible, inert text.

use std::fmt;

/// Longest text kept from one external string, in characters; the rest becomes `…`.
pub const MAX_CHARS: usize = 1024;

/// Text that has been through [`sanitize`]: the only string type the model stores for data
/// that came from outside (clusters, Alertmanager, configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(String);

impl Text {
    /// Sanitises `raw` and wraps it. This is the only way to build a `Text`.
    pub fn new(raw: &str) -> Self {
        Text(sanitize(raw))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Text {
    fn from(raw: &str) -> Self {
        Text::new(raw)
    }
}

impl From<String> for Text {
    fn from(raw: String) -> Self {
        Text::new(&raw)
    }
}

/// How one character is shown.
enum Shown {
    Keep,
    /// A C0 control or DEL, shown as its Unicode control picture (ESC → `␛`, CR → `␍`).
    Picture(char),
    /// An invisible or direction-changing character, shown as `\u{...}`.
    Escaped,
}

fn classify(c: char) -> Shown {
    match c {
        '\u{0}'..='\u{1f}' => Shown::Picture(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\u{7f}' => Shown::Picture('\u{2421}'),
        // C1 controls (U+009B is a one-byte CSI on some terminals).
        '\u{80}'..='\u{9f}'
        // Arabic letter mark, left-to-right / right-to-left marks.
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        // Zero-width space, non-joiner, joiner; word joiner; invisible operators.
        | '\u{200b}'..='\u{200d}'
        | '\u{2060}'..='\u{2064}'
        // Line and paragraph separators, bidi embeddings and overrides.
        | '\u{2028}'..='\u{202e}'
        // Bidi isolates.
        | '\u{2066}'..='\u{2069}'
        // Byte-order mark / zero-width no-break space.
        | '\u{feff}'
        // Interlinear annotation controls.
        | '\u{fff9}'..='\u{fffb}'
        // Tag characters (invisible ASCII copies).
        | '\u{e0000}'..='\u{e007f}' => Shown::Escaped,
        _ => Shown::Keep,
    }
}

/// Returns `raw` with every escape sequence introducer, control character, bidi control and
/// zero-width character replaced by visible, inert text, capped at [`MAX_CHARS`] characters.
///
/// ESC, CR and the other C0 controls become control pictures (`␛`, `␍`), so a CSI or OSC
/// sequence loses its introducer and shows as plain text (`␛[2J`). C1 controls, bidi
/// controls and invisible characters become `\u{202e}`-style text.
pub fn sanitize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (count, c) in raw.chars().enumerate() {
        if count == MAX_CHARS {
            out.push('…');
            break;
        }
        match classify(c) {
            Shown::Keep => out.push(c),
            Shown::Picture(p) => out.push(p),
            Shown::Escaped => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out
}

/// True when `s` contains nothing [`sanitize`] would change (used by tests and debug checks).
pub fn is_inert(s: &str) -> bool {
    s.chars().all(|c| matches!(classify(c), Shown::Keep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_csi_clear_screen_and_cursor_moves() {
        assert_eq!(sanitize("a\x1b[2Jb"), "a␛[2Jb");
        assert_eq!(sanitize("\x1b[10;20H\x1b[1A\x1b[K"), "␛[10;20H␛[1A␛[K");
        assert!(is_inert(&sanitize("\x1b[31mred\x1b[0m")));
    }

    #[test]
    fn sanitize_osc_title_link_and_clipboard() {
        assert_eq!(sanitize("\x1b]0;pwned\x07"), "␛]0;pwned␇");
        assert_eq!(
            sanitize("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
            "␛]8;;https://evil.example␛\\click␛]8;;␛\\"
        );
        assert_eq!(
            sanitize("\x1b]52;c;cm0gLXJmIC8=\x07"),
            "␛]52;c;cm0gLXJmIC8=␇"
        );
    }

    #[test]
    fn sanitize_c1_controls() {
        assert_eq!(sanitize("x\u{9b}2Jy"), "x\\u{9b}2Jy");
        assert_eq!(sanitize("\u{9d}0;t\u{9c}"), "\\u{9d}0;t\\u{9c}");
        assert_eq!(sanitize("\u{85}"), "\\u{85}");
    }

    #[test]
    fn sanitize_cr_overwrite_and_newlines() {
        assert_eq!(sanitize("ok\rFAILED"), "ok␍FAILED");
        assert_eq!(sanitize("a\nb\tc\0d\x7f"), "a␊b␉c␀d␡");
    }

    #[test]
    fn sanitize_bidi_and_zero_width() {
        assert_eq!(sanitize("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(sanitize("\u{2066}a\u{2069}"), "\\u{2066}a\\u{2069}");
        assert_eq!(
            sanitize("a\u{200d}b\u{200b}c\u{2060}d\u{feff}"),
            "a\\u{200d}b\\u{200b}c\\u{2060}d\\u{feff}"
        );
        assert_eq!(sanitize("tag\u{e0041}"), "tag\\u{e0041}");
    }

    #[test]
    fn sanitize_keeps_ordinary_text() {
        let s = "café-7d9f 東京 ✓ 🚀 [x] ~/:=;";
        assert_eq!(sanitize(s), s);
        assert!(is_inert(s));
    }

    #[test]
    fn sanitize_caps_length() {
        let long = "x".repeat(MAX_CHARS + 10);
        let out = sanitize(&long);
        assert_eq!(out.chars().count(), MAX_CHARS + 1);
        assert!(out.ends_with('…'));
    }

    #[test]
    fn sanitize_output_is_idempotent_and_inert() {
        let hostile = "\x1b[2J\x1b]0;pwned\x07\u{9b}31m\r\u{202e}\u{200d}";
        let once = sanitize(hostile);
        assert!(is_inert(&once));
        assert_eq!(sanitize(&once), once);
        assert_eq!(Text::new(hostile).as_str(), once);
    }
}
