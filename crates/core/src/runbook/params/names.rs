//! The checks behind every parameter kind: invisible and control characters, DNS-1123
//! names and labels. Each failure says what is wrong with the value, not only that it is
//! wrong, so the person typing it can fix it.

use crate::text::is_inert;

/// Longest value quoted whole in a message; longer ones are cut with `…`.
const SHOWN_CHARS: usize = 40;

/// A value quoted for a message: Rust string escapes make invisible characters visible.
pub(crate) fn shown(value: &str) -> String {
    let count = value.chars().count();
    if count > SHOWN_CHARS {
        let head: String = value.chars().take(SHOWN_CHARS).collect();
        format!("{head:?}… ({count} characters)")
    } else {
        format!("{value:?}")
    }
}

/// Refuses control characters and characters a terminal does not show (zero-width, bidi,
/// byte-order marks): a value that reads as `payment` must be `payment`.
pub(crate) fn visible(value: &str) -> Result<(), String> {
    for c in value.chars() {
        if c.is_control() {
            return Err(format!(
                "contains a control character U+{:04X}{}",
                c as u32,
                match c {
                    '\n' => " (a line break)",
                    '\r' => " (a carriage return)",
                    '\t' => " (a tab)",
                    '\u{1b}' => " (an escape)",
                    _ => "",
                }
            ));
        }
        if !is_inert(c.encode_utf8(&mut [0; 4])) {
            return Err(format!(
                "contains an invisible character U+{:04X}",
                c as u32
            ));
        }
    }
    Ok(())
}

/// Kubernetes object names: a DNS-1123 subdomain.
pub(crate) fn dns_subdomain(value: &str) -> Result<(), String> {
    const RULE: &str = "a name is lowercase letters, digits, \"-\" and \".\", each dot-separated \
                        part starting and ending with a letter or digit, at most 253 characters";
    dns(value, 253, true).map_err(|why| format!("{why}; {RULE}"))
}

/// Namespaces and choices: a DNS-1123 label.
pub(crate) fn dns_label(value: &str) -> Result<(), String> {
    const RULE: &str = "a namespace or label is lowercase letters, digits and \"-\", starting \
                        and ending with a letter or digit, at most 63 characters";
    dns(value, 63, false).map_err(|why| format!("{why}; {RULE}"))
}

fn dns(value: &str, max: usize, dots: bool) -> Result<(), String> {
    if value.is_empty() {
        return Err("it is empty".to_string());
    }
    visible(value).map_err(|why| format!("it {why}"))?;
    let length = value.chars().count();
    if length > max {
        return Err(format!("it is {length} characters long"));
    }
    if value.starts_with('-') {
        return Err("it starts with \"-\" and would read as a command-line option".to_string());
    }
    if value.contains('/') || value.contains("..") {
        return Err("it looks like a path (\"/\" or \"..\")".to_string());
    }
    if value.chars().any(char::is_whitespace) {
        return Err("it contains a space".to_string());
    }
    if value.chars().any(|c| c.is_ascii_uppercase()) {
        return Err("it contains uppercase letters".to_string());
    }
    let allowed =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (dots && c == '.');
    if let Some(c) = value.chars().find(|&c| !allowed(c)) {
        return Err(format!(
            "it contains {:?}, which is not allowed",
            c.to_string()
        ));
    }
    let parts_ok = value.split('.').all(|part| {
        let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        edge(part.chars().next()) && edge(part.chars().last())
    });
    if !parts_ok {
        return Err("it does not start and end with a letter or digit".to_string());
    }
    Ok(())
}

/// Parameter names: `[a-z][a-z0-9_]*`, at most 63 characters.
pub(crate) fn param_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if first_ok && rest_ok && name.len() <= 63 {
        Ok(())
    } else {
        Err(format!(
            "invalid parameter name {}: expected lowercase letters, digits and \"_\", starting \
             with a letter, at most 63 characters",
            shown(name)
        ))
    }
}
