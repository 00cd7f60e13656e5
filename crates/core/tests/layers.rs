//! watchdeck-core's modules stay in layers: each uses only modules listed before it in
//! `LAYERS` (tests aside), so no cycle can come back between model, runbook, config and the
//! rest. Docs/ARCHITECTURE.md shows the same order.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Bottom first.
const LAYERS: [&str; 18] = [
    "text", "cluster", "duration", "suggest", "yaml", "screen", "series", "clock", "matcher",
    "slo", "runbook", "action", "config", "model", "event", "effect", "update", "fixture",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source text names through `crate::`, including inside
/// `use crate::{a::X, b}` groups.
fn used_modules(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                used.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            used.insert(name);
        }
    }
    used
}

#[test]
fn core_modules_only_use_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap_or(file);
        let top = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_string();
        let name = relative.to_string_lossy();
        if top == "lib" || name.contains("tests") {
            continue;
        }
        let Some(level) = LAYERS.iter().position(|l| *l == top) else {
            wrong.push(format!("{name}: module `{top}` is not in LAYERS"));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for used in used_modules(code) {
            if used == top {
                continue;
            }
            match LAYERS.iter().position(|l| *l == used) {
                Some(at) if at < level => {}
                Some(_) => wrong.push(format!("{name}: `{top}` uses `{used}`, a layer above it")),
                None => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_module_of_the_crate_has_a_layer() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .unwrap_or_default();
    for line in lib.lines() {
        if let Some(module) = line.strip_prefix("pub mod ") {
            let module = module.trim_end_matches(';');
            assert!(
                LAYERS.contains(&module),
                "`{module}` has no place in LAYERS"
            );
        }
    }
}
