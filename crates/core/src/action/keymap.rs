//! The keymap as a value: the default bindings with the config's `[keys]` overrides, the
//! stable names actions and keys have in the config file, and the grouped help it generates.

use std::fmt;

use super::{Action, KEYMAP, Key};
use crate::model::View;

/// One action's keys in a keymap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBinding {
    pub keys: Vec<Key>,
    pub action: Action,
    pub help: &'static str,
}

/// Keys to actions, in help order. `Default` is [`KEYMAP`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<KeyBinding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: KEYMAP
                .iter()
                .map(|b| KeyBinding {
                    keys: b.keys.to_vec(),
                    action: b.action,
                    help: b.help,
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
        let mut groups: Vec<(&'static str, Vec<(String, &'static str)>)> =
            GROUPS.iter().map(|g| (*g, Vec::new())).collect();
        for (binding, line) in self.bindings.iter().zip(lines) {
            let group = binding.action.group();
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

const GROUPS: [&str; 9] = [
    "Screens",
    "Lists (overview, services, pods, alerts)",
    "Filter and palette",
    "Services screen",
    "Pods screen",
    "Alerts screen",
    "SLOs screen",
    "Workloads screen",
    "General",
];

impl Action {
    /// Every action a keymap can bind, in help order.
    pub const ALL: [Action; 35] = [
        Action::ShowView(View::Overview),
        Action::ShowView(View::Services),
        Action::ShowView(View::Pods),
        Action::ShowView(View::Alerts),
        Action::ShowView(View::Slos),
        Action::ShowView(View::Workloads),
        Action::NextView,
        Action::PreviousView,
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::FocusNext,
        Action::Filter,
        Action::Palette,
        Action::ChartRangeNext,
        Action::ChartRangePrevious,
        Action::SortNext,
        Action::SortReverse,
        Action::ToggleDescribe,
        Action::ToggleMetrics,
        Action::Silence,
        Action::ExpireSilence,
        Action::RunSuggested,
        Action::Scale,
        Action::Rollback,
        Action::Promote,
        Action::ToggleSla,
        Action::SloNextCluster,
        Action::ShowRun,
        Action::ToggleHelp,
        Action::Close,
        Action::Quit,
    ];

    /// The action's stable name in the config's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            Action::ShowView(View::Overview) => "overview",
            Action::ShowView(View::Services) => "services",
            Action::ShowView(View::Pods) => "pods",
            Action::ShowView(View::Alerts) => "alerts",
            Action::ShowView(View::Slos) => "slos",
            Action::ShowView(View::Workloads) => "workloads",
            Action::NextView => "next-screen",
            Action::PreviousView => "previous-screen",
            Action::Quit => "quit",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page-up",
            Action::PageDown => "page-down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::FocusNext => "switch-pane",
            Action::ToggleHelp => "help",
            Action::Close => "close",
            Action::Filter => "filter",
            Action::Palette => "palette",
            Action::ChartRangeNext => "chart-range-next",
            Action::ChartRangePrevious => "chart-range-previous",
            Action::SortNext => "sort-next",
            Action::SortReverse => "sort-reverse",
            Action::ToggleDescribe => "describe",
            Action::ToggleMetrics => "pod-metrics",
            Action::Silence => "silence",
            Action::ExpireSilence => "expire-silence",
            Action::ToggleSla => "sla-helper",
            Action::SloNextCluster => "slo-next-cluster",
            Action::ShowRun => "run-panel",
            Action::Scale => "scale",
            Action::Rollback => "rollback",
            Action::Promote => "promote",
            Action::RunSuggested => "run-suggested-runbook",
        }
    }

    /// The action named `name` in a `[keys]` table.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Every valid name, for error messages and the docs.
    pub fn names() -> Vec<&'static str> {
        Action::ALL.iter().map(|a| a.name()).collect()
    }

    fn group(self) -> &'static str {
        match self {
            Action::ShowView(_) | Action::NextView | Action::PreviousView => GROUPS[0],
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::FocusNext => GROUPS[1],
            Action::Filter | Action::Palette => GROUPS[2],
            Action::ChartRangeNext | Action::ChartRangePrevious => GROUPS[3],
            Action::SortNext
            | Action::SortReverse
            | Action::ToggleDescribe
            | Action::ToggleMetrics => GROUPS[4],
            Action::Silence | Action::ExpireSilence | Action::RunSuggested => GROUPS[5],
            Action::ToggleSla | Action::SloNextCluster => GROUPS[6],
            Action::Scale | Action::Rollback | Action::Promote => GROUPS[7],
            Action::ShowRun | Action::ToggleHelp | Action::Close | Action::Quit => GROUPS[8],
        }
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
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(action));
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
        let mut expected = GROUPS.to_vec();
        expected.push(PALETTE_GROUP);
        assert_eq!(names, expected);
        let total: usize = groups.iter().map(|(_, l)| l.len()).sum();
        assert_eq!(total, KEYMAP.len() + PALETTE_HELP.len());
        // `:run NAME k=v` is documented where people look for keys.
        let palette = &groups[groups.len() - 1].1;
        assert!(
            palette
                .iter()
                .any(|(command, _)| command == "run NAME k=v …")
        );
    }
}
