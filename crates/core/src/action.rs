//! What the user can ask for (`Action`), declared once in [`ACTIONS`] (name, help group,
//! default keys, help text); the keymap, the `?` help screen, the config's `[keys]` names and
//! README's key table are all generated from it. [`Keymap`] (in `action/keymap.rs`) is
//! the keymap as a value: these defaults with the config's `[keys]` overrides.

mod keymap;

pub use keymap::{KEY_NAMES_HELP, KeyBinding, Keymap, KeymapConflict};

use crate::screen::View;

/// A user intent, independent of the key that expressed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Jump to a screen.
    ShowView(View),
    NextView,
    PreviousView,
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Move the focus to the screen's next pane (overview: pods / alerts; workloads:
    /// workloads / databases).
    FocusNext,
    ToggleHelp,
    /// Open the silence form for the selected alert.
    Silence,
    /// Expire the silence that mutes the selected alert (asks first).
    ExpireSilence,
    /// Close an overlay (help), or clear the current list's filter.
    Close,
    /// Open the `/` filter of the current list.
    Filter,
    /// Open the `:` command palette.
    Palette,
    /// Services: the chart's next (longer) time range, 15m → 1h → 6h → 24h.
    ChartRangeNext,
    /// Services: the chart's previous (shorter) time range.
    ChartRangePrevious,
    /// Pods: sort on the next column.
    SortNext,
    /// Pods: reverse the sort direction.
    SortReverse,
    /// Pods: open or close the describe panel of the selected pod.
    ToggleDescribe,
    /// Pods: open or close the selected pod's live `/metrics` panel.
    ToggleMetrics,
    /// Open or close the SLA helper (allowed downtime, latency objectives).
    ToggleSla,
    /// SLO detail of a fleet SLO: chart the next cluster.
    SloNextCluster,
    /// Show the runbook run panel again (Esc hides it while the run goes on).
    ShowRun,
    /// Workloads and Pods: scale the selected workload (asks the replica count).
    Scale,
    /// Workloads: roll the selected Deployment back (asks the revision).
    Rollback,
    /// Workloads: promote the selected replica database.
    Promote,
    /// Alerts: choose among the selected alert's suggested runbooks (best first), then fill
    /// in the parameter form prefilled from its labels.
    RunSuggested,
}

/// A key as the keymap names it, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Tab,
    BackTab,
    Esc,
    Enter,
    Backspace,
    Delete,
    Left,
    Right,
}

impl Key {
    /// How the help screen writes the key.
    pub fn label(self) -> String {
        match self {
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Up => "↑".to_string(),
            Key::Down => "↓".to_string(),
            Key::PageUp => "PgUp".to_string(),
            Key::PageDown => "PgDn".to_string(),
            Key::Home => "Home".to_string(),
            Key::End => "End".to_string(),
            Key::Tab => "Tab".to_string(),
            Key::BackTab => "Shift-Tab".to_string(),
            Key::Esc => "Esc".to_string(),
            Key::Enter => "Enter".to_string(),
            Key::Backspace => "Backspace".to_string(),
            Key::Delete => "Del".to_string(),
            Key::Left => "←".to_string(),
            Key::Right => "→".to_string(),
        }
    }
}

/// Where an action is listed in the `?` help (and README's key table), in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpGroup {
    Screens,
    Lists,
    FilterAndPalette,
    Services,
    Pods,
    Alerts,
    Slos,
    Workloads,
    General,
}

impl HelpGroup {
    pub const ORDER: [HelpGroup; 9] = [
        HelpGroup::Screens,
        HelpGroup::Lists,
        HelpGroup::FilterAndPalette,
        HelpGroup::Services,
        HelpGroup::Pods,
        HelpGroup::Alerts,
        HelpGroup::Slos,
        HelpGroup::Workloads,
        HelpGroup::General,
    ];

    /// The heading in the `?` help.
    pub fn title(self) -> &'static str {
        match self {
            HelpGroup::Screens => "Screens",
            HelpGroup::Lists => "Lists (overview, services, pods, alerts)",
            HelpGroup::FilterAndPalette => "Filter and palette",
            HelpGroup::Services => "Services screen",
            HelpGroup::Pods => "Pods screen",
            HelpGroup::Alerts => "Alerts screen",
            HelpGroup::Slos => "SLOs screen",
            HelpGroup::Workloads => "Workloads screen",
            HelpGroup::General => "General",
        }
    }
}

/// Everything about one action, declared once: its stable name in the config's `[keys]`
/// table, its help group, its default keys and its help text. The keymap, the `?` help, the
/// config's `[keys]` names and README's key table all come from [`ACTIONS`].
#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    pub action: Action,
    pub name: &'static str,
    pub group: HelpGroup,
    pub keys: &'static [Key],
    pub help: &'static str,
}

/// Every action a key can be bound to. Order is the help screen's order (within a group).
pub const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        action: Action::ShowView(View::Overview),
        name: "overview",
        group: HelpGroup::Screens,
        keys: &[Key::Char('1')],
        help: "overview",
    },
    ActionSpec {
        action: Action::ShowView(View::Services),
        name: "services",
        group: HelpGroup::Screens,
        keys: &[Key::Char('2')],
        help: "services",
    },
    ActionSpec {
        action: Action::ShowView(View::Pods),
        name: "pods",
        group: HelpGroup::Screens,
        keys: &[Key::Char('3')],
        help: "pods",
    },
    ActionSpec {
        action: Action::ShowView(View::Alerts),
        name: "alerts",
        group: HelpGroup::Screens,
        keys: &[Key::Char('4')],
        help: "alerts",
    },
    ActionSpec {
        action: Action::ShowView(View::Slos),
        name: "slos",
        group: HelpGroup::Screens,
        keys: &[Key::Char('5')],
        help: "SLOs: error budgets and burn rates",
    },
    ActionSpec {
        action: Action::ShowView(View::Workloads),
        name: "workloads",
        group: HelpGroup::Screens,
        keys: &[Key::Char('6')],
        help: "workloads and databases",
    },
    ActionSpec {
        action: Action::NextView,
        name: "next-screen",
        group: HelpGroup::Screens,
        keys: &[Key::Tab],
        help: "next screen",
    },
    ActionSpec {
        action: Action::PreviousView,
        name: "previous-screen",
        group: HelpGroup::Screens,
        keys: &[Key::BackTab],
        help: "previous screen",
    },
    ActionSpec {
        action: Action::Down,
        name: "down",
        group: HelpGroup::Lists,
        keys: &[Key::Char('j'), Key::Down],
        help: "next row",
    },
    ActionSpec {
        action: Action::Up,
        name: "up",
        group: HelpGroup::Lists,
        keys: &[Key::Char('k'), Key::Up],
        help: "previous row",
    },
    ActionSpec {
        action: Action::PageDown,
        name: "page-down",
        group: HelpGroup::Lists,
        keys: &[Key::PageDown, Key::Ctrl('d')],
        help: "page down",
    },
    ActionSpec {
        action: Action::PageUp,
        name: "page-up",
        group: HelpGroup::Lists,
        keys: &[Key::PageUp, Key::Ctrl('u')],
        help: "page up",
    },
    ActionSpec {
        action: Action::Top,
        name: "top",
        group: HelpGroup::Lists,
        keys: &[Key::Char('g'), Key::Home],
        help: "first row",
    },
    ActionSpec {
        action: Action::Bottom,
        name: "bottom",
        group: HelpGroup::Lists,
        keys: &[Key::Char('G'), Key::End],
        help: "last row",
    },
    ActionSpec {
        action: Action::FocusNext,
        name: "switch-pane",
        group: HelpGroup::Lists,
        keys: &[Key::Ctrl('w')],
        help: "next pane (overview: pods / alerts; workloads / databases)",
    },
    ActionSpec {
        action: Action::Silence,
        name: "silence",
        group: HelpGroup::Alerts,
        keys: &[Key::Char('S')],
        help: "alerts: silence the selected alert",
    },
    ActionSpec {
        action: Action::ExpireSilence,
        name: "expire-silence",
        group: HelpGroup::Alerts,
        keys: &[Key::Char('E')],
        help: "alerts: expire the selected alert's silence",
    },
    ActionSpec {
        action: Action::RunSuggested,
        name: "run-suggested-runbook",
        group: HelpGroup::Alerts,
        keys: &[Key::Char('b')],
        help: "alerts: the alert's runbooks, best first; Enter opens the prefilled form",
    },
    ActionSpec {
        action: Action::Scale,
        name: "scale",
        group: HelpGroup::Workloads,
        keys: &[Key::Char('x')],
        help: "workloads, pods: scale the selected workload",
    },
    ActionSpec {
        action: Action::Rollback,
        name: "rollback",
        group: HelpGroup::Workloads,
        keys: &[Key::Char('u')],
        help: "workloads: roll back a deployment (revision history)",
    },
    ActionSpec {
        action: Action::Promote,
        name: "promote",
        group: HelpGroup::Workloads,
        keys: &[Key::Char('P')],
        help: "workloads: promote the selected replica database",
    },
    ActionSpec {
        action: Action::Filter,
        name: "filter",
        group: HelpGroup::FilterAndPalette,
        keys: &[Key::Char('/')],
        help: "filter the list (ns:x status:y !z)",
    },
    ActionSpec {
        action: Action::Palette,
        name: "palette",
        group: HelpGroup::FilterAndPalette,
        keys: &[Key::Char(':')],
        help: "command palette",
    },
    ActionSpec {
        action: Action::ChartRangeNext,
        name: "chart-range-next",
        group: HelpGroup::Services,
        keys: &[Key::Char('r')],
        help: "services: longer chart range (15m, 1h, 6h, 24h)",
    },
    ActionSpec {
        action: Action::ChartRangePrevious,
        name: "chart-range-previous",
        group: HelpGroup::Services,
        keys: &[Key::Char('R')],
        help: "services: shorter chart range",
    },
    ActionSpec {
        action: Action::SortNext,
        name: "sort-next",
        group: HelpGroup::Pods,
        keys: &[Key::Char('s')],
        help: "pods, workloads: sort by next column; services: errors, p99, rate",
    },
    ActionSpec {
        action: Action::SortReverse,
        name: "sort-reverse",
        group: HelpGroup::Pods,
        keys: &[Key::Char('o')],
        help: "pods, workloads: reverse sort",
    },
    ActionSpec {
        action: Action::ToggleDescribe,
        name: "describe",
        group: HelpGroup::Pods,
        keys: &[Key::Enter],
        help: "pods: describe selected pod; SLOs: open the detail",
    },
    ActionSpec {
        action: Action::ToggleMetrics,
        name: "pod-metrics",
        group: HelpGroup::Pods,
        keys: &[Key::Char('m')],
        help: "pods: live /metrics of selected pod",
    },
    ActionSpec {
        action: Action::ToggleSla,
        name: "sla-helper",
        group: HelpGroup::Slos,
        keys: &[Key::Char('a')],
        help: "SLA helper: allowed downtime, latency objectives",
    },
    ActionSpec {
        action: Action::SloNextCluster,
        name: "slo-next-cluster",
        group: HelpGroup::Slos,
        keys: &[Key::Char('c')],
        help: "SLO detail (fleet SLO): chart the next cluster",
    },
    ActionSpec {
        action: Action::ShowRun,
        name: "run-panel",
        group: HelpGroup::General,
        keys: &[Key::Char('W')],
        help: "show the runbook run (Esc in it hides it, the run goes on)",
    },
    ActionSpec {
        action: Action::ToggleHelp,
        name: "help",
        group: HelpGroup::General,
        keys: &[Key::Char('?')],
        help: "toggle this help",
    },
    ActionSpec {
        action: Action::Close,
        name: "close",
        group: HelpGroup::General,
        keys: &[Key::Esc],
        help: "close help / panel / detail, clear filter",
    },
    ActionSpec {
        action: Action::Quit,
        name: "quit",
        group: HelpGroup::General,
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        help: "quit",
    },
];

/// The declaration of `action` (every action has one; a test checks it).
pub fn spec(action: Action) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|s| s.action == action)
}

/// README's key table: every action's default keys, what it does, and its `[keys]` name,
/// grouped as the `?` help groups them.
pub fn markdown_table() -> String {
    let mut out = String::from("| keys | action | `[keys]` name |\n|---|---|---|\n");
    for group in HelpGroup::ORDER {
        for spec in ACTIONS.iter().filter(|s| s.group == group) {
            let keys: Vec<String> = spec
                .keys
                .iter()
                .map(|k| format!("`{}`", k.label()))
                .collect();
            let help = spec.help.replace('|', "\\|");
            out.push_str(&format!(
                "| {} | {} | `{}` |\n",
                keys.join(" / "),
                help,
                spec.name
            ));
        }
    }
    out
}

/// The action bound to `key` in the default keymap, if any.
pub fn action_for(key: Key) -> Option<Action> {
    Keymap::default().action_for(key)
}

/// The default keymap's help lines (see [`Keymap::help_lines`]).
pub fn help_lines() -> Vec<(String, &'static str)> {
    Keymap::default().help_lines()
}

/// The first key bound to `action` in the default keymap.
pub fn first_key(action: Action) -> Option<Key> {
    Keymap::default().first_key(action)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn keymap_has_no_duplicate_keys() {
        let mut seen = HashSet::new();
        for spec in ACTIONS {
            for key in spec.keys {
                assert!(seen.insert(*key), "{key:?} bound twice");
            }
        }
    }

    #[test]
    fn keymap_binds_required_keys() {
        assert_eq!(action_for(Key::Char('q')), Some(Action::Quit));
        assert_eq!(action_for(Key::Ctrl('c')), Some(Action::Quit));
        assert_eq!(action_for(Key::Char('?')), Some(Action::ToggleHelp));
        assert_eq!(action_for(Key::Char('j')), Some(Action::Down));
        assert_eq!(action_for(Key::Down), Some(Action::Down));
        assert_eq!(action_for(Key::Char('k')), Some(Action::Up));
        assert_eq!(action_for(Key::PageDown), Some(Action::PageDown));
        assert_eq!(action_for(Key::PageUp), Some(Action::PageUp));
        assert_eq!(action_for(Key::Char('g')), Some(Action::Top));
        assert_eq!(action_for(Key::Char('G')), Some(Action::Bottom));
        assert_eq!(action_for(Key::Char('x')), Some(Action::Scale));
        assert_eq!(
            action_for(Key::Char('6')),
            Some(Action::ShowView(View::Workloads))
        );
        assert_eq!(action_for(Key::Char('z')), None);
    }

    #[test]
    fn every_action_is_declared_once() {
        let mut names = HashSet::new();
        for declared in ACTIONS {
            assert!(
                names.insert(declared.name),
                "{} declared twice",
                declared.name
            );
            assert_eq!(spec(declared.action).map(|s| s.name), Some(declared.name));
        }
        for view in View::ALL {
            assert!(spec(Action::ShowView(view)).is_some(), "{view:?}");
        }
    }

    #[test]
    fn readme_key_table_is_the_action_table() {
        let readme = include_str!("../../../README.md");
        let begin = "<!-- keys: generated from ACTIONS in crates/core/src/action.rs -->\n";
        let end = "<!-- /keys -->";
        let table = readme
            .split_once(begin)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(table, _)| table);
        assert_eq!(
            table,
            Some(markdown_table().as_str()),
            "README.md's key table differs from ACTIONS; paste this between the markers:\n{}",
            markdown_table()
        );
    }

    #[test]
    fn help_is_generated_from_keymap() {
        let lines = help_lines();
        assert_eq!(lines.len(), ACTIONS.len());
        assert!(lines.contains(&("q / Ctrl-C".to_string(), "quit")));
        assert_eq!(first_key(Action::ToggleHelp), Some(Key::Char('?')));
    }
}
