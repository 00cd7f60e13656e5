//! Splits a runbook file into its YAML front matter, the ```step blocks and the prose
//! between them, keeping each block's position in the file so YAML errors point at lines
//! of the Markdown file. Other code fences (```bash, ~~~) are prose.

use crate::text::is_inert;

/// A YAML block and where its text sits in the file.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Block {
    pub(super) yaml: String,
    /// 1-based file line of the block's first YAML line.
    pub(super) first_line: usize,
    /// 1-based file line of the opening fence (or `---`).
    pub(super) fence_line: usize,
    /// Spaces removed from the start of each YAML line (an indented fence).
    pub(super) indents: Vec<usize>,
}

impl Block {
    /// A position in the block's YAML (1-based; line 0 for "somewhere in the block") as a
    /// position in the file.
    pub(super) fn file_position(&self, line: usize, col: usize) -> (usize, usize) {
        if line == 0 {
            return (self.fence_line, 1);
        }
        let indent = self.indents.get(line - 1).copied().unwrap_or(0);
        (self.first_line + line - 1, col + indent)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Part {
    Prose(String),
    Step(Block),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Document {
    pub(super) front: Block,
    /// Line of the `---` that ends the front matter.
    pub(super) front_end: usize,
    pub(super) parts: Vec<Part>,
}

/// A problem with the file's layout, before any YAML is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LayoutError {
    pub(super) line: usize,
    pub(super) col: usize,
    pub(super) message: String,
}

fn error(line: usize, col: usize, message: impl Into<String>) -> LayoutError {
    LayoutError {
        line,
        col,
        message: message.into(),
    }
}

/// Refuses control characters (other than tab and line ends) and characters a terminal
/// does not show, anywhere in the file: a runbook must read as what it does.
fn plain_text(lines: &[&str]) -> Result<(), LayoutError> {
    for (i, line) in lines.iter().enumerate() {
        for (col, c) in line.chars().enumerate() {
            let allowed = c == '\t' || (i == 0 && col == 0 && c == '\u{feff}');
            if allowed {
                continue;
            }
            let what = if c.is_control() {
                "a control character"
            } else if !is_inert(c.encode_utf8(&mut [0; 4])) {
                "an invisible character"
            } else {
                continue;
            };
            return Err(error(
                i + 1,
                col + 1,
                format!(
                    "the file contains {what} U+{:04X}; runbook files must be plain visible text",
                    c as u32
                ),
            ));
        }
    }
    Ok(())
}

/// An opening or closing code fence: indent, fence character, run length, info string.
fn fence(line: &str) -> Option<(usize, char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = rest.len() - rest.trim_start_matches(c).len();
    (run >= 3).then(|| (indent, c, run, rest[run..].trim()))
}

const MISSING_FRONT: &str = "missing front matter: a runbook starts with a `---` line, then YAML \
    (title, description, params, triggers), then another `---` line";

pub(super) fn split(text: &str) -> Result<Document, LayoutError> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    plain_text(&lines)?;
    let first = lines
        .first()
        .map(|l| l.trim_start_matches('\u{feff}').trim_end());
    if first != Some("---") {
        return Err(error(1, 1, MISSING_FRONT));
    }
    let end = lines
        .iter()
        .skip(1)
        .position(|l| matches!(l.trim_end(), "---" | "..."))
        .map(|i| i + 1)
        .ok_or_else(|| {
            error(
                1,
                1,
                "the front matter that opens here never closes: end it with a `---` line",
            )
        })?;
    let front = Block {
        yaml: lines[1..end].join("\n"),
        first_line: 2,
        fence_line: 1,
        indents: vec![0; end - 1],
    };
    let mut parts = Vec::new();
    let mut prose: Vec<&str> = Vec::new();
    let mut i = end + 1;
    while i < lines.len() {
        let line = lines[i];
        let Some((indent, c, run, info)) = fence(line) else {
            prose.push(line);
            i += 1;
            continue;
        };
        let word = info.split_whitespace().next().unwrap_or("");
        let is_step = word == "step";
        if !is_step && matches!(word.to_ascii_lowercase().as_str(), "step" | "steps") {
            return Err(error(
                i + 1,
                indent + run + 1,
                format!(
                    "`{word}` is not a step fence: write ```step (lowercase, singular) to make this block a step, or use another info string for an example"
                ),
            ));
        }
        let close = lines[i + 1..].iter().position(|l| {
            fence(l).is_some_and(|(_, cc, len, rest)| cc == c && len >= run && rest.is_empty())
        });
        let Some(close) = close.map(|k| k + i + 1) else {
            let what = if is_step {
                "the ```step block"
            } else {
                "the code block"
            };
            let fence_text: String = std::iter::repeat_n(c, run).collect();
            return Err(error(
                i + 1,
                indent + 1,
                format!("{what} opened here never closes: end it with a {fence_text} line"),
            ));
        };
        if is_step {
            parts.push(Part::Prose(prose.join("\n")));
            prose.clear();
            let body = &lines[i + 1..close];
            let indents: Vec<usize> = body
                .iter()
                .map(|l| (l.len() - l.trim_start_matches(' ').len()).min(indent))
                .collect();
            let yaml = body
                .iter()
                .zip(&indents)
                .map(|(l, n)| &l[*n..])
                .collect::<Vec<_>>()
                .join("\n");
            parts.push(Part::Step(Block {
                yaml,
                first_line: i + 2,
                fence_line: i + 1,
                indents,
            }));
        } else {
            prose.extend(&lines[i..=close]);
        }
        i = close + 1;
    }
    parts.push(Part::Prose(prose.join("\n")));
    Ok(Document {
        front,
        front_end: end + 1,
        parts,
    })
}
