//! Reads runbook files: Markdown with YAML front matter (title, description, parameters,
//! triggers, objectives) and fenced ```step blocks (YAML) between prose. YAML goes through
//! serde-saphyr's event parser so every error names file, line and column; anchors,
//! aliases and duplicate keys are refused. The format is documented in runbooks/README.md.

pub(in crate::runbook) mod conditions;
mod front;
mod markdown;
pub(in crate::runbook) mod matchers;
pub(in crate::runbook) mod reader;
mod steps;
#[cfg(test)]
mod tests;
pub(in crate::runbook) mod titles;
mod when;

use std::path::{Path, PathBuf};

use crate::yaml;
use crate::yaml::{Node, Value};

use super::params::dns_label;
use super::spec::{Runbook, Step};
use markdown::{Block, Part};
use reader::{Cur, Issue, Reader, child};

/// A problem in a runbook file: `runbooks/x.md:12:3: steps[2].kind: unknown step kind "reboot"
/// (expected one of check, scale, ...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for RunbookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl std::error::Error for RunbookError {}

const WHAT: &str = "runbook files";

/// Parses one runbook; its id is the file stem of `source`.
pub fn parse_runbook(text: &str, source: &Path) -> Result<Runbook, Vec<RunbookError>> {
    let error = |line: usize, column: usize, message: String| RunbookError {
        file: source.to_path_buf(),
        line,
        column,
        message,
    };
    let from_issue = |i: Issue| {
        let message = if i.path.is_empty() {
            i.message
        } else {
            format!("{}: {}", i.path, i.message)
        };
        error(i.line, i.col, message)
    };
    let id = source
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    if let Err(why) = dns_label(&id) {
        let message = format!(
            "the file name is the runbook's id and must be a plain name such as rollback-bad-deploy.md: {why}"
        );
        return Err(vec![error(1, 1, message)]);
    }
    let doc = markdown::split(text).map_err(|e| vec![error(e.line, e.col, e.message)])?;
    let front_node = match block_yaml(&doc.front) {
        Ok(Some(node)) => node,
        Ok(None) => {
            let message = "the front matter is empty; it needs at least `title:`".to_string();
            return Err(vec![error(1, 1, message)]);
        }
        Err(issue) => return Err(vec![from_issue(issue)]),
    };
    let mut front_reader = Reader::new(&[]);
    let front = front::read(&mut front_reader, &front_node);
    let mut errors: Vec<RunbookError> = front_reader.issues.into_iter().map(from_issue).collect();

    let params = front.as_ref().map(|f| f.params.clone()).unwrap_or_default();
    let mut r = Reader::new(&params);
    let mut steps: Vec<Step> = Vec::new();
    let mut guidance = String::new();
    let mut index = 0;
    for part in &doc.parts {
        let block = match part {
            Part::Prose(text) => {
                guidance = text.trim().to_string();
                continue;
            }
            Part::Step(block) => block,
        };
        index += 1;
        let node = match block_yaml(block) {
            Ok(Some(node)) => node,
            Ok(None) => {
                let message = format!(
                    "steps[{index}]: the ```step block is empty; it needs at least `kind:`"
                );
                errors.push(error(block.fence_line, 1, message));
                continue;
            }
            Err(issue) => {
                errors.push(from_issue(issue));
                continue;
            }
        };
        if front.is_none() {
            continue;
        }
        let taken = std::mem::take(&mut guidance);
        if let Some(step) = step(&mut r, &node, index, block, taken, &steps) {
            if let Some(earlier) = steps.iter().find(|s| s.id == step.id) {
                let (line, col) = node.key_position("id");
                let message = format!(
                    "steps[{index}].id: `{}` is already the id of the step at line {}; ids must be unique",
                    step.id, earlier.line
                );
                errors.push(error(line, col, message));
            }
            steps.push(step);
        }
    }
    errors.extend(r.issues.into_iter().map(from_issue));
    if index == 0 {
        let message =
            "the runbook has no steps: add at least one ```step block after the front matter"
                .to_string();
        errors.push(error(doc.front_end, 1, message));
    }
    errors.sort_by_key(|e| (e.line, e.column));
    let Some(front) = front.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    if let Some(last) = steps.last_mut() {
        append(&mut last.guidance, &guidance);
    }
    Ok(Runbook {
        id,
        source: source.to_path_buf(),
        title: front.title,
        description: front.description,
        params: front.params,
        triggers: front.triggers,
        objectives: front.objectives,
        steps,
    })
}

/// Prose after the last step belongs to it: it is what to do once the run is over.
fn append(guidance: &mut String, more: &str) {
    if more.is_empty() {
        return;
    }
    if !guidance.is_empty() {
        guidance.push_str("\n\n");
    }
    guidance.push_str(more);
}

/// The block's single YAML document, positioned in the file; `None` when empty.
fn block_yaml(block: &Block) -> Result<Option<Node>, Issue> {
    let issue = |line: usize, col: usize, message: String| {
        let (line, col) = block.file_position(line, col);
        Issue {
            line,
            col,
            path: String::new(),
            message,
        }
    };
    let mut docs =
        yaml::documents(&block.yaml, WHAT).map_err(|e| issue(e.line, e.col, e.message))?;
    if docs.len() > 1 {
        let second = &docs[1];
        let message = "one YAML document per block: a `---` inside a block starts another; \
                       close the block and open a new one"
            .to_string();
        return Err(issue(second.line, second.col, message));
    }
    Ok(docs.pop().map(|mut node| {
        place(&mut node, block);
        node
    }))
}

/// Moves positions from the block's YAML to the file.
fn place(node: &mut Node, block: &Block) {
    (node.line, node.col) = block.file_position(node.line, node.col);
    for key in &mut node.key_positions {
        *key = block.file_position(key.0, key.1);
    }
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| place(n, block)),
        Value::Map(entries) => entries.iter_mut().for_each(|(_, n)| place(n, block)),
        Value::Null | Value::Scalar(_) => {}
    }
}

fn step(
    r: &mut Reader<'_>,
    node: &Node,
    index: usize,
    block: &Block,
    guidance: String,
    earlier: &[Step],
) -> Option<Step> {
    let base = format!("steps[{index}]");
    let cur = Cur { node, path: &base };
    if !matches!(node.value, Value::Map(_)) {
        r.keys(cur, "a mapping of step fields such as `kind: check`", &[]);
        return None;
    }
    let def = steps::kind_of(r, cur)?;
    let path = format!("{base} ({})", def.keyword());
    let cur = Cur { node, path: &path };
    let id = match r.get(cur, "id") {
        Some(n) => {
            let id_path = child(&path, "id");
            let text = r.scalar(n, &id_path, "a step id such as check-errors")?;
            if let Err(why) = dns_label(text) {
                r.report(n, &id_path, format!("{text:?} is not a step id: {why}"));
                return None;
            }
            Some(text.to_string())
        }
        None => None,
    };
    let title = match r.get(cur, "title") {
        Some(n) => Some(r.template(n, &child(&path, "title"), "a short title")?.text),
        None => None,
    };
    let when = when::when(r, cur, earlier);
    let on_fail = when::on_fail(r, cur);
    let kind = def.parse(r, cur)?;
    Some(Step {
        id: id.unwrap_or_else(|| format!("step-{index}")),
        title: title.unwrap_or_else(|| def.describe(&kind)),
        guidance,
        kind,
        line: block.fence_line,
        when: when?,
        on_fail: on_fail?,
    })
}

/// Every `*.md` file of `dir` except README.md, sorted by id; files that fail are reported
/// and left out.
pub fn load_dir(dir: &Path) -> (Vec<Runbook>, Vec<RunbookError>) {
    let unreadable = |file: &Path, why: String| RunbookError {
        file: file.to_path_buf(),
        line: 0,
        column: 0,
        message: why,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let why = format!("cannot read the runbook directory: {e}");
            return (Vec::new(), vec![unreadable(dir, why)]);
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
        })
        .collect();
    files.sort();
    let mut runbooks = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match std::fs::read_to_string(&file) {
            Ok(text) => match parse_runbook(&text, &file) {
                Ok(runbook) => runbooks.push(runbook),
                Err(e) => errors.extend(e),
            },
            Err(e) => errors.push(unreadable(&file, format!("cannot read the runbook: {e}"))),
        }
    }
    runbooks.sort_by(|a, b| a.id.cmp(&b.id));
    (runbooks, errors)
}
