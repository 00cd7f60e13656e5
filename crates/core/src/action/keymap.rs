//! The keymap as a value: the default bindings with the config's `[keys]` overrides, the
//! stable names actions and keys have in the config file, and the grouped help it generates.

use std::fmt;

use super::{ACTIONS, Action, HelpGroup, Key, spec};

/// One action's keys in a keymap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBinding {
    pub keys: Vec<Key>,
    pub action: Action,
    pub help: &'static str,
}

/// Keys to actions, in help order. `Default` is [`ACTIONS`]' keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<KeyBinding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: ACTIONS
                .iter()
                .map(|s| KeyBinding {
                    keys: s.keys.to_vec(),
                    action: s.action,
                    help: s.help,
                })
                .collect(),
        }
    }
}

/// A key that the overrides leave bound to two actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapConflict {
    pub key: Key,
    /// The action the override binds it to.
    pub action: Action,
    /// The other action that still has it.
    pub other: Action,
}

impl fmt::Display for KeymapConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "key \"{}\" is bound to both \"{}\" and \"{}\"; give \"{}\" other keys too",
            self.key.name(),
            self.action.name(),
            self.other.name(),
            self.other.name()
        )
    }
}

impl Keymap {
    /// The defaults with each listed action's keys replaced. A key left bound to two
    /// actions is an error naming both.
    pub fn with_overrides(overrides: &[(Action, Vec<Key>)]) -> Result<Keymap, KeymapConflict> {
        let mut keymap = Keymap::default();
        for (action, keys) in overrides {
            if let Some(binding) = keymap.bindings.iter_mut().find(|b| b.action == *action) {
                binding.keys.clone_from(keys);
            }
        }
        for (action, keys) in overrides {
            for key in keys {
                if let Some(other) = keymap
                    .bindings
                    .iter()
                    .find(|b| b.action != *action && b.keys.contains(key))
                {
                    return Err(KeymapConflict {
                        key: *key,
                        action: *action,
                        other: other.action,
                    });
                }
            }
        }
        Ok(keymap)
    }

    pub fn bindings(&self) -> &[KeyBinding] {
        &self.bindings
    }

    /// The action bound to `key`, if any.
    pub fn action_for(&self, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// The first key bound to `action`, for short hints.
    pub fn first_key(&self, action: Action) -> Option<Key> {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first().copied())
    }

    /// Help lines: keys (joined with ` / `) and what they do, in keymap order. Actions left
    /// without keys are listed as `-`.
    pub fn help_lines(&self) -> Vec<(String, &'static str)> {
        self.bindings
            .iter()
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
                let keys = if keys.is_empty() {
                    "-".to_string()
                } else {
                    keys.join(" / ")
                };
                (keys, b.help)
            })
            .collect()
    }

    /// Help lines grouped under headings, in a fixed group order.
    pub fn help_groups(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        let lines = self.help_lines();
        let mut groups: Vec<(&'static str, Vec<(String, &'static str)>)> = HelpGroup::ORDER
            .iter()
            .map(|g| (g.title(), Vec::new()))
            .collect();
        for (binding, line) in self.bindings.iter().zip(lines) {
            let Some(group) = spec(binding.action).map(|s| s.group.title()) else {
                continue;
            };
            if let Some((_, list)) = groups.iter_mut().find(|(g, _)| *g == group) {
                list.push(line);
            }
        }
        groups.retain(|(_, list)| !list.is_empty());
        groups.push((
            PALETTE_GROUP,
            PALETTE_HELP
                .iter()
                .map(|(command, help)| (command.to_string(), *help))
                .collect(),
        ));
        groups
    }
}

/// The `?` help's last group: what the `:` palette takes (typed, not bound to keys).
const PALETTE_GROUP: &str = "Palette commands (after :)";
const PALETTE_HELP: [(&str, &str); 5] = [
    (
        "run NAME k=v …",
        "start runbook NAME; missing or invalid values open its parameter form",
    ),
    (
        "runbooks NAME",
        "choose a runbook: its parameter form opens",
    ),
    (
        "cluster NAME",
        "show only / hide / show a cluster (clusters: show all)",
    ),
    ("namespace NS", "the pods of one namespace"),
    ("service NAME", "one service's charts"),
];

impl Action {
    /// The action's stable name in the config's `[keys]` table.
    pub fn name(self) -> &'static str {
        spec(self).map_or("", |s| s.name)
    }

    /// The action named `name` in a `[keys]` table.
    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS.iter().find(|s| s.name == name).map(|s| s.action)
    }

    /// Every valid name, for error messages and the docs.
    pub fn names() -> Vec<&'static str> {
        ACTIONS.iter().map(|s| s.name).collect()
    }
}

/// Named keys in the config, besides single characters and `ctrl-<char>`.
const NAMED: [(&str, Key); 17] = [
    ("up", Key::Up),
    ("down", Key::Down),
    ("left", Key::Left),
    ("right", Key::Right),
    ("pageup", Key::PageUp),
    ("pagedown", Key::PageDown),
    ("home", Key::Home),
    ("end", Key::End),
    ("tab", Key::Tab),
    ("backtab", Key::BackTab),
    ("shift-tab", Key::BackTab),
    ("esc", Key::Esc),
    ("enter", Key::Enter),
    ("backspace", Key::Backspace),
    ("delete", Key::Delete),
    ("space", Key::Char(' ')),
    ("pgdn", Key::PageDown),
];

/// What a key name may be, for error messages.
pub const KEY_NAMES_HELP: &str = "a single character (\"q\", \"G\", \"/\"), \"ctrl-<letter>\", or one of up, down, left, right, pageup, pagedown, home, end, tab, shift-tab, esc, enter, backspace, delete, space";

impl Key {
    /// Parses a key name from the config: `q`, `G`, `ctrl-c`, `pagedown`, `shift-tab`.
    pub fn parse(name: &str) -> Result<Key, String> {
        let mut chars = name.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if c.is_control() || c == ' ' {
                return Err(format!(
                    "expected a key name, found a control character: {KEY_NAMES_HELP}"
                ));
            }
            return Ok(Key::Char(c));
        }
        let lower = name.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("ctrl-") {
            let mut chars = rest.chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && c.is_ascii_graphic()
            {
                return Ok(Key::Ctrl(c));
            }
        }
        NAMED
            .iter()
            .find(|(n, _)| *n == lower)
            .map(|(_, key)| *key)
            .ok_or_else(|| format!("expected {KEY_NAMES_HELP}, found {name:?}"))
    }

    /// The key's name as the config writes it (parses back to the same key).
    pub fn name(self) -> String {
        match self {
            Key::Char(' ') => "space".to_string(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("ctrl-{c}"),
            other => NAMED
                .iter()
                .find(|(_, k)| *k == other)
                .map_or_else(String::new, |(n, _)| (*n).to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keymap_overrides_replace_an_actions_keys() {
        let keymap = Keymap::with_overrides(&[
            (Action::Quit, vec![Key::Char('z'), Key::Ctrl('q')]),
            (Action::Down, vec![Key::Char('n')]),
        ])
        .unwrap();
        assert_eq!(keymap.action_for(Key::Char('z')), Some(Action::Quit));
        assert_eq!(keymap.action_for(Key::Char('q')), None);
        assert_eq!(keymap.action_for(Key::Char('n')), Some(Action::Down));
        assert_eq!(keymap.action_for(Key::Char('j')), None);
        assert_eq!(keymap.first_key(Action::Quit), Some(Key::Char('z')));
        assert!(
            keymap
                .help_lines()
                .contains(&("z / Ctrl-Q".to_string(), "quit"))
        );
    }

    #[test]
    fn keymap_override_taking_another_actions_key_is_a_conflict() {
        let err = Keymap::with_overrides(&[(Action::Quit, vec![Key::Char('j')])]).unwrap_err();
        assert_eq!(err.other, Action::Down);
        assert_eq!(
            err.to_string(),
            "key \"j\" is bound to both \"quit\" and \"down\"; give \"down\" other keys too"
        );
        // Moving `down` away too makes it valid.
        assert!(
            Keymap::with_overrides(&[
                (Action::Quit, vec![Key::Char('j')]),
                (Action::Down, vec![Key::Down]),
            ])
            .is_ok()
        );
    }

    #[test]
    fn action_and_key_names_round_trip() {
        for spec in ACTIONS {
            assert_eq!(Action::from_name(spec.action.name()), Some(spec.action));
        }
        assert_eq!(Action::names().len(), Keymap::default().bindings().len());
        for binding in Keymap::default().bindings() {
            for key in &binding.keys {
                assert_eq!(Key::parse(&key.name()), Ok(*key), "{key:?}");
            }
        }
        assert_eq!(Key::parse("ctrl-C"), Ok(Key::Ctrl('c')));
        assert_eq!(Key::parse("PageDown"), Ok(Key::PageDown));
        assert_eq!(Key::parse("space"), Ok(Key::Char(' ')));
        assert!(Key::parse("ctrl-").is_err());
        assert!(Key::parse("hyper-x").unwrap_err().contains("ctrl-<letter>"));
    }

    #[test]
    fn help_is_grouped_and_covers_every_binding() {
        let groups = Keymap::default().help_groups();
        let names: Vec<&str> = groups.iter().map(|(g, _)| *g).collect();
        let mut expected: Vec<&str> = HelpGroup::ORDER.iter().map(|g| g.title()).collect();
        expected.push(PALETTE_GROUP);
        assert_eq!(names, expected);
        let total: usize = groups.iter().map(|(_, l)| l.len()).sum();
        assert_eq!(total, ACTIONS.len() + PALETTE_HELP.len());
        // `:run NAME k=v` is documented where people look for keys.
        let palette = &groups[groups.len() - 1].1;
        assert!(
            palette
                .iter()
                .any(|(command, _)| command == "run NAME k=v …")
        );
    }
}
