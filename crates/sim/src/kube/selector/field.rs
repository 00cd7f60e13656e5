//! Field selectors: apimachinery `pkg/fields` parsing and escaping, plus each kind's selectable
//! fields and field-label conversion as registered in the API server.

use serde_json::Value;

use super::SelectorError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldOp {
    /// `=` or `==`.
    Equals,
    /// `!=`.
    NotEquals,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldTerm {
    /// The field label after conversion (`spec.host` becomes `spec.nodeName`).
    pub field: String,
    pub op: FieldOp,
    pub value: String,
}

/// A parsed, kind-checked field selector; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    terms: Vec<FieldTerm>,
    kind: String,
}

impl FieldSelector {
    /// Parses `fieldSelector` for objects of `kind` (e.g. `Pod`, `Event`, `Deployment`),
    /// rejecting fields the API server cannot select on with its own message.
    pub fn parse(selector: &str, kind: &str) -> Result<Self, SelectorError> {
        let mut parts = split_terms(selector);
        parts.sort();
        let mut terms = Vec::new();
        for part in parts.iter().filter(|p| !p.is_empty()) {
            let Some((lhs, op, rhs)) = split_term(part) else {
                return Err(SelectorError::Field(format!(
                    "invalid selector: '{selector}'; can't understand '{part}'"
                )));
            };
            let value = unescape_value(rhs)?;
            terms.push(FieldTerm {
                field: lhs.to_string(),
                op,
                value,
            });
        }
        // The label conversion runs after the whole selector parsed, as in the API server.
        for term in &mut terms {
            term.field = convert_field_label(kind, &term.field)?;
        }
        Ok(Self {
            terms,
            kind: kind.to_string(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn terms(&self) -> &[FieldTerm] {
        &self.terms
    }

    /// Evaluates every term against the object's selectable field set.
    pub fn matches(&self, object: &Value) -> bool {
        self.terms.iter().all(|t| {
            let actual = field_value(&self.kind, object, &t.field);
            match t.op {
                FieldOp::Equals => actual == t.value,
                FieldOp::NotEquals => actual != t.value,
            }
        })
    }
}

/// Splits on commas not escaped with a backslash (`fields.splitTerms`).
fn split_terms(s: &str) -> Vec<String> {
    if s.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == ',' {
            terms.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    terms.push(current);
    terms
}

/// Finds the first operator, trying `!=`, `==`, `=` at each position (`fields.splitTerm`).
fn split_term(term: &str) -> Option<(&str, FieldOp, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (text, op) in [
            ("!=", FieldOp::NotEquals),
            ("==", FieldOp::Equals),
            ("=", FieldOp::Equals),
        ] {
            if let Some(value) = rest.strip_prefix(text) {
                return Some((&term[..i], op, value));
            }
        }
    }
    None
}

/// `fields.UnescapeValue`: `\\`, `\,` and `\=` are the only escapes; bare `,`/`=` are errors.
fn unescape_value(s: &str) -> Result<String, SelectorError> {
    if !s.contains(['\\', ',', '=']) {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            match c {
                '\\' | ',' | '=' => out.push(c),
                _ => {
                    return Err(SelectorError::Field(format!(
                        "invalid field selector: invalid escape sequence: \\{c}"
                    )));
                }
            }
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => {
                return Err(SelectorError::Field(format!(
                    "invalid field selector: unescaped character in value: {}",
                    c as u32
                )));
            }
            _ => out.push(c),
        }
    }
    if in_slash {
        return Err(SelectorError::Field(
            "invalid field selector: invalid escape sequence: \\".to_string(),
        ));
    }
    Ok(out)
}

const POD_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.podIPs",
    "status.nominatedNodeName",
];

const EVENT_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
];

/// The field-label conversion functions registered per kind in the API server's scheme.
fn convert_field_label(kind: &str, label: &str) -> Result<String, SelectorError> {
    let supported: &[&str] = match kind {
        "Pod" if label == "spec.host" => return Ok("spec.nodeName".to_string()),
        "Pod" => POD_FIELDS,
        "Event" => EVENT_FIELDS,
        "Namespace" => &["status.phase", "metadata.name"],
        "Node" => &["metadata.name", "spec.unschedulable"],
        "Service" => &[
            "metadata.namespace",
            "metadata.name",
            "spec.clusterIP",
            "spec.type",
        ],
        "ReplicaSet" => &["metadata.name", "metadata.namespace", "status.replicas"],
        _ => {
            return match label {
                "metadata.name" | "metadata.namespace" => Ok(label.to_string()),
                _ => Err(SelectorError::FieldLabelNotSupported(format!(
                    "\"{label}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                ))),
            };
        }
    };
    if supported.contains(&label) {
        Ok(label.to_string())
    } else {
        Err(SelectorError::FieldLabelNotSupported(format!(
            "field label not supported: {label}"
        )))
    }
}

fn str_at(object: &Value, pointer: &str) -> String {
    match object.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The value of a selectable field in the object's field set (`""` when absent).
fn field_value(kind: &str, object: &Value, field: &str) -> String {
    match (kind, field) {
        ("Pod", "spec.hostNetwork") => object
            .pointer("/spec/hostNetwork")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            .to_string(),
        ("Pod", "status.podIP") => str_at(object, "/status/podIPs/0/ip"),
        ("Pod", "status.podIPs") => String::new(),
        ("Node", "spec.unschedulable") => object
            .pointer("/spec/unschedulable")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            .to_string(),
        ("ReplicaSet", "status.replicas") => object
            .pointer("/status/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .to_string(),
        ("Event", "source") => {
            let component = str_at(object, "/source/component");
            if component.is_empty() {
                str_at(object, "/reportingComponent")
            } else {
                component
            }
        }
        _ => str_at(object, &format!("/{}", field.replace('.', "/"))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod() -> Value {
        json!({
            "metadata": {"name": "api-7d9f", "namespace": "shop"},
            "spec": {"nodeName": "node-a", "restartPolicy": "Always"},
            "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.7"}]}
        })
    }

    #[test]
    fn field_selectors_match_pods() {
        let cases = [
            ("", true),
            ("spec.nodeName=node-a", true),
            ("spec.nodeName==node-a", true),
            ("spec.nodeName!=node-a", false),
            ("spec.host=node-a", true),
            ("status.phase=Running,metadata.namespace=shop", true),
            ("status.phase!=Running,metadata.namespace=shop", false),
            ("metadata.name=api-7d9f", true),
            ("status.podIP=10.0.0.7", true),
            ("spec.hostNetwork=false", true),
            ("status.nominatedNodeName=", true),
        ];
        for (selector, want) in cases {
            let sel = FieldSelector::parse(selector, "Pod").unwrap();
            assert_eq!(sel.matches(&pod()), want, "{selector}");
        }
    }

    #[test]
    fn field_selectors_match_events() {
        let event = json!({
            "metadata": {"name": "api.17a", "namespace": "shop"},
            "involvedObject": {"kind": "Pod", "name": "api-7d9f", "namespace": "shop", "uid": "u-1"},
            "reason": "BackOff", "type": "Warning", "source": {"component": "kubelet"}
        });
        let cases = [
            ("involvedObject.kind=Pod,involvedObject.name=api-7d9f", true),
            ("involvedObject.uid=u-1", true),
            ("involvedObject.namespace=shop,reason=BackOff", true),
            ("type=Normal", false),
            ("type!=Normal", true),
            ("source=kubelet", true),
        ];
        for (selector, want) in cases {
            let sel = FieldSelector::parse(selector, "Event").unwrap();
            assert_eq!(sel.matches(&event), want, "{selector}");
        }
    }

    #[test]
    fn escapes_are_unescaped() {
        let sel = FieldSelector::parse(r"metadata.name=a\,b\=c\\d", "Pod").unwrap();
        assert_eq!(sel.terms()[0].value, r"a,b=c\d");
        assert!(sel.matches(&json!({"metadata": {"name": r"a,b=c\d"}})));
    }

    #[test]
    fn errors_use_the_api_servers_messages() {
        let cases = [
            ("spec.foo=bar", "Pod", "field label not supported: spec.foo"),
            (
                "status.phase=Running",
                "Event",
                "field label not supported: status.phase",
            ),
            (
                "spec.replicas=3",
                "Deployment",
                "\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
            ),
            (
                "metadata.name",
                "Pod",
                "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
            ),
            (
                "a=b,c",
                "Pod",
                "invalid selector: 'a=b,c'; can't understand 'c'",
            ),
            (
                r"metadata.name=a\x",
                "Pod",
                r"invalid field selector: invalid escape sequence: \x",
            ),
            (
                r"metadata.name=a\",
                "Pod",
                r"invalid field selector: invalid escape sequence: \",
            ),
            (
                "metadata.name=a=b",
                "Pod",
                "invalid field selector: unescaped character in value: 61",
            ),
        ];
        for (selector, kind, want) in cases {
            let err = FieldSelector::parse(selector, kind).unwrap_err();
            assert_eq!(err.message(), want, "{selector}");
            assert_eq!(err.code(), 400);
        }
    }
}
