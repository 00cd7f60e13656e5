//! The `[keys]` table: keymap overrides, one entry per action (`quit = ["q", "ctrl-c"]`),
//! each replacing that action's default keys. Unknown actions, bad key names and keys bound
//! to two actions are reported at their place in the file, with what is valid.

use toml::de::DeValue;

use super::walk::{Tab, Walker, describe};
use crate::action::{Action, KEY_NAMES_HELP, Key, Keymap};
use crate::suggest::closest;

/// Reads `[keys]` into a keymap (the defaults when absent or invalid; problems reported).
pub(crate) fn keymap(w: &mut Walker<'_>, root: &Tab<'_, '_>) -> Keymap {
    let Some(tab) = w.table(root, "keys", "a table [keys] of action = [\"key\", ...]") else {
        return Keymap::default();
    };
    let names = Action::names();
    // (action, keys with their spans) as written.
    let mut overrides: Vec<(Action, Vec<(Key, super::walk::Span)>)> = Vec::new();
    let mut ok = true;
    // In file order, so "bound twice" points at the later binding.
    let mut entries: Vec<_> = tab.table.iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    for (name, value) in entries {
        let action_name: &str = name.get_ref().as_ref();
        let path = tab.child(action_name);
        let Some(action) = Action::from_name(action_name) else {
            let message = match closest(action_name, &names) {
                Some(near) => format!("unknown action; did you mean `{near}`?"),
                None => format!("unknown action; expected one of {}", names.join(", ")),
            };
            w.report(name.span(), &path, message);
            ok = false;
            continue;
        };
        let items: Vec<_> = match value.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            DeValue::String(_) => vec![value],
            other => {
                let message = format!(
                    "expected a list of key names such as [\"q\", \"ctrl-c\"], found {}",
                    describe(other)
                );
                w.report(value.span(), &path, message);
                ok = false;
                continue;
            }
        };
        let mut keys = Vec::new();
        for item in items {
            let parsed = match item.get_ref() {
                DeValue::String(s) => Key::parse(s),
                other => Err(format!(
                    "expected {KEY_NAMES_HELP}, found {}",
                    describe(other)
                )),
            };
            match parsed {
                Ok(key) => {
                    let earlier = overrides
                        .iter()
                        .find(|(_, ks)| ks.iter().any(|(k, _)| *k == key))
                        .map(|(a, _)| *a)
                        .or_else(|| keys.iter().any(|(k, _)| *k == key).then_some(action));
                    match earlier {
                        Some(other) => {
                            let message = format!(
                                "key \"{}\" is bound twice (already to \"{}\"); a key can trigger only one action",
                                key.name(),
                                other.name()
                            );
                            w.report(item.span(), &path, message);
                            ok = false;
                        }
                        None => keys.push((key, item.span())),
                    }
                }
                Err(message) => {
                    w.report(item.span(), &path, message);
                    ok = false;
                }
            }
        }
        overrides.push((action, keys));
    }
    if !ok {
        return Keymap::default();
    }
    let plain: Vec<(Action, Vec<Key>)> = overrides
        .iter()
        .map(|(a, ks)| (*a, ks.iter().map(|(k, _)| *k).collect()))
        .collect();
    match Keymap::with_overrides(&plain) {
        Ok(keymap) => keymap,
        Err(conflict) => {
            let span = overrides
                .iter()
                .find(|(a, _)| *a == conflict.action)
                .and_then(|(_, ks)| ks.iter().find(|(k, _)| *k == conflict.key))
                .map_or(tab.span.clone(), |(_, span)| span.clone());
            w.report(
                span,
                &tab.child(conflict.action.name()),
                conflict.to_string(),
            );
            Keymap::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Config, ConfigErrors};
    use crate::action::{Action, Key};

    const CLUSTER: &str = "[[clusters]]\nname = \"dev\"\n";

    fn parse(keys: &str) -> Result<Config, ConfigErrors> {
        Config::from_toml_str(&format!("{CLUSTER}\n[keys]\n{keys}"), "c.toml")
    }

    #[test]
    fn keys_table_overrides_the_default_keymap() {
        let config =
            parse("quit = [\"z\", \"ctrl-q\"]\ndown = [\"n\", \"down\"]\nhelp = \"F\"\n").unwrap();
        let keymap = &config.keymap;
        assert_eq!(keymap.action_for(Key::Char('z')), Some(Action::Quit));
        assert_eq!(keymap.action_for(Key::Ctrl('q')), Some(Action::Quit));
        assert_eq!(keymap.action_for(Key::Char('q')), None);
        assert_eq!(keymap.action_for(Key::Char('n')), Some(Action::Down));
        assert_eq!(keymap.action_for(Key::Char('F')), Some(Action::ToggleHelp));
        assert_eq!(
            keymap.action_for(Key::Char('k')),
            Some(Action::Up),
            "untouched"
        );
        let plain = Config::from_toml_str(CLUSTER, "c.toml").unwrap();
        assert_eq!(plain.keymap, crate::action::Keymap::default());
    }

    #[test]
    fn keys_errors_name_line_key_and_what_is_valid() {
        let err = parse("qiut = [\"x\"]\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "c.toml:5:1: keys.qiut: unknown action; did you mean `quit`?"
        );
        let err = parse("zzzzzzzz = [\"x\"]\n").unwrap_err().to_string();
        assert!(err.contains("expected one of overview, services"), "{err}");
        let err = parse("quit = [\"hyper-q\"]\n").unwrap_err().to_string();
        assert!(
            err.starts_with("c.toml:5:9: keys.quit: expected a single character"),
            "{err}"
        );
        assert!(err.ends_with("found \"hyper-q\""), "{err}");
        let err = parse("quit = 3\n").unwrap_err().to_string();
        assert!(err.contains("expected a list of key names"), "{err}");
    }

    #[test]
    fn a_key_bound_twice_is_reported_where_it_is_written() {
        let err = parse("quit = [\"w\"]\nhelp = [\"?\", \"w\"]\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "c.toml:6:14: keys.help: key \"w\" is bound twice (already to \"quit\"); a key can trigger only one action"
        );
        let err = parse("quit = [\"j\"]\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "c.toml:5:9: keys.quit: key \"j\" is bound to both \"quit\" and \"down\"; give \"down\" other keys too"
        );
    }
}
