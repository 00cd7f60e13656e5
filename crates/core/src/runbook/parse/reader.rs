//! Typed reads from a positioned YAML tree for runbook files: each problem is noted with its
//! position and key path (`steps[3] (scale).replicas`) and reading goes on, so a file's
//! problems come at once. Knows the declared parameters, so a `{{ name }}` reference to an
//! undeclared one, or to one of the wrong kind for the field, fails here.

use std::time::Duration;

use crate::duration::format_duration;
use crate::runbook::params::{self, duration_value, shown};
use crate::runbook::spec::{Field, ParamKind, ParamSpec, Template};
use crate::suggest::closest;
use crate::yaml::{Node, Value};

/// One problem, at a position in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::runbook) struct Issue {
    pub(in crate::runbook) line: usize,
    pub(in crate::runbook) col: usize,
    pub(in crate::runbook) path: String,
    pub(in crate::runbook) message: String,
}

/// A node being read and its key path.
#[derive(Clone, Copy)]
pub(in crate::runbook) struct Cur<'a> {
    pub(in crate::runbook) node: &'a Node,
    pub(in crate::runbook) path: &'a str,
}

/// The kinds of parameter a typed field accepts as `"{{ name }}"`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::runbook) enum Accepts {
    Cluster,
    Namespace,
    /// Object and instance names: name and choice parameters.
    Name,
    Integer,
    /// Numbers: number and integer parameters.
    Number,
    Duration,
    /// Command arguments: any validated kind.
    Any,
}

impl Accepts {
    fn allows(self, kind: &ParamKind) -> bool {
        match self {
            Accepts::Cluster => matches!(kind, ParamKind::Cluster),
            Accepts::Namespace => matches!(kind, ParamKind::Namespace),
            Accepts::Name => matches!(kind, ParamKind::Name | ParamKind::Choice(_)),
            Accepts::Integer => matches!(kind, ParamKind::Integer { .. }),
            Accepts::Number => {
                matches!(kind, ParamKind::Integer { .. } | ParamKind::Number { .. })
            }
            Accepts::Duration => matches!(kind, ParamKind::Duration { .. }),
            Accepts::Any => true,
        }
    }

    fn wanted(self) -> &'static str {
        match self {
            Accepts::Cluster => "a cluster parameter",
            Accepts::Namespace => "a namespace parameter",
            Accepts::Name => "a name or choice parameter",
            Accepts::Integer => "an integer parameter",
            Accepts::Number => "a number or integer parameter",
            Accepts::Duration => "a duration parameter",
            Accepts::Any => "a parameter",
        }
    }
}

/// How a parameter kind is named in messages.
pub(in crate::runbook) fn kind_name(kind: &ParamKind) -> &'static str {
    match kind {
        ParamKind::Name => "a name",
        ParamKind::Namespace => "a namespace",
        ParamKind::Cluster => "a cluster",
        ParamKind::Integer { .. } => "an integer",
        ParamKind::Number { .. } => "a number",
        ParamKind::Duration { .. } => "a duration",
        ParamKind::Choice(_) => "a choice",
    }
}

/// Whether a parameter's validated values may be pasted into text (PromQL, questions,
/// comments). Every kind today is a name, number, duration or choice that cannot add
/// syntax; a free-text kind added later must answer `false`.
fn fits_in_templates(kind: &ParamKind) -> bool {
    match kind {
        ParamKind::Name
        | ParamKind::Namespace
        | ParamKind::Cluster
        | ParamKind::Integer { .. }
        | ParamKind::Number { .. }
        | ParamKind::Duration { .. }
        | ParamKind::Choice(_) => true,
    }
}

/// Key path of a child.
pub(in crate::runbook) fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Collects issues while a file is read; `params` are the declared parameters that
/// placeholders may name.
pub(in crate::runbook) struct Reader<'p> {
    pub(in crate::runbook) params: &'p [ParamSpec],
    pub(in crate::runbook) issues: Vec<Issue>,
}

impl<'p> Reader<'p> {
    pub(in crate::runbook) fn new(params: &'p [ParamSpec]) -> Self {
        Reader {
            params,
            issues: Vec::new(),
        }
    }

    pub(in crate::runbook) fn report(
        &mut self,
        node: &Node,
        path: &str,
        message: impl Into<String>,
    ) {
        self.issues.push(Issue {
            line: node.line,
            col: node.col,
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// A problem with a key itself (unknown, misplaced), at the key.
    pub(in crate::runbook) fn report_key(
        &mut self,
        map: &Node,
        key: &str,
        path: &str,
        message: impl Into<String>,
    ) {
        let (line, col) = map.key_position(key);
        self.issues.push(Issue {
            line,
            col,
            path: path.to_string(),
            message: message.into(),
        });
    }

    pub(in crate::runbook) fn count(&self) -> usize {
        self.issues.len()
    }

    /// Reports keys of a mapping that are not in `known` (with a suggestion); false when
    /// the node is not a mapping at all.
    pub(in crate::runbook) fn keys(
        &mut self,
        cur: Cur<'_>,
        expected: &str,
        known: &[&str],
    ) -> bool {
        let Value::Map(entries) = &cur.node.value else {
            let message = format!("expected {expected}, found {}", cur.node.describe());
            self.report(cur.node, cur.path, message);
            return false;
        };
        for (key, _) in entries {
            if known.contains(&key.as_str()) {
                continue;
            }
            let hint = match closest(key, known) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("expected one of {}", known.join(", ")),
            };
            self.report_key(
                cur.node,
                key,
                &child(cur.path, key),
                format!("unknown key; {hint}"),
            );
        }
        true
    }

    /// A field that may be absent (or null).
    pub(in crate::runbook) fn get<'a>(&self, cur: Cur<'a>, key: &str) -> Option<&'a Node> {
        cur.node.get(key).filter(|n| n.value != Value::Null)
    }

    /// A field that must be present; reported missing at its parent.
    pub(in crate::runbook) fn required<'a>(
        &mut self,
        cur: Cur<'a>,
        key: &str,
        expected: &str,
    ) -> Option<&'a Node> {
        let found = self.get(cur, key);
        if found.is_none() {
            let message = format!("missing required field `{key}`; expected {expected}");
            self.report(cur.node, &child(cur.path, key), message);
        }
        found
    }

    pub(in crate::runbook) fn scalar<'a>(
        &mut self,
        node: &'a Node,
        path: &str,
        expected: &str,
    ) -> Option<&'a str> {
        let found = node.scalar();
        if found.is_none() {
            let message = format!("expected {expected}, found {}", node.describe());
            self.report(node, path, message);
        }
        found
    }

    /// A scalar that must not be blank.
    pub(in crate::runbook) fn text(
        &mut self,
        node: &Node,
        path: &str,
        expected: &str,
    ) -> Option<String> {
        let text = self.scalar(node, path, expected)?;
        if text.trim().is_empty() {
            self.report(
                node,
                path,
                format!("expected {expected}, found an empty text"),
            );
            return None;
        }
        Some(text.to_string())
    }

    /// Text whose `{{ name }}` placeholders name declared parameters.
    pub(in crate::runbook) fn template(
        &mut self,
        node: &Node,
        path: &str,
        expected: &str,
    ) -> Option<Template> {
        let text = self.text(node, path, expected)?;
        let before = self.count();
        for placeholder in placeholders(&text) {
            match placeholder {
                Ok(name) => {
                    self.declared(node, path, &name);
                }
                Err(message) => self.report(node, path, message),
            }
        }
        (self.count() == before).then_some(Template { text })
    }

    /// The parameter a placeholder names, reported when undeclared.
    fn declared(&mut self, node: &Node, path: &str, name: &str) -> Option<&'p ParamSpec> {
        let params = self.params;
        match params.iter().find(|p| p.name == name) {
            Some(spec) if fits_in_templates(&spec.kind) => Some(spec),
            Some(spec) => {
                let message = format!(
                    "parameter `{name}` is {} and cannot be placed in text",
                    kind_name(&spec.kind)
                );
                self.report(node, path, message);
                None
            }
            None => {
                let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
                let hint = match closest(name, &names) {
                    Some(near) => format!("; did you mean `{near}`?"),
                    None if names.is_empty() => "; the runbook declares no parameters".into(),
                    None => format!("; declared: {}", names.join(", ")),
                };
                let message =
                    format!("`{{{{ {name} }}}}` refers to an undeclared parameter `{name}`{hint}");
                self.report(node, path, message);
                None
            }
        }
    }

    /// `"{{ name }}"` alone: the parameter's name once it is declared and of an accepted
    /// kind; `Ok(None)` for a literal; `Err(())` once reported.
    fn param_ref(
        &mut self,
        node: &Node,
        path: &str,
        accepts: Accepts,
    ) -> Result<Option<String>, ()> {
        let Some(text) = node.scalar() else {
            return Ok(None);
        };
        if !text.contains("{{") && !text.contains("}}") {
            return Ok(None);
        }
        let trimmed = text.trim();
        let whole = trimmed.starts_with("{{")
            && trimmed.ends_with("}}")
            && trimmed.matches("{{").count() == 1;
        if !whole {
            let message = format!(
                "expected a literal or exactly \"{{{{ param }}}}\", found {}: a typed field takes a whole parameter, never text around one",
                shown(text)
            );
            self.report(node, path, message);
            return Err(());
        }
        let name = match placeholders(trimmed).next() {
            Some(Ok(name)) => name,
            Some(Err(message)) => {
                self.report(node, path, message);
                return Err(());
            }
            None => return Err(()),
        };
        let spec = self.declared(node, path, &name).ok_or(())?;
        if !accepts.allows(&spec.kind) {
            let message = format!(
                "parameter `{name}` is {}; this field takes {}",
                kind_name(&spec.kind),
                accepts.wanted()
            );
            self.report(node, path, message);
            return Err(());
        }
        Ok(Some(name))
    }

    /// A typed string field: a literal that passes `check`, or a parameter of an accepted
    /// kind.
    pub(in crate::runbook) fn field_string(
        &mut self,
        node: &Node,
        path: &str,
        accepts: Accepts,
        expected: &str,
        check: impl Fn(&str) -> Result<(), String>,
    ) -> Option<Field<String>> {
        match self.param_ref(node, path, accepts) {
            Err(()) => None,
            Ok(Some(name)) => Some(Field::Param(name)),
            Ok(None) => {
                let text =
                    self.scalar(node, path, &format!("{expected} or \"{{{{ param }}}}\""))?;
                match check(text) {
                    Ok(()) => Some(Field::Literal(text.to_string())),
                    Err(why) => {
                        self.report(
                            node,
                            path,
                            format!("{} is not {expected}: {why}", shown(text)),
                        );
                        None
                    }
                }
            }
        }
    }

    pub(in crate::runbook) fn field_integer(
        &mut self,
        node: &Node,
        path: &str,
        min: i64,
    ) -> Option<Field<i64>> {
        match self.param_ref(node, path, Accepts::Integer) {
            Err(()) => None,
            Ok(Some(name)) => Some(Field::Param(name)),
            Ok(None) => self.integer(node, path, min).map(Field::Literal),
        }
    }

    pub(in crate::runbook) fn field_number(
        &mut self,
        node: &Node,
        path: &str,
    ) -> Option<Field<f64>> {
        match self.param_ref(node, path, Accepts::Number) {
            Err(()) => None,
            Ok(Some(name)) => Some(Field::Param(name)),
            Ok(None) => self.number(node, path).map(Field::Literal),
        }
    }

    pub(in crate::runbook) fn field_duration(
        &mut self,
        node: &Node,
        path: &str,
    ) -> Option<Field<Duration>> {
        match self.param_ref(node, path, Accepts::Duration) {
            Err(()) => None,
            Ok(Some(name)) => Some(Field::Param(name)),
            Ok(None) => self.duration(node, path).map(Field::Literal),
        }
    }

    pub(in crate::runbook) fn integer(&mut self, node: &Node, path: &str, min: i64) -> Option<i64> {
        let expected = "an integer or \"{{ param }}\"";
        let text = self.scalar(node, path, expected)?;
        match params::integer(text) {
            Ok(n) if n >= min => Some(n),
            Ok(n) => {
                self.report(node, path, format!("expected at least {min}, found {n}"));
                None
            }
            Err(_) => {
                self.report(
                    node,
                    path,
                    format!("expected {expected}, found {}", shown(text)),
                );
                None
            }
        }
    }

    pub(in crate::runbook) fn number(&mut self, node: &Node, path: &str) -> Option<f64> {
        let expected = "a number such as 0.05";
        let text = self.scalar(node, path, expected)?;
        match params::number(text) {
            Ok(n) => Some(n),
            Err(_) => {
                self.report(
                    node,
                    path,
                    format!("expected {expected}, found {}", shown(text)),
                );
                None
            }
        }
    }

    /// A literal duration greater than zero.
    pub(in crate::runbook) fn duration(&mut self, node: &Node, path: &str) -> Option<Duration> {
        let text = self.scalar(node, path, "a duration such as 5m")?;
        match duration_value(text) {
            Ok(d) if !d.is_zero() => Some(d),
            Ok(_) => {
                self.report(node, path, "expected a duration greater than zero, found 0");
                None
            }
            Err(why) => {
                self.report(node, path, why);
                None
            }
        }
    }

    /// An optional literal duration with a default.
    pub(in crate::runbook) fn duration_or(
        &mut self,
        cur: Cur<'_>,
        key: &str,
        default: Duration,
    ) -> Duration {
        match self.get(cur, key) {
            Some(node) => self
                .duration(node, &child(cur.path, key))
                .unwrap_or(default),
            None => default,
        }
    }
}

/// The placeholders of a text, in order: each `{{ name }}`'s name, or why it is malformed.
pub(in crate::runbook) fn placeholders(
    text: &str,
) -> impl Iterator<Item = Result<String, String>> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find("{{")?;
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            rest = "";
            return Some(Err(format!(
                "a placeholder opens with `{{{{` but never closes with `}}}}` in {}",
                shown(text)
            )));
        };
        let inner = after[..end].trim();
        rest = &after[end + 2..];
        Some(match params::param_name(inner) {
            Ok(()) => Ok(inner.to_string()),
            Err(_) => Err(format!(
                "placeholder `{{{{{}}}}}` must hold one parameter name such as `{{{{ deployment }}}}`",
                &after[..end]
            )),
        })
    })
}

/// Renders a literal duration in runbook syntax, for titles.
pub(in crate::runbook) fn duration_text(d: Duration) -> String {
    format_duration(d)
}
