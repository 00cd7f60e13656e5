//! Label and field selectors, parsed and matched as the API server does.
//!
//! Both parsers reproduce the API server's error text, which the list/watch handler puts in a
//! `400 BadRequest` Status (`SelectorError::message`). kubectl shows it after its own prefix:
//! `Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label
//! selector "a in", field selector "": unable to parse requirement: found '', expected: '('`.
//!
//! - `labelSelector=` → [`LabelSelector::parse`], then [`LabelSelector::matches_object`].
//! - `fieldSelector=` → [`FieldSelector::parse`] with the resource's kind (this also performs the
//!   API server's field-label conversion, so unsupported fields fail here), then
//!   [`FieldSelector::matches`].
//! - A workload's `spec.selector` (a `metav1.LabelSelector` object) → [`LabelSelector::from_spec`].

mod field;
mod label;
mod parse;
mod validation;

pub use field::{FieldOp, FieldSelector, FieldTerm};
pub use label::{LabelSelector, Operator, Requirement};

/// A selector the API server would reject with `400 BadRequest`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    /// The label selector does not parse or a key/value is invalid.
    #[error("{0}")]
    Label(String),
    /// The field selector does not parse (`invalid selector: ...`, escape errors).
    #[error("{0}")]
    Field(String),
    /// The field is not selectable on this kind (`field label not supported: x`).
    #[error("{0}")]
    FieldLabelNotSupported(String),
}

impl SelectorError {
    /// HTTP status code of the Status the API server returns.
    pub fn code(&self) -> u16 {
        400
    }

    /// `reason` of that Status.
    pub fn reason(&self) -> &'static str {
        "BadRequest"
    }

    /// `message` of that Status.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// Quotes a string the way Go's `%q` does for the printable ASCII the selectors can carry.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
