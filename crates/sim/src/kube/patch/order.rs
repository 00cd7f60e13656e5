//! List ordering after a strategic merge (`normalizeElementOrder`, `mergeSortedSlice`), the
//! primitive-list deletion directive, and Go-formatted error text.

use serde_json::Value;

use super::super::PatchError;
use super::{DIRECTIVE, SET_ELEMENT_ORDER};

/// The item's identity for ordering: its merge-key value, or itself for scalars.
fn identity<'a>(item: &'a Value, merge_key: Option<&str>) -> Option<&'a Value> {
    match merge_key {
        Some(key) => item.get(key),
        None => Some(item),
    }
}

fn index_in(list: &[Value], item: &Value, merge_key: Option<&str>) -> Option<usize> {
    let id = identity(item, merge_key)?;
    list.iter().position(|x| identity(x, merge_key) == Some(id))
}

/// Splits merged items into those named by `order` and the server-only rest.
pub(super) fn partition(
    merged: Vec<Value>,
    order: &[Value],
    merge_key: Option<&str>,
) -> (Vec<Value>, Vec<Value>) {
    merged
        .into_iter()
        .partition(|m| index_in(order, m, merge_key).is_some())
}

/// Sorts patch items by `patch_order` and server-only items by `live_order`, then interleaves
/// them (`mergeSortedSlice`): a server-only item goes before a patch item only when both are
/// live and it comes first there.
pub(super) fn normalize_element_order(
    mut patch_items: Vec<Value>,
    mut server_only: Vec<Value>,
    patch_order: &[Value],
    live_order: &[Value],
    merge_key: Option<&str>,
) -> Vec<Value> {
    patch_items.sort_by_key(|v| index_in(patch_order, v, merge_key).unwrap_or(usize::MAX));
    server_only.sort_by_key(|v| index_in(live_order, v, merge_key).unwrap_or(usize::MAX));
    let mut out = Vec::with_capacity(patch_items.len() + server_only.len());
    let (mut left, mut right) = (
        server_only.into_iter().peekable(),
        patch_items.into_iter().peekable(),
    );
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
            (Some(l), Some(r)) => {
                match (
                    index_in(live_order, l, merge_key),
                    index_in(live_order, r, merge_key),
                ) {
                    (Some(li), Some(ri)) => li < ri,
                    _ => false,
                }
            }
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
}

/// `$deleteFromPrimitiveList`: removes the values; the result is de-duplicated and sorted by
/// its printed form, as the Go implementation leaves it.
pub(super) fn delete_from_slice(current: &[Value], to_delete: &[Value]) -> Vec<Value> {
    let key = |v: &Value| go_fmt(v);
    let mut kept: Vec<Value> = Vec::new();
    for v in current {
        if !to_delete.iter().any(|d| key(d) == key(v)) && !kept.iter().any(|k| key(k) == key(v)) {
            kept.push(v.clone());
        }
    }
    kept.sort_by_key(key);
    kept
}

/// The patch list must follow the relative order of `$setElementOrder`.
pub(super) fn validate_order(
    patch: &[Value],
    order: &[Value],
    merge_key: Option<&str>,
) -> Result<(), PatchError> {
    let non_delete: Vec<&Value> = patch
        .iter()
        .filter(|v| v.get(DIRECTIVE).is_none())
        .collect();
    let (mut pi, mut oi) = (0, 0);
    while pi < non_delete.len() && oi < order.len() {
        if identity(non_delete[pi], merge_key).is_some()
            && identity(non_delete[pi], merge_key) == identity(&order[oi], merge_key)
        {
            pi += 1;
        }
        oi += 1;
    }
    if pi < non_delete.len() {
        return Err(PatchError::Internal(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            go_fmt(&Value::Array(patch.to_vec())),
            go_fmt(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

pub(super) fn bad_patch_type(directive: &Value, map: &Value) -> PatchError {
    PatchError::Internal(format!(
        "unknown patch type: {} in map: {}",
        go_fmt(directive),
        go_fmt(map)
    ))
}

pub(super) fn no_merge_key(item: &Value, key: &str) -> PatchError {
    PatchError::Internal(format!(
        "map: {} does not contain declared merge key: {key}",
        go_fmt(item)
    ))
}

/// Go's `%v` rendering of a decoded JSON value (`map[k:v]`, `[a b]`, `<nil>`).
pub(super) fn go_fmt(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_fmt(v)))
                .collect();
            format!("map[{}]", inner.join(" "))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(go_fmt).collect::<Vec<_>>().join(" ")),
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_string(),
        other => other.to_string(),
    }
}
