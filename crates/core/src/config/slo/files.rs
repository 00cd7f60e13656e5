//! `slo_files = ["slos/*.yaml", "more/"]`: files, directories (every `.yaml`/`.yml` in them)
//! or `*`/`?` patterns in the file name, relative to the config file. Each YAML document is
//! imported; problems are reported as `<file>:line:col: field.path: message`.

use std::path::{Path, PathBuf};

use toml::de::DeValue;

use super::import::{self, Origin, reader::Reader};
use crate::config::error::Problem;
use crate::config::paths::PathResolver;
use crate::config::values::quoted;
use crate::config::walk::{Span, Tab, Walker, describe};
use crate::slo::SloSpec;
use crate::yaml;

const EXPECTED: &str = "a list of SLO files, directories or patterns such as [\"slos/*.yaml\"]";

/// Reads every file named by `slo_files`; `taken` holds the names already defined (with
/// where), and grows with each imported SLO.
pub(crate) fn slo_files(
    w: &mut Walker<'_>,
    root: &Tab<'_, '_>,
    paths: &PathResolver,
    taken: &mut Vec<(String, String)>,
) -> Vec<SloSpec> {
    let Some(value) = root.get("slo_files") else {
        return Vec::new();
    };
    let DeValue::Array(items) = value.get_ref() else {
        let message = format!("expected {EXPECTED}, found {}", describe(value.get_ref()));
        w.report(value.span(), "slo_files", message);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let key = format!("slo_files[{i}]");
        let DeValue::String(pattern) = item.get_ref() else {
            let message = format!(
                "expected a path or pattern such as \"slos/*.yaml\", found {}",
                describe(item.get_ref())
            );
            w.report(item.span(), &key, message);
            continue;
        };
        let files = paths
            .resolve(pattern)
            .and_then(|resolved| expand(&resolved, pattern));
        let files = match files {
            Ok(files) => files,
            Err(message) => {
                w.report(item.span(), &key, message);
                continue;
            }
        };
        for file in files {
            let shown = shown_name(w.origin(), paths, &file);
            out.extend(import_file(w, &file, &shown, item.span(), &key, taken));
        }
    }
    out
}

/// Imports one file; its problems are reported under its own name.
fn import_file(
    w: &mut Walker<'_>,
    file: &Path,
    shown: &str,
    span: Span,
    key: &str,
    taken: &mut Vec<(String, String)>,
) -> Vec<SloSpec> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            w.report(span, key, format!("cannot read SLO file {shown}: {e}"));
            return Vec::new();
        }
    };
    let (specs, problems) = import_text(&text, shown, taken);
    for p in problems {
        w.report_problem(p);
    }
    specs
}

/// Imports the YAML documents of one file shown as `shown`: the SLOs, or every problem.
pub(crate) fn import_text(
    text: &str,
    shown: &str,
    taken: &mut Vec<(String, String)>,
) -> (Vec<SloSpec>, Vec<Problem>) {
    let problem = |line: usize, col: usize, path: &str, message: String| Problem {
        origin: shown.to_string(),
        line,
        column: col,
        key_path: (!path.is_empty()).then(|| path.to_string()),
        message,
    };
    let docs = match yaml::documents(text, "SLO files") {
        Ok(docs) => docs,
        Err(e) => return (Vec::new(), vec![problem(e.line, e.col, "", e.message)]),
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for doc in &docs {
        let mut r = Reader::default();
        let specs = import::convert(doc, Origin::File(shown), &mut r);
        for issue in r.issues {
            problems.push(problem(issue.line, issue.col, &issue.path, issue.message));
        }
        for spec in specs {
            let name = spec.name.as_str().to_string();
            let origin = spec.origin.as_str().to_string();
            if let Some((_, first)) = taken.iter().find(|(n, _)| *n == name) {
                let line = origin_line(&origin, shown).unwrap_or(doc.line);
                let message = format!(
                    "expected a unique SLO name, found {} again (first defined at {first})",
                    quoted(&name)
                );
                problems.push(problem(line, 1, "", message));
                continue;
            }
            taken.push((name, origin));
            out.push(spec);
        }
    }
    (out, problems)
}

/// The line in an origin such as `slos/a.yaml:12 (Sloth)`.
fn origin_line(origin: &str, shown: &str) -> Option<usize> {
    let rest = origin.strip_prefix(shown)?.strip_prefix(':')?;
    rest.split(' ').next()?.parse().ok()
}

/// The file as the user would name it: next to the config file's name as given.
fn shown_name(config_origin: &str, paths: &PathResolver, file: &Path) -> String {
    let relative = paths
        .base_dir
        .as_ref()
        .and_then(|base| file.strip_prefix(base).ok());
    match (relative, Path::new(config_origin).parent()) {
        (Some(rel), Some(dir)) => dir.join(rel).display().to_string(),
        _ => file.display().to_string(),
    }
}

/// The files a resolved entry names, sorted.
fn expand(resolved: &Path, written: &str) -> Result<Vec<PathBuf>, String> {
    let name = resolved
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let dir = resolved.parent().unwrap_or(Path::new("."));
    let is_pattern = name.contains(['*', '?']);
    if dir.to_string_lossy().contains(['*', '?']) {
        return Err(format!(
            "expected `*` or `?` only in the file name, found {}",
            quoted(written)
        ));
    }
    let list = |dir: &Path, keep: &dyn Fn(&str) -> bool| -> Result<Vec<PathBuf>, String> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot list {} for {}: {e}", dir.display(), quoted(written)))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(keep))
            .collect();
        files.sort();
        Ok(files)
    };
    let files = if is_pattern {
        list(dir, &|n| wildcard(name, n))?
    } else if resolved.is_dir() {
        list(resolved, &|n| n.ends_with(".yaml") || n.ends_with(".yml"))?
    } else if resolved.is_file() {
        vec![resolved.to_path_buf()]
    } else {
        return Err(format!(
            "expected an SLO file or directory, found no file at {}",
            resolved.display()
        ));
    };
    if files.is_empty() {
        return Err(format!(
            "expected at least one SLO file matching {}, found none",
            quoted(written)
        ));
    }
    Ok(files)
}

/// `*` (any run) and `?` (one character) matching of a whole file name.
fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards_match_whole_names() {
        assert!(wildcard("*.yaml", "payment.yaml"));
        assert!(!wildcard("*.yaml", "payment.yml"));
        assert!(wildcard("p?y*.y*ml", "payment.yaml"));
        assert!(!wildcard("a*", "ba"));
    }
}
