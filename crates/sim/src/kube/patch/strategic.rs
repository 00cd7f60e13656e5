//! Applying a strategic merge patch (apimachinery `util/strategicpatch/patch.go`, the
//! `StrategicMergeMapPatch` half): per-field list merge keys, the `$patch`, `$retainKeys`,
//! `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` directives, `null` deletes.
//! Directives are never left in the result.

use serde_json::{Map, Value};

use super::{ListStrategy, PatchError, PatchSchema};

#[path = "order.rs"]
mod order;

use order::{
    bad_patch_type, delete_from_slice, go_fmt, no_merge_key, normalize_element_order, partition,
    validate_order,
};

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";

const BAD_PRIMITIVE_LIST: &str = "invalid patch format of primitive list";
const BAD_RETAIN_KEYS: &str = "invalid patch format of retainKeys";
const BAD_SET_ELEMENT_ORDER: &str = "invalid patch format of setElementOrder list";

/// Applies `patch` (a JSON object) to `target` using the list semantics of `schema`. On error
/// `target` is unchanged.
pub fn apply_strategic_merge_patch(
    target: &mut Value,
    patch: &Value,
    schema: PatchSchema,
) -> Result<(), PatchError> {
    let Value::Object(patch) = patch else {
        return Err(PatchError::BadRequest(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            match patch {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
                _ => "null",
            }
        )));
    };
    let original = target.as_object().cloned();
    let merged = Merger { schema }.merge_map(original, patch.clone(), &[])?;
    *target = Value::Object(merged);
    Ok(())
}

struct Merger {
    schema: PatchSchema,
}

fn child_path(path: &[String], key: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(key.to_string());
    p
}

impl Merger {
    fn strategy(&self, path: &[String]) -> ListStrategy {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        self.schema.list_strategy(&parts)
    }

    fn merge_key(&self, path: &[String]) -> Option<&'static str> {
        match self.strategy(path) {
            ListStrategy::MergeByKey(key) => Some(key),
            _ => None,
        }
    }

    fn merge_map(
        &self,
        original: Option<Map<String, Value>>,
        mut patch: Map<String, Value>,
        path: &[String],
    ) -> Result<Map<String, Value>, PatchError> {
        if let Some(directive) = patch.get(DIRECTIVE) {
            return match directive.as_str() {
                Some("replace") => {
                    patch.remove(DIRECTIVE);
                    Ok(patch)
                }
                Some("delete") => Ok(Map::new()),
                _ => Err(bad_patch_type(directive, &Value::Object(patch.clone()))),
            };
        }
        let mut original = original.unwrap_or_default();
        apply_retain_keys(&mut original, &mut patch)?;
        self.apply_set_element_order(&mut original, &mut patch, path)?;

        for (k, patch_v) in patch {
            if k.starts_with(SET_ELEMENT_ORDER) {
                continue;
            }
            let (key, is_delete_list) = match k.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
                Some(rest) => match rest.strip_prefix('/') {
                    Some(list) => (list.to_string(), true),
                    None => return Err(PatchError::BadRequest(BAD_PRIMITIVE_LIST.into())),
                },
                None => (k, false),
            };
            if patch_v.is_null() {
                original.remove(&key);
                continue;
            }
            let path = child_path(path, &key);
            let Some(slot) = original.get_mut(&key) else {
                if !is_delete_list {
                    let fresh = self.fresh(patch_v, &path)?;
                    original.insert(key, fresh);
                }
                continue;
            };
            let merged = match (std::mem::take(slot), patch_v) {
                (Value::Object(o), Value::Object(p)) => {
                    Value::Object(self.merge_map(Some(o), p, &path)?)
                }
                (Value::Array(o), Value::Array(p)) => {
                    Value::Array(self.merge_list(o, p, &path, is_delete_list)?)
                }
                (_, p) => self.fresh(p, &path)?,
            };
            *slot = merged;
        }
        Ok(original)
    }

    /// A patch value with nothing to merge into: directives are resolved against nothing.
    fn fresh(&self, value: Value, path: &[String]) -> Result<Value, PatchError> {
        Ok(match value {
            Value::Object(m) => Value::Object(self.merge_map(None, m, path)?),
            Value::Array(a) if self.strategy(path) != ListStrategy::Replace => {
                Value::Array(self.merge_list(Vec::new(), a, path, false)?)
            }
            other => other,
        })
    }

    fn merge_list(
        &self,
        original: Vec<Value>,
        patch: Vec<Value>,
        path: &[String],
        is_delete_list: bool,
    ) -> Result<Vec<Value>, PatchError> {
        match self.strategy(path) {
            ListStrategy::Replace if is_delete_list => Ok(delete_from_slice(&original, &patch)),
            ListStrategy::Replace => Ok(patch),
            _ => self.merge_slice(original, patch, path, is_delete_list),
        }
    }

    fn merge_slice(
        &self,
        original: Vec<Value>,
        patch: Vec<Value>,
        path: &[String],
        is_delete_list: bool,
    ) -> Result<Vec<Value>, PatchError> {
        if original.is_empty() && patch.is_empty() {
            return Ok(original);
        }
        let merge_key = self.merge_key(path);
        let (merged, original, patch) = if !element_kind_is_map(&original, &patch)? {
            if is_delete_list {
                return Ok(delete_from_slice(&original, &patch));
            }
            let mut merged: Vec<Value> = Vec::new();
            for v in original.iter().chain(&patch) {
                if !merged.contains(v) {
                    merged.push(v.clone());
                }
            }
            (merged, original, patch)
        } else {
            let Some(key) = merge_key else {
                return Err(PatchError::Internal(format!(
                    "cannot merge lists without merge key for {}",
                    path.join(".")
                )));
            };
            let (original, patch) = with_special_elements(original, patch, key)?;
            let mut merged = original.clone();
            for item in &patch {
                let Value::Object(item_map) = item else {
                    continue;
                };
                let Some(wanted) = item_map.get(key) else {
                    return Err(no_merge_key(item, key));
                };
                match merged.iter_mut().find(|m| m.get(key) == Some(wanted)) {
                    Some(Value::Object(existing)) => {
                        let base = std::mem::take(existing);
                        *existing = self.merge_map(Some(base), item_map.clone(), path)?;
                    }
                    _ => merged.push(Value::Object(self.merge_map(
                        None,
                        item_map.clone(),
                        path,
                    )?)),
                }
            }
            (merged, original, patch)
        };
        let (patch_items, server_only) = partition(merged, &patch, merge_key);
        Ok(normalize_element_order(
            patch_items,
            server_only,
            &patch,
            &original,
            merge_key,
        ))
    }

    /// `$setElementOrder/<list>`: merges the list, then orders it as the directive says,
    /// interleaving server-only items by their live order.
    fn apply_set_element_order(
        &self,
        original: &mut Map<String, Value>,
        patch: &mut Map<String, Value>,
        path: &[String],
    ) -> Result<(), PatchError> {
        let keys: Vec<String> = patch
            .keys()
            .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
            .cloned()
            .collect();
        for directive_key in keys {
            let Some(list_key) = directive_key
                .strip_prefix(SET_ELEMENT_ORDER)
                .and_then(|r| r.strip_prefix('/'))
                .map(str::to_string)
            else {
                return Err(PatchError::BadRequest(BAD_SET_ELEMENT_ORDER.into()));
            };
            let Some(Value::Array(order)) = patch.get(&directive_key).cloned() else {
                return Err(PatchError::BadRequest(BAD_SET_ELEMENT_ORDER.into()));
            };
            let list_path = child_path(path, &list_key);
            let merge_key = self.merge_key(&list_path);
            if let Some(key) = merge_key
                && let Some(missing) = order.iter().find(|o| o.get(key).is_none())
            {
                return Err(no_merge_key(missing, key));
            }
            let live = original.get(&list_key).and_then(Value::as_array).cloned();
            let patched = patch.get(&list_key).and_then(Value::as_array).cloned();
            if let Some(patched) = &patched {
                validate_order(patched, &order, merge_key)?;
            }
            let merged = match (live.clone(), patched) {
                (Some(live), None) => live,
                (None, Some(p)) => self.merge_list(Vec::new(), p, &list_path, false)?,
                (Some(live), Some(p)) => self.merge_list(live, p, &list_path, false)?,
                (None, None) => continue,
            };
            let (patch_items, server_only) = partition(merged, &order, merge_key);
            let live = live.unwrap_or_default();
            let ordered =
                normalize_element_order(patch_items, server_only, &order, &live, merge_key);
            original.insert(list_key.clone(), Value::Array(ordered));
            patch.remove(&list_key);
        }
        Ok(())
    }
}

/// `$retainKeys`: keys of the live map not listed are cleared; every key the patch sets must
/// be listed.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<(), PatchError> {
    let Some(retain) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let Value::Array(retain) = retain else {
        return Err(PatchError::BadRequest(BAD_RETAIN_KEYS.into()));
    };
    let keep: Vec<&str> = retain.iter().filter_map(Value::as_str).collect();
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER)
        {
            continue;
        }
        if !keep.contains(&k.as_str()) {
            return Err(PatchError::BadRequest(BAD_RETAIN_KEYS.into()));
        }
    }
    original.retain(|k, _| keep.contains(&k.as_str()));
    Ok(())
}

/// True when the elements are objects; errors on lists of lists and mixed element types.
fn element_kind_is_map(original: &[Value], patch: &[Value]) -> Result<bool, PatchError> {
    let mut kind: Option<u8> = None;
    for v in original.iter().chain(patch) {
        let k = match v {
            Value::Array(_) => {
                return Err(PatchError::Invalid(
                    "lists of lists are not supported".into(),
                ));
            }
            Value::Object(_) => 0,
            Value::String(_) => 1,
            Value::Number(_) => 2,
            Value::Bool(_) => 3,
            Value::Null => 4,
        };
        match kind {
            None => kind = Some(k),
            Some(prev) if prev != k => {
                return Err(PatchError::Internal(format!(
                    "list element types are not identical: {}",
                    go_fmt(&Value::Array(
                        original.iter().chain(patch).cloned().collect()
                    ))
                )));
            }
            Some(_) => {}
        }
    }
    Ok(kind == Some(0))
}

/// Elements carrying `$patch` (`delete` by merge key, `replace` for the whole list).
fn with_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut plain = Vec::new();
    let mut replace = false;
    for item in patch {
        let Some(directive) = item.get(DIRECTIVE) else {
            plain.push(item);
            continue;
        };
        match directive.as_str() {
            Some("delete") => {
                let Some(wanted) = item.get(key) else {
                    return Err(PatchError::Internal(
                        "delete patch type with no merge key defined".into(),
                    ));
                };
                original.retain(|o| o.get(key) != Some(wanted));
            }
            Some("replace") => replace = true,
            Some("merge") => {
                return Err(PatchError::Internal(
                    "merging lists cannot yet be specified in the patch".into(),
                ));
            }
            _ => return Err(bad_patch_type(directive, &item)),
        }
    }
    if replace {
        Ok((plain, Vec::new()))
    } else {
        Ok((original, plain))
    }
}

#[cfg(test)]
#[path = "strategic_tests.rs"]
mod tests;
