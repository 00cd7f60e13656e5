//! RFC 6902 JSON patch with RFC 6901 pointers, applied atomically, with the error texts of the
//! evanphx/json-patch library the API server uses.

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

fn apply_op(doc: &mut Value, op: &Value) -> Result<(), String> {
    let kind = op.get("op").and_then(Value::as_str).unwrap_or("unknown");
    let path = |field: &str| -> Result<String, String> {
        op.get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                format!(
                    "{kind} operation failed to decode {field}: operation missing {field} field"
                )
            })
    };
    let value = || op.get("value").cloned().unwrap_or(Value::Null);
    match kind {
        "add" => {
            let p = path("path")?;
            add(doc, &p, value()).map_err(|e| match e {
                Miss::Parent => {
                    format!("add operation does not apply: doc is missing path: \"{p}\": {MISSING}")
                }
                Miss::Other(m) => format!("error in add for path: '{p}': {m}"),
            })
        }
        "remove" => {
            let p = path("path")?;
            remove(doc, &p).map(drop).map_err(|e| match e {
                Miss::Parent => format!(
                    "remove operation does not apply: doc is missing path: \"{p}\": {MISSING}"
                ),
                Miss::Other(m) => format!("error in remove for path: '{p}': {m}"),
            })
        }
        "replace" => {
            let p = path("path")?;
            if get(doc, &p).is_none() {
                return Err(format!(
                    "replace operation does not apply: doc is missing key: {p}: {MISSING}"
                ));
            }
            set_existing(doc, &p, value());
            Ok(())
        }
        "move" => {
            let (from, p) = (path("from")?, path("path")?);
            if p.starts_with(&format!("{from}/")) {
                return Err(format!(
                    "move operation does not apply: cannot move {from} into its own child {p}"
                ));
            }
            let moved = remove(doc, &from).map_err(|_| {
                format!(
                    "move operation does not apply: doc is missing from path: {from}: {MISSING}"
                )
            })?;
            add(doc, &p, moved).map_err(|e| match e {
                Miss::Parent => format!(
                    "move operation does not apply: doc is missing destination path: {p}: {MISSING}"
                ),
                Miss::Other(m) => format!("error in move for path: '{p}': {m}"),
            })
        }
        "copy" => {
            let (from, p) = (path("from")?, path("path")?);
            let copied = get(doc, &from).cloned().ok_or_else(|| {
                format!(
                    "copy operation does not apply: doc is missing from path: {from}: {MISSING}"
                )
            })?;
            add(doc, &p, copied).map_err(|e| match e {
                Miss::Parent => format!(
                    "copy operation does not apply: doc is missing destination path: {p}: {MISSING}"
                ),
                Miss::Other(m) => format!("error in copy for path: '{p}': {m}"),
            })
        }
        "test" => {
            let p = path("path")?;
            match get(doc, &p) {
                Some(actual) if *actual == value() => Ok(()),
                None if parent_of(doc, &p).is_none() => Err(format!(
                    "test operation does not apply: is missing path: {p}: {MISSING}"
                )),
                None if value().is_null() => Ok(()),
                _ => Err(format!("testing value {p} failed: test failed")),
            }
        }
        other => Err(format!("Unexpected kind: {other}")),
    }
}

enum Miss {
    /// The container the path points into does not exist.
    Parent,
    /// The container exists but the operation cannot use the last token.
    Other(String),
}

/// RFC 6901 reference tokens; `None` for a pointer that neither is empty nor starts with `/`.
fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

fn index_of(token: &str, len: usize) -> Option<usize> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse::<usize>().ok().filter(|i| *i < len)
}

fn child<'a>(v: &'a Value, token: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m.get(token),
        Value::Array(a) => index_of(token, a.len()).and_then(|i| a.get(i)),
        _ => None,
    }
}

fn child_mut<'a>(v: &'a mut Value, token: &str) -> Option<&'a mut Value> {
    match v {
        Value::Object(m) => m.get_mut(token),
        Value::Array(a) => {
            let len = a.len();
            index_of(token, len).and_then(move |i| a.get_mut(i))
        }
        _ => None,
    }
}

fn get<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    tokens(pointer)?.iter().try_fold(doc, |v, t| child(v, t))
}

/// The container holding the pointer's last token, with that token.
fn parent_of<'a>(doc: &'a Value, pointer: &str) -> Option<(&'a Value, String)> {
    let mut toks = tokens(pointer)?;
    let last = toks.pop()?;
    let parent = toks.iter().try_fold(doc, |v, t| child(v, t))?;
    (parent.is_object() || parent.is_array()).then_some((parent, last))
}

fn parent_mut<'a>(doc: &'a mut Value, pointer: &str) -> Option<(&'a mut Value, String)> {
    let mut toks = tokens(pointer)?;
    let last = toks.pop()?;
    let parent = toks.iter().try_fold(doc, |v, t| child_mut(v, t))?;
    (parent.is_object() || parent.is_array()).then_some((parent, last))
}

fn invalid_index(token: &str) -> Miss {
    Miss::Other(format!(
        "Unable to access invalid index: {token}: invalid index referenced"
    ))
}

fn add(doc: &mut Value, pointer: &str, value: Value) -> Result<(), Miss> {
    if pointer.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = parent_mut(doc, pointer).ok_or(Miss::Parent)?;
    match parent {
        Value::Object(m) => {
            m.insert(last, value);
            Ok(())
        }
        Value::Array(a) => {
            if last == "-" {
                a.push(value);
                return Ok(());
            }
            match index_of(&last, a.len() + 1) {
                Some(i) => {
                    a.insert(i, value);
                    Ok(())
                }
                None => Err(invalid_index(&last)),
            }
        }
        _ => Err(Miss::Parent),
    }
}

fn remove(doc: &mut Value, pointer: &str) -> Result<Value, Miss> {
    let (parent, last) = parent_mut(doc, pointer).ok_or(Miss::Parent)?;
    match parent {
        Value::Object(m) => m.remove(&last).ok_or_else(|| {
            Miss::Other(format!(
                "Unable to remove nonexistent key: {last}: {MISSING}"
            ))
        }),
        Value::Array(a) => match index_of(&last, a.len()) {
            Some(i) => Ok(a.remove(i)),
            None => Err(invalid_index(&last)),
        },
        _ => Err(Miss::Parent),
    }
}

/// Replaces a value known to exist.
fn set_existing(doc: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) =
        tokens(pointer).and_then(|toks| toks.iter().try_fold(doc, |v, t| child_mut(v, t)))
    {
        *slot = value;
    }
}
