//! Text for the run panel: a runbook's Markdown guidance made readable in a terminal
//! (headings, lists, quotes and code blocks kept apart, paragraphs joined and word-wrapped),
//! and the word wrapper the panel uses for every line it shows.

use ratatui::text::Span;

use watchdeck_core::text::Text;

/// What a wrapped line of guidance is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Heading,
    Text,
    Code,
    Blank,
}

/// One display line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: Kind,
    pub text: String,
}

/// Terminal columns `text` takes.
pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

/// Wraps `text` at word boundaries to `columns`; continuation lines start with `indent`.
/// A word longer than a line is cut.
pub fn wrap(text: &str, columns: usize, indent: &str) -> Vec<String> {
    let columns = columns.max(width(indent) + 1);
    let mut lines = Vec::new();
    let mut line = String::new();
    // No word on the line yet (it holds nothing, or only the indent).
    let mut fresh = true;
    for word in text.split_whitespace() {
        if !fresh && width(&line) + 1 + width(word) > columns {
            lines.push(std::mem::replace(&mut line, indent.to_string()));
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        for c in word.chars() {
            if width(&line) + char_width(c) > columns {
                lines.push(std::mem::replace(&mut line, indent.to_string()));
            }
            line.push(c);
        }
        fresh = false;
    }
    if !fresh || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn char_width(c: char) -> usize {
    width(c.encode_utf8(&mut [0; 4]))
}

/// Hard-wraps `text` (code, diff lines: spaces matter) to `columns`.
pub fn cut(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let mut lines = vec![String::new()];
    for c in text.chars() {
        let last = lines.len() - 1;
        if width(&lines[last]) + char_width(c) > columns {
            lines.push(String::new());
        }
        let last = lines.len() - 1;
        lines[last].push(c);
    }
    lines
}

/// `**bold**` and `__bold__` markers dropped; code spans keep their backticks.
fn inline(text: &str) -> String {
    Text::new(text).as_str().replace("**", "").replace("__", "")
}

/// A list item's marker and text: `- x`, `* x`, `+ x` become `• x`; `1. x` stays.
fn list_item(line: &str) -> Option<(String, &str)> {
    let trimmed = line.trim_start();
    let depth = (line.len() - trimmed.len()) / 2;
    let pad = "  ".repeat(depth);
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = trimmed.strip_prefix(bullet) {
            return Some((format!("{pad}• "), rest));
        }
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &trimmed[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some((format!("{pad}{}. ", &trimmed[..digits]), rest));
        }
    }
    None
}

/// Renders Markdown guidance as wrapped rows `columns` wide.
pub fn guidance(markdown: &str, columns: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut paragraph = String::new();
    let mut in_code = false;
    let flush = |paragraph: &mut String, rows: &mut Vec<Row>| {
        if !paragraph.is_empty() {
            for text in wrap(&inline(paragraph), columns, "") {
                rows.push(Row {
                    kind: Kind::Text,
                    text,
                });
            }
            paragraph.clear();
        }
    };
    let blank = |rows: &mut Vec<Row>| {
        if rows.last().is_some_and(|r: &Row| r.kind != Kind::Blank) {
            rows.push(Row {
                kind: Kind::Blank,
                text: String::new(),
            });
        }
    };
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut paragraph, &mut rows);
            in_code = !in_code;
            continue;
        }
        if in_code {
            for text in cut(&format!("  {}", Text::new(line).as_str()), columns) {
                rows.push(Row {
                    kind: Kind::Code,
                    text,
                });
            }
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut rows);
            blank(&mut rows);
        } else if let Some(title) = trimmed.strip_prefix('#') {
            flush(&mut paragraph, &mut rows);
            blank(&mut rows);
            for text in wrap(&inline(title.trim_start_matches('#')), columns, "") {
                rows.push(Row {
                    kind: Kind::Heading,
                    text,
                });
            }
        } else if let Some((marker, rest)) = list_item(line) {
            flush(&mut paragraph, &mut rows);
            let indent = " ".repeat(width(&marker));
            let item = format!("{marker}{}", inline(rest));
            for text in wrap(&item, columns, &indent) {
                rows.push(Row {
                    kind: Kind::Text,
                    text,
                });
            }
        } else if let Some(quote) = trimmed.strip_prefix('>') {
            flush(&mut paragraph, &mut rows);
            let item = format!("│ {}", inline(quote.trim_start()));
            for text in wrap(&item, columns, "│ ") {
                rows.push(Row {
                    kind: Kind::Text,
                    text,
                });
            }
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(trimmed);
        }
    }
    flush(&mut paragraph, &mut rows);
    while rows.last().is_some_and(|r| r.kind == Kind::Blank) {
        rows.pop();
    }
    while rows.first().is_some_and(|r| r.kind == Kind::Blank) {
        rows.remove(0);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.text.as_str()).collect()
    }

    #[test]
    fn wrap_breaks_at_words_and_cuts_long_words() {
        assert_eq!(
            wrap("roll back the payment deployment", 12, ""),
            vec!["roll back", "the payment", "deployment"]
        );
        assert_eq!(wrap("abcdefghij", 4, ""), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10, ""), vec![""]);
        assert_eq!(
            wrap("• one two three", 9, "  "),
            vec!["• one two", "  three"]
        );
    }

    #[test]
    fn guidance_keeps_headings_lists_and_code_apart() {
        let md = "## Why\nThe deploy raised\nerrors.\n\n- check the **error** ratio\n- roll back\n\n```\nkubectl get  pods\n```\n> careful";
        let rows = guidance(md, 40);
        assert_eq!(
            texts(&rows),
            vec![
                "Why",
                "The deploy raised errors.",
                "",
                "• check the error ratio",
                "• roll back",
                "",
                "  kubectl get  pods",
                "│ careful",
            ]
        );
        assert_eq!(rows[0].kind, Kind::Heading);
        assert_eq!(rows[6].kind, Kind::Code);
    }

    #[test]
    fn guidance_numbered_items_wrap_under_their_text() {
        let rows = guidance("1. scale the deployment up first", 14);
        assert_eq!(
            texts(&rows),
            vec!["1. scale the", "   deployment", "   up first"]
        );
    }

    #[test]
    fn guidance_makes_control_characters_visible() {
        let rows = guidance("evil \u{1b}[31m text", 40);
        assert!(!rows[0].text.contains('\u{1b}'), "{:?}", rows[0].text);
    }
}
