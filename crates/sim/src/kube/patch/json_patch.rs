//! RFC 6902 JSON patch as the API server applies it: the `json-patch` crate applies each
//! operation, read the way the API server's evanphx/json-patch reads it (its decoding, its
//! lenient pointers, its error texts), and the target stays unchanged when one fails.

use ::json_patch::jsonptr::PointerBuf;
use ::json_patch::{
    AddOperation, PatchOperation, RemoveOperation, ReplaceOperation, TestOperation,
};
use serde_json::Value;

use super::PatchError;

const MISSING: &str = "missing value";

/// Applies a JSON patch document (an array of operations). On any error `target` is left
/// unchanged. A malformed document is `BadRequest`; an operation that does not apply is
/// `Invalid` (HTTP 422), as in the API server.
pub fn apply_json_patch(target: &mut Value, patch: &Value) -> Result<(), PatchError> {
    let ops = match patch {
        Value::Array(ops) => ops,
        other => {
            return Err(PatchError::BadRequest(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                go_json_kind(other)
            )));
        }
    };
    for op in ops {
        if !op.is_object() {
            return Err(PatchError::BadRequest(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                go_json_kind(op)
            )));
        }
    }
    // The operations run one at a time on a copy: a failure is worded from the document it
    // met, and `json_patch::patch` would not restore a `move`'s source when its destination
    // is missing.
    let mut doc = target.clone();
    for op in ops {
        apply_op(&mut doc, op).map_err(PatchError::Invalid)?;
    }
    *target = doc;
    Ok(())
}

fn go_json_kind(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Null => "null",
    }
}

/// Decodes one operation as evanphx/json-patch does (fields are read when the operation
/// runs, an absent `value` is null) and applies it; the error is evanphx/json-patch's text.
fn apply_op(doc: &mut Value, op: &Value) -> Result<(), String> {
    let kind = op.get("op").and_then(Value::as_str).unwrap_or("unknown");
    let field = |name| string_field(op, kind, name);
    let value = || op.get("value").cloned().unwrap_or(Value::Null);
    match kind {
        "add" => {
            let p = field("path")?;
            let op = pointer(doc, p).map(|path| {
                PatchOperation::Add(AddOperation {
                    path,
                    value: value(),
                })
            });
            run(doc, op).ok_or_else(|| not_applied(doc, kind, p))
        }
        "remove" => {
            let p = field("path")?;
            let op = pointer(doc, p).map(|path| PatchOperation::Remove(RemoveOperation { path }));
            run(doc, op).ok_or_else(|| not_applied(doc, kind, p))
        }
        "replace" => {
            let p = field("path")?;
            let op = pointer(doc, p).map(|path| {
                PatchOperation::Replace(ReplaceOperation {
                    path,
                    value: value(),
                })
            });
            run(doc, op).ok_or_else(|| {
                format!("replace operation does not apply: doc is missing key: {p}: {MISSING}")
            })
        }
        "move" | "copy" => {
            let (f, p) = (field("from")?, field("path")?);
            if kind == "move" && p.starts_with(&format!("{f}/")) {
                return Err(format!(
                    "move operation does not apply: cannot move {f} into its own child {p}"
                ));
            }
            let missing_from = || {
                format!("{kind} operation does not apply: doc is missing from path: {f}: {MISSING}")
            };
            let from = pointer(doc, f).ok_or_else(missing_from)?;
            let value = doc
                .pointer(from.as_str())
                .cloned()
                .ok_or_else(missing_from)?;
            // evanphx/json-patch moves by removing the source, then reads the destination
            // in the document without it.
            if kind == "move" {
                let remove = PatchOperation::Remove(RemoveOperation { path: from });
                run(doc, Some(remove)).ok_or_else(missing_from)?;
            }
            let op = pointer(doc, p).map(|path| PatchOperation::Add(AddOperation { path, value }));
            run(doc, op).ok_or_else(|| not_applied(doc, kind, p))
        }
        "test" => {
            let p = field("path")?;
            let test_failed = || format!("testing value {p} failed: test failed");
            let Some(path) = pointer(doc, p) else {
                return Err(format!(
                    "test operation does not apply: is missing path: {p}: {MISSING}"
                ));
            };
            match (doc.pointer(path.as_str()), container(doc, p)) {
                (Some(_), _) => {
                    let op = PatchOperation::Test(TestOperation {
                        path,
                        value: value(),
                    });
                    run(doc, Some(op)).ok_or_else(test_failed)
                }
                (None, None) => Err(format!(
                    "test operation does not apply: is missing path: {p}: {MISSING}"
                )),
                // evanphx/json-patch: testing for null where a container lacks the key passes.
                (None, Some(_)) if value().is_null() => Ok(()),
                (None, Some(_)) => Err(test_failed()),
            }
        }
        other => Err(format!("Unexpected kind: {other}")),
    }
}

fn string_field<'a>(op: &'a Value, kind: &str, name: &str) -> Result<&'a str, String> {
    op.get(name).and_then(Value::as_str).ok_or_else(|| {
        format!("{kind} operation failed to decode {name}: operation missing {name} field")
    })
}

/// Applies one operation with the crate; None if it does not apply, as an operation whose
/// path is not a pointer (`None`) does not.
fn run(doc: &mut Value, op: Option<PatchOperation>) -> Option<()> {
    ::json_patch::patch(doc, std::slice::from_ref(&op?)).ok()
}

/// The pointer given to the crate. evanphx/json-patch unescapes `~1` and `~0` without
/// refusing other `~` sequences and reads array indices with `strconv.Atoi` (`01` is 1),
/// where RFC 6901 readers refuse both; so the tokens are re-encoded, and indices into arrays
/// of `doc` lose their leading zeros. None unless `text` is empty or starts with `/`.
fn pointer(doc: &Value, text: &str) -> Option<PointerBuf> {
    if text.is_empty() {
        return Some(PointerBuf::new());
    }
    let mut at = Some(doc);
    let tokens: Vec<String> = text
        .strip_prefix('/')?
        .split('/')
        .map(|encoded| {
            let mut token = unescape(encoded);
            at = match at {
                Some(Value::Object(map)) => map.get(&token),
                Some(Value::Array(items)) => index(&token).and_then(|i| {
                    token = i.to_string();
                    items.get(i)
                }),
                _ => None,
            };
            token
        })
        .collect();
    Some(PointerBuf::from_tokens(tokens))
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// An array index as evanphx/json-patch accepts it: decimal digits only.
fn index(token: &str) -> Option<usize> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// The object or array holding the last token of pointer `text`, if it exists.
fn container<'a>(doc: &'a Value, text: &str) -> Option<&'a Value> {
    let path = pointer(doc, text)?;
    doc.pointer(path.parent()?.as_str())
        .filter(|v| v.is_object() || v.is_array())
}

/// Why `add`, `remove`, `move` or `copy` could not use path `p` in `doc`.
fn not_applied(doc: &Value, kind: &str, p: &str) -> String {
    let last = unescape(p.rsplit('/').next().unwrap_or_default());
    match container(doc, p) {
        None if matches!(kind, "add" | "remove") => {
            format!("{kind} operation does not apply: doc is missing path: \"{p}\": {MISSING}")
        }
        None => format!(
            "{kind} operation does not apply: doc is missing destination path: {p}: {MISSING}"
        ),
        Some(Value::Object(_)) => format!(
            "error in {kind} for path: '{p}': Unable to remove nonexistent key: {last}: {MISSING}"
        ),
        Some(_) => format!(
            "error in {kind} for path: '{p}': Unable to access invalid index: {last}: invalid index referenced"
        ),
    }
}
